"""The learner's snippet: reading it from a .js file or from the notebook cell
that holds it, and refusing what cannot be a snippet with a clear message.

In the course notebook the snippet lives in a code cell with nbgrader
``grade_id`` ``identify_snippet`` whose first line is the ``%%identify_snippet``
cell magic; the rest of the cell is JavaScript. In the instructor version the
solution sits between nbgrader's ``### BEGIN SOLUTION`` / ``### END SOLUTION``
lines; in the released version nbgrader puts its stub there instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import UnusableInput
from .notebook_cells import cell_source, grade_id

MAX_SNIPPET_BYTES = 64 * 1024
MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024  # notebooks carry outputs, screenshots included
SNIPPET_GRADE_ID = "identify_snippet"
MAGIC = "%%identify_snippet"
_MARKER = re.compile(r"^\s*###\s*(BEGIN|END)\s+SOLUTION\s*$")
_STUB = re.compile(r"raise\s+NotImplementedError\s*\(\s*\)")


class UnansweredSnippet(UnusableInput):
    """The cell still holds nbgrader's stub."""


def clean_snippet(cell_source: str) -> str:
    """The JavaScript of a snippet cell: without the magic line and nbgrader's
    solution markers. Raises UnansweredSnippet on nbgrader's stub."""
    lines = cell_source.splitlines()
    if lines and lines[0].strip().startswith(MAGIC):
        lines = lines[1:]
    lines = [line for line in lines if not _MARKER.match(line)]
    code = "\n".join(lines).strip("\n")
    if _STUB.search(code):
        raise UnansweredSnippet(
            "the identify snippet is not written yet: replace '# YOUR CODE HERE' and "
            "'raise NotImplementedError()' with your JavaScript"
        )
    return code


def _read_text(path: Path, what: str) -> str:
    if not path.exists():
        raise UnusableInput(f"{path}: no such file; give the path of your {what}")
    if not path.is_file():
        raise UnusableInput(f"{path}: not a file; give the path of your {what}")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UnusableInput(f"{path}: cannot be read ({err.strerror}); check its permissions") from err
    limit = MAX_SNIPPET_BYTES if what == "snippet" else MAX_NOTEBOOK_BYTES
    if len(data) > limit:
        raise UnusableInput(f"{path}: {len(data):,} bytes is too large for a {what} (at most {limit:,})")
    if b"\x00" in data:
        raise UnusableInput(f"{path}: looks binary, not a {what}; save it as UTF-8 text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UnusableInput(f"{path}: not UTF-8 text (bad byte at {err.start}); save it as UTF-8") from err


def snippet_from_notebook(notebook: dict, *, where: str = "the notebook") -> str:
    """Find the ``identify_snippet`` cell of a notebook (as parsed JSON)."""
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise UnusableInput(f"{where}: not a Jupyter notebook (no cells)")
    for cell in cells:
        if grade_id(cell) == SNIPPET_GRADE_ID:
            code = clean_snippet(cell_source(cell))
            if len(code.encode()) > MAX_SNIPPET_BYTES:
                raise UnusableInput(f"{where}: the snippet is over {MAX_SNIPPET_BYTES // 1024} KiB")
            return code
    raise UnusableInput(
        f"{where}: no cell with nbgrader grade_id '{SNIPPET_GRADE_ID}'; use the course notebook, "
        "or pass the snippet as a .js file"
    )


def load_snippet(path: str | Path) -> str:
    """Read a snippet from a ``.js`` file or a learner ``.ipynb`` notebook."""
    path = Path(path)
    if path.suffix == ".ipynb":
        text = _read_text(path, "notebook")
        try:
            notebook = json.loads(text)
        except json.JSONDecodeError as err:
            raise UnusableInput(f"{path}: not valid notebook JSON (line {err.lineno}); re-download it") from err
        return snippet_from_notebook(notebook, where=str(path))
    return _read_text(path, "snippet")
