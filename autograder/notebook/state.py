"""The learner's snippet as the ``%%identify_snippet`` cell last stored it.

Other parts of the kernel (the live shop) follow changes through ``on_store``,
so re-running the snippet cell updates every page without another step.
"""

from __future__ import annotations

from typing import Callable

from ..errors import AutograderError


class SnippetNotRun(AutograderError):
    """A check ran before the snippet cell."""

    def _render_traceback_(self):  # IPython shows just this message, no traceback
        return [f"\x1b[1;31mSnippetNotRun\x1b[0m: {self}"]


_snippet: str | None = None
_listeners: list[Callable[[str], None]] = []


def store(snippet: str) -> None:
    global _snippet
    _snippet = snippet
    for listener in list(_listeners):
        listener(snippet)


def on_store(listener: Callable[[str], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def stored() -> str | None:
    """The snippet, or None when the snippet cell has not run yet."""
    return _snippet


def current() -> str:
    if _snippet is None:
        raise SnippetNotRun("run the %%identify_snippet cell first (Shift+Enter on it), then this cell again")
    return _snippet
