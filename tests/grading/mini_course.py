"""A small nbgrader course built in memory: one snippet cell judged by the
trusted browser checks, one Python exercise with visible and hidden tests."""

from __future__ import annotations

from pathlib import Path

import nbformat

ASSIGNMENT = "mini"
SETUP = '''from IPython.core.magic import register_cell_magic
from autograder.grading.trusted import kernel_report
from autograder.snippet import clean_snippet
SNIPPET = None

@register_cell_magic
def identify_snippet(line, cell):
    global SNIPPET
    SNIPPET = clean_snippet(cell)'''
SNIPPET_CELL = '''%%identify_snippet
### BEGIN SOLUTION
if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }
### END SOLUTION'''
CHECK_TEST = '''report = kernel_report(SNIPPET, 7)
assert report is not None, "run the snippet cell first"
assert report.result("identify-after-login").passed, report.result("identify-after-login").message'''
EXERCISE = '''def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION'''
EXERCISE_TEST = '''assert double(2) == 4
### BEGIN HIDDEN TESTS
assert double(-3) == -6, "negative numbers double too"
### END HIDDEN TESTS'''


def _cell(source: str, *, grade_id: str, solution=False, grade=False, locked=False, points=None):
    cell = nbformat.v4.new_code_cell(source)
    meta = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": locked, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    return cell


def source_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        _cell(SETUP, grade_id="setup", locked=True),
        _cell(SNIPPET_CELL, grade_id="identify_snippet", solution=True),
        _cell(CHECK_TEST, grade_id="test_identify_after_login", grade=True, locked=True, points=4),
        _cell(EXERCISE, grade_id="double", solution=True),
        _cell(EXERCISE_TEST, grade_id="test_double", grade=True, locked=True, points=2),
    ]
    return nb


def make_course(root: Path) -> Path:
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(source_notebook(), str(root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    (root / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'mini'\n")
    return root


def learner_notebook(snippet: str | None = None, double_body: str | None = None) -> nbformat.NotebookNode:
    """The source notebook as a learner would hand it in (solutions replaced)."""
    nb = source_notebook()
    if snippet is not None:
        nb.cells[1].source = f"%%identify_snippet\n{snippet}"
    if double_body is not None:
        nb.cells[3].source = f"def double(x):\n    {double_body}"
    for cell in nb.cells:
        cell.source = cell.source.replace("### BEGIN HIDDEN TESTS\n", "").replace("### END HIDDEN TESTS", "")
    nb.cells[4].source = "assert double(2) == 4"
    return nb
