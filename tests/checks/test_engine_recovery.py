"""A browser or Playwright driver that dies (a snippet exhausted it, or it was killed)
costs the next snippet nothing: the engine starts new ones and judges it in them."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from autograder.checks import run_checks
from autograder.checks.catalog import BY_ID
from autograder.checks.engine import BrowserEngine

pytestmark = pytest.mark.browser
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
# Each page error reaches the driver whole: a 100 MB one is more than its heap is allowed.
FLOODS_THE_DRIVER = "throw new Error('x'.repeat(100e6));"


def _picked(process: psutil.Process, pick) -> bool:
    try:
        return pick(process)
    except psutil.Error:  # gone meanwhile (Chromium's helpers come and go), or a zombie
        return False


def _kill(engine_children: set[int], pick) -> None:
    victims = [p for p in psutil.Process().children(recursive=True)
               if p.pid not in engine_children and _picked(p, pick)]
    assert victims, "nothing to kill: the engine's processes were not found"
    for process in victims:
        try:
            os.kill(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    psutil.wait_procs(victims, timeout=5)


@pytest.fixture
def engine():
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    engine = BrowserEngine()
    yield engine, before
    engine.close()


def _passed(report) -> set[str]:
    return {check.id for check in report.checks if check.passed}


@pytest.mark.parametrize("what", ["driver", "browser", "a snippet that floods the driver"])
def test_the_next_run_after_a_crash_is_judged_as_before(engine, what):
    engine, others = engine
    first = run_checks(GOOD, seed=5, engine=engine)
    assert "identify-after-login" in _passed(first)
    if what.startswith("a snippet"):
        started = time.perf_counter()
        flood = run_checks(FLOODS_THE_DRIVER, seed=5, engine=engine)
        took_s = time.perf_counter() - started
        assert took_s < 30 and not _passed(flood) & {"identify-after-login", "no-page-errors"}, \
            (took_s, [(c.id, c.passed, c.message[:100]) for c in flood.checks])
    elif what == "driver":
        _kill(others, lambda p: p.name().startswith("node"))
    else:
        _kill(others, lambda p: "chrom" in p.name() and "--type=" not in " ".join(p.cmdline()))
    time.sleep(0.2)
    again = run_checks(GOOD, seed=5, engine=engine)
    assert _passed(again) == _passed(first), [c.message for c in again.checks if not c.passed]
    assert run_checks(GOOD, seed=5, engine=engine).score == first.score


def test_a_dead_driver_prints_nothing_into_the_terminal():
    """asyncio reports the dead driver's unawaited error when the process ends, as a traceback
    the instructor would read as the grader's failure."""
    script = f"""
import os, signal, psutil
from autograder.checks import run_checks
run_checks({GOOD!r}, seed=5, only="identify-after-login")
for p in psutil.Process().children(recursive=True):
    try:
        if p.name().startswith("node"):
            os.kill(p.pid, signal.SIGKILL)
    except psutil.NoSuchProcess:  # a Chromium helper that ended meanwhile
        pass
print(run_checks({GOOD!r}, seed=5, only="identify-after-login").score)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == [str(BY_ID["identify-after-login"].points)], done.stderr[-2000:]
    assert "never retrieved" not in done.stderr and "Traceback" not in done.stderr, done.stderr[-2000:]
