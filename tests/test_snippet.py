"""Reading a snippet from a .js file or a learner notebook, and refusing what is not one."""

import json

import nbformat
import pytest

from autograder.errors import UnusableInput
from autograder.snippet import UnansweredSnippet, clean_snippet, load_snippet

SOLVED_CELL = ("%%identify_snippet\n### BEGIN SOLUTION\n"
               "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }\n"
               "### END SOLUTION\n")
STUB_CELL = "%%identify_snippet\n# YOUR CODE HERE\nraise NotImplementedError()\n"


def notebook_with(cell_source: str | None, path) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("# Step 7"))
    if cell_source is not None:
        cell = nbformat.v4.new_code_cell(cell_source)
        cell.metadata["nbgrader"] = {"grade_id": "identify_snippet", "solution": True, "grade": False,
                                     "locked": False, "schema_version": 3}
        nb.cells.append(cell)
    nbformat.write(nb, str(path))
    return str(path)


def test_clean_snippet_drops_magic_and_solution_markers():
    assert clean_snippet(SOLVED_CELL) == (
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }")


def test_nbgrader_stub_is_unanswered():
    with pytest.raises(UnansweredSnippet, match="not written yet"):
        clean_snippet(STUB_CELL)


def test_js_file_is_read(tmp_path):
    path = tmp_path / "s.js"
    path.write_text("_kmq.push(['identify', 'x']);\n", encoding="utf-8")
    assert load_snippet(path) == "_kmq.push(['identify', 'x']);\n"


def test_notebook_snippet_cell_is_found(tmp_path):
    assert "identify" in load_snippet(notebook_with(SOLVED_CELL, tmp_path / "a.ipynb"))


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing.js", "no such file"),
    (lambda p: p, "not a file"),
    (lambda p: _write(p / "latin.js", "é".encode("latin-1")), "not UTF-8"),
    (lambda p: _write(p / "bin.js", b"\x7fELF\x00\x01"), "binary"),
    (lambda p: _write(p / "big.js", b"x" * (64 * 1024 + 1)), "too large"),
    (lambda p: _write(p / "bad.ipynb", b"{not json"), "not valid notebook JSON"),
    (lambda p: _write(p / "list.ipynb", json.dumps([1, 2]).encode()), "not a Jupyter notebook"),
    (lambda p: notebook_with(None, p / "nocell.ipynb"), "no cell with nbgrader grade_id 'identify_snippet'"),
    (lambda p: notebook_with(STUB_CELL, p / "stub.ipynb"), "not written yet"),
])
def test_unusable_input_says_what_to_do(tmp_path, make, message):
    with pytest.raises(UnusableInput, match=message):
        load_snippet(make(tmp_path))


def _write(path, data: bytes):
    path.write_bytes(data)
    return path
