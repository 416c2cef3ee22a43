"""Input transformers for the snippet cell's two classic accidents, so the learner
reads what to do instead of a Python SyntaxError about JavaScript:

- the ``%%identify_snippet`` line was deleted, and the cell is JavaScript;
- it is there, but not on the first line (IPython only sees cell magics there).

A cell that is valid Python, or does not look like the snippet, is never touched.
"""

from __future__ import annotations

import re

from ..snippet import MAGIC
from .magic import SnippetProblem, _parses_as_python

# What the snippet is made of; generic JavaScript shapes count only with a ';' too, so
# a Python typo elsewhere in the notebook is not taken for a lost snippet.
_SNIPPET_HINT = re.compile(r"_kmq|window\.acme|\bKM\.\w")
_JS_HINT = re.compile(r"\bfunction\s*\(|=>|^\s*(var|let|const)\s+\w", re.MULTILINE)
_PROBLEM = "autograder.notebook.guard"  # where the replacement cell finds MissingMagic


class MissingMagic(SnippetProblem):
    pass


def _raising(message: str) -> list[str]:
    return [f"raise __import__({_PROBLEM!r}, fromlist=['MissingMagic']).MissingMagic({message!r})\n"]


def magic_not_first(lines: list[str]) -> list[str]:
    """Cleanup stage (before IPython turns magics into calls): ``%%identify_snippet`` below other lines."""
    try:
        position = next((i for i, line in enumerate(lines) if line.startswith(MAGIC)), None)
        if position is None or position == 0:
            return lines
        # Other cell magics above it (``%%time``) stack: they hand the rest of the cell on.
        if any(line.strip() and not line.startswith("%%") for line in lines[:position]):
            return _raising(f"'{MAGIC}' must be the very first line of the cell: move it to the top "
                            "(above any comment), then run the cell again")
        return lines[position:]
    except Exception:  # a transformer must never break the learner's other cells
        return lines


def javascript_without_magic(lines: list[str]) -> list[str]:
    """Post stage: a cell that is JavaScript, not Python, and has no cell magic."""
    try:
        source = "".join(lines)
        looks_like_js = _SNIPPET_HINT.search(source) or (_JS_HINT.search(source) and ";" in source)
        if not looks_like_js or _parses_as_python(source):
            return lines
        return _raising(f"this cell holds JavaScript, but its first line '{MAGIC}' is missing: put that line "
                        "back at the top of the cell, then run it again")
    except Exception:
        return lines


def install(ipython) -> None:
    if magic_not_first not in ipython.input_transformers_cleanup:
        ipython.input_transformers_cleanup.append(magic_not_first)
    if javascript_without_magic not in ipython.input_transformers_post:
        ipython.input_transformers_post.append(javascript_without_magic)


def uninstall(ipython) -> None:
    for stage, transformer in ((ipython.input_transformers_cleanup, magic_not_first),
                               (ipython.input_transformers_post, javascript_without_magic)):
        while transformer in stage:
            stage.remove(transformer)
