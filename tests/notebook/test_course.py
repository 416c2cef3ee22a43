"""The course notebook as a file and under nbgrader and nbclient: its layout is the
grader's contract, the release hides answers and hidden tests, the instructor
version earns full marks and an unanswered one zero, and it runs headless."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbgrader.api import Gradebook

from autograder.checks import CHECKS
from autograder.notebook.course import release_course
from autograder.notebook_paths import ASSIGNMENT
from autograder.snippet import UnansweredSnippet, snippet_from_notebook

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "notebooks" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
SOLUTION_TEXT = ["_kmq.push(['clearIdentity']);\n}", "return unquote(value) if value else None",
                 'best_identifier = "b"']
HIDDEN_TEXT = ["BEGIN HIDDEN TESTS", "seed=1913", "decode %2F too", "an alias cannot be undone"]


def load_generator():
    sys.path.insert(0, str(REPO / "notebooks"))
    try:
        import build_notebook
    finally:
        sys.path.pop(0)
    return build_notebook


def graded_cells(nb: dict) -> dict[str, dict]:
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade_id")}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "exchange", "learner"))
    release_course(course_dir=root)
    return root


def released(course) -> str:
    return (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8")


def test_committed_notebook_is_what_the_generator_makes():
    """Edit notebooks/build_notebook.py, then run it: the .ipynb is never edited by hand."""
    assert nbformat.writes(load_generator().build()) + "\n" == SOURCE.read_text(encoding="utf-8")


def test_generator_points_and_seeds_are_the_catalogues_and_the_graders():
    from autograder.grading.batch import DEFAULT_SEEDS

    generator = load_generator()
    assert generator.CHECK_POINTS == [(c.id, c.points, c.bonus) for c in CHECKS]
    assert (generator.VISIBLE_SEED, generator.HIDDEN_SEED) == DEFAULT_SEEDS


def test_layout_is_the_graders_contract():
    nb = nbformat.read(str(SOURCE), as_version=4)
    assert (nb["nbformat"], nb["nbformat_minor"]) == (4, 5) and nb["metadata"]["kernelspec"]["name"] == "python3"
    ids = [c["id"] for c in nb["cells"]]
    assert len(ids) == len(set(ids))
    cells = graded_cells(nb)
    snippet = cells["identify_snippet"]
    assert snippet["metadata"]["nbgrader"] == {"solution": True, "grade": False, "locked": False,
                                               "grade_id": "identify_snippet", "schema_version": 3}
    assert snippet["source"].startswith("%%identify_snippet\n### BEGIN SOLUTION\n")
    assert "%load_ext autograder.notebook" in cells["setup"]["source"]
    for check in CHECKS:
        meta = cells["test_" + check.id.replace("-", "_")]["metadata"]["nbgrader"]
        assert meta == {"grade": True, "solution": False, "locked": True, "points": check.points,
                        "grade_id": meta["grade_id"], "schema_version": 3}
    points = {gid: c["metadata"]["nbgrader"].get("points", 0) for gid, c in cells.items()
              if c["metadata"]["nbgrader"]["grade"]}
    assert (points["test_person_id_visible"], points["test_person_id_hidden"]) == (2, 4)
    quiz = {gid: p for gid, p in points.items() if gid.startswith("test_quiz")}
    assert quiz == {"test_quiz": 1, "test_quiz_undo": 1, "test_quiz_cookie": 0.5, "test_quiz_identifier": 1,
                    "test_quiz_account": 0.5}  # each answer its own points, 4 in all
    bonus = points.pop("test_canonical_email") + points.pop("test_shared_computer")
    assert sum(points.values()) == 30 and bonus == 4
    for grade_id in ("person_id", "quiz"):
        assert cells[grade_id]["metadata"]["nbgrader"]["solution"] is True
    unlocked = {gid for gid, c in cells.items() if not c["metadata"]["nbgrader"]["locked"]}
    assert unlocked == {"identify_snippet", "person_id", "quiz"}


def test_release_has_no_solutions_and_no_hidden_tests(course):
    text = released(course)
    for secret in SOLUTION_TEXT + HIDDEN_TEXT:
        assert secret not in text, secret
    assert text.count("raise NotImplementedError()") == 3  # snippet, person_id, quiz
    with pytest.raises(UnansweredSnippet):
        snippet_from_notebook(json.loads(text))
    cells = graded_cells(nbformat.reads(text, as_version=4))
    assert cells["identify_snippet"]["source"].startswith("%%identify_snippet\n")
    assert 'assert_check("identify-after-login", seed=7)' in cells["test_identify_after_login"]["source"]


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
    blank = json.loads((course / "autograded" / "blank" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    errors = {c["metadata"]["nbgrader"]["grade_id"]: o["ename"] for c in blank["cells"]
              for o in c.get("outputs", []) if o.get("output_type") == "error" and "nbgrader" in c["metadata"]}
    assert errors["identify_snippet"] == "SnippetNotWritten"  # a message, not a crash inside the library
    assert errors["test_identify_after_login"] == "SnippetNotRun"


@pytest.mark.browser
@pytest.mark.slow
def test_instructor_notebook_runs_headless_under_nbclient(tmp_path):
    """Widgets, the IFrame, the visits, the crowd picture: nothing breaks execution without a front end."""
    nb = nbformat.read(str(SOURCE), as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [(c.id, o.get("ename")) for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []
    outputs = {c.id: json.dumps(c.get("outputs", []), ensure_ascii=False) for c in nb.cells}  # ✘ as itself
    assert "Stored your snippet" in outputs["identify_snippet"]
    assert "image/png" in outputs["crowd"]
    assert "application/vnd.jupyter.widget-view+json" in outputs["check_button"]
    assert "<iframe" in outputs["live_view"]
    assert "the cookie remembers" in outputs["scripted_visit"]
    assert "✘" not in outputs["try_person_id"]
    assert "null" in outputs["show_logged_out_pattern"] and "✘" in outputs["show_logged_out_pattern"]
    assert "Customer ID" in outputs["show_why_email"] and "newsletter events" in outputs["show_why_email"]
    assert "image/png" in outputs["show_comeback"] and "fresh tracker" in outputs["show_comeback"]
    assert "KM is not defined" in outputs["show_reading_the_id"]
    assert "30 of 30 points" in outputs["summary"] and "Every test cell passed here" in outputs["summary"]
