"""The %%identify_snippet cell: what learners can get wrong gets a message, not a traceback."""

import IPython
import pytest
from IPython.testing.globalipapp import start_ipython

from autograder.notebook import state
from autograder.notebook.guard import MissingMagic
from autograder.notebook.magic import (
    SnippetNotWritten,
    SnippetProblem,
    check_snippet,
    looks_like_python,
)

REFERENCE = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


@pytest.fixture
def ip(monkeypatch):
    shell = start_ipython() or IPython.get_ipython()  # the test shell starts once per process
    shell.run_line_magic("load_ext", "autograder.notebook")
    monkeypatch.setattr(state, "_snippet", None)
    return shell


def test_solution_markers_are_dropped():
    code, notes = check_snippet(f"### BEGIN SOLUTION\n{REFERENCE}\n### END SOLUTION\n")
    assert code == REFERENCE and notes == []


def test_unanswered_stub_says_what_to_write():
    with pytest.raises(SnippetNotWritten, match="in place of '# YOUR CODE HERE'"):
        check_snippet("# YOUR CODE HERE\nraise NotImplementedError()")


def test_unanswered_stub_is_a_not_implemented_error_for_nbgrader():
    """nbgrader and learners both know NotImplementedError as 'not answered yet'."""
    assert issubclass(SnippetNotWritten, NotImplementedError)


@pytest.mark.parametrize("cell", [f"<script>\n{REFERENCE}\n</script>",
                                  f"<script type='text/javascript'>{REFERENCE}</script>",
                                  f"<SCRIPT>{REFERENCE}</SCRIPT >"])
def test_script_tags_are_removed_with_a_note(cell):
    code, notes = check_snippet(cell)
    assert code == REFERENCE and "removed the <script> tags" in notes[0]


@pytest.mark.parametrize("cell, message", [
    ("def identify(user):\n    print(user.email)", "looks like Python"),
    ("import kissmetrics\nprint('hi')", "looks like Python"),
    ("if window.acme.customer:\n    _kmq.push(['identify', window.acme.customer.email])", "looks like Python"),
    ("print({'identify': 1})", "looks like Python"),
    ("<% if current_user %>\n_kmq.push(['identify', '<%= current_user.login %>'])\n<% end %>", "template code"),
    ("_kmq.push(['identify', '{{ user.email }}']);", "template code"),
    ("<script src='//i.kissmetrics.io/i.js'></script>", "remove the <script src=...> tag"),
    ("   \n", "holds no JavaScript"),
    ("x" * (65 * 1024), "over 64 KiB"),
])
def test_not_a_snippet(cell, message):
    with pytest.raises(SnippetProblem, match=message):
        check_snippet(cell)


@pytest.mark.parametrize("js", [
    REFERENCE,
    "_kmq.push(['identify', window.acme.customer.email])",  # valid Python too, but no Python-only shapes
    "const email = window.acme?.customer?.email;\nif (email) _kmq.push(['identify', email]);",
    "if (window.acme.justLoggedOut) {\n  _kmq.push(['clearIdentity']);\n}\nelse {\n}",
])
def test_javascript_is_not_taken_for_python(js):
    assert not looks_like_python(js)
    assert check_snippet(js)[0] == js


def test_problems_render_as_one_line_in_ipython():
    lines = SnippetProblem("write your identify call")._render_traceback_()
    assert len(lines) == 1 and "write your identify call" in lines[0]


def test_magic_stores_the_snippet_for_the_checks(ip):
    ip.run_cell_magic("identify_snippet", "", f"<script>{REFERENCE}</script>")
    assert state.current() == REFERENCE


def test_javascript_without_the_magic_line_says_put_it_back(ip):
    result = ip.run_cell(f"{REFERENCE}\n")
    assert isinstance(result.error_in_exec, MissingMagic)
    assert "first line '%%identify_snippet' is missing" in str(result.error_in_exec)
    assert state.stored() is None


def test_magic_below_a_comment_says_move_it_up(ip):
    result = ip.run_cell(f"# my snippet\n%%identify_snippet\n{REFERENCE}\n")
    assert isinstance(result.error_in_exec, MissingMagic) and "very first line" in str(result.error_in_exec)


def test_other_cell_magics_may_come_first(ip):
    result = ip.run_cell(f"%%capture captured\n%%identify_snippet\n{REFERENCE}\n")
    assert result.success and state.current() == REFERENCE


def test_magic_after_blank_lines_still_works(ip):
    result = ip.run_cell(f"\n\n%%identify_snippet\n{REFERENCE}\n")
    assert result.success and state.current() == REFERENCE


@pytest.mark.parametrize("python", ["x = {'a': 1}\nx['a']", "def f(:\n  pass", "print('const x = 1')",
                                    "f = lambda x => x + 1"])
def test_python_cells_are_left_alone(ip, python):
    """Real Python, even broken Python, keeps Python's own behaviour: the guard only speaks about JavaScript."""
    result = ip.run_cell(python)
    assert not isinstance(result.error_in_exec, MissingMagic)
    assert not isinstance(result.error_before_exec, MissingMagic)


def test_unloading_removes_the_guards(ip):
    ip.run_line_magic("unload_ext", "autograder.notebook")
    try:
        result = ip.run_cell(f"{REFERENCE}\n")
        assert isinstance(result.error_before_exec, SyntaxError)
    finally:
        ip.run_line_magic("load_ext", "autograder.notebook")


def test_after_the_unanswered_stub_later_cells_say_write_your_snippet(ip, monkeypatch):
    """The snippet cell was run, with nbgrader's stub still in it: 'run it first' would be wrong."""
    monkeypatch.setattr(state, "_refused", None)
    result = ip.run_cell("%%identify_snippet\n# YOUR CODE HERE\nraise NotImplementedError()\n")
    assert isinstance(result.error_in_exec, SnippetNotWritten)
    with pytest.raises(state.SnippetNotRun, match="write your snippet") as caught:
        state.current()
    assert "run the %%identify_snippet cell first" not in str(caught.value)
    ip.run_cell_magic("identify_snippet", "", REFERENCE)
    assert state.current() == REFERENCE and state.missing() is None


def test_before_the_snippet_cell_ran_later_cells_say_run_it(monkeypatch):
    monkeypatch.setattr(state, "_snippet", None)
    monkeypatch.setattr(state, "_refused", None)
    with pytest.raises(state.SnippetNotRun, match="run the %%identify_snippet cell first"):
        state.current()
