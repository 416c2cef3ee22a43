"""The rule that tells learner code still running from a slow machine (checks/page_time.py)."""

import os
import subprocess
import sys
import time

import pytest

from autograder.checks.page_time import Sample, runnable_s, running

from ..conftest import busy_loops

RULE = {"runnable_share": 0.9, "busy_share": 0.3}


def test_a_main_thread_running_or_waiting_for_a_core_the_whole_span_is_running_whatever_cpu_it_got():
    before = Sample(10.0, {7: 1.0}, {7: 5.0})
    starved = Sample(12.0, {7: 1.2}, {7: 6.9})  # 0.1 of a core, but never idle
    assert running(before, starved, **RULE)


def test_a_page_that_waits_is_not_running_even_when_it_used_cpu_now_and_then():
    before = Sample(10.0, {7: 1.0}, {7: 5.0})
    waiting = Sample(12.0, {7: 1.9}, {7: 6.2})  # busy for bursts, idle in between
    assert not running(before, waiting, **RULE)


def test_without_the_kernels_count_the_cpu_share_decides():
    before = Sample(10.0, {7: 1.0, 8: 0.5}, {})
    assert running(before, Sample(12.0, {7: 1.7, 8: 0.5}, {}), **RULE)
    assert not running(before, Sample(12.0, {7: 1.5, 8: 0.6}, {}), **RULE)


def test_a_process_that_appeared_since_the_first_sample_is_not_judged_on_time_it_was_not_watched():
    before = Sample(10.0, {7: 1.0}, {7: 5.0})
    assert not running(before, Sample(12.0, {7: 1.0, 9: 3.0}, {7: 5.0, 9: 3.0}), **RULE)


@pytest.mark.skipif(runnable_s(1) is None, reason="the kernel does not count run and wait time here")
def test_the_kernel_counts_a_looping_process_as_runnable_even_with_every_core_taken():
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with busy_loops((os.cpu_count() or 2) + 1) as hogs:
            time.sleep(0.3)
            pids = [hogs[0].pid, sleeper.pid]
            first, at = {pid: runnable_s(pid) for pid in pids}, time.monotonic()
            time.sleep(1.0)
            span = time.monotonic() - at
            share = {pid: (runnable_s(pid) - first[pid]) / span for pid in pids}
    finally:
        sleeper.kill()
        sleeper.wait()
    assert share[hogs[0].pid] >= 0.9 and share[sleeper.pid] < 0.1, share
    assert runnable_s(sleeper.pid) is None  # gone
