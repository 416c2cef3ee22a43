"""Grading a whole batch: intake, parallel workers, the gradebook, resume.

The coordinator hands submissions to N worker processes (each with a warm
browser and a private gradebook), writes every result to the course gradebook
and to the ledger the moment it arrives, and never lets one submission stop
the batch: a crash, a hang or a broken file becomes a reason, not an abort.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import multiprocessing
import os
import pickle
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import AutograderError, UnusableInput
from .gradebook import course_files, open_gradebook, prepare_assignment, read_manual_grades, write_result
from .intake import Intake, collect
from .ledger import Ledger, fingerprint
from .regrade import choose_work
from .settings import COURSE_CONFIG, course_settings, overridden
from .entry import START_FAILED, init_worker, run_job, run_job_on_dask
from .jobs import GradeJob, GradeResult, WorkerConfig

# The seeds the course's check cells use (visible, hidden): the trusted reports are made for these.
DEFAULT_SEEDS = (7, 1913)


@dataclass
class Progress:
    total: int
    done: int = 0
    failed: int = 0
    skipped: int = 0  # already graded, unchanged
    started: float = field(default_factory=time.perf_counter)

    @property
    def rate_per_s(self) -> float:
        elapsed = time.perf_counter() - self.started
        return (self.done - self.skipped) / elapsed if elapsed > 0 else 0.0


@dataclass
class BatchResult:
    results: dict[str, dict]  # learner -> GradeResult JSON
    intake: Intake
    graded_now: list[str]
    resumed: list[str]
    duration_s: float
    # The nbgrader course graded into, so that the outputs can put each learner's page there too.
    course_dir: Path | None = None
    assignment: str = ""
    notebook_id: str = ""

    @property
    def failed(self) -> dict[str, str]:
        return {learner: r["reason"] for learner, r in self.results.items() if not r["graded"]}


def grade_batch(submissions: str | Path, *, course_dir: str | Path, assignment: str, out_dir: str | Path,
                workers: int | None = None, timeout_s: float = 120.0, force: bool = False,
                seeds: tuple[int, ...] = DEFAULT_SEEDS, sandbox: bool = True, scheduler: str | None = None,
                learners: tuple[str, ...] | list[str] = (),
                on_progress: Callable[[Progress, str], None] | None = None) -> BatchResult:
    started = time.perf_counter()
    course_dir, out_dir = Path(course_dir).resolve(), Path(out_dir).resolve()
    if not (course_dir / "source" / assignment).is_dir():
        raise UnusableInput(f"{course_dir}: no source/{assignment}/ here; give the nbgrader course folder "
                            "with --course and the assignment with --assignment")
    notebook_id = prepare_assignment(course_dir, assignment)
    intake = collect(submissions, submitted_dir=course_dir / "submitted", assignment=assignment,
                     notebook_name=f"{notebook_id}.ipynb")
    ledger = Ledger(out_dir / "state")
    source = course_dir / "source" / assignment
    course_config = (course_dir / COURSE_CONFIG).read_bytes() if (course_dir / COURSE_CONFIG).is_file() else b""
    prints = {submission.learner: fingerprint(submission.path, assignment_source=source, seeds=seeds,
                                              course_config=course_config, options=(timeout_s, sandbox))
              for submission in intake.submissions}
    if force:  # regrade all: the browser judges every snippet again too
        shutil.rmtree(out_dir / "check-reports", ignore_errors=True)
    # ``learners``: only those are graded, everyone else keeps their last result (regrade.py).
    work = choose_work(intake.submissions, prints, ledger, force=force, learners=learners)
    intake.notices.extend(work.notices)
    results: dict[str, dict] = dict(work.resumed)
    resumed = list(work.resumed)
    todo = [(GradeJob(s.learner, s.path.read_bytes()), prints[s.learner]) for s in work.todo]

    files = course_files(course_dir, assignment)
    if course_config:  # the instructor's settings apply in the workers too
        files[COURSE_CONFIG] = course_config
    config = WorkerConfig(course_files=files, assignment=assignment,
                          notebook_id=notebook_id, work_dir=str(out_dir / "work"),
                          reports_dir=str(out_dir / "check-reports"),
                          seeds=seeds, notebook_timeout_s=timeout_s, cell_timeout_s=min(30.0, timeout_s),
                          hidden=(str(course_dir), str(out_dir)), sandbox=sandbox)
    intake.notices.extend(overridden(course_settings(course_dir / COURSE_CONFIG), config))

    progress = Progress(total=len(todo) + len(resumed), done=len(resumed), skipped=len(resumed),
                        failed=sum(not results[name]["graded"] for name in resumed))
    if on_progress:
        on_progress(progress, "")

    def finished(job: GradeJob, print_: str, graded: GradeResult) -> None:
        if graded.reason.startswith(START_FAILED):
            raise AutograderError(graded.reason)
        # From here on a result is JSON, whose graded notebook and feedback are paths of stored files.
        result = write_result(gradebook, course_dir, assignment, notebook_id, graded.to_json(),
                              pages_dir=out_dir / "state" / "notebook-pages")
        ledger.record(job.learner, print_, result)
        results[job.learner] = result
        progress.done += 1
        progress.failed += not result["graded"]
        if on_progress:
            on_progress(progress, job.learner)

    with open_gradebook(course_dir) as gradebook:
        for learner in resumed:  # scores entered in formgrader since the last run win there too
            results[learner] = read_manual_grades(gradebook, assignment, notebook_id, results[learner])
        if scheduler:
            _run_on_dask(todo, config, scheduler, finished)
        else:
            _run_pool(todo, config, workers or os.cpu_count() or 1, finished)
    shutil.rmtree(out_dir / "work", ignore_errors=True)
    return BatchResult(results=results, intake=intake, graded_now=[job.learner for job, _ in todo],
                       resumed=resumed, duration_s=time.perf_counter() - started, course_dir=course_dir,
                       assignment=assignment, notebook_id=notebook_id)


def _run_pool(todo: list[tuple[GradeJob, str]], config: WorkerConfig, workers: int, finished) -> None:
    """Run jobs on worker processes. When a worker dies, every job of that pool
    that had not finished is retried alone, so only the one that kills a
    worker by itself is reported as such."""
    # Workers get the path of their configuration, not the configuration: a spawned
    # process reads its arguments only once it has imported this package (2 s), and the
    # course's files (the gradebook grows with the class) overflow the pipe, so each
    # worker's start would wait for the previous one's imports.
    config_file = Path(config.work_dir or tempfile.mkdtemp(prefix="identify-lab-grader-")) / "worker-config.pickle"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_bytes(pickle.dumps(config))
    suspects = _run_round(todo, str(config_file), workers, finished)
    for job, print_ in suspects:
        if _run_round([(job, print_)], str(config_file), 1, finished):
            finished(job, print_, GradeResult(learner=job.learner, graded=False,
                                              reason="crashed the grading worker (out of memory or killed?)"))


def _run_round(jobs, config_file: str, workers: int, finished) -> list[tuple[GradeJob, str]]:
    if not jobs:
        return []
    context = multiprocessing.get_context("spawn")  # no inherited threads, loops or browsers
    broken = []
    with cf.ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context,
                                initializer=init_worker, initargs=(config_file,)) as pool:
        futures = {pool.submit(run_job, job): (job, print_) for job, print_ in jobs}
        try:
            for future in cf.as_completed(futures):
                job, print_ = futures[future]
                try:
                    result = future.result()
                except cf.process.BrokenProcessPool:
                    broken.append((job, print_))
                    continue
                finished(job, print_, result)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return broken


def _run_on_dask(todo, config: WorkerConfig, scheduler: str, finished) -> None:
    """The same jobs on an existing Dask cluster; results come back here, where
    the gradebook is written. Dask workers need this package and a Chromium."""
    from distributed import Client, as_completed

    try:
        client = Client(scheduler, timeout="30s")
    except OSError as err:
        raise AutograderError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from err
    # Workers on other machines have their own disks: no shared folders.
    remote = dataclasses.replace(config, work_dir=None, reports_dir=None, hidden=())
    with client:
        shipped = client.scatter(remote, broadcast=True)
        futures = {client.submit(run_job_on_dask, shipped, job, pure=False): (job, print_) for job, print_ in todo}
        for future in as_completed(futures):
            job, print_ = futures[future]
            try:
                result = future.result()
            except Exception as err:  # a worker lost mid-job: the submission is reported, the batch goes on
                result = GradeResult(learner=job.learner, graded=False,
                                     reason=f"the Dask worker failed: {type(err).__name__}: {err}"[:300])
            finished(job, print_, result)
