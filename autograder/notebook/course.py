"""The nbgrader course: releasing the learner version and opening JupyterLab on it.

``open_lab`` gives the learner what a course server would: the assignment is
released to a local nbgrader exchange and fetched into a learner workspace, so
nbgrader's lab extension (Assignments list, Validate, Submit) works as it does
for a class. The workspace is created once and never overwritten: a second
``make lab`` opens the learner's work where they left it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import AutograderError, UnusableInput
from ..notebook_paths import ASSIGNMENT, default_course_dir

EXCHANGE_DIR = "exchange"  # inside the course folder: nbgrader's exchange for this machine
WORKSPACE_DIR = "learner"  # inside the course folder: what JupyterLab opens
COURSE_ID = "identify-lab"  # as in notebooks/nbgrader_config.py


@dataclass(frozen=True)
class LabWorkspace:
    root: Path  # JupyterLab's root folder
    notebook: Path  # the learner's notebook in it
    exchange: Path

    @property
    def notebook_url_path(self) -> str:
        return "/lab/tree/" + self.notebook.relative_to(self.root).as_posix()


def _course(course_dir: str | Path | None) -> Path:
    course = Path(course_dir) if course_dir else default_course_dir()
    if not (course / "source" / ASSIGNMENT).is_dir():
        raise UnusableInput(f"{course}: no source/{ASSIGNMENT}/ here; give the nbgrader course folder")
    return course.resolve()


def _api(course: Path, exchange: Path | None = None):
    from ..grading.gradebook import course_api, put_tools_on_path

    put_tools_on_path()
    api = course_api(course)
    if exchange is not None:
        api.config.Exchange.root = str(exchange)
        api.config.ExchangeReleaseAssignment.force = True  # a new release replaces the last one
        api.coursedir.course_id = COURSE_ID
    return api


def _failed(outcome: dict, what: str) -> AutograderError:
    detail = (outcome.get("error") or outcome.get("log") or "").strip().splitlines()
    return AutograderError(f"nbgrader {what} failed: {detail[-1] if detail else 'no details'}")


def release_course(*, course_dir: str | Path | None = None) -> Path:
    """Run ``nbgrader generate_assignment``; return the learner version's folder."""
    course = _course(course_dir)
    outcome = _api(course).generate_assignment(ASSIGNMENT, force=True, create=True)
    if not outcome.get("success"):
        raise _failed(outcome, "generate_assignment")
    return course / "release" / ASSIGNMENT


def _learner_config(exchange: Path) -> str:
    # Read by nbgrader's lab extension from JupyterLab's root folder.
    return ("# Written by `autograder lab`: the learner side of the local nbgrader exchange.\n"
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.Exchange.root = {str(exchange)!r}\n")


def prepare_lab(*, course_dir: str | Path | None = None) -> LabWorkspace:
    """Release the assignment to the local exchange and fetch it into the learner
    workspace, unless the learner already has it there."""
    course = _course(course_dir)
    release = release_course(course_dir=course)
    exchange, root = course / EXCHANGE_DIR, course / WORKSPACE_DIR
    api = _api(course, exchange)
    outcome = api.release_assignment(ASSIGNMENT)
    if not outcome.get("success"):
        raise _failed(outcome, "release_assignment")
    root.mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(_learner_config(exchange), encoding="utf-8")
    fetched = root / ASSIGNMENT
    if not fetched.exists():
        # What the Assignments tab's "Fetch" does (nbgrader fetch_assignment), without a second nbgrader run.
        shutil.copytree(release, fetched, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return LabWorkspace(root=root, notebook=fetched / f"{ASSIGNMENT}.ipynb", exchange=exchange)


def lab_command(workspace: LabWorkspace, *, port: int, token: str | None = None, open_browser: bool = False) -> list[str]:
    """The ``jupyter lab`` command line for a workspace."""
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--port={port}", "--ip=127.0.0.1",
           f"--ServerApp.root_dir={workspace.root}", f"--LabApp.default_url={workspace.notebook_url_path}"]
    if not open_browser:
        cmd.append("--no-browser")
    if token is not None:
        cmd.append(f"--IdentityProvider.token={token}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def lab_env() -> dict[str, str]:
    """The kernel must find our Python's tools (nbgrader, jupyter) from an unactivated venv."""
    tools = os.path.dirname(sys.executable)
    return dict(os.environ, PATH=tools + os.pathsep + os.environ.get("PATH", ""))


def open_lab(*, course_dir: str | Path | None = None, port: int = 8888) -> int:
    """JupyterLab 4 on the learner's workspace (prepared first), until Ctrl-C."""
    workspace = prepare_lab(course_dir=course_dir)
    try:
        return subprocess.call(lab_command(workspace, port=port), env=lab_env(), cwd=workspace.root)
    except KeyboardInterrupt:
        return 0
