"""Where worker processes start: the local process pool and Dask. Both are thin
over ``worker.grade_safely``; they differ only in how long a worker lives.

A pool worker lives as long as its process: its runtime is entered by the pool's
initializer and left when the process exits. A Dask worker keeps one course's
worker warm and leaves it for the next course's.
"""

from __future__ import annotations

import atexit
import gc
import os
import pickle
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from .jobs import GradeJob, GradeResult, WorkerConfig
from .worker import Worker, grade_safely, grading_worker

START_FAILED = "the grading worker could not start: "

_WORKER: Worker | None = None
_START_ERROR: str = ""
_OPEN = ExitStack()  # what the process's current worker holds
_DASK_LOCK = threading.Lock()
_CLOSED_AT_EXIT: list[bool] = []  # whether the Dask worker's clean-up is registered


def _exit_with_parent() -> None:
    """A worker whose coordinator was killed must not live on with its browser."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _open(config: WorkerConfig) -> Worker:
    global _WORKER
    _OPEN.close()
    _WORKER = None
    _WORKER = _OPEN.enter_context(grading_worker(config))
    return _WORKER


def init_worker(config_file: str) -> None:
    """Process-pool initializer: the worker's configuration is read from ``config_file``."""
    global _START_ERROR
    _exit_with_parent()
    # atexit is the pool process's only end: the worker is closed there (kernels, template),
    # and then everything is frozen, so that Python's teardown does not collect again and
    # again (0.7 s at the end of every batch). Registered first, so it runs last.
    atexit.register(gc.freeze)
    atexit.register(_OPEN.close)
    try:
        _open(pickle.loads(Path(config_file).read_bytes()))
    except Exception as err:  # reported with the first job, as a grader problem, not a learner's
        _START_ERROR = f"{type(err).__name__}: {err}"


def run_job(job: GradeJob) -> GradeResult:
    if _WORKER is None:
        return GradeResult(learner=job.learner, graded=False, reason=START_FAILED + _START_ERROR)
    return grade_safely(_WORKER, job)


def run_job_on_dask(config: WorkerConfig, job: GradeJob) -> GradeResult:
    """Dask task: one Worker per Dask worker process, made on its first job and kept warm."""
    with _DASK_LOCK:
        if _WORKER is None or _WORKER.config != config:
            if not _CLOSED_AT_EXIT:  # the first course of this process: closed when it exits
                atexit.register(_OPEN.close)
                _CLOSED_AT_EXIT.append(True)
            _open(config)
    return grade_safely(_WORKER, job)
