"""Canvas: each learner's feedback page in ``canvas-feedback.zip``, for the
assignment's *Re-upload submissions* (Canvas's only way to send many files back).

What Canvas accepts (``Assignment#generate_comments_from_files``): every file of
the zip whose name, split at ``_``, has two all-digit parts, the first read as the
learner's Canvas user id and the second as the attachment id of a file in that
learner's current submission; names starting with ``._`` and names whose attachment
is not in the submission are ignored. Each learner's files become one comment,
"See attached file", shown under the name of the learner's own submitted file.
So each page is named ``<name>_<user id>_<attachment id>_feedback.html`` with the ids
of the file that was graded (from the submissions zip), and a name part holding no
all-digit run of its own (Canvas would read it as the user id).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .intake import Submission

FALLBACK_NAME = "learner"
MAX_NAME_CHARS = 60


def entry_name(canvas_name: str, user_id: str, attachment: str) -> str:
    """A file name Canvas reads as (user id, attachment id), whatever the learner's name holds."""
    # Letters only (any script): a digit anywhere could make a part Canvas reads as an id,
    # and no dot, slash or backslash can reach the name.
    name = "".join(char for char in canvas_name if char.isalpha())[:MAX_NAME_CHARS] or FALLBACK_NAME
    return f"{name}_{user_id}_{attachment}_feedback.html"


def write_canvas_feedback_zip(path: Path, book, match, submissions: list[Submission], *,
                              feedback_dir: Path) -> tuple[Path, list[str]]:
    """Each matched learner's page under the ids Canvas knows; a note for those without."""
    by_learner = {s.learner: s for s in submissions}
    notes = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for row, summary in sorted(match.by_row.items()):
            page = feedback_dir / f"{summary.learner}.html"
            submission = by_learner.get(summary.learner)
            if not page.is_file():
                continue
            if submission is None or submission.person[0] != "Canvas" or not submission.attachment:
                notes.append(f"{summary.learner}: no Canvas file name (graded from a folder, not the submissions "
                             f"zip), so no page in {path.name}; attach feedback/{summary.learner}.html in "
                             "SpeedGrader")
                continue
            user_id = book.rows[row]["ID"].strip()
            archive.write(page, entry_name(submission.canvas_name, user_id, submission.attachment))
    return path, notes
