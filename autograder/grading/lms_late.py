"""Due date and late policy (``--due``, ``--late-penalty``).

When a learner submitted comes from the source (intake): an LMS zip entry's time,
or nbgrader's ``timestamp.txt``; a Canvas name's ``_LATE`` marker says late by
itself (Canvas knows its own due date). A learner is late when the time is after
``--due`` or the marker is there; the days late are started days (25 hours: 2), and
one day for a marker with no later time. The penalty follows nbgrader's rule (a
penalty is taken from the score, never below 0): points per day, or a percent of
the maximum per day. Bonus points are not touched.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..errors import UnusableInput
from .intake import Submission
from .summary import LearnerSummary

DAY_S = 24 * 3600
_PENALTY = re.compile(r"^\s*(?P<amount>\d+(?:\.\d+)?)\s*(?P<percent>%?)\s*$")


@dataclass(frozen=True)
class LatePolicy:
    due: datetime | None  # aware; None: only Canvas's marker says late
    per_day: float = 0.0
    percent: bool = False  # per_day is a percent of the maximum

    def penalty(self, days: int, max_score: float) -> float:
        per_day = self.per_day * max_score / 100 if self.percent else self.per_day
        return per_day * days


def prepare_late(*, due: str | None = None, late_penalty: str | None = None) -> LatePolicy | None:
    """Read the policy before any grading, so a typo costs no grading time."""
    if due is None and late_penalty is None:
        return None
    when = None
    if due is not None:
        try:
            when = datetime.fromisoformat(due.strip().replace("Z", "+00:00"))
        except ValueError:
            raise UnusableInput(f"--due {due}: not an ISO time; write it as 2026-03-02T23:59 (UTC) or "
                                "2026-03-02T23:59+01:00") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
    per_day, percent = 0.0, False
    if late_penalty is not None:
        found = _PENALTY.match(late_penalty)
        if not found or (found["percent"] and float(found["amount"]) > 100):
            raise UnusableInput(f"--late-penalty {late_penalty}: give points per day (2) or a percent of the "
                                "maximum per day (10%), not negative, at most 100%")
        per_day, percent = float(found["amount"]), bool(found["percent"])
    return LatePolicy(due=when, per_day=per_day, percent=percent)


def zone_of(policy: LatePolicy | None) -> timezone:
    """Zip times carry no zone: they are read in the due time's zone (UTC without one)."""
    if policy is None or policy.due is None:
        return timezone.utc
    offset = policy.due.utcoffset() or timedelta(0)
    return timezone(offset)


def apply_late(summaries: list[LearnerSummary], submissions: list[Submission], policy: LatePolicy | None) -> None:
    """Record when each learner submitted and whether late; take the penalty from the score."""
    by_learner = {s.learner: s for s in submissions}
    zone = zone_of(policy)
    for summary in summaries:
        submission = by_learner.get(summary.learner)
        if submission is None:
            continue
        submitted = submission.submitted_at
        if submitted is not None and submitted.tzinfo is None:
            submitted = submitted.replace(tzinfo=zone)
        summary.submitted_at = submitted.isoformat() if submitted else ""
        days = 0
        if policy is not None and policy.due is not None and submitted is not None and submitted > policy.due:
            days = math.ceil((submitted - policy.due).total_seconds() / DAY_S)
        if submission.late_marker:
            days = max(days, 1)
        summary.late = summary.late or days > 0
        summary.days_late = days
        if policy is None or not days or not summary.graded:
            continue
        taken = min(policy.penalty(days, summary.max_score), summary.score)
        summary.late_penalty = round(taken, 2)
        summary.score = round(summary.score - taken, 2)


def describe(summary: LearnerSummary) -> str:
    """'late 2 days (−4 points)' for pages; empty when on time."""
    if not summary.late:
        return ""
    days = f" {summary.days_late} day{'s' if summary.days_late != 1 else ''}" if summary.days_late else ""
    cost = f" (−{summary.late_penalty:g} points)" if summary.late_penalty else ""
    return f"late{days}{cost}"
