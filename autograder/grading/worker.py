"""One grading worker: a private copy of the course and its gradebook, a warm
browser, and ``grade_one`` for a submission at a time.

The worker runs nbgrader's own autograde and generate_feedback in-process
against its private gradebook; the coordinator alone writes the course's
gradebook, so parallel workers never share an SQLite file. Jobs carry the
notebook's bytes and results carry the graded notebook and feedback as text,
so a worker needs no file system shared with the coordinator (Dask clusters).
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import pickle
import re
import shutil
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from ..checks import CHECKS
from ..errors import UnusableInput
from ..notebook_cells import cell_source, grade_id, nbgrader_metadata
from ..snippet import snippet_from_notebook
from . import recheck
from .engines import share_engines
from .execute import BoundedExecute, run_notes
from .output_bounds import NOTEBOOK_CHARS, bound_notebook
from .feedback_exporter import FeedbackExporter
from .repair import NotebookRepair
from .gradebook import gradebook_url
from .kernel_forks import ForkingProvisioner, KernelForkError, KernelTemplate
from .kernels import KernelReserve
from .summary import CHECK_CELLS, check_cell
from .sandbox import POLICY_ENV, Policy, install_kernelspec, sandbox_available
from .trusted import TRUSTED_REPORTS_ENV, report_key, trusted_reports


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
    autograded: str | None = None  # the executed notebook (JSON text; a path once stored by the coordinator)
    feedback: str | None = None  # nbgrader's feedback HTML (text; a path once stored)
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


class Worker:
    def __init__(self, config: WorkerConfig) -> None:
        self.config = config
        work_dir = Path(config.work_dir or tempfile.mkdtemp(prefix="identify-lab-grader-"))
        self.root = work_dir / f"worker-{os.getpid()}"
        if self.root.exists():
            shutil.rmtree(self.root)
        for relative, data in config.course_files.items():
            target = self.root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        self.reports_dir = config.reports_dir or str(work_dir / "check-reports")
        # Made now: the sandbox shows kernels only folders that exist when it starts.
        Path(self.reports_dir).mkdir(parents=True, exist_ok=True)
        self.lock = threading.Lock()  # one submission at a time, even on a multi-threaded Dask worker
        share_engines()
        nbconfig = Config()
        nbconfig.CourseDirectory.root = str(self.root)
        nbconfig.CourseDirectory.db_url = gradebook_url(self.root)
        nbconfig.Autograde.sanitize_preprocessors = _quick_preprocessors("sanitize_preprocessors")
        nbconfig.Autograde.autograde_preprocessors = _quick_preprocessors("autograde_preprocessors")
        nbconfig.BoundedExecute.timeout = int(config.cell_timeout_s)
        nbconfig.BoundedExecute.notebook_timeout_s = config.notebook_timeout_s
        nbconfig.Execute.timeout = int(config.cell_timeout_s)
        # nbconvert validates the notebook after each preprocessor (16 times per submission);
        # once, after the last, is enough to refuse a broken one (-8 ms of CPU per submission).
        nbconfig.Exporter.optimistic_validation = True
        nbconfig.GenerateFeedback.preprocessors = _feedback_preprocessors()
        nbconfig.GenerateFeedback.exporter_class = FeedbackExporter
        nbconfig.FeedbackExporter.template_cache_dir = str(self.root / "template-cache")
        # Kernels talk over IPC sockets in the worker's folder: no TCP ports, no network needed.
        (self.root / "ipc").mkdir()
        nbconfig.KernelManager.transport = "ipc"
        nbconfig.KernelManager.ip = str(self.root / "ipc" / "kernel")
        nbconfig.BoundedExecute.kernel_manager_class = "autograder.grading.kernels.GradingKernelManager"
        # The graded notebook is saved from the client's side: a kernel's own clean-up
        # (history, atexit hooks) only costs time, so it is stopped, not asked to stop.
        nbconfig.BoundedExecute.shutdown_kernel = "immediate"
        self.sandboxed = config.sandbox and sandbox_available()
        # Every kernel starts through the sandbox launcher: confined by bubblewrap where
        # possible, with CPU, memory, file-size and process limits in any case.
        nbconfig.Execute.kernel_name = install_kernelspec(self.root)
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(self.root), os.environ.get("JUPYTER_PATH")]))
        policy = Policy(hidden=[*config.hidden], writable=[str(self.root / "ipc")],
                        cpu_s=int(config.notebook_timeout_s) + 5, confine=self.sandboxed)
        os.environ[POLICY_ENV] = policy.to_env()
        # Kernels are forked from a template that imported ipykernel once (else started the usual way);
        # the template is made first, so that it is closed last, after the reserve's kernel.
        if ForkingProvisioner.template is not None:  # a Dask worker's previous course
            ForkingProvisioner.template.close()
        ForkingProvisioner.template = _kernel_template(self.root)
        # Not in kernels/, where the kernelspec is: a kernel's slot is emptied and writable by learner code.
        self.kernels = KernelReserve(self.root / "kernel-slot", nbconfig.Execute.kernel_name, nbconfig)
        BoundedExecute.reserve = self.kernels
        self.api = NbGraderAPI(coursedir=CourseDirectory(config=nbconfig), config=nbconfig)
        self.recheck_policy = Policy(hidden=[*config.hidden], confine=self.sandboxed)  # CPU: the re-check's bound
        self._calibrate_recheck()
        os.environ[TRUSTED_REPORTS_ENV] = self.reports_dir

    def _calibrate_recheck(self) -> None:
        """Keep only the tests that the instructor's own solutions pass outside a kernel."""
        source = json.loads(self.config.course_files[
            f"source/{self.config.assignment}/{self.config.notebook_id}.ipynb"])
        self.solution_ids, tests = recheck.plan(source, skip=CHECK_CELLS)
        self.graded_ids = [grade_id(cell) for cell in source["cells"] if nbgrader_metadata(cell).get("grade")]
        self.locked_sources = _locked_sources(source)
        self.repair = NotebookRepair(source)
        outcome = recheck.run(recheck.learner_sources(source, self.solution_ids), tests,
                              workdir=self.root / "recheck", policy=self.recheck_policy,
                              timeout_s=self.config.notebook_timeout_s)
        self.recheck_tests = {gid: code for gid, code in tests.items() if outcome[gid].passed}

    def _recheck(self, notebook: dict, result: GradeResult) -> str:
        """The Python exercises, re-checked outside the kernel: that verdict decides them.
        What it had no time to judge earns nothing, and is not held against the learner."""
        if not self.recheck_tests:
            return ""
        # Bounded by the notebook's own time: a re-check never costs more than the notebook did.
        bound_s = self.config.notebook_timeout_s
        timeout_s = min(bound_s, result.timings_s.get("autograde", bound_s))
        started = time.perf_counter()
        outcome = recheck.run(recheck.learner_sources(notebook, self.solution_ids), self.recheck_tests,
                              workdir=self.root / "recheck", policy=self.recheck_policy, timeout_s=timeout_s)
        result.timings_s["recheck"] = time.perf_counter() - started
        for gid, verdict in outcome.items():
            if gid not in result.cells:
                continue
            kernel_score, max_score = result.cells[gid]
            trusted = max_score if verdict.passed else 0.0
            if not verdict.judged:
                result.not_rechecked.append(gid)
            elif kernel_score > trusted:
                result.flags.append(f"tampering suspected: {gid} scored {kernel_score:g} in the learner's kernel, "
                                    f"{trusted:g} when re-checked outside it ({verdict.message})")
            result.cells[gid][0] = trusted
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
        self._autograde(job, result, notebook)
        if result.graded:
            not_rechecked = self._recheck(notebook, result)
            deleted = _deleted_cells(notebook, self.graded_ids)
            for cell in deleted:  # as in nbgrader, whatever the grader's own runs found
                if cell in result.cells:
                    result.cells[cell][0] = 0.0
            notes = [_stopped_early(result.autograded or "", self.config.notebook_timeout_s),
                     _changed_cells(deleted, _edited_cells(notebook, self.locked_sources)),
                     _repeated_cell_ids(notebook), not_rechecked, *repaired, *run_notes(result.autograded or "")]
            result.reason = "; ".join(note for note in notes if note)
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
        self.kernels.verdicts = [Path(self.reports_dir) / f"{report_key(snippet, seed)}.json" for seed in reports]
        for seed, report in reports.items():
            result.checks[str(seed)] = report.to_json()
            failing = next((c for c in report.checks if not c.passed and c.evidence.get("screenshot")), None)
            if failing and result.screenshot_png_b64 is None and Path(failing.evidence["screenshot"]).exists():
                result.screenshot_png_b64 = base64.b64encode(Path(failing.evidence["screenshot"]).read_bytes()).decode()

    def _autograde(self, job: GradeJob, result: GradeResult, notebook: dict) -> None:
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
            result.reason = _last_error(outcome) or "nbgrader could not autograde this notebook"
            return
        result.cells = self._scores(learner)
        apply_trusted_checks(result)
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


def _kernel_template(root: Path) -> KernelTemplate | None:
    try:
        template = KernelTemplate(root / "kernel-slot", log=root / "kernel-template.log")
    except KernelForkError:
        return None
    atexit.register(template.close)
    return template


def trusted_check_passes(checks: dict[str, dict]) -> dict[str, bool]:
    """Per check cell, whether the grader's own runs passed it: only when it passed for every
    seed (no report at all: nothing passed)."""
    passes = {check_cell(spec.id): bool(checks) for spec in CHECKS}
    for report in checks.values():
        for check in report["checks"]:
            if not check["passed"]:
                passes[check_cell(check["id"])] = False
    return passes


def apply_trusted_checks(result: GradeResult) -> None:
    """The trusted verdicts decide the check cells: a passed check earns its cell's points as the
    course gives them, a failed one nothing. A kernel that claimed more than that is flagged,
    with both scores as the evidence; one that claimed less (it crashed or timed out before
    those cells) is not."""
    for cell, passed in trusted_check_passes(result.checks).items():
        if cell not in result.cells:
            continue
        kernel_score, max_points = result.cells[cell][0], result.cells[cell][1]
        points = float(max_points) if passed else 0.0
        if kernel_score > points:
            result.flags.append(f"tampering suspected: {cell} scored {kernel_score:g} in the learner's kernel, "
                                f"{points:g} in the grader's own browser run")
        result.cells[cell][0] = points


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


def _quick_preprocessors(step: str) -> list:
    """nbgrader's preprocessors for an autograde step, with ours in place of two of them:
    Execute bounded in time for the whole notebook, CheckCellMetadata checking its
    schema once."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import CheckCellMetadata, Execute

    from .cell_metadata import CheckCellMetadataOnce

    ours = {Execute: BoundedExecute, CheckCellMetadata: CheckCellMetadataOnce}
    return [ours.get(each, each) for each in Autograde.class_traits()[step].default()]


def _feedback_preprocessors() -> list:
    from nbgrader.converters import GenerateFeedback

    from .conceal import ConcealHiddenTests

    return [ConcealHiddenTests, *GenerateFeedback.class_traits()["preprocessors"].default()]


def _stopped_early(text: str, timeout_s: float) -> str:
    """Why the autograded notebook (JSON text) did not run to its end, if it did not."""
    from .execute import DEAD_KERNEL_ENAME, TIMEOUT_ENAME

    if TIMEOUT_ENAME in text or "CellTimeoutError" in text:
        return f"did not finish within {timeout_s:g} s (a cell ran too long); points for what ran"
    if DEAD_KERNEL_ENAME in text:
        return "the kernel died (the code crashed it or used too much memory); points for what ran"
    return ""


def _locked_sources(source: dict) -> dict[str, str]:
    """The locked cells (the tests) as learners receive them: hidden tests cleared, as nbgrader releases them."""
    from nbgrader.preprocessors import ClearHiddenTests

    clear, locked = ClearHiddenTests(), {}
    for cell in nbformat.reads(json.dumps(source), as_version=4).cells:
        meta = cell.metadata.get("nbgrader") or {}
        if meta.get("locked") and meta.get("grade_id"):
            cell, _ = clear.preprocess_cell(cell, {}, 0)
            locked[meta["grade_id"]] = cell.source
    return locked


def _deleted_cells(notebook: dict, graded_ids: list[str]) -> list[str]:
    """The graded cells the learner deleted: they score nothing."""
    submitted = {grade_id(cell) for cell in notebook["cells"]}
    return [cell for cell in graded_ids if cell not in submitted]


def _edited_cells(notebook: dict, locked_sources: dict[str, str]) -> list[str]:
    """The locked cells the learner edited: nbgrader grades the course's own version."""
    submitted = {grade_id(cell): cell_source(cell) for cell in notebook["cells"]}
    return [cell for cell, source in locked_sources.items() if cell in submitted and submitted[cell] != source]


def _changed_cells(deleted: list[str], edited: list[str]) -> str:
    """The reason's words for deleted and edited graded cells."""
    parts = ([f"edited: {', '.join(edited)} (graded as the course has them)"] if edited else []) + \
        ([f"deleted: {', '.join(deleted)} (no points)"] if deleted else [])
    return f"graded cells changed ({'; '.join(parts)})" if parts else ""


def _repeated_cell_ids(notebook: dict) -> str:
    ids = Counter(cell.get("id") for cell in notebook["cells"]
                  if isinstance(cell, dict) and isinstance(cell.get("id"), str))
    repeated = sorted(cell_id for cell_id, count in ids.items() if count > 1)
    if not repeated:
        return ""
    return (f"cell ids repeated ({', '.join(repeated[:3])}): the copies got new ids, cells were matched by their "
            "nbgrader grade ids")


def _last_error(outcome: dict) -> str:
    text = (outcome.get("error") or "") + "\n" + (outcome.get("log") or "")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # nbgrader ends with "[ERROR] Please see the above traceback": the cause is the traceback's last line.
    causes = [line for line in lines
              if re.match(r"[\w.]+(Error|Exception): ", line) and "NbGraderException" not in line]
    if not causes:
        return ([line for line in lines if "Error" in line or "error" in line] or lines or [""])[-1][:300]
    cause = causes[-1][:300]
    format_errors = r"(jsonschema\.exceptions\.|nbformat\.\w+\.)?(ValidationError|NotJSONError|AttributeError|KeyError)"
    if re.match(format_errors, cause):
        return (f"the notebook does not follow the notebook format ({cause}): open it in Jupyter and save it "
                "again, or copy the answers into the released notebook, and hand it in again")
    return f"the grader failed on this notebook ({cause}): a grader problem; grade it again with --force"


# -- process-pool entry points: one Worker per process, kept warm between jobs
_WORKER: Worker | None = None
_START_ERROR: str = ""
START_FAILED = "the grading worker could not start: "


def _exit_with_parent() -> None:
    """A worker whose coordinator was killed must not live on with its browser."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _quiet() -> None:
    """nbgrader's models trip a harmless SQLAlchemy warning on every submission, and
    nbformat warns at every read of a notebook with repeated cell ids (the result's
    reason says so once)."""
    import warnings

    from nbformat.warnings import DuplicateCellId
    from sqlalchemy.exc import SAWarning

    warnings.filterwarnings("ignore", category=SAWarning)
    warnings.filterwarnings("ignore", category=DuplicateCellId)


def _collect_only_new_objects() -> None:
    """The 300,000 objects a worker holds after start-up (modules, nbgrader, the
    course) live as long as it does: the garbage collector stops scanning them,
    while grading (a third less GC time) and while the worker exits (Python's
    teardown collects again and again: 0.7 s at the end of every batch)."""
    import atexit
    import gc

    gc.freeze()
    atexit.register(gc.freeze)  # at exit, again: what grading made is not collected over and over either


def init_worker(config_file: str) -> None:
    """Process-pool initializer: the worker's configuration is read from ``config_file``."""
    global _WORKER, _START_ERROR
    _exit_with_parent()
    _quiet()
    try:
        _WORKER = Worker(pickle.loads(Path(config_file).read_bytes()))
    except Exception as err:  # reported with the first job, as a grader problem, not a learner's
        _START_ERROR = f"{type(err).__name__}: {err}"
    _collect_only_new_objects()


_DASK_LOCK = threading.Lock()


def run_job_on_dask(config: WorkerConfig, job: GradeJob) -> dict:
    """Dask task: one Worker per Dask worker process, made on its first job and kept warm."""
    global _WORKER
    with _DASK_LOCK:
        if _WORKER is None or _WORKER.config != config:
            _quiet()
            _WORKER = Worker(config)
    return _safe_grade(_WORKER, job)


def _safe_grade(worker: Worker, job: GradeJob) -> dict:
    try:
        return worker.grade_one(job).to_json()
    except Exception as err:  # one submission never stops the batch
        return GradeResult(learner=job.learner, graded=False, worker=os.getpid(),
                           reason=f"grader error: {type(err).__name__}: {str(err)[:200]}").to_json()


def run_job(job: GradeJob) -> dict:
    if _WORKER is None:
        return GradeResult(learner=job.learner, graded=False, reason=START_FAILED + _START_ERROR).to_json()
    return _safe_grade(_WORKER, job)
