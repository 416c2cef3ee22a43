"""The course's nbgrader gradebook, written by the coordinating process only.

Workers grade against private copies; their results are written here one at a
time, through nbgrader's own Gradebook API, so the SQLite file never sees two
writers and no grade is lost or doubled.
"""

from __future__ import annotations

import os
import sys
import warnings
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.exc import SAWarning
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import parse_utc
from traitlets.config import Config

from ..errors import UnusableInput


def put_tools_on_path() -> None:
    """nbgrader runs the ``alembic`` command when it creates a gradebook; from a
    venv that was not activated, that command is only beside our Python."""
    tools = os.path.dirname(sys.executable)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = tools + os.pathsep + os.environ.get("PATH", "")


def gradebook_url(course_dir: Path) -> str:
    """The database URL of the gradebook in an nbgrader course (or a worker's copy of one)."""
    return f"sqlite:///{course_dir / 'gradebook.db'}"


def course_api(course_dir: Path) -> NbGraderAPI:
    config = Config()
    config.CourseDirectory.root = str(course_dir)
    config.CourseDirectory.db_url = gradebook_url(course_dir)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def course_files(course_dir: Path, assignment: str) -> dict[str, bytes]:
    """What a worker needs of the course: the assignment's source and the gradebook."""
    files = {"gradebook.db": (course_dir / "gradebook.db").read_bytes()}
    source = course_dir / "source" / assignment
    for path in sorted(source.rglob("*")):
        if path.is_file() and ".ipynb_checkpoints" not in path.parts:
            files[str(path.relative_to(course_dir))] = path.read_bytes()
    return files


def prepare_assignment(course_dir: Path, assignment: str) -> str:
    """Make sure the gradebook knows the assignment; return its notebook's id."""
    source = course_dir / "source" / assignment
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise UnusableInput(f"{source}: no source notebook; is --course the nbgrader course folder and "
                            f"--assignment its assignment?")
    if len(notebooks) > 1:
        raise UnusableInput(f"{source}: several notebooks; this grader handles one notebook per assignment")
    notebook_id = notebooks[0].stem
    put_tools_on_path()
    with Gradebook(gradebook_url(course_dir)) as gb:
        try:
            gb.find_notebook(notebook_id, assignment)
            return notebook_id
        except MissingEntry:
            pass
    outcome = course_api(course_dir).generate_assignment(assignment, force=True, create=True)
    if not outcome.get("success"):
        raise UnusableInput(f"nbgrader generate_assignment failed for {assignment}: "
                            f"{(outcome.get('error') or outcome.get('log') or '')[-300:]}")
    return notebook_id


def open_gradebook(course_dir: Path) -> Gradebook:
    """The course's gradebook, to keep open for a whole batch: one SQLAlchemy engine,
    so nbgrader's queries are compiled once, not again for every learner (about
    0.08 s of the coordinator's CPU per learner when each result opened its own)."""
    return Gradebook(gradebook_url(course_dir))


# What nbgrader's exchange hands the instructor beside a submission, and what its
# ``release_feedback`` reads beside each learner's feedback (to name the feedback for that
# submission). Written by the learner's side: small files, copied only when they are.
SUBMISSION_RECEIPTS = ("timestamp.txt", "submission_secret.txt")
RECEIPT_MAX_BYTES = 1024


def copy_submission_receipts(source_dir: Path, dest_dir: Path) -> None:
    """Copy nbgrader's receipts of a submission from ``source_dir`` into ``dest_dir``."""
    for name in SUBMISSION_RECEIPTS:
        source, dest = source_dir / name, dest_dir / name
        if source.is_file() and not source.is_symlink() and source.stat().st_size <= RECEIPT_MAX_BYTES \
                and source.resolve() != dest.resolve():
            dest_dir.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(source.read_bytes())


def _submitted_at(folder: Path) -> datetime | None:
    """The time in the submission's ``timestamp.txt`` (written on the learner's side), if it reads as one."""
    path = folder / "timestamp.txt"
    try:
        if not path.is_file() or path.stat().st_size > RECEIPT_MAX_BYTES:
            return None
        return parse_utc(path.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError, ValueError, OverflowError):
        return None


def write_result(gb: Gradebook, course_dir: Path, assignment: str, notebook_id: str, result: dict, *,
                 pages_dir: Path) -> dict:
    """Store one learner's scores in ``gb`` (the course's, see ``open_gradebook``), and put
    their autograded notebook in the course and nbgrader's page of it in ``pages_dir``; returns
    the result pointing at those lasting copies, with the scores the gradebook gives (a manual
    one wins). The course's feedback/ folder gets the learner's own page later
    (course_feedback.py), the one file per notebook that nbgrader's release_feedback hands out."""
    learner = result["learner"]
    result = _auto_scores(result)
    with warnings.catch_warnings():
        # nbgrader's own models trip a harmless SQLAlchemy warning while mirroring the assignment
        warnings.simplefilter("ignore", SAWarning)
        gb.update_or_create_student(learner)
        # With the time the learner submitted, as nbgrader's autograde records it: the formgrader
        # counts a submission as graded only when that time matches the one in submitted/.
        submitted_at = _submitted_at(course_dir / "submitted" / learner / assignment)
        gb.update_or_create_submission(assignment, learner, **({"timestamp": submitted_at} if submitted_at else {}))
        # All the notebook's grades in one query (find_grade would make one per cell).
        grades = {grade.name: grade for grade in
                  gb.find_submission_notebook(notebook_id, assignment, learner).grades}
        for grade_id, (score, _) in result["cells"].items():
            if grade_id in grades:
                grade = grades[grade_id]
                grade.auto_score = score
                # nbgrader's autograde rule: a grade an instructor entered is kept and asks for review.
                grade.needs_manual_grade = grade.manual_score is not None
        gb.db.commit()
        result = _with_manual(result, grades)
        gb.db.close()  # no transaction, no lock, and no stale rows left between results
    if result.get("autograded"):
        dest = course_dir / "autograded" / learner / assignment / f"{notebook_id}.ipynb"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(result["autograded"], encoding="utf-8")
        result["autograded"] = str(dest)
        copy_submission_receipts(course_dir / "submitted" / learner / assignment, dest.parent)  # as autograde does
    if result.get("feedback"):
        dest = pages_dir / f"{learner}.html"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(result["feedback"], encoding="utf-8")
        result["feedback"] = str(dest)
    return result


def read_manual_grades(gb: Gradebook, assignment: str, notebook_id: str, result: dict) -> dict:
    """A result kept from an earlier run, with the manual scores the gradebook holds now
    (entered, changed or taken back in formgrader since)."""
    if not result.get("graded"):
        return result
    try:
        grades = {grade.name: grade for grade in
                  gb.find_submission_notebook(notebook_id, assignment, result["learner"]).grades}
    except MissingEntry:
        return result
    try:
        return _with_manual(_auto_scores(result), grades)
    finally:
        gb.db.close()


def _auto_scores(result: dict) -> dict:
    """The result with the autograder's own scores, whatever manual scores it showed."""
    result = dict(result)
    cells = {grade_id: list(pair) for grade_id, pair in result.get("cells", {}).items()}
    for grade_id, (_, auto) in (result.get("manual") or {}).items():
        if grade_id in cells:
            cells[grade_id][0] = auto
    result["cells"], result["manual"] = cells, {}
    return result


def _with_manual(result: dict, grades: dict) -> dict:
    """nbgrader's rule: a cell's score is the manual score when an instructor entered one
    (plus any extra credit), else the autograder's. ``manual``: grade_id -> [score, auto]."""
    for grade_id, pair in result["cells"].items():
        grade = grades.get(grade_id)
        if grade is not None and grade.manual_score is not None:
            result["manual"][grade_id] = [float(grade.manual_score) + float(grade.extra_credit or 0.0), pair[0]]
            pair[0] = result["manual"][grade_id][0]
    return result
