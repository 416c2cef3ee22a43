"""Gradescope's run_autograder: grade ``<root>/submission/*.ipynb`` with the same
pipeline as ``autograder grade`` (one worker) and write ``<root>/results/results.json``.

``root`` is ``/autograder`` on Gradescope and any folder laid out the same way
elsewhere (the tests use a temporary one). results.json is always written, with a
score of 0 and what to do when there is nothing to grade, because Gradescope shows
"The autograder failed to execute correctly" for a missing or broken one and the
learner learns nothing from that.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..errors import AutograderError, UnusableInput
from ..notebook_paths import ASSIGNMENT, init_course
from .batch import DEFAULT_SEEDS, grade_batch
from .gradescope_results import hidden_cells, results_json, unusable_results
from .graded_notebook import read_graded
from .sandbox import sandbox_available
from .summary import summarize_all

GRADESCOPE_ROOT = Path("/autograder")
LEARNER = "submission"  # Gradescope knows who it is; the grade is for this one notebook
GRADER_FAILED = ("The grader itself failed, nothing you did. Your instructor sees this on Gradescope and will "
                 "grade it again; you need not submit again.")


def run_gradescope(*, root: str | Path = GRADESCOPE_ROOT, course_dir: str | Path | None = None,
                   assignment: str = ASSIGNMENT, timeout_s: float = 120.0) -> Path:
    """Grade the submission under ``root``; returns the results.json written."""
    root = Path(root)
    started = time.perf_counter()
    results = root / "results" / "results.json"
    results.parent.mkdir(parents=True, exist_ok=True)
    try:
        notebook = _the_notebook(root / "submission")
        # A short scratch path: the grader's kernels talk over Unix sockets inside it, whose
        # paths may not exceed 107 bytes (a deep ROOT, as in a test's tmp folder, would).
        with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
            data = _grade(notebook, Path(scratch), course_dir=course_dir, assignment=assignment,
                          timeout_s=timeout_s, started=started)
    except UnusableInput as err:
        data = unusable_results(str(err), execution_time_s=time.perf_counter() - started)
    except AutograderError as err:  # the grader's own trouble (no browser, a worker that cannot start)
        data = unusable_results(f"{GRADER_FAILED}\n\nDetails: {err}", execution_time_s=time.perf_counter() - started)
    partial = results.with_suffix(".json.partial")
    partial.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, results)  # never a half-written file for Gradescope to read
    return results


def _grade(notebook: Path, work: Path, *, course_dir, assignment: str, timeout_s: float, started: float) -> dict:
    course = Path(course_dir) if course_dir else init_course(work / "course")  # writable: nbgrader's gradebook
    inbox = work / "in"
    inbox.mkdir()
    shutil.copyfile(notebook, inbox / f"{LEARNER}.ipynb")
    batch = grade_batch(inbox, course_dir=course, assignment=assignment, out_dir=work / "out", workers=1,
                        timeout_s=timeout_s, sandbox=sandbox_available())
    summary = summarize_all(batch.results)[0]
    result = batch.results[summary.learner]
    sources = sorted((course / "source" / assignment).glob("*.ipynb"))
    return results_json(summary, result, visible_seed=DEFAULT_SEEDS[0],
                        messages=read_graded(result.get("autograded")).messages,
                        hidden=hidden_cells(sources[0]) if sources else set(),
                        execution_time_s=time.perf_counter() - started)


def _the_notebook(folder: Path) -> Path:
    notebooks = sorted(p for p in folder.rglob("*.ipynb")
                       if p.is_file() and not p.is_symlink() and ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        raise UnusableInput("No notebook (.ipynb) was submitted: upload the course notebook with your answers "
                            "(in JupyterLab: File > Download), then submit again.")
    named = [p for p in notebooks if p.name == f"{ASSIGNMENT}.ipynb"]
    # Several: the course's own name wins, then the top-most and first by name (Gradescope keeps folders).
    return (named or sorted(notebooks, key=lambda p: (len(p.relative_to(folder).parts), p.name)))[0]

