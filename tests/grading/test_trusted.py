"""The trusted reports folder: one judgement per (snippet, seed), even when workers race."""

import threading
import time

import autograder.checks as checks
from autograder.checks.report import Report
from autograder.grading.trusted import load_report, trusted_report, trusted_reports


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


def test_two_workers_meeting_a_new_snippet_judge_its_seeds_side_by_side(tmp_path, monkeypatch):
    started = {7: threading.Event(), 1913: threading.Event()}
    side_by_side = {}

    def run_checks(snippet, *, seed, **kwargs):
        started[seed].set()
        other = 1913 if seed == 7 else 7
        side_by_side[seed] = started[other].wait(3)  # is the other seed being judged meanwhile?
        return Report(checks=[], seed=seed, duration_s=0.0)

    monkeypatch.setattr(checks, "run_checks", run_checks)
    results = []
    threads = [threading.Thread(target=lambda: results.append(trusted_reports(tmp_path, "x()", (7, 1913))))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert side_by_side == {7: True, 1913: True}  # neither worker sat waiting while the other judged
    assert [list(r) for r in results] == [[7, 1913], [7, 1913]]  # every seed, in the asked order
    assert all(r[seed].seed == seed for r in results for seed in r)


def test_a_judgement_the_browser_could_not_finish_grades_its_submission_but_is_never_reused(tmp_path, monkeypatch):
    """A run cut short by the grader's own failure (cause grader-error: the machine too busy, the
    browser died) is returned for the submission at hand, not kept: the next meeting of that snippet
    is judged again, and only a complete judgement is kept and reused."""
    from autograder.checks.report import CheckResult

    def verdict(cause):
        return CheckResult(id="identify-after-login", title="", passed=cause is None, points=0, max_points=4,
                           message="not your code: the machine was too busy" if cause else "", cause=cause)

    runs = iter([verdict("grader-error"), verdict(None)])
    calls = []

    def run_checks(snippet, *, seed, **kwargs):
        calls.append(seed)
        return Report(checks=[next(runs)], seed=seed, duration_s=0.0)

    monkeypatch.setattr(checks, "run_checks", run_checks)
    first = trusted_report(tmp_path, "x()", 7)
    assert first.checks[0].cause == "grader-error"
    assert load_report(tmp_path, "x()", 7) is None  # not kept
    second = trusted_report(tmp_path, "x()", 7)
    assert second.checks[0].passed and calls == [7, 7]  # judged again
    assert trusted_report(tmp_path, "x()", 7).checks[0].passed and calls == [7, 7]  # complete: reused


def test_snippets_that_differ_only_in_comments_and_layout_share_one_judgement(tmp_path, monkeypatch):
    calls = []

    def run_checks(snippet, *, seed, **kwargs):
        calls.append(snippet)
        return Report(checks=[], seed=seed, duration_s=0.0)

    monkeypatch.setattr(checks, "run_checks", run_checks)
    lesson = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
    for learner_wrote in [lesson, "// Ann: step 7\n" + lesson, lesson.replace(" { ", "  {\t") + "  /* done */"]:
        trusted_report(tmp_path, learner_wrote, 7)
    assert len(calls) == 1
    trusted_report(tmp_path, lesson.replace("email", "name"), 7)  # other code: judged on its own
    assert len(calls) == 2
