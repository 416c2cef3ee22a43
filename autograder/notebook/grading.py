"""What the notebook's graded cells call: the checklist for the stored snippet,
one run per seed shared by all check cells, and assertions with the hint.

Under the project's grader, reports come from the grader's own browser run
(``autograder.grading.trusted``), never from a browser in the learner's kernel.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable

from . import state

if TYPE_CHECKING:
    from ..checks import Report

TRUSTED_REPORTS_ENV = "AUTOGRADER_TRUSTED_REPORTS"  # as in autograder.grading.trusted

_cache: dict[tuple[str, int], Report] = {}


def _obtain_report(snippet: str, seed: int) -> "Report":
    if os.environ.get(TRUSTED_REPORTS_ENV):
        from ..grading.trusted import kernel_report

        report = kernel_report(snippet, seed)
        if report is None:
            raise AssertionError("the grader has no browser verdict for this snippet")
        return report
    from ..checks import run_checks  # a real browser, only outside the grader

    return run_checks(snippet, seed=seed)


# The one place a report comes from; replaceable (e.g. by tests or other graders).
report_source: Callable[[str, int], "Report"] = _obtain_report


def checklist(seed: int) -> "Report":
    snippet = state.current()
    key = (snippet, seed)
    if key not in _cache:
        _cache[key] = report_source(snippet, seed)
    return _cache[key]


def assert_check(check_id: str, *, seed: int) -> None:
    """Fail with the learner-facing hint unless the check passed for this seed."""
    result = checklist(seed).result(check_id)
    assert result.passed, f"{result.title}: {result.message}"
