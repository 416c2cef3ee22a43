"""The learner's snippet as the ``%%identify_snippet`` cell last stored it.

Other parts of the kernel (the live shop) follow changes through ``on_store``,
so re-running the snippet cell updates every page without another step.
Whether the cell ran at all is kept too: a cell that still holds nbgrader's
stub was run, so "run it first" would send the learner to the wrong place.
"""

from __future__ import annotations

from typing import Callable

from ..errors import AutograderError


class SnippetNotRun(AutograderError):
    """A check ran before the snippet cell stored a snippet."""

    def _render_traceback_(self):  # IPython shows just this message, no traceback
        return [f"\x1b[1;31mSnippetNotRun\x1b[0m: {self}"]


UNANSWERED, REFUSED = "unanswered", "refused"  # why the last run of the snippet cell stored nothing
_snippet: str | None = None
_refused: str | None = None
_listeners: list[Callable[[str], None]] = []


def store(snippet: str) -> None:
    global _snippet, _refused
    _snippet, _refused = snippet, None
    for listener in list(_listeners):
        listener(snippet)


def refuse(why: str) -> None:
    """The snippet cell ran but stored nothing (``UNANSWERED`` or ``REFUSED``)."""
    global _refused
    _refused = why


def on_store(listener: Callable[[str], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def stored() -> str | None:
    """The snippet, or None when the snippet cell has not stored one yet."""
    return _snippet


def missing(*, then: str = "run this cell again") -> str | None:
    """What to do first when no snippet is stored (a sentence ending with ``then``), or None when one is."""
    if _snippet is not None:
        return None
    if _refused == UNANSWERED:
        return ("write your snippet first: the %%identify_snippet cell still holds '# YOUR CODE HERE'; put your "
                f"JavaScript there and run that cell (Shift+Enter), then {then}")
    if _refused == REFUSED:
        return ("fix your snippet first: the %%identify_snippet cell refused it (its message says why); run that "
                f"cell again, then {then}")
    return f"run the %%identify_snippet cell first (Shift+Enter on it), then {then}"


def current() -> str:
    if _snippet is None:
        raise SnippetNotRun(missing())
    return _snippet
