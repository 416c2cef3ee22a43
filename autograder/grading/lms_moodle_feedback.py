"""What Moodle shows a learner: the worksheet's Feedback comments (a short summary
of the score and what to fix) and the feedback files zip for "Upload multiple
feedback files in a zip".

Moodle keeps Feedback comments as HTML, so the summary is plain text with every
``<``, ``>`` and ``&`` escaped: a learner's value quoted in a check's message is shown,
never run. In the zip each learner's files sit in a folder
``<Full name>_<participant id>_assignsubmission_file_/``; Moodle splits that name at
``_`` and takes the second part as the participant id, so underscores in the
name become spaces (as in Moodle's own download) and characters no file name
may hold are dropped.
"""

from __future__ import annotations

import html
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from ..checks.catalog import BY_ID
from .summary import CHECK_CELLS, LearnerSummary

MAX_ITEMS = 3  # what to fix: the first few; the feedback file has them all
MAX_MESSAGE_CHARS = 160
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|_]")


def comment_for(summary: LearnerSummary, *, grade: Decimal, maximum: Decimal, bonus: str) -> str:
    parts = [f"Score {grade}/{maximum} ({summary.score:g}/{summary.max_score:g} points"]
    if summary.bonus_max:
        counted = "added" if bonus == "add" else "not counted in the grade"
        parts[0] += f", bonus {summary.bonus:g}/{summary.bonus_max:g}, {counted}"
    parts[0] += ")."
    if summary.late:
        days = f" by {summary.days_late} day{'s' if summary.days_late != 1 else ''}" if summary.days_late else ""
        parts.append(f"Late{days}" + (f": -{summary.late_penalty:g} points." if summary.late_penalty else "."))
    if summary.reason:
        parts.append(f"Note: {_short(summary.reason)}.")
    fixes = [f"{BY_ID[check].title if check in BY_ID else check}: {_short(summary.check_messages.get(check, ''))}"
             for check in summary.failed_checks]
    fixes += [f"{grade_id}: {score:g}/{most:g} points" for grade_id, (score, most) in summary.cells.items()
              if grade_id not in CHECK_CELLS and score < most]
    if fixes:
        more = len(fixes) - MAX_ITEMS
        parts.append("To fix: " + " | ".join(fixes[:MAX_ITEMS]) + (f" | and {more} more." if more > 0 else "."))
    elif summary.graded:
        parts.append("Everything passed.")
    parts.append("Details, step by step: feedback.html in your feedback files.")
    return html.escape(" ".join(parts), quote=False)


def _short(text: str) -> str:
    text = " ".join(str(text).split()).rstrip(".")
    return text if len(text) <= MAX_MESSAGE_CHARS else text[:MAX_MESSAGE_CHARS - 1] + "…"


def folder_name(full_name: str, participant: str) -> str:
    name = " ".join(_UNSAFE_IN_NAME.sub(" ", full_name).split()).strip(". ") or "Participant"
    return f"{name}_{participant}_assignsubmission_file_"


def write_feedback_zip(path: Path, sheet, match, *, feedback_dir: Path) -> Path:
    """Each matched learner's feedback page (and nbgrader's view of the notebook it links to)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for row, summary in sorted(match.by_row.items()):
            page = feedback_dir / f"{summary.learner}.html"
            if not page.is_file():
                continue
            folder = folder_name(sheet.full_name(row), sheet.participants[row])
            archive.write(page, f"{folder}/feedback.html")
            notebook = feedback_dir / f"{summary.learner}.notebook.html"
            if notebook.is_file():  # feedback.html links to it by this name
                archive.write(notebook, f"{folder}/{notebook.name}")
    return path
