"""The trusted reports folder: one judgement per (snippet, seed), even when workers race."""

import threading
import time

import autograder.checks as checks
from autograder.checks.report import Report
from autograder.grading.trusted import load_report, trusted_report


def test_workers_meeting_one_snippet_judge_it_once(tmp_path, monkeypatch):
    calls = []

    def slow_run_checks(snippet, *, seed, **kwargs):
        calls.append((snippet, seed))
        time.sleep(0.3)  # long enough for the other thread to arrive while this one judges
        return Report(checks=[], seed=seed, duration_s=0.3)

    monkeypatch.setattr(checks, "run_checks", slow_run_checks)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(trusted_report(tmp_path, "x()", 7)))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert calls == [("x()", 7)]
    assert len(reports) == 3 and all(r.seed == 7 for r in reports)
    assert load_report(tmp_path, "x()", 7) is not None
    trusted_report(tmp_path, "x()", 1913)  # another seed is another judgement
    assert calls == [("x()", 7), ("x()", 1913)]
