"""``autograder demo`` (``make demo``), the main job end to end: release the
course, synthesize a class of learner submissions from a catalogue of realistic
behaviours, grade it with ``autograder grade``, and show the summary. The class
comes with a Canvas gradebook export and a Moodle grading worksheet listing its
learners (synthetic_rosters), so the grading also writes both LMS's import files."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from rich.console import Console

from .grading.console import grade_with_progress, print_summary
from .grading.lms import prepare_lms
from .grading.synthetic import SNIPPETS, synthesize_class
from .grading.synthetic_rosters import CANVAS_ASSIGNMENT, write_canvas_gradebook, write_moodle_worksheet
from .notebook.course import release_course
from .notebook_paths import ASSIGNMENT, course_source

DEMO_TIMEOUT_S = 10.0  # per notebook: the class has an endless loop in it
# Two correct styles and every classic mistake: each distinct snippet costs two browser runs.
DEMO_SNIPPETS = [name for name in SNIPPETS if name not in ("optional-chaining", "function-push")]


def run_demo(*, out_dir: str | Path = "demo-out", size: int = 30, workers: int | None = None) -> int:
    console = Console()
    out = Path(out_dir).resolve()
    course = out / "course"
    if course.exists():
        shutil.rmtree(course)
    source = course_source()
    shutil.copytree(source, course, ignore=shutil.ignore_patterns("release", "submitted", "autograded", "feedback",
                                                                  "downloaded", "gradebook.db", "*.pyc"))
    release = release_course(course_dir=course) / f"{ASSIGNMENT}.ipynb"
    console.print(f"Released the learner version: {release}")
    submissions = out / "submissions"
    if submissions.exists():
        shutil.rmtree(submissions)
    behaviours = synthesize_class(release, submissions, size=size, snippets=DEMO_SNIPPETS)
    console.print(f"Synthesized {len(behaviours)} submissions in {submissions}")
    rosters = out / "rosters"
    rosters.mkdir(exist_ok=True)
    lms = [prepare_lms(write_canvas_gradebook(rosters / "canvas-gradebook.csv", list(behaviours)),
                       canvas_column=CANVAS_ASSIGNMENT),
           prepare_lms(write_moodle_worksheet(rosters / "moodle-worksheet.csv", list(behaviours)))]
    console.print(f"Their LMS rosters: {rosters}/canvas-gradebook.csv and moodle-worksheet.csv")
    workers = workers or os.cpu_count() or 1
    batch, outputs = grade_with_progress(submissions, course_dir=course, assignment=ASSIGNMENT,
                                         out_dir=out / "grading", workers=workers, timeout_s=DEMO_TIMEOUT_S,
                                         force=True, lms=lms)
    print_summary(outputs, batch, console)
    console.print(f"Open the class report in a browser: file://{outputs.report_html}")
    return 0
