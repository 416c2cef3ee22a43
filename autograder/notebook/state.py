"""The learner's snippet as the ``%%identify_snippet`` cell last stored it."""

from __future__ import annotations

from ..errors import AutograderError


class SnippetNotRun(AutograderError):
    """A check ran before the snippet cell."""

    def _render_traceback_(self):  # IPython shows just this message, no traceback
        return [f"\x1b[1;31mSnippetNotRun\x1b[0m: {self}"]


_snippet: str | None = None


def store(snippet: str) -> None:
    global _snippet
    _snippet = snippet


def current() -> str:
    if _snippet is None:
        raise SnippetNotRun("run the %%identify_snippet cell first (Shift+Enter on it), then this cell again")
    return _snippet
