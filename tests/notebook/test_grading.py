"""The helpers behind the notebook's check cells: one report per (snippet, seed),
the learner's hint as the failure, and one-line messages when nothing can run."""

import pytest

from autograder.checks import CHECKS, CheckResult, Report
from autograder.checks.engine import CheckTimeout
from autograder.notebook import grading, state


def fake_report(failing=(), seed=7) -> Report:
    return Report(checks=[CheckResult(c.id, c.title, c.id not in failing, 0 if c.id in failing else c.points,
                                      c.points, f"hint for {c.id}" if c.id in failing else "", c.bonus)
                          for c in CHECKS], seed=seed, duration_s=0.1)


@pytest.fixture
def calls(monkeypatch):
    made = []
    monkeypatch.setattr(state, "_snippet", "x")
    monkeypatch.setattr(grading, "_cache", type(grading._cache)())
    monkeypatch.setattr(grading, "report_source",
                        lambda snippet, seed: made.append((snippet, seed)) or fake_report({"distinct-people"}, seed))
    return made


def test_checks_before_the_snippet_cell_say_run_it_first(monkeypatch):
    monkeypatch.setattr(state, "_snippet", None)
    with pytest.raises(state.SnippetNotRun, match="run the %%identify_snippet cell first"):
        grading.checklist(7)


def test_check_cells_share_one_report_per_seed(calls):
    grading.assert_check("identify-after-login", seed=7)
    with pytest.raises(AssertionError, match="hint for distinct-people"):
        grading.assert_check("distinct-people", seed=7)
    grading.assert_check("no-page-errors", 7, 1913)
    assert calls == [("x", 7), ("x", 1913)]


def test_a_new_snippet_gets_a_new_report(calls, monkeypatch):
    grading.checklist(7)
    monkeypatch.setattr(state, "_snippet", "y")
    grading.checklist(7)
    assert calls == [("x", 7), ("y", 7)]


def test_failures_read_as_one_line_with_the_title_and_hint(calls):
    with pytest.raises(grading.CheckFailed) as failure:
        grading.assert_check("distinct-people", seed=7)
    lines = failure.value._render_traceback_()
    assert len(lines) == 1 and "Different customers" in lines[0] and "hint for distinct-people" in lines[0]


def test_assert_check_without_a_seed_is_refused(calls):
    """A check cell that names no seed must not pass by checking nothing."""
    with pytest.raises(TypeError):
        grading.assert_check("identify-after-login")


def test_checks_that_cannot_run_fail_the_cell_in_one_line(monkeypatch):
    def no_browser(snippet, seed):
        raise CheckTimeout("the checks did not finish within 30 s")

    monkeypatch.setattr(state, "_snippet", "x")
    monkeypatch.setattr(grading, "_cache", type(grading._cache)())
    monkeypatch.setattr(grading, "report_source", no_browser)
    with pytest.raises(grading.CheckFailed, match="the checks could not run: the checks did not finish"):
        grading.assert_check("identify-after-login", seed=7)


def test_the_cache_stays_bounded(calls, monkeypatch):
    for n in range(grading.CACHE_SIZE + 5):
        monkeypatch.setattr(state, "_snippet", f"snippet {n}")
        grading.checklist(7)
    assert len(grading._cache) == grading.CACHE_SIZE


def test_under_the_grader_the_kernel_reads_the_graders_report(tmp_path, monkeypatch):
    from autograder.grading.trusted import report_key

    monkeypatch.setattr(state, "_snippet", "x")
    monkeypatch.setattr(grading, "_cache", type(grading._cache)())
    monkeypatch.setenv(grading.TRUSTED_REPORTS_ENV, str(tmp_path))
    (tmp_path / f"{report_key('x', 7)}.json").write_text(fake_report({"no-page-errors"}).to_json_text())
    with pytest.raises(AssertionError, match="hint for no-page-errors"):
        grading.assert_check("no-page-errors", seed=7)
    with pytest.raises(AssertionError, match="no browser verdict"):
        grading.assert_check("no-page-errors", seed=1913)
