"""Results of a checklist run: per check, and the whole report with its JSON
(the contract of DESIGN.md) and a plain-text checklist."""

from __future__ import annotations

import json
from dataclasses import dataclass, field


@dataclass
class CheckResult:
    id: str
    title: str
    passed: bool
    points: int
    max_points: int
    message: str
    bonus: bool = False
    evidence: dict = field(default_factory=dict)
    cause: str | None = None  # why it failed: a code of causes.CAUSES (None when it passed)

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "passed": self.passed, "points": self.points,
                "max_points": self.max_points, "message": self.message, "bonus": self.bonus,
                "cause": self.cause, "evidence": self.evidence}


@dataclass
class Report:
    checks: list[CheckResult]
    seed: int
    duration_s: float
    scenario_times_s: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> int:
        return sum(check.points for check in self.checks)

    @property
    def max_score(self) -> int:
        """Points of the core checks that ran (bonus points come on top)."""
        return sum(c.max_points for c in self.checks if not c.bonus)

    @property
    def bonus_max_score(self) -> int:
        return sum(c.max_points for c in self.checks if c.bonus)

    def result(self, check_id: str) -> CheckResult:
        return next(check for check in self.checks if check.id == check_id)

    def passed_ids(self) -> set[str]:
        return {check.id for check in self.checks if check.passed}

    def to_json(self) -> dict:
        return {"checks": [check.to_json() for check in self.checks], "score": self.score,
                "max_score": self.max_score, "bonus_max_score": self.bonus_max_score, "seed": self.seed,
                "duration_s": round(self.duration_s, 3),
                "scenario_times_s": {k: round(v, 3) for k, v in self.scenario_times_s.items()}}

    def to_json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: dict) -> "Report":
        checks = [CheckResult(id=c["id"], title=c["title"], passed=c["passed"], points=c["points"],
                              max_points=c["max_points"], message=c["message"], bonus=c.get("bonus", False),
                              evidence=c.get("evidence", {}), cause=c.get("cause")) for c in data["checks"]]
        return cls(checks=checks, seed=data.get("seed", 0), duration_s=data.get("duration_s", 0.0),
                   scenario_times_s=data.get("scenario_times_s", {}))


def format_text(report: Report) -> str:
    """A checklist a learner reads: marks, points, and a hint for each failure."""
    lines = []
    for check in report.checks:
        mark = "✔" if check.passed else "✘"
        bonus = " (bonus)" if check.bonus else ""
        lines.append(f"{mark} {check.id:<26} {check.points}/{check.max_points}{bonus}  {check.title}")
        if not check.passed:
            lines.append(f"    → {check.message}")
            shot = check.evidence.get("screenshot")
            if shot:
                lines.append(f"      screenshot: {shot}")
    lines.append("")
    bonus_points = sum(c.points for c in report.checks if c.bonus)
    core_points = report.score - bonus_points
    lines.append(f"Score: {core_points}/{report.max_score}" + (f" + bonus {bonus_points}/{report.bonus_max_score}"
                                                                 if any(c.bonus for c in report.checks) else ""))
    lines.append(f"Seed {report.seed} · {report.duration_s:.2f} s (rerun with --seed {report.seed} to repeat)")
    return "\n".join(lines)
