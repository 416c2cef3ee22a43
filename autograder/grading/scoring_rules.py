"""The grading rules: what a submission's cells score, given what the learner's
kernel claimed (nbgrader's scores), the grader's own verdicts (the browser's
checks and the re-check of the Python exercises) and how the notebook was changed.

Pure functions of data: no browser, no kernel, no files, so every rule has a fast
unit test (tests/grading/test_scoring_rules.py). The worker gathers the data and
applies these rules in order: trusted checks, re-check, deleted cells, notes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Mapping, Protocol

import nbformat
from nbgrader.preprocessors import ClearHiddenTests

from ..checks import CHECKS
from ..notebook_cells import cell_source, grade_id
from .jobs import GradeResult
from .summary import check_cell


class RecheckVerdict(Protocol):  # recheck.Verdict
    passed: bool
    message: str
    judged: bool


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


def apply_recheck(result: GradeResult, outcome: Mapping[str, RecheckVerdict]) -> None:
    """The re-check's verdicts decide the Python exercises. What it had no time to judge earns
    nothing and is listed, not held against the learner; a kernel that claimed more than the
    re-check found is flagged."""
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


def settle(result: GradeResult, notebook: dict, *, graded_ids: list[str], locked_sources: dict[str, str],
           notebook_timeout_s: float, notes: list[str]) -> None:
    """The last rules of a graded submission: deleted graded cells score nothing (as in nbgrader,
    whatever the grader's own runs found), and the reason lists every note, in a fixed order."""
    deleted = deleted_cells(notebook, graded_ids)
    for cell in deleted:
        if cell in result.cells:
            result.cells[cell][0] = 0.0
    every = [stopped_early(result.autograded or "", notebook_timeout_s),
             changed_cells(deleted, edited_cells(notebook, locked_sources)),
             repeated_cell_ids(notebook), *notes]
    result.reason = "; ".join(note for note in every if note)


def stopped_early(text: str, timeout_s: float) -> str:
    """Why the autograded notebook (JSON text) did not run to its end, if it did not."""
    from .execute import DEAD_KERNEL_ENAME, TIMEOUT_ENAME

    if TIMEOUT_ENAME in text or "CellTimeoutError" in text:
        return f"did not finish within {timeout_s:g} s (a cell ran too long); points for what ran"
    if DEAD_KERNEL_ENAME in text:
        return "the kernel died (the code crashed it or used too much memory); points for what ran"
    return ""


def locked_sources(source: dict) -> dict[str, str]:
    """The locked cells (the tests) as learners receive them: hidden tests cleared, as nbgrader releases them."""
    clear, locked = ClearHiddenTests(), {}
    for cell in nbformat.reads(json.dumps(source), as_version=4).cells:
        meta = cell.metadata.get("nbgrader") or {}
        if meta.get("locked") and meta.get("grade_id"):
            cell, _ = clear.preprocess_cell(cell, {}, 0)
            locked[meta["grade_id"]] = cell.source
    return locked


def deleted_cells(notebook: dict, graded_ids: list[str]) -> list[str]:
    """The graded cells the learner deleted: they score nothing."""
    submitted = {grade_id(cell) for cell in notebook["cells"]}
    return [cell for cell in graded_ids if cell not in submitted]


def edited_cells(notebook: dict, locked: dict[str, str]) -> list[str]:
    """The locked cells the learner edited: nbgrader grades the course's own version."""
    submitted = {grade_id(cell): cell_source(cell) for cell in notebook["cells"]}
    return [cell for cell, source in locked.items() if cell in submitted and submitted[cell] != source]


def changed_cells(deleted: list[str], edited: list[str]) -> str:
    """The reason's words for deleted and edited graded cells."""
    parts = ([f"edited: {', '.join(edited)} (graded as the course has them)"] if edited else []) + \
        ([f"deleted: {', '.join(deleted)} (no points)"] if deleted else [])
    return f"graded cells changed ({'; '.join(parts)})" if parts else ""


def repeated_cell_ids(notebook: dict) -> str:
    ids = Counter(cell.get("id") for cell in notebook["cells"]
                  if isinstance(cell, dict) and isinstance(cell.get("id"), str))
    repeated = sorted(cell_id for cell_id, count in ids.items() if count > 1)
    if not repeated:
        return ""
    return (f"cell ids repeated ({', '.join(repeated[:3])}): the copies got new ids, cells were matched by their "
            "nbgrader grade ids")


def last_error(outcome: dict) -> str:
    """The reason for an autograde nbgrader could not finish, from its error and log."""
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
