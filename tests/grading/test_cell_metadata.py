"""The quicker cell-metadata check accepts and refuses exactly what nbgrader's does."""

import copy

import jsonschema
import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from autograder.grading import cell_metadata
from autograder.grading.cell_metadata import SchemaOnceMetadataValidator


def cell(kind="code", **meta):
    made = nbformat.v4.new_code_cell("x = 1") if kind == "code" else nbformat.v4.new_markdown_cell("text")
    base = {"grade": False, "solution": True, "locked": False, "grade_id": "answer", "schema_version": 3}
    made.metadata["nbgrader"] = {key: value for key, value in {**base, **meta}.items() if value is not ...}
    return made


CELLS = {
    "valid solution": cell(),
    "valid test": cell(grade=True, solution=False, locked=True, points=2),
    "no nbgrader metadata": nbformat.v4.new_code_cell("x = 1"),
    "no grade_id": cell(grade_id=...),
    "empty grade_id": cell(grade_id=""),
    "points missing": cell(grade=True, solution=False, locked=True),
    "points as text": cell(grade=True, solution=False, locked=True, points="two"),
    "grade not a boolean": cell(grade="yes"),
    "schema too old": cell(schema_version=1),
    "schema too new": cell(schema_version=9),
    "markdown grade, not solution": cell("markdown", grade=True, solution=False, points=1),
    "task in a code cell": cell(task=True),
}


def outcome(validator, c):
    try:
        validator.validate_cell(copy.deepcopy(c))
    except Exception as err:  # noqa: BLE001 - the type and message are what is compared
        return type(err).__name__, str(err)
    return None


@pytest.mark.parametrize("name", list(CELLS))
def test_same_verdict_as_nbgrader(name):
    expected = outcome(MetadataValidator(), CELLS[name])
    assert outcome(SchemaOnceMetadataValidator(), CELLS[name]) == expected
    if name.startswith("valid") or name == "no nbgrader metadata":
        assert expected is None
    else:
        assert expected is not None, "the case must be one nbgrader refuses"


def test_schema_is_checked_once_not_per_cell(monkeypatch):
    cls = jsonschema.validators.validator_for(MetadataValidator().schema)
    checks = []
    original = cls.check_schema.__func__
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda c, schema, **kw: checks.append(1) or original(c, schema, **kw)))
    monkeypatch.setattr(cell_metadata, "_VALIDATORS", {})
    nb = nbformat.v4.new_notebook(cells=[cell(grade_id=f"cell{i}") for i in range(20)])
    for _ in range(2):
        SchemaOnceMetadataValidator().validate_nb(nb)
    assert len(checks) == 1
