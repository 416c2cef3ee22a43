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
    found = set()
    for process in psutil.Process().children(recursive=True):
        try:
            if "chrom" in process.name().lower():
                found.add(process.pid)
        except psutil.NoSuchProcess:  # one of a closing browser's processes, gone between the two calls
            pass
    return found


def test_an_idle_browser_closes_and_the_next_checklist_starts_a_new_one():
    before = chromiums()
    engine = BrowserEngine()
    engine.idle_close_s = 0.3  # shorter than one checklist: the clock must only run while nothing runs
    try:
        during: set[int] = set()  # seen while a check ends, the browser at work (it may close soon after)
        first = run_checks(SNIPPET, only="identify-after-login,identity-across-pages", seed=3, engine=engine,
                           on_check=lambda check: during.update(chromiums()))
        assert first.passed_ids() == {"identify-after-login", "identity-across-pages"}
        ours = during - before
        assert ours, "the checklist ran in a Chromium of this engine's"
        deadline = time.monotonic() + 15
        while engine.browser_running or chromiums() & ours:
            assert time.monotonic() < deadline, "the idle browser was not closed"
            time.sleep(0.1)
        again = run_checks(SNIPPET, only="identify-after-login,identity-across-pages", seed=3, engine=engine)
        assert [(c.id, c.passed, c.message) for c in again.checks] == [(c.id, c.passed, c.message) for c in first.checks]
    finally:
        engine.close()
