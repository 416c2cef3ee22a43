"""A learner whose code prints a flood is graded like anyone else, and what the grader keeps
of their notebook (the graded copy sent back from workers, its pages) stays bounded."""

from pathlib import Path

import nbformat
import pytest

from autograder.grading.batch import grade_batch
from autograder.grading.output_bounds import NOTEBOOK_CHARS

from .mini_course import ASSIGNMENT, learner_notebook, make_course

pytestmark = [pytest.mark.browser, pytest.mark.slow]
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
FLOOD = "print('x' * 30_000_000)\nfor i in range(200_000):\n    print(i)"


def test_a_flood_of_output_is_graded_and_kept_bounded(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    flood = learner_notebook(GOOD, "return 2 * x")
    flood.cells.insert(4, nbformat.v4.new_code_cell(FLOOD))
    nbformat.write(flood, str(subs / "flood.ipynb"))
    nbformat.write(learner_notebook(GOOD, "return 2 * x"), str(subs / "calm.ipynb"))
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1,
                        timeout_s=60, seeds=(7,))
    flooded, calm = batch.results["flood"], batch.results["calm"]
    assert flooded["graded"] and flooded["cells"] == calm["cells"], flooded["reason"]
    graded = flooded["autograded"]  # the JSON text, or where the coordinator stored it
    text = Path(graded).read_text(encoding="utf-8") if not graded.lstrip().startswith("{") else graded
    assert len(text) < NOTEBOOK_CHARS * 1.2, len(text)
    assert "cut" in text
