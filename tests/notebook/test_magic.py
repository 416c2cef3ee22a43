"""The %%identify_snippet cell: what learners can get wrong gets a message, not a traceback."""

import pytest
from IPython.testing.globalipapp import get_ipython

from autograder.notebook import grading, state
from autograder.notebook.magic import SnippetNotWritten, SnippetProblem, check_snippet

REFERENCE = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


def test_solution_markers_are_dropped():
    code, notes = check_snippet(f"### BEGIN SOLUTION\n{REFERENCE}\n### END SOLUTION\n")
    assert code == REFERENCE and notes == []


def test_unanswered_stub_says_what_to_write():
    with pytest.raises(SnippetNotWritten, match="in place of '# YOUR CODE HERE'"):
        check_snippet("# YOUR CODE HERE\nraise NotImplementedError()")


def test_script_tags_are_removed_with_a_note():
    code, notes = check_snippet(f"<script>\n{REFERENCE}\n</script>")
    assert code == REFERENCE and "removed the <script> tags" in notes[0]


@pytest.mark.parametrize("cell, message", [
    ("def identify(user):\n    print(user.email)", "looks like Python"),
    ("import kissmetrics\nprint('hi')", "looks like Python"),
    ("   \n", "holds no JavaScript"),
    ("x" * (65 * 1024), "over 64 KiB"),
])
def test_not_a_snippet(cell, message):
    with pytest.raises(SnippetProblem, match=message):
        check_snippet(cell)


def test_problems_render_as_one_line_in_ipython():
    lines = SnippetProblem("write your identify call")._render_traceback_()
    assert len(lines) == 1 and "write your identify call" in lines[0]


def test_magic_stores_the_snippet_for_the_checks():
    ip = get_ipython()
    ip.run_line_magic("load_ext", "autograder.notebook")
    ip.run_cell_magic("identify_snippet", "", f"<script>{REFERENCE}</script>")
    assert state.current() == REFERENCE


def test_checks_before_the_snippet_cell_say_run_it_first(monkeypatch):
    monkeypatch.setattr(state, "_snippet", None)
    with pytest.raises(state.SnippetNotRun, match="run the %%identify_snippet cell first"):
        grading.checklist(7)


def test_check_cells_share_one_report_per_seed(monkeypatch):
    calls = []

    class Fake:
        def result(self, check_id):
            return type("R", (), {"passed": check_id == "ok", "title": "T", "message": "hint"})()

    monkeypatch.setattr(state, "_snippet", "x")
    monkeypatch.setattr(grading, "_cache", {})
    monkeypatch.setattr(grading, "report_source", lambda snippet, seed: calls.append(seed) or Fake())
    grading.assert_check("ok", seed=7)
    with pytest.raises(AssertionError, match="T: hint"):
        grading.assert_check("bad", seed=7)
    grading.assert_check("ok", seed=8)
    assert calls == [7, 8]
