"""Canvas: read the course's gradebook export, write ``canvas-import.csv`` for
Grades > Import.

The export's header is ``Student, ID, SIS User ID, SIS Login ID, [Integration ID,]
Section``, then one column per assignment named ``<name> (<assignment id>)``, then
read-only totals. Before the learners come Canvas's own rows: ``Points Possible``
(its Student cell padded with spaces) and sometimes one saying ``Manual Posting``
under assignments whose grades are posted by hand; those rows have no ID.
The import file has the five identity columns, then the chosen assignment's
column under its exact header, which is how Canvas knows the assignment.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UnusableInput
from . import spreadsheet_safe as safe
from .lms_csv import CsvFile, write_text

IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
ASSIGNMENT = re.compile(r"^(?P<name>.+) \((?P<id>\d+)\)$")


def is_canvas_gradebook(header: list[str]) -> bool:
    names = [cell.strip() for cell in header]
    return len(names) >= 2 and names[0] == "Student" and "ID" in names


@dataclass
class CanvasGradebook:
    source: Path
    bom: bool
    column: str  # the assignment's header, "<name> (<id>)"
    rows: list[dict[str, str]]  # the learners, identity columns only
    points_possible: float | None
    bonus_column: str  # an existing "<name> bonus (<id>)" column, else a new one
    lms: str = "Canvas"
    _by_id: dict[str, int] = field(default_factory=dict)
    _by_login: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self):
        for number, row in enumerate(self.rows):
            self._by_id.setdefault(row["ID"].strip(), number)
            if row.get("SIS Login ID", "").strip():
                self._by_login.setdefault(row["SIS Login ID"].strip(), []).append(number)

    def row_for(self, person: tuple[str, str]) -> int | None:
        scheme, key = person
        if scheme == "Canvas":
            return self._by_id.get(key)
        if scheme in ("Moodle", ""):
            return None
        logins = self._by_login.get(key, [])
        return logins[0] if len(logins) == 1 else None

    def describe_row(self, row: int) -> str:
        return f"Canvas user id {self.rows[row]['ID']}"


def read_canvas_gradebook(table: CsvFile, *, column: str | None = None) -> CanvasGradebook:
    header = [cell.strip() for cell in table.header]
    where = {name: header.index(name) for name in IDENTITY if name in header}
    assignments = [name for name in header if ASSIGNMENT.match(name)]
    chosen = _choose(assignments, column, table.path)
    at = header.index(chosen)
    rows, points_possible = [], None
    for record in table.records[1:]:
        cells = record.cells + [""] * (len(header) - len(record.cells))
        if not any(cell.strip() for cell in cells):
            continue
        if not cells[where["ID"]].strip():  # Canvas's own rows: Points Possible, Manual Posting
            if cells[where["Student"]].strip() == "Points Possible":
                points_possible = _number(cells[at])
            continue
        rows.append({name: cells[index] for name, index in where.items()})
    name = ASSIGNMENT.match(chosen)["name"]
    bonus = next((a for a in assignments if ASSIGNMENT.match(a)["name"] == f"{name} bonus"), f"{name} bonus")
    return CanvasGradebook(source=table.path, bom=table.bom, column=chosen, rows=rows,
                           points_possible=points_possible, bonus_column=bonus)


def _choose(assignments: list[str], column: str | None, path: Path) -> str:
    listed = "; ".join(assignments)
    if column is None:
        if len(assignments) == 1:
            return assignments[0]
        if not assignments:
            raise UnusableInput(f"{path}: no assignment column (\"Name (id)\") in this Canvas gradebook; "
                                "create the assignment in Canvas, then export the gradebook again")
        raise UnusableInput(f"{path}: {len(assignments)} assignment columns; choose one with --canvas-column "
                            f"(its name, id or whole header): {listed}")
    wanted = column.strip()
    found = [a for a in assignments if wanted in (a, ASSIGNMENT.match(a)["name"], ASSIGNMENT.match(a)["id"])]
    if len(found) != 1:
        why = "matches several" if found else "matches none"
        raise UnusableInput(f"{path}: --canvas-column {column} {why} of the assignment columns: {listed or 'none'}")
    return found[0]


def _number(cell: str) -> float | None:
    try:
        value = float(cell.strip().replace(",", ""))
    except ValueError:
        return None
    return value if value > 0 else None


@dataclass
class Written:
    paths: list[Path]
    notes: list[str]


def write_canvas_import(path: Path, request, match) -> Written:
    from .lms import points_for

    book: CanvasGradebook = request.roster
    separate = request.bonus == "separate"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*IDENTITY, book.column, *([book.bonus_column] if separate else [])])
    notes = []
    for number, row in enumerate(book.rows):
        summary = match.by_row.get(number)
        scale = book.points_possible / summary.max_score if summary and book.points_possible and summary.max_score \
            else 1.0
        points = points_for(summary, bonus=request.bonus, missing_as_zero=request.missing_as_zero, scale=scale)
        if summary is not None and not summary.graded:
            notes.append(f"{summary.learner}: not graded ({summary.reason}); "
                         f"{book.describe_row(number)}'s cell left empty in {path.name}")
        cells = [safe.text(row.get(name, "")) for name in IDENTITY]
        cells.append("" if points.grade is None else safe.number(points.grade))
        if separate:
            cells.append("" if points.bonus is None else safe.number(points.bonus))
        writer.writerow(cells)
    return Written(paths=[write_text(path, out.getvalue(), bom=book.bom)], notes=notes)
