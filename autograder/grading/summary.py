"""Turning raw grading results into the numbers every output shows: per cell,
per check (with why it failed), totals with bonus apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..checks import CHECKS


def check_cell(check_id: str) -> str:
    """The grade_id of the notebook's test cell for a check."""
    return f"test_{check_id.replace('-', '_')}"


UNKNOWN_CAUSE = "unknown"  # reports made before checks named their causes
CHECK_CELLS = {check_cell(c.id) for c in CHECKS}
BONUS_CELLS = {check_cell(c.id) for c in CHECKS if c.bonus}


@dataclass
class LearnerSummary:
    learner: str
    graded: bool
    reason: str
    cells: dict[str, list[float]]
    score: float = 0.0
    max_score: float = 0.0
    bonus: float = 0.0
    bonus_max: float = 0.0
    failed_checks: list[str] = field(default_factory=list)
    check_messages: dict[str, str] = field(default_factory=dict)
    failed_causes: dict[str, str] = field(default_factory=dict)  # check id -> cause code (checks/causes.py)
    flags: list[str] = field(default_factory=list)
    not_rechecked: list[str] = field(default_factory=list)  # cells the trusted re-check had no time to judge
    manual: dict[str, list[float]] = field(default_factory=dict)  # grade_id -> [instructor's score, autograder's]
    late: bool = False  # known only when the result or the submission says so (lms_late)
    submitted_at: str = ""  # ISO time the source gave, if any
    days_late: int = 0  # started days after --due (1 for Canvas's _LATE marker alone)
    late_penalty: float = 0.0  # points taken from score for it

    @property
    def status(self) -> str:
        if not self.graded:
            return "not graded"
        return "could not re-check" if self.not_rechecked else "graded"


def summarize(result: dict, cell_order: list[str], cell_max: dict[str, float]) -> LearnerSummary:
    summary = LearnerSummary(learner=result["learner"], graded=result["graded"], reason=result.get("reason", ""),
                             cells={}, flags=list(result.get("flags", [])),
                             not_rechecked=list(result.get("not_rechecked", [])),
                             manual=dict(result.get("manual") or {}), late=bool(result.get("late")))
    for grade_id in cell_order:
        score, maximum = result.get("cells", {}).get(grade_id, [0.0, cell_max.get(grade_id, 0.0)])
        summary.cells[grade_id] = [score, maximum]
        if grade_id in BONUS_CELLS:
            summary.bonus += score
            summary.bonus_max += maximum
        else:
            summary.score += score
            summary.max_score += maximum
    for report in result.get("checks", {}).values():
        for check in report["checks"]:
            if not check["passed"] and check["id"] not in summary.failed_checks:
                summary.failed_checks.append(check["id"])
                summary.check_messages[check["id"]] = check["message"]
                summary.failed_causes[check["id"]] = check.get("cause") or UNKNOWN_CAUSE
    return summary


def cell_layout(results: dict[str, dict]) -> tuple[list[str], dict[str, float]]:
    """Grade cells in notebook order, with their maximum points, across all results."""
    order: list[str] = []
    maximum: dict[str, float] = {}
    for result in results.values():
        for grade_id, (_, max_score) in result.get("cells", {}).items():
            if grade_id not in maximum:
                order.append(grade_id)
            maximum[grade_id] = max(maximum.get(grade_id, 0.0), max_score)
    return order, maximum


def summarize_all(results: dict[str, dict]) -> list[LearnerSummary]:
    order, maximum = cell_layout(results)
    return [summarize(results[learner], order, maximum) for learner in sorted(results)]
