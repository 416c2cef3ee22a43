"""A kernel's browser closes when it has had nothing to do for a while (its memory back to the learner's
server), never during work, and the next use starts a new one."""

from __future__ import annotations

import time

import psutil
import pytest

from autograder.checks import run_checks
from autograder.checks.engine import BrowserEngine

pytestmark = pytest.mark.browser

SNIPPET = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


def chromiums() -> set[int]:
    return {p.pid for p in psutil.Process().children(recursive=True) if "chrom" in p.name().lower()}


def test_an_idle_browser_closes_and_the_next_checklist_starts_a_new_one():
    before = chromiums()
    engine = BrowserEngine()
    engine.idle_close_s = 0.3  # shorter than one checklist: the clock must only run while nothing runs
    try:
        first = run_checks(SNIPPET, only="identify-after-login,identity-across-pages", seed=3, engine=engine)
        assert first.passed_ids() == {"identify-after-login", "identity-across-pages"}
        ours = chromiums() - before
        assert ours, "the checklist ran in a Chromium of this engine's"
        deadline = time.monotonic() + 15
        while engine.browser_running or chromiums() & ours:
            assert time.monotonic() < deadline, "the idle browser was not closed"
            time.sleep(0.1)
        again = run_checks(SNIPPET, only="identify-after-login,identity-across-pages", seed=3, engine=engine)
        assert [(c.id, c.passed, c.message) for c in again.checks] == [(c.id, c.passed, c.message) for c in first.checks]
    finally:
        engine.close()
