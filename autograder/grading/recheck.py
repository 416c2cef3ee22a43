"""A trusted re-check of the Python exercises, outside the learner's kernel.

In the kernel, learner code can silence failing tests (IPython's showtraceback,
sys.excepthook) or replace the helpers a test calls. Here the learner's solution
cells (and the cells they added) run in a confined process of their own
(``learner_process``), which holds no test and no way to report a verdict. The
instructor's tests, hidden ones included, run here in the grader, each alone,
against what the learner's cells defined: plain values rebuilt here, and their
functions called across the process boundary. A verdict is the grader's own; no
learner code ever runs in the process that makes it. Only test cells that the
instructor's own solutions pass this way are re-checked.
"""

from __future__ import annotations

import dataclasses
import math
import traceback
from pathlib import Path
from typing import NamedTuple

from ..notebook_cells import cell_source, grade_id, is_code, nbgrader_metadata
from .learner_process import LearnerCodeEnded, LearnerProcess, OutOfTime
from .sandbox import Policy

SNIPPET_CELL = "identify_snippet"


class Verdict(NamedTuple):
    passed: bool
    message: str
    judged: bool = True  # False: the re-check could not finish this test
    timed_out: bool = False  # why not: its time was up (else the grader's own trouble)


def _cells(notebook: dict) -> list[tuple[str, dict, str]]:
    """The graded code cells: (grade id, nbgrader metadata, source)."""
    return [(grade_id(cell), nbgrader_metadata(cell), cell_source(cell)) for cell in notebook.get("cells", [])
            if is_code(cell) and grade_id(cell)]


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if "### BEGIN" not in line and "### END" not in line)


def plan(source_nb: dict, *, skip: set[str]) -> tuple[list[str], dict[str, str]]:
    """The solution cells to take from a submission, and the test cells to run."""
    solutions = [gid for gid, meta, _ in _cells(source_nb) if meta.get("solution") and gid != SNIPPET_CELL]
    tests = {gid: _strip_markers(src) for gid, meta, src in _cells(source_nb)
             if meta.get("grade") and not meta.get("solution") and gid not in skip}
    return solutions, tests


# A re-check runs the learner's cells again, at another moment of a busy batch: the same code
# can take twice as long then, and an honest learner must not lose points for it. Learner code
# that is slow only outside the kernel still costs the grader no more than this.
RECHECK_SLACK_FACTOR, RECHECK_SLACK_S = 2.0, 10.0


def bound_s(notebook_s: float | None, notebook_timeout_s: float) -> float:
    """How long the learner's cells and the tests may take when re-checked: twice the notebook's
    own time and 10 s more, never beyond the notebook's own limit."""
    if notebook_s is None:
        return notebook_timeout_s
    return min(notebook_timeout_s, RECHECK_SLACK_FACTOR * notebook_s + RECHECK_SLACK_S)


def run(solution_sources: list[str], tests: dict[str, str], *, workdir: Path, policy: Policy,
        timeout_s: float) -> dict[str, Verdict]:
    """Each test's verdict. The learner's cells and the tests get ``timeout_s`` in all (once
    their process has started), and the learner's process as much CPU time."""
    policy = dataclasses.replace(policy, cpu_s=math.ceil(timeout_s) + 1)
    verdicts: dict[str, Verdict] = {}
    try:
        with LearnerProcess(workdir=workdir, policy=policy, timeout_s=timeout_s) as learner:
            try:
                names = learner.start(solution_sources)
            except LearnerCodeEnded as err:  # their cells ended their own process: nothing defined
                names = {}
                learner.ended = learner.ended or str(err)
            for gid, source in tests.items():
                verdicts[gid] = _judge(gid, source, names, learner)
                if learner.out_of_time:
                    break
    except OutOfTime as err:
        reason = f"{err} (its bound: {timeout_s:.1f} s, twice as long as the notebook took and 10 s more, at most its limit)"
        return {**verdicts, **{gid: Verdict(False, reason, judged=False, timed_out=True) for gid in tests
                               if gid not in verdicts}}
    except OSError as err:  # the process could not be started at all: the grader's trouble
        return {gid: Verdict(False, f"the re-check could not start: {err}", judged=False) for gid in tests}
    return verdicts


def _judge(gid: str, source: str, names: dict, learner: LearnerProcess) -> Verdict:
    namespace = {"__name__": "__main__", **names}  # each test alone, as the grader sees the learner's names
    try:
        exec(compile(source, f"<{gid}>", "exec"), namespace)
        verdict = Verdict(True, "")
    except OutOfTime:
        raise
    except Exception as err:  # noqa: BLE001 - the grader's own objects only: safe to describe
        verdict = Verdict(False, "".join(traceback.format_exception_only(type(err), err)).strip()[:300])
    if learner.out_of_time:  # a test that caught the time-out itself proves nothing
        raise OutOfTime("the re-check ran out of time")
    return verdict


def not_rechecked_note(cells: list[str], outcome: dict[str, Verdict]) -> str:
    """The reason's words for tests the re-check could not judge."""
    if not cells:
        return ""
    first = outcome[cells[0]]
    then = ("not a sign of tampering; a regrade helps only if the machine was busy: code that never ends runs out "
            "of time again" if first.timed_out else "not a sign of tampering: regrade to try again")
    return f"could not re-check {', '.join(cells)}: {first.message}; not confirmed, so no points ({then})"


def learner_sources(notebook: dict, solution_ids: list[str]) -> list[str]:
    """The learner's code in notebook order: their solution cells, and cells they added
    (no nbgrader metadata); lines of IPython syntax (magics, shell escapes) are dropped."""
    wanted = set(solution_ids)
    sources = []
    for cell in notebook.get("cells", []):
        if is_code(cell) and ((cell_id := grade_id(cell)) in wanted or cell_id is None):
            sources.append("\n".join(line for line in _strip_markers(cell_source(cell)).splitlines()
                                     if not line.lstrip().startswith(("%", "!"))))
    return sources
