"""A grading run whose output folder lies deep (a Unix socket's path may not pass 107 bytes)."""

import nbformat
import pytest

from autograder.grading.batch import grade_batch

from .mini_course import ASSIGNMENT, learner_notebook, make_course

pytestmark = [pytest.mark.slow, pytest.mark.browser]
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


@pytest.mark.timeout(240)
def test_a_deep_output_folder_grades_as_a_shallow_one(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(learner_notebook(GOOD, "return 2 * x"), str(subs / "ann.ipynb"))
    deep = tmp_path.joinpath(*["a-folder-with-a-long-name"] * 5, "grading-out")
    assert len(str(deep / "work" / "worker-4194304" / "ipc" / "kernel-1")) > 107
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=deep, workers=1,
                        timeout_s=30, seeds=(7,))
    assert batch.results["ann"]["graded"], batch.results["ann"]["reason"]
    assert batch.results["ann"]["cells"]["test_double"] == [2.0, 2.0]
