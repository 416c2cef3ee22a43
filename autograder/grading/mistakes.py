"""What the class report says about a class, as plain data: mistakes grouped by
cause (not by check: one lesson, one group, however many checks it cost), who
needs help first, and the pass rate of every graded part."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..checks import CHECKS
from ..checks.causes import CAUSES
from .summary import CHECK_CELLS, UNKNOWN_CAUSE, LearnerSummary

BONUS_CHECKS = {spec.id for spec in CHECKS if spec.bonus}
CHECK_TITLES = {spec.id: spec.title for spec in CHECKS}
TIMELINE_ROWS = 12  # an example's steps up to the failing one: enough to see it, short enough to read
VALUE_CHARS = 120  # a learner's identity values can be long; the example shows their start


@dataclass
class CauseGroup:
    code: str  # a cause code, or "python:<grade_id>" for a Python part
    title: str
    bonus: bool  # only bonus checks lost points to it
    parts: list[str] = field(default_factory=list)  # the check ids (or the cell) it cost points in
    learners: list[str] = field(default_factory=list)
    example: dict | None = None  # {"learner", "check", "steps", "failed_step"}


@dataclass
class HelpRow:
    learner: str
    score: float | None  # None: not graded
    max_score: float
    why: list[str]
    rank: int  # lower first: ungradable, flagged, not re-checked, late, lowest scores


def cause_groups(summaries: list[LearnerSummary], results: dict[str, dict]) -> list[CauseGroup]:
    """Graded learners by cause, core causes before bonus ones, most learners first."""
    groups: dict[str, CauseGroup] = {}
    for s in summaries:
        if not s.graded:
            continue
        for check_id in s.failed_checks:
            code = s.failed_causes.get(check_id, UNKNOWN_CAUSE)
            group = groups.setdefault(code, CauseGroup(code, _cause_title(code, check_id), bonus=True))
            group.bonus = group.bonus and check_id in BONUS_CHECKS
            _add(group, check_id, s.learner)
            if group.example is None:
                group.example = _example(results.get(s.learner, {}), s.learner, check_id)
        for grade_id, (score, maximum) in s.cells.items():
            if grade_id not in CHECK_CELLS and score < maximum:
                code = f"python:{grade_id}"
                group = groups.setdefault(code, CauseGroup(code, f"Python part {grade_id} not passed", bonus=False))
                _add(group, grade_id, s.learner)
    return sorted(groups.values(), key=lambda g: (g.bonus, -len(g.learners), g.code))


def _cause_title(code: str, check_id: str) -> str:
    if code in CAUSES:
        return CAUSES[code]
    return f"Failed, cause not named: {CHECK_TITLES.get(check_id, check_id)}"


def _add(group: CauseGroup, part: str, learner: str) -> None:
    if part not in group.parts:
        group.parts.append(part)
    if not group.learners or group.learners[-1] != learner:  # one learner, one count, however many checks
        group.learners.append(learner)


def _example(result: dict, learner: str, check_id: str) -> dict | None:
    """The evidence's timeline of one learner's failing check, up to its failing step."""
    for report in result.get("checks", {}).values():
        for check in report.get("checks", []):
            if check.get("id") != check_id or check.get("passed"):
                continue
            evidence = check.get("evidence") or {}
            steps = [step for step in evidence.get("timeline") or [] if isinstance(step, dict)]
            if not steps:
                continue
            failed = evidence.get("failed_step")
            end = failed + 1 if isinstance(failed, int) and 0 <= failed < len(steps) else len(steps)
            start = max(0, end - TIMELINE_ROWS)
            shown = [{key: _short(step.get(key)) for key in ("label", "url", "km_ai", "km_ni", "ki")}
                     for step in steps[start:end]]
            return {"learner": learner, "check": check_id, "steps": shown,
                    "failed_step": (failed - start) if isinstance(failed, int) else None,
                    "message": _short(check.get("message"))}
    return None


def _short(value) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 1] + "…"


def needs_help(summaries: list[LearnerSummary], *, below: float = 0.5) -> list[HelpRow]:
    """Who to look at first: the ungradable, the flagged, those the re-check could not judge,
    the late (when known), and those under ``below`` of the maximum; each with why."""
    rows = []
    for s in summaries:
        why, rank = [], 9
        if not s.graded:
            why.append(f"could not be graded: {s.reason}")
            rank = 0
        if s.flags:
            why.append("flagged: " + "; ".join(s.flags))
            rank = min(rank, 1)
        if s.not_rechecked:
            why.append("could not re-check: " + ", ".join(s.not_rechecked))
            rank = min(rank, 2)
        if s.late:
            why.append("late")
            rank = min(rank, 3)
        if s.graded and s.max_score and s.score < below * s.max_score:
            why.append(f"among the lowest scores ({s.score:g}/{s.max_score:g})")
            rank = min(rank, 4)
        if why:
            rows.append(HelpRow(s.learner, s.score if s.graded else None, s.max_score, why, rank))
    return sorted(rows, key=lambda r: (r.rank, -1 if r.score is None else r.score, r.learner))


@dataclass
class PassRate:
    part: str  # a check id or a Python part's grade id
    label: str
    passed: int
    judged: int

    @property
    def rate(self) -> float:
        return self.passed / self.judged if self.judged else 0.0


def pass_rates(summaries: list[LearnerSummary]) -> list[PassRate]:
    """Every graded part: the checks (a check passes when it passed for every seed) and the
    Python parts (full marks), among graded learners."""
    judged = [s for s in summaries if s.graded]
    if not judged:
        return []
    rates = [PassRate(spec.id, spec.id + (" (bonus)" if spec.bonus else ""),
                      sum(spec.id not in s.failed_checks for s in judged), len(judged)) for spec in CHECKS]
    python_parts: list[str] = []
    for s in judged:
        python_parts += [cell for cell in s.cells if cell not in CHECK_CELLS and cell not in python_parts]
    for cell in python_parts:
        passed = sum(cell in s.cells and s.cells[cell][0] >= s.cells[cell][1] for s in judged)
        rates.append(PassRate(cell, f"{cell} (Python)", passed, len(judged)))
    return rates
