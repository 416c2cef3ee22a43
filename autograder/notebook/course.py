"""The nbgrader course: releasing the learner version and opening JupyterLab on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..errors import AutograderError, UnusableInput
from ..notebook_paths import ASSIGNMENT, default_course_dir


def _course(course_dir: str | Path | None) -> Path:
    course = Path(course_dir) if course_dir else default_course_dir()
    if not (course / "source" / ASSIGNMENT).is_dir():
        raise UnusableInput(f"{course}: no source/{ASSIGNMENT}/ here; give the nbgrader course folder")
    return course.resolve()


def release_course(*, course_dir: str | Path | None = None) -> Path:
    """Run ``nbgrader generate_assignment``; return the learner version's folder."""
    from ..grading.gradebook import course_api, put_tools_on_path

    course = _course(course_dir)
    put_tools_on_path()
    outcome = course_api(course).generate_assignment(ASSIGNMENT, force=True, create=True)
    if not outcome.get("success"):
        raise AutograderError(f"nbgrader generate_assignment failed: {(outcome.get('error') or '')[-400:]}")
    return course / "release" / ASSIGNMENT


def open_lab(*, course_dir: str | Path | None = None, port: int = 8888) -> int:
    """JupyterLab 4 on the learner version (released first), until Ctrl-C."""
    release = release_course(course_dir=course_dir)
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    cmd = [sys.executable, "-m", "jupyter", "lab", f"--port={port}", "--no-browser", f"--notebook-dir={release}",
           f"--LabApp.default_url=/lab/tree/{ASSIGNMENT}.ipynb"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    try:
        return subprocess.call(cmd, env=env)
    except KeyboardInterrupt:
        return 0
