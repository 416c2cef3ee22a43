"""grades.csv: one row per learner, a column per graded cell (checks and
exercises), totals with bonus apart, and why a row is not what it seems
(the manual column: scores an instructor entered in formgrader, which win),
and lateness (when submitted, days late, the points the late policy took: total is after it).
Text cells (learner ids, flags, reasons quoting a learner's code) are made safe
for spreadsheets; scores stay numbers."""

from __future__ import annotations

import csv
from pathlib import Path

from . import spreadsheet_safe as safe
from .summary import LearnerSummary


def write_grades_csv(path: Path, summaries: list[LearnerSummary]) -> Path:
    cells = list(summaries[0].cells) if summaries else []
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", "total", "max_total", "bonus", "max_bonus", *map(safe.text, cells), "status",
                         "flags", "reason", "manual", "submitted", "late", "days_late", "late_penalty"])
        for s in summaries:
            writer.writerow([safe.text(s.learner), _num(s.score), _num(s.max_score), _num(s.bonus), _num(s.bonus_max),
                             *(_num(s.cells[c][0]) for c in cells),
                             safe.text(s.status), safe.text("; ".join(s.flags)), safe.text(s.reason),
                             safe.text(_manual(s)), s.submitted_at, "yes" if s.late else "", str(s.days_late),
                             _num(s.late_penalty)])
    return path


def _manual(s: LearnerSummary) -> str:
    """The scores an instructor entered in formgrader (they win over the autograder's)."""
    return "; ".join(f"{grade_id} {score:g} (auto {auto:g})" for grade_id, (score, auto) in s.manual.items())


def _num(value: float) -> str:
    return safe.number(value)
