"""CSV cells learners control open as text in a spreadsheet, never as a formula
(OWASP's rule: a leading single quote); the scores we compute stay numbers."""

import csv

import pytest

from autograder.grading import spreadsheet_safe as safe
from autograder.grading.csv_export import write_grades_csv
from autograder.grading.summary import LearnerSummary


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://evil.test","x")', "+1+1", "-2+3", "@SUM(A1:A2)",
                                     "\t=1+1", "\r=1+1"])
def test_text_starting_like_a_formula_gets_a_single_quote(hostile):
    assert safe.text(hostile) == "'" + hostile


@pytest.mark.parametrize("harmless", ["Zoë O'Brien", "Smith, John \"Bud\"", "", " =1", "a=b", "'quoted"])
def test_other_text_is_kept_as_it_is(harmless):
    assert safe.text(harmless) == harmless


def test_numbers_stay_numbers_even_negative_ones():
    assert safe.number(7.0) == "7" and safe.number(7.5) == "7.5" and safe.number(-1.0) == "-1"
    assert safe.number(96, decimals=2, decimal_sep=",") == "96,00"
    with pytest.raises(TypeError):
        safe.number("=1+1")


def test_grades_csv_neutralises_what_a_learner_wrote_and_keeps_scores_numeric(tmp_path):
    summary = LearnerSummary(learner="@evil", graded=True, reason='=HYPERLINK("http://evil.test","see why")',
                             cells={"test_double": [2.0, 2.0]}, score=2.0, max_score=2.0,
                             flags=["-tampering suspected"])
    rows = list(csv.reader(open(write_grades_csv(tmp_path / "grades.csv", [summary]), encoding="utf-8")))
    assert rows[1] == ["'@evil", "2", "2", "0", "0", "2", "graded", "'-tampering suspected",
                       "'" + summary.reason, "", "", "", "0", "0"]  # manual grades (none), then on time
