"""The LMS exports a synthetic class would come with, for the demo: a Canvas
gradebook export and a Moodle grading worksheet listing the same learners.

The demo's learners come from a folder of notebooks (``ada_lovelace.ipynb``), not
from an LMS zip, so they carry no LMS id: each roster names them so that the
file name finds them, as ``autograder grade`` matches folder learners (Canvas:
SIS Login ID = the file name; Moodle: the e-mail address before the ``@``).
Canvas user ids are 1001, 1002, ... and Moodle participant ids 5001, 5002, ...,
in the learners' alphabetical order.
"""

from __future__ import annotations

import csv
from pathlib import Path

CANVAS_ASSIGNMENT = "Step 7 - Identifying Customers (7007)"
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section", "Step 6 - Tracking Events (7006)",
                  CANVAS_ASSIGNMENT, "Current Score", "Final Score")
MOODLE_COLUMNS = ("Identifier", "Full name", "Email address", "Status", "Grade", "Maximum grade",
                  "Grade can be changed", "Last modified (submission)", "Last modified (grade)", "Feedback comments")


def _names(learner: str) -> tuple[str, str]:
    first, _, last = learner.partition("_")
    return first.title(), "-".join(part.title() for part in last.split("_")) or learner


def write_canvas_gradebook(path: Path, learners: list[str]) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(CANVAS_COLUMNS)
        writer.writerow(["    Points Possible", "", "", "", "", "10.00", "100.00", "(read only)", "(read only)"])
        for number, learner in enumerate(sorted(learners)):
            first, last = _names(learner)
            writer.writerow([f"{last}, {first}", 1001 + number, f"S{1001 + number}", learner, "Identify Lab",
                             "10.00", "", "100.00", "10.00"])
    return path


def write_moodle_worksheet(path: Path, learners: list[str]) -> Path:
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(MOODLE_COLUMNS)
        for number, learner in enumerate(sorted(learners)):
            first, last = _names(learner)
            writer.writerow([f"Participant {5001 + number}", f"{first} {last}", f"{learner}@example.edu",
                             "Submitted for grading", "", "100.00", "Yes", "Monday, 2 March 2026, 10:00 AM", "-", ""])
    return path
