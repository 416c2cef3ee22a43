"""``%%identify_snippet``: a cell whose body is the learner's JavaScript.

It refuses, with a message that says what to do, what cannot be a snippet:
nbgrader's unanswered stub, Python, server-side template code (the course's
own example is a Rails layout), a ``<script src>`` tag, nothing at all. A pasted
``<script>...</script>`` wrapper is removed with a note: the shop puts the
snippet in a ``<script>`` of its own, and refusing would only cost a round trip.
"""

from __future__ import annotations

import ast
import html
import re

from IPython.display import HTML, display

from ..errors import UnusableInput
from ..snippet import MAGIC, MAX_SNIPPET_BYTES, UnansweredSnippet, clean_snippet
from . import state

_SCRIPT_OPEN = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.IGNORECASE)
_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc\s*=", re.IGNORECASE)
_TEMPLATE = re.compile(r"<%|%>|\{%|\{\{\s*[\w.]+\s*\}\}")
_PYTHON_LINE = re.compile(r"^\s*(def |import |from \S+ import |print\(|elif |except\b|class \w+.*:\s*$)", re.MULTILINE)
_PYTHON_BLOCK = re.compile(r"^\s*(if|elif|else|for|while|with|try)\b[^{;]*:\s*$", re.MULTILINE)
EXAMPLE = "if (window.acme.customer) { _kmq.push(['identify', ...]); }"


class SnippetProblem(Exception):
    """What is wrong with the cell, for the learner."""

    def _render_traceback_(self):  # IPython shows just this message, no traceback
        return [f"\x1b[1;31m{type(self).__name__}\x1b[0m: {self}"]


class SnippetNotWritten(SnippetProblem, NotImplementedError):
    pass


def _parses_as_python(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError):
        return False
    return True


def looks_like_python(code: str) -> bool:
    """Heuristic: Python-only line shapes, in code that is Python (or has no JS punctuation).

    ``_kmq.push(['identify', x])`` alone is valid Python too, so parsing is not enough.
    """
    python_lines = _PYTHON_LINE.search(code) or _PYTHON_BLOCK.search(code)
    return bool(python_lines) and (_parses_as_python(code) or ("{" not in code and ";" not in code))


def _unwrap_script_tags(code: str, notes: list[str]) -> str:
    if _SCRIPT_SRC.search(code):
        raise SnippetProblem("this cell is for your own JavaScript only: the shop already loads the Kissmetrics "
                             "library, so remove the <script src=...> tag and keep your identify code")
    if _SCRIPT_OPEN.search(code) or _SCRIPT_CLOSE.search(code):
        code = _SCRIPT_CLOSE.sub("", _SCRIPT_OPEN.sub("", code)).strip("\n")
        notes.append("removed the <script> tags around your code: the shop puts it in a <script> for you")
    return code


def check_snippet(cell: str) -> tuple[str, list[str]]:
    """The JavaScript to store, and notes for the learner; raises SnippetProblem."""
    notes: list[str] = []
    try:
        code = clean_snippet(f"{MAGIC}\n{cell}")
    except UnansweredSnippet as err:
        raise SnippetNotWritten("write your JavaScript in this cell, in place of '# YOUR CODE HERE' and "
                                "'raise NotImplementedError()'") from err
    code = _unwrap_script_tags(code, notes)
    if not code.strip():
        raise SnippetProblem("this cell holds no JavaScript yet: write your identify call below the first line")
    if _TEMPLATE.search(code):
        raise SnippetProblem("this looks like server-side template code (<% %> or {% %}); the shop has no "
                             "current_user: it tells your JavaScript who is logged in through "
                             f"window.acme.customer. Write e.g. {EXAMPLE}")
    if looks_like_python(code):
        raise SnippetProblem(f"this looks like Python, but the shop runs JavaScript: write e.g. {EXAMPLE}")
    if len(code.encode("utf-8", "surrogatepass")) > MAX_SNIPPET_BYTES:
        raise SnippetProblem(f"the snippet is over {MAX_SNIPPET_BYTES // 1024} KiB; a few lines are enough")
    return code, notes


def identify_snippet(line: str, cell: str) -> None:
    try:
        code, notes = check_snippet(cell)
    except SnippetNotWritten:
        state.refuse(state.UNANSWERED)
        raise
    except SnippetProblem:
        state.refuse(state.REFUSED)
        raise
    except UnusableInput as err:
        state.refuse(state.REFUSED)
        raise SnippetProblem(str(err)) from None
    state.store(code)
    lines = code.count("\n") + 1
    note_html = "".join(f"<br><i>Note: {html.escape(n)}.</i>" for n in notes)
    display(HTML(f"<div>✔ Stored your snippet ({lines} line{'s' if lines != 1 else ''}): it runs on every page "
                 f"of the shop. Now run the cells below, or press <b>Check my work</b>.{note_html}</div>"))
