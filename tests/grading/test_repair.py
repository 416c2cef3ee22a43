"""A notebook that lacks fields the format requires (written by another tool or edited by
hand) is repaired and graded, with a note that names the cells; what cannot be repaired gets
a reason that says what is wrong and what to do, not nbgrader's "see the above traceback"."""

import json

import nbformat
import pytest

from autograder.grading.batch import grade_batch

from .mini_course import ASSIGNMENT, learner_notebook, make_course

pytestmark = [pytest.mark.browser, pytest.mark.slow]
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


def test_notebooks_missing_fields_are_repaired_and_graded_with_a_note(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    good = json.loads(nbformat.writes(learner_notebook(GOOD, "return 2 * x")))

    def hand_in(name: str, change) -> None:
        nb = json.loads(json.dumps(good))
        change(nb["cells"])
        (subs / f"{name}.ipynb").write_text(json.dumps(nb))

    def no_outputs(cells):
        for cell in cells:
            cell.pop("outputs")
            cell.pop("execution_count")

    hand_in("a_no_outputs", no_outputs)
    hand_in("b_no_source", lambda cells: cells[4].pop("source"))
    hand_in("c_corrupt_points", lambda cells: cells[3]["metadata"]["nbgrader"].update(points="lots"))
    hand_in("d_no_cell_type", lambda cells: cells.append({"metadata": {}, "source": "print(1)"}))
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1,
                        timeout_s=60, seeds=(7,))
    results = batch.results
    for name in ("a_no_outputs", "b_no_source", "c_corrupt_points"):
        assert results[name]["graded"], results[name]["reason"]
        assert results[name]["cells"]["test_double"] == [2.0, 2.0]
    assert "outputs missing in cell 1 (setup), cell 2 (identify_snippet)" in results["a_no_outputs"]["reason"]
    assert "execution_count missing in cell 1 (setup)" in results["a_no_outputs"]["reason"]
    assert "source missing in cell 5 (test_double)" in results["b_no_source"]["reason"]
    assert "nbgrader metadata corrupt in cell 4 (double)" in results["c_corrupt_points"]["reason"]
    broken = results["d_no_cell_type"]
    assert not broken["graded"]
    assert "above traceback" not in broken["reason"] and "hand it in again" in broken["reason"], broken["reason"]
