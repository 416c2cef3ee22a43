"""The course notebook under nbgrader and nbclient: the release hides answers and
hidden tests, the instructor version earns full marks, an unanswered one zero,
and the whole notebook runs headless."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.api import Gradebook

from autograder.notebook.course import release_course
from autograder.notebook_paths import ASSIGNMENT

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "notebooks" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
SOLUTION_TEXT = ["_kmq.push(['clearIdentity']);\n}", "return unquote(value) if value else None",
                 'best_identifier = "b"']
HIDDEN_TEXT = ["BEGIN HIDDEN TESTS", "seed=1913", "decode %2F too", "an alias cannot be undone"]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db"))
    release_course(course_dir=root)
    return root


def released(course) -> str:
    return (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")


def test_committed_notebook_is_what_the_generator_makes(tmp_path):
    sys.path.insert(0, str(REPO / "notebooks"))
    try:
        import build_notebook
    finally:
        sys.path.pop(0)
    assert nbformat.writes(build_notebook.build()) == SOURCE.read_text(encoding="utf-8").rstrip("\n") + "\n" or \
        json.loads(nbformat.writes(build_notebook.build())) == json.loads(SOURCE.read_text(encoding="utf-8"))


def test_points_add_up_to_30_plus_4_bonus():
    nb = json.loads(SOURCE.read_text(encoding="utf-8"))
    points = {c["metadata"]["nbgrader"]["grade_id"]: c["metadata"]["nbgrader"].get("points", 0)
              for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")}
    bonus = points.pop("test_canonical_email") + points.pop("test_shared_computer")
    assert sum(points.values()) == 30 and bonus == 4


def test_release_has_no_solutions_and_no_hidden_tests(course):
    text = released(course)
    for secret in SOLUTION_TEXT + HIDDEN_TEXT:
        assert secret not in text, secret
    assert text.count("raise NotImplementedError()") == 3  # snippet, person_id, quiz
    assert "%%identify_snippet" in text


@pytest.mark.browser
@pytest.mark.slow
def test_nbgrader_autograde_full_marks_for_the_instructor_zero_for_unanswered(course):
    for learner, notebook in (("instructor", SOURCE.read_text(encoding="utf-8")), ("blank", released(course))):
        folder = course / "submitted" / learner / ASSIGNMENT
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_text(notebook, encoding="utf-8")
    tools = str(Path(sys.executable).parent)
    done = subprocess.run([str(Path(tools) / "nbgrader"), "autograde", ASSIGNMENT, "--force"], cwd=course,
                          capture_output=True, text=True, timeout=600,
                          env={"PATH": f"{tools}:/usr/bin:/bin", "HOME": str(Path.home())})
    assert done.returncode == 0, done.stderr[-3000:]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(ASSIGNMENT, "instructor").score == 34
        assert gb.find_submission(ASSIGNMENT, "blank").score == 0


@pytest.mark.browser
@pytest.mark.slow
def test_instructor_notebook_runs_headless_under_nbclient(tmp_path):
    """Widgets, the IFrame, the crowd picture: nothing breaks execution without a front end."""
    nb = nbformat.read(str(SOURCE), as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "Stored your snippet" in outputs
    assert "image/png" in outputs  # the crowd picture
    assert "application/vnd.jupyter.widget-view+json" in outputs  # Check my work, the inspector
