"""Which submissions a run grades, and which it takes from the ledger.

By default the ledger decides: what is new or changed since its last grading is graded,
the rest is taken as it was. ``force`` grades everyone. ``learners`` (``--learner``)
grades exactly those learners, changed or not, and takes everyone else's last result
as it stands, changed or not: the notes say who that leaves out of date."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..errors import UnusableInput
from .intake import Submission
from .ledger import Ledger

NAMES_IN_A_NOTE = 10


@dataclass
class Work:
    todo: list[Submission] = field(default_factory=list)
    resumed: dict[str, dict] = field(default_factory=dict)  # learner -> the result taken from the ledger
    notices: list[str] = field(default_factory=list)


def choose_work(submissions: list[Submission], prints: dict[str, str], ledger: Ledger, *, force: bool,
                learners: list[str] | tuple[str, ...] = ()) -> Work:
    """``prints``: each learner's submission fingerprint (ledger.fingerprint)."""
    named = _known(submissions, learners)
    work, stale, never = Work(), [], []
    for submission in submissions:
        learner = submission.learner
        if force or learner in named:
            work.todo.append(submission)
            continue
        previous = ledger.finished(learner, prints[learner])
        if previous is None and named:  # not named: keep what it had, even if out of date
            previous = ledger.previous(learner)
            (stale if previous is not None else never).append(learner)
            if previous is None:
                continue
        if previous is None:
            work.todo.append(submission)
        else:
            work.resumed[learner] = previous
    if stale:
        work.notices.append(f"{len(stale)} changed since their last grading and kept their last result "
                            f"(--learner grades only those named): {_names(stale)}")
    if never:
        work.notices.append(f"{len(never)} not graded yet and left out (--learner grades only those named): "
                            f"{_names(never)}")
    return work


def _known(submissions: list[Submission], learners) -> set[str]:
    """The learners named, each of whom must have handed something in."""
    present = {s.learner for s in submissions}
    for learner in learners:
        if learner not in present:
            close = difflib.get_close_matches(learner, sorted(present), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; the learner ids are in grades.csv"
            raise UnusableInput(f"--learner: no submission from {learner!r} in this batch{hint}")
    return set(learners)


def _names(learners: list[str]) -> str:
    shown = ", ".join(learners[:NAMES_IN_A_NOTE])
    return shown + (f" and {len(learners) - NAMES_IN_A_NOTE} more" if len(learners) > NAMES_IN_A_NOTE else "")
