"""Moodle: fill the assignment's grading worksheet ("Download grading worksheet")
for "Upload grading worksheet", and write the feedback files zip
(lms_moodle_feedback).

The worksheet's columns: ``Identifier`` ("Participant N", N being the participant id
the submissions zip names too), ``Full name``, the identity fields the site shows
(``Email address``, ...), ``Status``, ``Grade``, ``Maximum grade``, ``Grade can be
changed``, ``Last modified (submission)``, the submission plugins' text columns,
``Last modified (grade)``, ``Feedback comments``. Moodle reads back only
Identifier, Grade, Last modified (grade) and the feedback columns; it skips a grade
above the maximum, a locked one, and one changed in Moodle after the worksheet was
downloaded. We fill Grade and Feedback comments of matched learners and write
every other row as it was read, byte for byte, BOM or not; a row is written anew
(with the csv module) only where a cell changes, or where a cell a learner
controls must be made safe for spreadsheets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ..errors import UnusableInput
from . import spreadsheet_safe as safe
from .lms_csv import CsvFile, line_ending, write_record, write_text

REQUIRED = ("Identifier", "Full name", "Grade", "Maximum grade")
COMMENTS = "Feedback comments"
# Cells Moodle writes itself (ids, dates, states, numbers) and the comments we write:
# every other cell (names, e-mail addresses, learners' online text) is theirs.
MOODLE_OWN = {"Identifier", "Status", "Grade", "Maximum grade", "Grade can be changed", "Last modified (submission)",
              "Last modified (grade)", COMMENTS, "Marking workflow state", "Marker"}
_PARTICIPANT = re.compile(r"(\d+)\s*$")


def is_moodle_worksheet(header: list[str]) -> bool:
    names = {cell.strip() for cell in header}
    return "Identifier" in names and "Grade" in names


@dataclass
class MoodleWorksheet:
    source: Path
    table: CsvFile
    columns: dict[str, int]
    participants: dict[int, str] = field(default_factory=dict)  # record number -> participant id
    lms: str = "Moodle"
    _by_id: dict[str, int] = field(default_factory=dict)
    _by_email: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self):
        email = self.columns.get("Email address")
        for number, record in enumerate(self.table.records[1:], start=1):
            found = _PARTICIPANT.search(self.cell(record.cells, "Identifier"))
            if not found:
                continue
            self.participants[number] = found[1].lstrip("0") or "0"
            self._by_id.setdefault(self.participants[number], number)
            if email is not None and email < len(record.cells) and "@" in record.cells[email]:
                address = record.cells[email].strip()
                for key in {address, address.split("@")[0]}:
                    self._by_email.setdefault(key, []).append(number)

    def cell(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        return cells[index] if index is not None and index < len(cells) else ""

    def row_for(self, person: tuple[str, str]) -> int | None:
        scheme, key = person
        if scheme == "Moodle":
            return self._by_id.get(key.lstrip("0") or "0")
        if scheme in ("Canvas", ""):
            return None
        rows = self._by_email.get(key, [])
        return rows[0] if len(set(rows)) == 1 else None

    def describe_row(self, row: int) -> str:
        return f"Moodle participant {self.participants[row]}"

    def full_name(self, row: int) -> str:
        return self.cell(self.table.records[row].cells, "Full name")


def read_moodle_worksheet(table: CsvFile) -> MoodleWorksheet:
    header = [cell.strip() for cell in table.header]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        hint = (" (this assignment is graded on a scale: only point grades can be filled)"
                if "Scale" in header else " (is the site in another language? download it in English)")
        raise UnusableInput(f"{table.path}: no {', '.join(missing)} column in this Moodle grading worksheet{hint}")
    return MoodleWorksheet(source=table.path, table=table, columns={name: header.index(name) for name in header})


def _grade_format(maximum: str) -> tuple[Decimal, str, int] | None:
    """The maximum as a number, its decimal separator and its decimals, as Moodle wrote it."""
    text = maximum.strip()
    sep = "," if "," in text and "." not in text else "."
    try:
        value = Decimal(text.replace(",", "."))
    except ArithmeticError:
        return None
    if not value.is_finite() or value <= 0:
        return None
    decimals = len(text.split(sep)[1]) if sep in text else 0
    return value, sep, max(decimals, 2)


@dataclass
class Written:
    paths: list[Path]
    notes: list[str]


def write_moodle_files(out_dir: Path, request, match, *, feedback_dir: Path) -> Written:
    from .lms import points_for
    from .lms_moodle_feedback import comment_for, write_feedback_zip

    sheet: MoodleWorksheet = request.roster
    columns = sheet.columns
    notes: list[str] = []
    parts = [sheet.table.records[0].raw]
    for number, record in enumerate(sheet.table.records[1:], start=1):
        cells = list(record.cells) + [""] * (len(columns) - len(record.cells))
        summary = match.by_row.get(number)
        if number in sheet.participants and _may_grade(sheet, cells, number, summary, notes):
            _fill(sheet, cells, summary, request, notes, number, points_for, comment_for)
        for name, index in columns.items():
            if name not in MOODLE_OWN and index < len(cells):
                cells[index] = safe.text(cells[index])
        as_read = list(record.cells) + [""] * (len(cells) - len(record.cells))
        parts.append(record.raw if cells == as_read else write_record(cells, line_ending(record)))
    sheet_path = write_text(out_dir / "moodle-worksheet.csv", "".join(parts), bom=sheet.table.bom)
    zip_path = write_feedback_zip(out_dir / "moodle-feedback.zip", sheet, match, feedback_dir=feedback_dir)
    return Written(paths=[sheet_path, zip_path], notes=notes)


def _may_grade(sheet: MoodleWorksheet, cells: list[str], number: int, summary, notes: list[str]) -> bool:
    if sheet.cell(cells, "Grade can be changed").strip().lower() == "no":
        if summary is not None:
            notes.append(f"{summary.learner}: the grade of {sheet.describe_row(number)} is locked in Moodle; "
                         "left as it was")
        return False
    return True


def _fill(sheet, cells, summary, request, notes, number, points_for, comment_for) -> None:
    fmt = _grade_format(sheet.cell(cells, "Maximum grade"))
    if fmt is None:
        if summary is not None:
            notes.append(f"{summary.learner}: {sheet.describe_row(number)} has no usable Maximum grade "
                         f"({sheet.cell(cells, 'Maximum grade')!r}); grade left as it was")
        return
    maximum, sep, decimals = fmt
    scale = float(maximum) / summary.max_score if summary and summary.max_score else 1.0
    bonus = "add" if request.bonus == "add" else "ignore"  # one Grade column: the bonus is added or not
    points = points_for(summary, bonus=bonus, missing_as_zero=request.missing_as_zero, scale=scale,
                        cap=float(maximum))
    if summary is not None and not summary.graded:
        notes.append(f"{summary.learner}: not graded ({summary.reason}); {sheet.describe_row(number)}'s grade "
                     "left as it was")
    if summary is not None and request.bonus == "add" and summary.graded \
            and (summary.score + summary.bonus) * scale > float(maximum) + 1e-9:
        notes.append(f"{summary.learner}: with the bonus above Moodle's Maximum grade {maximum}; graded "
                     f"{maximum} (Moodle refuses more)")
    if points.grade is None:
        return
    if summary is None and sheet.cell(cells, "Grade").strip():
        return  # --missing-as-zero never overwrites a grade someone gave in Moodle
    exact = Decimal(str(points.grade)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    cells[sheet.columns["Grade"]] = str(min(exact, maximum.quantize(exact))).replace(".", sep)
    if summary is not None and COMMENTS in sheet.columns:
        cells[sheet.columns[COMMENTS]] = comment_for(summary, grade=exact, maximum=maximum, bonus=request.bonus)
