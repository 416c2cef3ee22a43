"""What the notebook's graded cells call: the checklist for the stored snippet,
one run per (snippet, seed) shared by all check cells, and assertions with the hint.

Under the project's grader, reports come from the grader's own browser run
(``autograder.grading.trusted``), never from a browser in the learner's kernel.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import TYPE_CHECKING, Callable

from ..errors import AutograderError
from . import state

if TYPE_CHECKING:
    from ..checks import Report

TRUSTED_REPORTS_ENV = "AUTOGRADER_TRUSTED_REPORTS"  # as in autograder.grading.trusted
CACHE_SIZE = 8  # reports carry evidence; a learner editing all afternoon must not fill the kernel


class CheckFailed(AssertionError):
    """A check cell's verdict, as one line for the learner (no traceback into this module)."""

    def _render_traceback_(self):
        return [f"\x1b[1;31m{type(self).__name__}\x1b[0m: {self}"]


def _obtain_report(snippet: str, seed: int) -> "Report":
    if os.environ.get(TRUSTED_REPORTS_ENV):
        from ..grading.trusted import kernel_report

        report = kernel_report(snippet, seed)
        if report is None:
            raise CheckFailed("the grader has no browser verdict for this snippet")
        return report
    from ..check_service import check_remotely, remote_checks_configured

    if remote_checks_configured():  # on a hub with the shared checking service
        return check_remotely(snippet, seed)
    from ..checks import run_checks  # a real browser, only outside the grader

    return run_checks(snippet, seed=seed)


# The one place a report comes from; replaceable (e.g. by tests or other graders).
report_source: Callable[[str, int], "Report"] = _obtain_report

_cache: "OrderedDict[tuple[str, int], Report]" = OrderedDict()


def checklist(seed: int) -> "Report":
    """The report for the stored snippet and ``seed``; computed once per pair."""
    snippet = state.current()
    key = (snippet, int(seed))
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    try:
        report = report_source(snippet, int(seed))
    except AutograderError as err:  # no Chromium, a run that never ended: say so in one line
        raise CheckFailed(f"the checks could not run: {err}") from None
    _cache[key] = report
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return report


def assert_check(check_id: str, *seeds: int, seed: int | None = None) -> None:
    """Fail with the learner-facing hint unless the check passed for every seed."""
    seeds = (*seeds, *(() if seed is None else (seed,)))
    if not seeds:
        raise TypeError("assert_check needs at least one seed")
    for one in seeds:
        result = checklist(one).result(check_id)
        if not result.passed:
            raise CheckFailed(f"{result.title}: {result.message}")
