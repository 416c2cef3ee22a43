"""What a learner's graded notebook tells their feedback page: the snippet as handed in,
a message per graded cell, and where a run that was stopped stopped, each naming its cell.
The notebook is the learner's: read defensively, never trusted to be well formed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UnusableInput
from ..notebook_cells import cell_source, grade_id
from ..snippet import snippet_from_notebook
from .execute import DEAD_KERNEL_ENAME, TIMEOUT_ENAME

SNIPPET_CHARS = 6000  # the page shows the start of a longer snippet
_STOPS = (TIMEOUT_ENAME, DEAD_KERNEL_ENAME)


@dataclass
class GradedNotebook:
    snippet: str | None = None
    messages: dict[str, str] = field(default_factory=dict)  # grade_id -> message naming the cell
    stopped: str = ""  # where and why the run stopped, if it did


def read_graded(path: str | None) -> GradedNotebook:
    if not path or not Path(path).is_file():
        return GradedNotebook()
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return GradedNotebook()
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return GradedNotebook()
    found = GradedNotebook(snippet=_snippet(notebook))
    stop = None  # (where, why) of the cell a stop interrupted: the first that carries the stop's error
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            continue
        cell_id = grade_id(cell)
        for output in cell.get("outputs") or []:
            if not isinstance(output, dict) or output.get("output_type") != "error":
                continue
            ename, evalue = str(output.get("ename", "Error")), str(output.get("evalue", ""))
            if ename in _STOPS and stop is None:
                stop = (where(number, cell), evalue)
                found.stopped = (f"The notebook stopped at {stop[0]}: {evalue}. The cells after it did not run; "
                                 "the points are for what ran before it.")
                message = f"{where(number, cell)} was running when {evalue}"
            elif ename in _STOPS:
                message = f"did not run: the notebook stopped earlier, at {stop[0]} ({stop[1]})"
            else:
                message = f"{ename}: {evalue}"
            if cell_id:
                found.messages[cell_id] = message[:400]
    return found


def where(number: int, cell: dict) -> str:
    """A cell as a learner finds it: its number in the notebook, and its name or first line."""
    name = grade_id(cell)
    if not name:
        first = next((line.strip() for line in cell_source(cell).splitlines() if line.strip()), "")
        name = first[:60] + ("…" if len(first) > 60 else "")
    return f"cell {number}" + (f" ({name})" if name else "")


def _snippet(notebook: dict) -> str | None:
    try:
        code = snippet_from_notebook(notebook)
    except UnusableInput:  # no snippet cell, or nbgrader's stub: nothing to show
        return None
    if len(code) <= SNIPPET_CHARS:
        return code
    return code[:SNIPPET_CHARS] + f"\n… ({len(code) - SNIPPET_CHARS} more characters)"
