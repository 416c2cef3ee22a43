"""``%%identify_snippet``: a cell whose body is the learner's JavaScript.

It refuses, with a message that says what to do, what cannot be a snippet:
nbgrader's unanswered stub, Python in the cell, nothing at all. A pasted
``<script>...</script>`` wrapper is removed (the shop adds its own tag).
"""

from __future__ import annotations

import html
import re

from IPython.display import HTML, display

from ..errors import UnusableInput
from ..snippet import MAGIC, MAX_SNIPPET_BYTES, UnansweredSnippet, clean_snippet
from . import state

_SCRIPT_TAG = re.compile(r"^\s*<script[^>]*>(.*?)</script>\s*$", re.IGNORECASE | re.DOTALL)
_PYTHON_LINE = re.compile(r"^\s*(def |import |from \S+ import |print\(|elif |except\b|class \w+:)", re.MULTILINE)


class SnippetProblem(Exception):
    """What is wrong with the cell, for the learner."""

    def _render_traceback_(self):  # IPython shows just this message, no traceback
        return [f"\x1b[1;31m{type(self).__name__}\x1b[0m: {self}"]


class SnippetNotWritten(SnippetProblem, NotImplementedError):
    pass


def check_snippet(cell: str) -> tuple[str, list[str]]:
    """The JavaScript to store, and notes for the learner; raises SnippetProblem."""
    notes = []
    try:
        code = clean_snippet(f"{MAGIC}\n{cell}")
    except UnansweredSnippet as err:
        raise SnippetNotWritten("write your JavaScript in this cell, in place of '# YOUR CODE HERE' and "
                                "'raise NotImplementedError()'") from err
    wrapped = _SCRIPT_TAG.match(code)
    if wrapped:
        code = wrapped.group(1).strip("\n")
        notes.append("removed the <script> tags around your code: the shop puts it in a <script> for you")
    if not code.strip():
        raise SnippetProblem("this cell holds no JavaScript yet: write your identify call below the first line")
    if _PYTHON_LINE.search(code) and "{" not in code and ";" not in code:
        raise SnippetProblem("this looks like Python, but the shop runs JavaScript: write e.g. "
                             "if (window.acme.customer) { _kmq.push(['identify', ...]); }")
    if len(code.encode()) > MAX_SNIPPET_BYTES:
        raise SnippetProblem(f"the snippet is over {MAX_SNIPPET_BYTES // 1024} KiB; a few lines are enough")
    return code, notes


def identify_snippet(line: str, cell: str) -> None:
    try:
        code, notes = check_snippet(cell)
    except UnusableInput as err:
        raise SnippetProblem(str(err)) from None
    state.store(code)
    lines = code.count("\n") + 1
    note_html = "".join(f"<br><i>Note: {html.escape(n)}.</i>" for n in notes)
    display(HTML(f"<div>✔ Stored your snippet ({lines} line{'s' if lines != 1 else ''}): it runs on every page "
                 f"of the shop. Now run the cells below, or press <b>Check my work</b>.{note_html}</div>"))
