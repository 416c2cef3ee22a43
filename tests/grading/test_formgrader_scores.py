"""What ``autograder grade`` writes into the course shows in nbgrader's formgrader as graded, with
its score: the formgrader (NbGraderAPI.get_submissions, what its pages ask) counts a submission
as graded only when the gradebook has the time the learner submitted, as nbgrader's autograde
records it. (tests/hub/test_exchange_on_hub.py reads the same through a real formgrader.)"""

from __future__ import annotations

import nbformat
import pytest

from autograder.grading.gradebook import course_api, open_gradebook, prepare_assignment, write_result

from .mini_course import ASSIGNMENT, learner_notebook, make_course


def graded(learner: str, double: float) -> dict:
    return {"learner": learner, "graded": True, "reason": "", "flags": [], "checks": {},
            "autograded": nbformat.writes(learner_notebook()),
            "cells": {"test_identify_after_login": [4.0, 4.0], "test_double": [double, 2.0]}}


def graded_course(tmp_path, timestamps: dict[str, bytes | None]):
    course = make_course(tmp_path / "course")
    notebook = prepare_assignment(course, ASSIGNMENT)
    for learner in ("ann", "bob"):
        submitted = course / "submitted" / learner / ASSIGNMENT
        submitted.mkdir(parents=True)
        nbformat.write(learner_notebook(), str(submitted / f"{notebook}.ipynb"))
        if timestamps[learner] is not None:
            (submitted / "timestamp.txt").write_bytes(timestamps[learner])
    with open_gradebook(course) as gb:
        for learner, double in (("ann", 2.0), ("bob", 0.0)):
            write_result(gb, course, ASSIGNMENT, notebook, graded(learner, double), pages_dir=tmp_path / "pages")
    return course


@pytest.mark.parametrize("timestamp", [b"2026-12-01 10:00:00.000000 UTC", None])
def test_the_formgrader_shows_each_graded_submission_with_its_score(tmp_path, timestamp):
    course = graded_course(tmp_path, {"ann": timestamp, "bob": timestamp})
    shown = {row["student"]: (row["score"], row["max_score"], row["autograded"])
             for row in course_api(course).get_submissions(ASSIGNMENT)}
    assert shown == {"ann": (6.0, 6.0, True), "bob": (4.0, 6.0, True)}


def test_a_mangled_timestamp_is_no_time(tmp_path):
    """timestamp.txt is written on the learner's side: one that is not a time is left out."""
    with open_gradebook(graded_course(tmp_path, {"ann": b"not a time \xff\x00", "bob": b"2026-12-01 " * 200})) as gb:
        for learner, score in (("ann", 6.0), ("bob", 4.0)):
            submission = gb.find_submission(ASSIGNMENT, learner)
            assert submission.timestamp is None and submission.score == score
