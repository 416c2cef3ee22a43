"""Feedback pages show the learner's snippet beside its verdicts (as text), and every message
names the cell or check it is about, and, for a file that could not be graded, says what
happened and what to do."""

from __future__ import annotations

import nbformat

from autograder.grading.execute import TIMEOUT_ENAME
from autograder.grading.feedback import write_feedback
from autograder.grading.summary import summarize

from .hostile import ONERROR, SCRIPT
from .mini_course import learner_notebook
from .test_feedback import report

TIMEOUT = "did not finish within 10 s (a cell ran too long); points for what ran"


def graded(tmp_path, nb, *, reason="", failing=None) -> tuple[str, str]:
    path = tmp_path / "autograded.ipynb"
    nbformat.write(nb, str(path))
    cells = {"test_identify_after_login": [4.0, 4.0], "test_double": [0.0, 2.0]}
    result = {"learner": "ada", "graded": True, "reason": reason, "cells": cells, "autograded": str(path),
              "checks": {"7": report(failing or {})}}
    summary = summarize(result, list(cells), {k: v[1] for k, v in cells.items()})
    page = write_feedback(tmp_path / "feedback", summary, result).read_text(encoding="utf-8")
    return page, page[page.index("<body>"):]


def test_the_snippet_shows_beside_its_verdicts_escaped(tmp_path):
    snippet = f"_kmq.push(['identify', 'x']); // {SCRIPT}{ONERROR}"
    page, body = graded(tmp_path, learner_notebook(snippet, "return 2 * x"),
                        failing={"identified-by-email": "km_ai was 'x'"})
    assert 'class="snippet"' in body
    shown = body[body.index('class="snippet"'):]
    assert "_kmq.push([&#39;identify&#39;, &#39;x&#39;]);" in shown
    assert "&lt;script&gt;document.title" in shown and "<script>document.title" not in page
    assert body.index('class="snippet"') < body.index("km_ai was"), "the code, then what it did"


def test_a_timeout_names_the_cell_that_ran_too_long_and_the_cells_it_stopped(tmp_path):
    nb = learner_notebook(None, "while True: pass")
    for cell in nb.cells[3:]:  # as BoundedExecute leaves it: the running cell and every one after
        cell.outputs = [nbformat.v4.new_output("error", ename=TIMEOUT_ENAME, evalue="the notebook did not finish "
                                               "within 10 s", traceback=[])]
    _, body = graded(tmp_path, nb, reason=TIMEOUT)
    top = body[:body.index("<h2>")]
    assert "cell 4" in top and "double" in top and "10 s" in top, top
    parts = body[body.index("All graded parts"):]
    row = parts[parts.index("<code>test_double</code>"):].split("</tr>")[0]
    assert "did not run" in row and "double" in row, row


def test_an_unreadable_file_says_what_happened_and_what_to_do(tmp_path):
    result = {"learner": "bo", "graded": False, "cells": {}, "checks": {},
              "reason": "not a readable notebook (JSONDecodeError: Expecting value: line 1 column 1 (char 0))"}
    summary = summarize(result, [], {})
    page = write_feedback(tmp_path, summary, result).read_text(encoding="utf-8")
    assert "could not be read as a notebook" in page and "JupyterLab" in page and "hand it in again" in page
    assert "line 1 column 1" in page, "the details stay, for whoever helps"
