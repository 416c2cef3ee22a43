"""The class report of a large class: learners grouped by why they failed (cause), with a count,
one example's timeline and links to their pages; who needs help first; every part's pass rate."""

from __future__ import annotations

import re

from autograder.checks import CHECKS
from autograder.checks.causes import CAUSES
from autograder.grading.class_report import write_class_report
from autograder.grading.summary import check_cell, summarize_all

EXERCISE = "test_person_id"


def check_report(failing: dict[str, str]) -> dict:
    """A report as workers return it: ``failing`` maps a check id to the cause it failed with."""
    return {"checks": [{"id": spec.id, "title": spec.title, "passed": spec.id not in failing,
                        "points": 0 if spec.id in failing else spec.points, "max_points": spec.points,
                        "bonus": spec.bonus, "message": f"failed: {failing.get(spec.id, '')}",
                        "cause": failing.get(spec.id),
                        "evidence": {"failed_step": 1, "screenshot": None,
                                     "timeline": [{"label": "home", "url": "/", "km_ai": "anon-1", "km_ni": None,
                                                   "ki": "anon-1"},
                                                  {"label": "log in", "url": "/account", "km_ai": "Ada Lovelace",
                                                   "km_ni": None, "ki": "Ada Lovelace"}]}}
                       for spec in CHECKS]}


def learner(name: str, failing: dict[str, str] = (), *, exercise: float = 5.0, graded: bool = True,
            reason: str = "", flags=(), not_rechecked=()) -> dict:
    failing = dict(failing)
    cells = {check_cell(spec.id): [0.0 if spec.id in failing else float(spec.points), float(spec.points)]
             for spec in CHECKS}
    cells[EXERCISE] = [exercise, 5.0]
    return {"learner": name, "graded": graded, "reason": reason, "cells": cells if graded else {},
            "flags": list(flags), "not_rechecked": list(not_rechecked), "timings_s": {"autograde": 1.0},
            "checks": {"7": check_report(failing)} if graded else {}}


def big_class() -> dict[str, dict]:
    results = {}
    for number in range(300):  # hundreds of learners with one cause
        name = f"l{number:03d}"
        results[name] = learner(name, {"identify-after-login": "display-name", "identified-by-email": "display-name"})
    results["bob"] = learner("bob", {"shared-computer": "kept-after-logout"})  # bonus only
    results["cat"] = learner("cat", dict.fromkeys(("identify-after-login", "identity-across-pages",
                                                   "identity-across-sessions"), "km-before-load"), exercise=0.0)
    results["dan"] = learner("dan", graded=False, reason="not a readable notebook (JSONDecodeError: x)")
    results["eve"] = learner("eve", flags=["tampering suspected: test_person_id"])
    results["fay"] = learner("fay", not_rechecked=[EXERCISE])
    return results


def write(tmp_path, results):
    summaries = summarize_all(results)
    path = write_class_report(tmp_path, summaries, results, notices=[], duration_s=1.0, workers=1)
    return path.read_text(encoding="utf-8")


def section(page: str, heading: str) -> str:
    start = page.index(f"<h2>{heading}")
    end = page.find("<h2>", start + 4)
    return page[start:end if end > 0 else None]


def test_mistakes_are_grouped_by_cause_with_a_count_core_before_bonus(tmp_path):
    page = write(tmp_path, big_class())
    causes = section(page, "Mistakes by cause")
    display, early, logout = (causes.index(CAUSES[code]) for code in ("display-name", "km-before-load",
                                                                       "kept-after-logout"))
    assert display < early < logout, "most learners first, bonus causes after the core ones"
    assert re.search(r"300\s*learners", causes), "a learner with one cause in two checks counts once"
    assert "identify-after-login" in causes and "identified-by-email" in causes, "the checks it cost points in"
    # one example's timeline as a table, the failing step marked
    assert "<td><code>Ada Lovelace</code></td>" in causes and 'class="ko"' in causes
    # a Python part is a mistake of its own
    assert EXERCISE in causes


def test_hundreds_of_names_stay_readable(tmp_path):
    page = write(tmp_path, big_class())
    causes = section(page, "Mistakes by cause")
    group = causes[causes.index(CAUSES["display-name"]):causes.index(CAUSES["km-before-load"])]
    assert 'href="feedback/l000.html"' in group[:group.index('class="names"')], "the example's learner"
    group = group[group.index('class="names"'):]
    assert "<details" in group and "280 more" in group
    assert group.count('href="feedback/') == 300, "every learner's page is linked"
    before_details = group[:group.index("<details")]
    assert before_details.count('href="feedback/') == 20


def test_needs_help_comes_first_and_names_why(tmp_path):
    page = write(tmp_path, big_class())
    assert page.index("<h2>Needs help") < page.index("<h2>Mistakes by cause")
    help_ = section(page, "Needs help")
    for who, why in (("dan", "could not be graded"), ("eve", "flagged"), ("fay", "could not re-check"),
                     ("cat", "lowest")):
        assert who in help_ and why in help_, (who, why)
    assert help_.index("dan") < help_.index("cat"), "the ungradable before the lowest scores"


def test_pass_rates_include_the_python_parts_and_print_their_numbers(tmp_path):
    page = write(tmp_path, big_class())
    rates = section(page, "Pass rate per part")
    assert EXERCISE in rates
    graded = 304  # dan could not be graded
    assert f"{graded - 1}/{graded}" in rates, "the Python part: all but cat passed"
    assert f"3/{graded}" in rates, "identify-after-login: only bob, eve and fay passed it"
    assert (tmp_path / "check_pass_rate.png").stat().st_size > 1000
