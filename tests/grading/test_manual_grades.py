"""Grades an instructor enters in nbgrader's formgrader (manual_score) survive a regrade, as in
nbgrader (a manual score wins over the autograder's), and grades.csv shows them."""

from __future__ import annotations

import csv

from nbgrader.api import Gradebook

from autograder.grading.csv_export import write_grades_csv
from autograder.grading.gradebook import gradebook_url, open_gradebook, prepare_assignment, read_manual_grades, \
    write_result
from autograder.grading.summary import summarize_all

from .mini_course import ASSIGNMENT, make_course


def result(double: float) -> dict:
    return {"learner": "ann", "graded": True, "reason": "", "flags": [], "checks": {},
            "cells": {"test_identify_after_login": [4.0, 4.0], "test_double": [double, 2.0]}}


def formgrader_sets(course, grade_id: str, score: float | None) -> None:
    """What formgrader does when the instructor types a score (or clears it)."""
    with Gradebook(gradebook_url(course)) as gb:
        grade = gb.find_grade(grade_id, ASSIGNMENT, ASSIGNMENT, "ann")
        grade.manual_score = score
        gb.db.commit()


def test_a_manual_score_survives_a_regrade_and_shows_in_the_csv(tmp_path):
    course = make_course(tmp_path / "course")
    notebook = prepare_assignment(course, ASSIGNMENT)
    with open_gradebook(course) as gb:
        write_result(gb, course, ASSIGNMENT, notebook, result(0.0), pages_dir=tmp_path / "pages")
    formgrader_sets(course, "test_double", 1.5)  # partial credit for a near miss
    with open_gradebook(course) as gb:
        again = write_result(gb, course, ASSIGNMENT, notebook, result(0.0), pages_dir=tmp_path / "pages")  # the regrade
    assert again["cells"]["test_double"] == [1.5, 2.0], "the manual score wins"
    with Gradebook(gradebook_url(course)) as gb:
        grade = gb.find_grade("test_double", ASSIGNMENT, ASSIGNMENT, "ann")
        assert grade.manual_score == 1.5 and grade.auto_score == 0.0 and grade.needs_manual_grade
        untouched = gb.find_grade("test_identify_after_login", ASSIGNMENT, ASSIGNMENT, "ann")
        assert untouched.manual_score is None and not untouched.needs_manual_grade, "as nbgrader's autograde"
        assert gb.find_submission(ASSIGNMENT, "ann").score == 5.5
    rows = list(csv.DictReader(open(write_grades_csv(tmp_path / "grades.csv", summarize_all({"ann": again})),
                                    encoding="utf-8")))
    assert rows[0]["test_double"] == "1.5" and rows[0]["total"] == "5.5"
    assert rows[0]["manual"] == "test_double 1.5 (auto 0)"


def test_a_result_kept_from_the_last_run_gets_the_manual_scores_entered_since(tmp_path):
    course = make_course(tmp_path / "course")
    notebook = prepare_assignment(course, ASSIGNMENT)
    with open_gradebook(course) as gb:
        kept = write_result(gb, course, ASSIGNMENT, notebook, result(2.0), pages_dir=tmp_path / "pages")  # what the ledger holds
    formgrader_sets(course, "test_double", 1.0)
    with open_gradebook(course) as gb:
        now = read_manual_grades(gb, ASSIGNMENT, notebook, kept)
    assert now["cells"]["test_double"] == [1.0, 2.0] and now["manual"] == {"test_double": [1.0, 2.0]}
    formgrader_sets(course, "test_double", None)  # the instructor took it back
    with open_gradebook(course) as gb:
        back = read_manual_grades(gb, ASSIGNMENT, notebook, now)
    assert back["cells"]["test_double"] == [2.0, 2.0] and back["manual"] == {}
