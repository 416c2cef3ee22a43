"""Cells of handed-in notebooks are read whatever shape learners left them in."""

import pytest

from autograder.notebook_cells import cell_source, grade_id, is_code, nbgrader_metadata


@pytest.mark.parametrize("cell", [
    "not a cell", None, [], {}, {"metadata": []}, {"metadata": {"nbgrader": None}},
    {"metadata": {"nbgrader": "x"}}, {"metadata": {"nbgrader": {"grade_id": 7}}},
    {"metadata": {"nbgrader": {"grade_id": ""}}},
])
def test_broken_cells_have_no_grade_id(cell):
    assert grade_id(cell) is None
    assert isinstance(nbgrader_metadata(cell), dict)


@pytest.mark.parametrize("cell", ["x", None, {"metadata": []}, {"metadata": {"nbgrader": None}},
                                  {"metadata": {"nbgrader": ["grade"]}}])
def test_unusable_nbgrader_metadata_reads_as_none(cell):
    assert nbgrader_metadata(cell) == {}


def test_grade_id_and_source_of_a_graded_cell():
    cell = {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "quiz", "grade": True}},
            "source": ["a = 1\n", "b = 2"]}
    assert grade_id(cell) == "quiz" and nbgrader_metadata(cell)["grade"] is True
    assert cell_source(cell) == "a = 1\nb = 2" and is_code(cell)


def test_sources_of_odd_shapes_are_text():
    assert cell_source({"source": "x"}) == "x"
    assert cell_source({"source": 42}) == "42"
    assert cell_source({}) == "" and cell_source("cell") == ""
    assert not is_code({"cell_type": "markdown"}) and not is_code("code")
