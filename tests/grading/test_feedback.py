"""The learner's feedback page: the checklist says what each check was given, across every seed."""

from autograder.checks import CHECKS
from autograder.grading.feedback import checklist, write_feedback
from autograder.grading.summary import check_cell, summarize


def report(failing: dict[str, str], *, screenshots: bool = True) -> dict:
    """A report in the JSON form workers return: the checks in ``failing`` failed with that message."""
    return {"checks": [{"id": spec.id, "title": spec.title, "passed": spec.id not in failing,
                        "points": 0 if spec.id in failing else spec.points, "max_points": spec.points,
                        "bonus": spec.bonus, "message": failing.get(spec.id, ""),
                        "evidence": {"timeline": [], "failed_step": None,
                                     "screenshot": f"/shots/{spec.id}.png" if screenshots and spec.id in failing
                                     else None}}
                       for spec in CHECKS]}


def summary_of(reports: list[dict], *, zero: tuple[str, ...] = ()):
    cells = {check_cell(spec.id): [0.0 if spec.id in zero else float(spec.points), float(spec.points)]
             for spec in CHECKS}
    result = {"learner": "ada", "graded": True, "cells": cells,
              "checks": {str(seed): r for seed, r in zip((7, 1913), reports)}}
    return summarize(result, list(cells), {k: v[1] for k, v in cells.items()}), result


def row(rows, check_id):
    return next(r for r in rows if r["id"] == check_id)


def test_a_check_failed_only_with_the_hidden_customers_shows_as_failed_with_that_message():
    reports = [report({}), report({"distinct-people": "merged with the other customer"})]
    summary, _ = summary_of(reports, zero=("distinct-people",))
    rows, focus = checklist(reports, summary)
    shown = row(rows, "distinct-people")
    assert not shown["passed"] and shown["points"] == 0 and shown["message"] == "merged with the other customer"
    assert focus["id"] == "distinct-people"
    given = summary.cells[check_cell("identify-after-login")][0]
    assert row(rows, "identify-after-login")["passed"] and row(rows, "identify-after-login")["points"] == given > 0


def test_a_passed_check_whose_test_cell_was_deleted_shows_no_points_and_why():
    reports = [report({}), report({})]
    summary, _ = summary_of(reports, zero=("identify-after-login",))
    rows, focus = checklist(reports, summary)
    shown = row(rows, "identify-after-login")
    assert shown["passed"] and shown["points"] == 0 and "earned nothing" in shown["message"]
    assert focus is None


def test_focus_is_the_first_failing_check_with_a_screenshot(tmp_path):
    reports = [report({"no-cookie-writes": "wrote km_ai"}, screenshots=False),
               report({"shared-computer": "still the previous customer"})]
    summary, result = summary_of(reports, zero=("no-cookie-writes", "shared-computer"))
    _, focus = checklist(reports, summary)
    assert focus["id"] == "shared-computer"
    result["screenshot_png_b64"] = "iVBORw0KGgo="
    page = write_feedback(tmp_path, summary, result).read_text(encoding="utf-8")
    assert "still the previous customer" in page and "wrote km_ai" in page
    assert "data:image/png;base64,iVBORw0KGgo=" in page
    assert page.count("✘") == 2


def test_verdicts_and_the_failing_step_are_said_in_words_and_ids_do_not_wrap(tmp_path):
    """Not by colour alone: each verdict reads 'passed' or 'failed', the failing step says so;
    long IDs stay whole in a table that scrolls (and can be reached by keyboard)."""
    failing = report({"shared-computer": "still the previous customer"})
    failing["checks"][-1]["evidence"].update(failed_step=0, timeline=[
        {"label": "log in", "url": "www.acme.test/account", "km_ai": "x" * 80, "km_ni": None, "ki": "x" * 80}])
    summary, result = summary_of([failing], zero=("shared-computer",))
    page = write_feedback(tmp_path, summary, result).read_text(encoding="utf-8")
    assert page.count("✘</span> failed") == 1 and page.count("✔</span> passed") == len(CHECKS) - 1
    assert "log in <strong class=\"ko\">(failed here)</strong>" in page
    assert "white-space: nowrap" in page and "break-all" not in page.split("pre.snippet")[0]
    assert 'role="region" tabindex="0"' in page
