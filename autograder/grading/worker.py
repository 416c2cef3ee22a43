"""One grading worker: ``grade`` for one submission at a time, inside a
``grading_runtime`` (a private copy of the course and its gradebook, kernels
started ahead, a warm browser for the trusted checks).

The worker runs nbgrader's own autograde and generate_feedback in-process
against its private gradebook; the coordinator alone writes the course's
gradebook, so parallel workers never share an SQLite file. What the points are
is decided by ``scoring_rules``; this module gathers what they decide from.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from ..errors import UnusableInput
from ..notebook_cells import grade_id, nbgrader_metadata
from ..snippet import snippet_from_notebook
from . import recheck, scoring_rules
from .execute import run_notes
from .jobs import GradeJob, GradeResult, WorkerConfig
from .output_bounds import NOTEBOOK_CHARS, bound_notebook
from .repair import NotebookRepair
from .runtime import Runtime, grading_runtime
from .summary import CHECK_CELLS
from .trusted import report_key, trusted_reports


@contextmanager
def grading_worker(config: WorkerConfig) -> Iterator["Worker"]:
    """A worker, ready to grade; everything it changed in the process is undone afterwards."""
    with grading_runtime(config) as runtime:
        yield Worker(config, runtime)


def grade_safely(worker: Worker, job: GradeJob) -> GradeResult:
    """The one per-submission function the pool and Dask run: never raises, so one
    submission never stops the batch."""
    try:
        return worker.grade_one(job)
    except Exception as err:
        return GradeResult(learner=job.learner, graded=False, worker=os.getpid(),
                           reason=f"grader error: {type(err).__name__}: {str(err)[:200]}")


class Worker:
    def __init__(self, config: WorkerConfig, runtime: Runtime) -> None:
        self.config = config
        self.runtime = runtime
        self.root, self.api, self.kernels = runtime.root, runtime.api, runtime.kernels
        self.sandboxed, self.reports_dir = runtime.sandboxed, runtime.reports_dir
        self.lock = threading.Lock()  # one submission at a time, even on a multi-threaded Dask worker
        self._calibrate_recheck()

    def _calibrate_recheck(self) -> None:
        """Keep only the tests that the instructor's own solutions pass outside a kernel."""
        source = json.loads(self.config.course_files[
            f"source/{self.config.assignment}/{self.config.notebook_id}.ipynb"])
        self.solution_ids, tests = recheck.plan(source, skip=CHECK_CELLS)
        self.graded_ids = [grade_id(cell) for cell in source["cells"] if nbgrader_metadata(cell).get("grade")]
        self.locked_sources = scoring_rules.locked_sources(source)
        self.repair = NotebookRepair(source)
        outcome = recheck.run(recheck.learner_sources(source, self.solution_ids), tests,
                              workdir=self.root / "recheck", policy=self.runtime.recheck_policy,
                              timeout_s=self.config.notebook_timeout_s)
        self.recheck_tests = {gid: code for gid, code in tests.items() if outcome[gid].passed}

    def _recheck(self, notebook: dict, result: GradeResult) -> str:
        """The Python exercises, re-checked outside the kernel: that verdict decides them."""
        if not self.recheck_tests:
            return ""
        timeout_s = recheck.bound_s(result.timings_s.get("autograde"), self.config.notebook_timeout_s)
        started = time.perf_counter()
        outcome = recheck.run(recheck.learner_sources(notebook, self.solution_ids), self.recheck_tests,
                              workdir=self.root / "recheck", policy=self.runtime.recheck_policy,
                              timeout_s=timeout_s)
        result.timings_s["recheck"] = time.perf_counter() - started
        scoring_rules.apply_recheck(result, outcome)
        return recheck.not_rechecked_note(result.not_rechecked, outcome)

    def grade_one(self, job: GradeJob) -> GradeResult:
        with self.lock:
            return self._grade(job)

    def _grade(self, job: GradeJob) -> GradeResult:
        result = GradeResult(learner=job.learner, graded=False, worker=os.getpid(), sandboxed=self.sandboxed)
        self.kernels.verdicts = []  # the learner's kernel sees only the verdicts on its own snippet
        started = time.perf_counter()
        try:
            notebook = json.loads(job.notebook.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            result.reason = f"not a readable notebook ({type(err).__name__}: {str(err)[:120]})"
            return result
        if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
            result.reason = "not a notebook (no cells)"
            return result
        repaired = self.repair(notebook)
        if repaired:  # nbgrader reads the repaired notebook
            job = GradeJob(job.learner, json.dumps(notebook).encode())
        self._judge_snippet(notebook, result)
        result.timings_s["checks"] = time.perf_counter() - started
        self._autograde(job, result)
        if result.graded:
            not_rechecked = self._recheck(notebook, result)
            scoring_rules.settle(result, notebook, graded_ids=self.graded_ids, locked_sources=self.locked_sources,
                                 notebook_timeout_s=self.config.notebook_timeout_s,
                                 notes=[not_rechecked, *repaired, *run_notes(result.autograded or "")])
        return result

    def _judge_snippet(self, notebook: dict, result: GradeResult) -> None:
        """The trusted verdicts: the snippet as submitted, judged in this worker's browser."""
        try:
            snippet = snippet_from_notebook(notebook, where="the submission")
        except UnusableInput as err:
            result.reason = str(err).replace("the submission: ", "")
            return
        reports = trusted_reports(self.reports_dir, snippet, self.config.seeds,
                                  timeout_s=self.config.checks_timeout_s, parallel=self.config.scenarios_in_parallel)
        # The kernel gets the very reports this grade is made of (an incomplete one is in no cache).
        handed = self.root / "verdicts"
        shutil.rmtree(handed, ignore_errors=True)
        handed.mkdir()
        for seed, report in reports.items():
            (handed / f"{report_key(snippet, seed)}.json").write_text(report.to_json_text(), encoding="utf-8")
        self.kernels.verdicts = sorted(handed.iterdir())
        for seed, report in reports.items():
            result.checks[str(seed)] = report.to_json()
            failing = next((c for c in report.checks if not c.passed and c.evidence.get("screenshot")), None)
            if failing and result.screenshot_png_b64 is None and Path(failing.evidence["screenshot"]).exists():
                result.screenshot_png_b64 = base64.b64encode(Path(failing.evidence["screenshot"]).read_bytes()).decode()

    def _autograde(self, job: GradeJob, result: GradeResult) -> None:
        assignment, learner = self.config.assignment, job.learner
        submitted = self.root / "submitted" / learner / assignment
        if submitted.exists():
            shutil.rmtree(submitted)
        submitted.mkdir(parents=True)
        (submitted / f"{self.config.notebook_id}.ipynb").write_bytes(job.notebook)
        started = time.perf_counter()
        outcome = self.api.autograde(assignment, learner, force=True, create=True)
        result.timings_s["autograde"] = time.perf_counter() - started
        if not outcome.get("success"):
            result.reason = scoring_rules.last_error(outcome) or "nbgrader could not autograde this notebook"
            return
        result.cells = self._scores(learner)
        scoring_rules.apply_trusted_checks(result)
        autograded = self.root / "autograded" / learner / assignment / f"{self.config.notebook_id}.ipynb"
        result.autograded = _bounded_copy(autograded) if autograded.exists() else None
        started = time.perf_counter()
        feedback = self.api.generate_feedback(assignment, learner, force=True)
        result.timings_s["feedback"] = time.perf_counter() - started
        html = self.root / "feedback" / learner / assignment / f"{self.config.notebook_id}.html"
        result.feedback = html.read_text(encoding="utf-8") if feedback.get("success") and html.exists() else None
        result.graded = True
        for folder in ("submitted", "autograded", "feedback"):  # keep the worker's disk use bounded
            shutil.rmtree(self.root / folder / learner, ignore_errors=True)

    def _scores(self, learner: str) -> dict[str, list[float]]:
        with Gradebook(self.api.coursedir.db_url) as gb:
            try:
                submitted = gb.find_submission_notebook(self.config.notebook_id, self.config.assignment, learner)
            except MissingEntry:
                return {}
            return {grade.name: [float(grade.score or 0.0), float(grade.max_score or 0.0)]
                    for grade in submitted.grades}


def _bounded_copy(autograded: Path) -> str:
    """The graded notebook as the grader keeps it (sent back from workers, read for the feedback pages):
    a learner's flood of output cut to output_bounds' sizes, with markers, and written back so that
    nbgrader's feedback reads the same."""
    text = autograded.read_text(encoding="utf-8")
    if len(text) <= NOTEBOOK_CHARS:
        return text
    notebook, cut = bound_notebook(nbformat.reads(text, as_version=4))
    if cut:
        text = nbformat.writes(notebook)
        autograded.write_text(text, encoding="utf-8")
    return text
