"""The terminal summary stays readable in an 80-column terminal or a log file: check ids
whole, paths whole on their own lines (so they can be copied)."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from autograder.grading.batch import BatchResult
from autograder.grading.console import print_summary
from autograder.grading.intake import Intake
from autograder.grading.outputs import Outputs
from autograder.grading.summary import summarize_all

from .test_report_causes import learner

OUT = Path("/srv/courses/kissmetrics-university/step07-identifying-customers/grading-out-2026-autumn")


def printed(width: int = 80) -> str:
    results = {"ann": learner("ann"),
               "bartholomew_longname_0123456789": learner("bartholomew_longname_0123456789", {
                   "identity-across-sessions": "identity-lost", "anonymous-before-login": "named-too-early"}),
               "cat": learner("cat", {"identity-across-sessions": "identity-lost"},
                              reason="did not finish within 10 s (a cell ran too long); points for what ran"),
               "dan": learner("dan", graded=False, reason="not a readable notebook (JSONDecodeError: Expecting "
                                                         "value: line 1 column 1 (char 0))")}
    summaries = summarize_all(results)
    batch = BatchResult(results=results, intake=Intake(notices=["the zip held a __MACOSX folder: skipped"]),
                        graded_now=list(results), resumed=[], duration_s=12.0)
    outputs = Outputs(grades_csv=OUT / "grades.csv", report_html=OUT / "report.html", feedback_dir=OUT / "feedback",
                      summaries=summaries, lms_files=[OUT / "canvas-import.csv"])
    file = io.StringIO()
    print_summary(outputs, batch, Console(width=width, file=file))
    return file.getvalue()


def test_paths_are_printed_whole_on_their_own_lines():
    text = printed()
    lines = text.splitlines()
    for path in (OUT / "grades.csv", OUT / "report.html", OUT / "canvas-import.csv"):
        assert str(path) in lines, f"{path} is not alone and whole on a line:\n{text}"
    assert f"{OUT / 'feedback'}/<learner>.html" in lines


def test_check_ids_are_never_broken_and_the_table_fits_80_columns():
    text = printed()
    assert "identity-across-sessions" in text, text
    table = text[:text.index("grades")]
    assert all(len(line) <= 80 for line in table.splitlines()), table
    for fragment in ("identity-acr", "identity-", "sessions"):
        for line in table.splitlines():
            assert not line.rstrip(" │|").endswith(fragment) or line.rstrip(" │|").endswith(
                "identity-across-sessions"), f"a check id broken:\n{table}"
    assert "bartholomew_longname_0123456789" in text, "learner ids whole too"
