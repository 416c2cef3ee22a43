"""Each learner's own feedback page where nbgrader's ``release_feedback`` takes it, so that a
learner who fetches feedback from the Assignments list gets the checklist, the timeline and the
screenshot, not only nbgrader's page of the graded notebook.

nbgrader's exchange hands out one file per notebook: ``feedback/<learner>/<assignment>/<notebook>.html``
in the course, named in the exchange by a hash of the submission's secret, fetched into the
learner's ``<assignment>/feedback/<timestamp>/<notebook>.html``. Nothing beside it travels, so
that file is the learner's page with everything in it: the screenshot inline (it always is) and
nbgrader's page of the notebook in a frame of its own (feedback.render_page).
"""

from __future__ import annotations

import os
from pathlib import Path

from .feedback import notebook_page_path, render_page
from .gradebook import SUBMISSION_RECEIPTS, copy_submission_receipts
from .summary import LearnerSummary


def write_course_feedback(course_dir: Path, assignment: str, notebook_id: str, summary: LearnerSummary,
                          result: dict) -> Path | None:
    """Write the learner's page into the course, with the receipts ``release_feedback`` names it by;
    None when the submission came without them (not through the exchange): nbgrader could not
    hand that page to anyone, and its release stops at the first page without receipts."""
    submitted = course_dir / "submitted" / summary.learner / assignment
    if not all((submitted / name).is_file() for name in SUBMISSION_RECEIPTS):
        return None
    notebook = notebook_page_path(result)
    html = render_page(summary, result, notebook_page=notebook.read_text(encoding="utf-8") if notebook else None)
    folder = course_dir / "feedback" / summary.learner / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{notebook_id}.html"
    # Written whole, then renamed: a release running meanwhile never hands out half a page.
    partial = folder / f".{notebook_id}.html.partial"
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, path)
    copy_submission_receipts(submitted, folder)
    return path
