"""What crosses the boundary between the coordinator and its workers (process pool
or Dask): a worker's configuration, one job, and its typed result.

Jobs carry the notebook's bytes and results carry the graded notebook and the
feedback as text, so a worker needs no file system shared with the coordinator.
The coordinator turns a result into JSON (``to_json``) when it stores it, and from
then on ``autograded`` and ``feedback`` are paths of the stored files.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class GradeJob:
    learner: str
    notebook: bytes  # the submitted notebook, as handed in


@dataclass
class GradeResult:
    learner: str
    graded: bool  # False: could not be graded at all (reason says why)
    reason: str = ""
    cells: dict[str, list[float]] = field(default_factory=dict)  # grade_id -> [score, max_score]
    checks: dict[str, dict] = field(default_factory=dict)  # seed -> trusted report JSON
    timings_s: dict[str, float] = field(default_factory=dict)
    autograded: str | None = None  # the executed notebook, as JSON text
    feedback: str | None = None  # nbgrader's feedback HTML, as text
    screenshot_png_b64: str | None = None  # the first failing check's screenshot
    worker: int = 0
    sandboxed: bool = False
    flags: list[str] = field(default_factory=list)  # e.g. tampering suspected, with the evidence
    not_rechecked: list[str] = field(default_factory=list)  # cells the re-check ran out of time for: no points

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class WorkerConfig:
    course_files: dict[str, bytes]  # gradebook.db and source/<assignment>/..., relative to the course
    assignment: str
    notebook_id: str
    seeds: tuple[int, ...]
    work_dir: str | None = None  # the worker makes its own folder inside (default: a temporary one)
    reports_dir: str | None = None  # trusted check reports, shared by workers on one machine
    cell_timeout_s: float = 30.0
    notebook_timeout_s: float = 120.0
    checks_timeout_s: float = 20.0
    # Scenarios of one checklist at a time (it has three): each holds a renderer process,
    # so fewer at a time saves memory, while the other workers keep the cores busy.
    scenarios_in_parallel: int = 3
    hidden: tuple[str, ...] = ()  # instructor folders learner code must not see (course, outputs)
    sandbox: bool = True
