"""What this kernel saw of the notebook's graded test cells, for the wrap-up.

Each test cell's first line names it (``marker``); after every cell IPython runs,
``record`` notes whether a marked cell passed. The wrap-up then sums up what passed
and what is left, instead of congratulating whoever reached the end.
Nothing here grades: the grader runs the cells itself (hidden tests included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKER = re.compile(r"^# test: (?P<gid>\w+) \((?P<points>\d+(?:\.\d+)?) points?(?P<bonus>, bonus)?\): (?P<title>.+)$")


@dataclass(frozen=True)
class Outcome:
    grade_id: str
    title: str
    points: float
    bonus: bool
    passed: bool


_outcomes: dict[str, Outcome] = {}


def marker(grade_id: str, points: float, title: str, *, bonus: bool = False) -> str:
    """The first line of a test cell (the builder writes it)."""
    return f"# test: {grade_id} ({points:g} point{'' if points == 1 else 's'}{', bonus' if bonus else ''}): {title}"


def record(result) -> None:
    """IPython's post_run_cell hook: never raises (it runs after every cell of the learner)."""
    try:
        first = (result.info.raw_cell or "").lstrip("\n").split("\n", 1)[0].strip()
        found = _MARKER.match(first)
        if found:
            gid = found["gid"]
            _outcomes[gid] = Outcome(gid, found["title"], float(found["points"]), bool(found["bonus"]),
                                     bool(result.success))
    except Exception:
        pass


def outcomes() -> list[Outcome]:
    return list(_outcomes.values())


def install(ipython) -> None:
    if record not in ipython.events.callbacks["post_run_cell"]:
        ipython.events.register("post_run_cell", record)


def uninstall(ipython) -> None:
    if record in ipython.events.callbacks["post_run_cell"]:
        ipython.events.unregister("post_run_cell", record)
