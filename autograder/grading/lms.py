"""Back to the LMS: the roster an instructor exported (a Canvas gradebook or a
Moodle grading worksheet) filled with this batch's grades, in the LMS's own
import format (lms_canvas, lms_moodle).

Learners are matched to roster rows by the LMS id the submission's zip name
carried (Canvas user id, Moodle participant id). Learners graded from a folder
of notebooks have no LMS id: their file name is matched against the roster's
Canvas *SIS Login ID*, or a Moodle *Email address* (whole, or the part before
the ``@``). Roster learners without a submission keep an empty grade; graded
learners not in the roster are left out with a note.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..errors import UnusableInput
from .intake import Submission
from .lms_csv import read_csv
from .summary import LearnerSummary

BONUS_MODES = ("add", "separate", "ignore")


class Roster(Protocol):
    lms: str  # "Canvas" or "Moodle"
    source: Path

    def row_for(self, person: tuple[str, str]) -> int | None: ...

    def describe_row(self, row: int) -> str: ...


@dataclass
class LmsRequest:
    """A roster read and checked before grading starts, and how to fill it."""

    roster: Roster
    bonus: str = "add"
    missing_as_zero: bool = False


@dataclass
class LmsFiles:
    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def prepare_lms(roster: str | Path, *, canvas_column: str | None = None, bonus: str = "add",
                missing_as_zero: bool = False) -> LmsRequest:
    """Read ``roster`` (a Canvas gradebook export or a Moodle grading worksheet) before any
    grading, so that a wrong file or column is reported at once."""
    from .lms_canvas import is_canvas_gradebook, read_canvas_gradebook
    from .lms_moodle import is_moodle_worksheet, read_moodle_worksheet

    if bonus not in BONUS_MODES:
        raise UnusableInput(f"--bonus {bonus}: choose one of {', '.join(BONUS_MODES)}")
    table = read_csv(roster, what="roster")
    if is_canvas_gradebook(table.header):
        parsed: Roster = read_canvas_gradebook(table, column=canvas_column)
    elif is_moodle_worksheet(table.header):
        if canvas_column:
            raise UnusableInput(f"{roster}: --canvas-column given, but this is a Moodle grading worksheet")
        parsed = read_moodle_worksheet(table)
    else:
        raise UnusableInput(f"{roster}: neither a Canvas gradebook export (Student, ID, SIS User ID, ...) nor a "
                            "Moodle grading worksheet (Identifier, Full name, ..., Grade, Maximum grade); "
                            f"its first line is {', '.join(table.header[:6])[:200]}")
    return LmsRequest(roster=parsed, bonus=bonus, missing_as_zero=missing_as_zero)


@dataclass
class Match:
    by_row: dict[int, LearnerSummary]
    notes: list[str]


def match_learners(roster: Roster, summaries: list[LearnerSummary], submissions: list[Submission]) -> Match:
    """Roster row -> the learner graded for it; a note for each learner left out."""
    people = {s.learner: s.person for s in submissions}
    by_row: dict[int, LearnerSummary] = {}
    claimed_by: dict[int, str] = {}
    notes = []
    # Learners the LMS named come first: an LMS id is a stronger claim than a file name.
    ordered = sorted(summaries, key=lambda s: people.get(s.learner, ("", ""))[0] != roster.lms)
    for summary in ordered:
        person = people.get(summary.learner, ("", summary.learner))
        row = roster.row_for((person[0], unicodedata.normalize("NFC", person[1])))
        if row is None:
            notes.append(f"{summary.learner}: not in the {roster.lms} roster {roster.source.name} "
                         f"({_who(person)}); left out of the {roster.lms} file")
        elif row in by_row:
            notes.append(f"{summary.learner}: {roster.describe_row(row)} is already {claimed_by[row]}'s; "
                         f"left out of the {roster.lms} file")
        else:
            by_row[row] = summary
            claimed_by[row] = summary.learner
    if summaries and not by_row:
        notes.append(f"none of the {len(summaries)} learners is in {roster.source.name}: is it this "
                     f"assignment's {roster.lms} roster?")
    return Match(by_row=by_row, notes=notes)


def _who(person: tuple[str, str]) -> str:
    scheme, key = person
    if scheme == "Canvas":
        return f"Canvas user id {key}"
    if scheme == "Moodle":
        return f"Moodle participant {key}"
    return f"file name {key}"


@dataclass(frozen=True)
class Points:
    grade: float | None  # None: leave the LMS's cell empty
    bonus: float | None = None  # the separate bonus column, when asked


def points_for(summary: LearnerSummary | None, *, bonus: str, missing_as_zero: bool, scale: float = 1.0,
               cap: float | None = None) -> Points:
    """What goes into the LMS for one roster learner; ``scale`` turns our points into the
    LMS's (its points possible over our maximum), ``cap`` is the most the LMS accepts."""
    if summary is None:
        return Points(0.0, 0.0 if bonus == "separate" else None) if missing_as_zero else Points(None)
    if not summary.graded:
        return Points(None)
    grade = summary.score + (summary.bonus if bonus == "add" else 0.0)
    grade = grade * scale
    if cap is not None:
        grade = min(grade, cap)
    extra = summary.bonus * scale if bonus == "separate" else None
    return Points(round(grade, 2), None if extra is None else round(extra, 2))


def write_lms_files(requests: list[LmsRequest], summaries: list[LearnerSummary], submissions: list[Submission],
                    out_dir: Path, *, feedback_dir: Path) -> LmsFiles:
    from .lms_canvas import write_canvas_import
    from .lms_canvas_feedback import write_canvas_feedback_zip
    from .lms_moodle import write_moodle_files

    files = LmsFiles()
    for request in requests:
        match = match_learners(request.roster, summaries, submissions)
        files.notes.extend(match.notes)
        if request.roster.lms == "Canvas":
            written = write_canvas_import(out_dir / "canvas-import.csv", request, match)
            page_zip, notes = write_canvas_feedback_zip(out_dir / "canvas-feedback.zip", request.roster, match,
                                                        submissions, feedback_dir=feedback_dir)
            written.paths.append(page_zip)
            written.notes.extend(notes)
        else:
            written = write_moodle_files(out_dir, request, match, feedback_dir=feedback_dir)
        files.paths.extend(written.paths)
        files.notes.extend(written.notes)
    return files
