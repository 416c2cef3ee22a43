"""Gradescope's results.json for one graded submission (its "Autograder
Specifications": top-level score, output, visibility settings and a list of tests,
each with score, max_score, status, name, output, tags, visibility).

Tests, in the notebook's order:
- per browser check, the visible customers' verdict (seed 7), shown at once, worth
  nothing by itself; then the check's test cell, its points, judged with the hidden
  customers too, shown when the instructor publishes the grades (``after_published``);
- per Python part (exercise, quiz), its test cell's points: ``after_published`` when the
  course's cell holds hidden tests, else ``visible``.
Bonus checks are extra credit the way Gradescope counts it: a test with ``max_score``
0 whose score is added to the total. Every text is plain text (``output_format``
"text"): messages quote what a learner's snippet set, and must never render as HTML.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..checks import CHECKS
from .explain import explain
from .summary import CHECK_CELLS, LearnerSummary, check_cell

VISIBLE, PUBLISHED = "visible", "after_published"
MAX_OUTPUT_CHARS = 4000  # a hint is a few sentences; a learner's value quoted in it is cut here
HIDDEN_MARK = "BEGIN HIDDEN TESTS"


def hidden_cells(source_notebook: Path) -> set[str]:
    """The grade ids of the course's test cells that hold nbgrader hidden tests."""
    notebook = json.loads(source_notebook.read_text(encoding="utf-8"))
    found = set()
    for cell in notebook.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        source = cell.get("source", "")
        if grade_id and HIDDEN_MARK in ("".join(source) if isinstance(source, list) else source):
            found.add(grade_id)
    return found


def results_json(summary: LearnerSummary, result: dict, *, visible_seed: int, messages: dict[str, str],
                 hidden: set[str], execution_time_s: float) -> dict:
    tests = []
    visible_report = (result.get("checks") or {}).get(str(visible_seed)) or {"checks": []}
    by_id = {check.get("id"): check for check in visible_report.get("checks", [])}
    for spec in CHECKS:
        seen = by_id.get(spec.id)
        if seen is not None:
            tests.append(_test(f"{spec.title} (visible customers)", 0.0, 0.0, bool(seen.get("passed")),
                               seen.get("message") or "Passed with the visible customers.", VISIBLE,
                               ["check", spec.id, "visible customers"]))
        score, most = summary.cells.get(check_cell(spec.id), [0.0, float(spec.points)])
        name = f"{spec.title} ({spec.id}" + (", extra credit)" if spec.bonus else ")")
        passed = spec.id not in summary.failed_checks and score >= most
        hint = summary.check_messages.get(spec.id) or ("Passed with every customer, hidden ones too." if passed
                                                       else messages.get(check_cell(spec.id), "Not passed."))
        tests.append(_test(name, score, 0.0 if spec.bonus else most, passed, hint, PUBLISHED,
                           ["check", spec.id] + (["extra credit"] if spec.bonus else [])))
    for grade_id, (score, most) in summary.cells.items():
        if grade_id in CHECK_CELLS:
            continue
        passed = score >= most
        hint = messages.get(grade_id) or ("Passed." if passed else f"{score:g} of {most:g} points.")
        tests.append(_test(grade_id, score, most, passed, hint, PUBLISHED if grade_id in hidden else VISIBLE,
                           ["python"]))
    total = sum(test["score"] for test in tests)
    return {"score": round(total, 2), "execution_time": round(execution_time_s),
            "output": _overview(summary), "output_format": "text", "test_output_format": "text",
            "test_name_format": "text", "stdout_visibility": "hidden", "tests": tests,
            "extra_data": {"learner": summary.learner, "status": summary.status, "flags": summary.flags}}


def unusable_results(why: str, *, execution_time_s: float) -> dict:
    """What Gradescope shows when there was nothing to grade (no notebook submitted, ...)."""
    return {"score": 0.0, "execution_time": round(execution_time_s), "output": _cut(why), "output_format": "text",
            "stdout_visibility": "hidden", "tests": []}


def _overview(summary: LearnerSummary) -> str:
    if not summary.graded:
        happened, todo = explain(summary.reason)
        return _cut(f"{happened}\n{todo}\n\nDetails: {summary.reason}")
    lines = [f"Score {summary.score:g}/{summary.max_score:g}"
             + (f", bonus {summary.bonus:g}/{summary.bonus_max:g} (extra credit)" if summary.bonus_max else "") + ".",
             "The checks with the visible customers show now; each part's points (hidden customers and hidden "
             "tests included) show when your instructor publishes the grades."]
    if summary.not_rechecked:
        lines.append("Some parts could not be re-checked in time: " + ", ".join(summary.not_rechecked) + ".")
    return _cut("\n".join(lines))


def _test(name: str, score: float, max_score: float, passed: bool, output: str, visibility: str,
          tags: list[str]) -> dict:
    return {"name": name, "score": round(float(score), 2), "max_score": round(float(max_score), 2),
            "status": "passed" if passed else "failed", "output": _cut(str(output)), "output_format": "text",
            "name_format": "text", "visibility": visibility, "tags": tags}


def _cut(text: str) -> str:
    return text if len(text) <= MAX_OUTPUT_CHARS else text[:MAX_OUTPUT_CHARS - 1] + "…"
