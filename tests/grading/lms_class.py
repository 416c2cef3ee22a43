"""A small class for the LMS round trips: real submission zips taken in by the real
intake, and results in the form workers return (grading itself is tested in test_batch)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat

from autograder.checks import CHECKS
from autograder.grading.batch import BatchResult
from autograder.grading.intake import collect
from autograder.grading.summary import check_cell

NOTEBOOK = nbformat.writes(nbformat.v4.new_notebook())
EXERCISE = "test_person_id"  # a Python exercise cell worth 5: the class's maximum is 20 + 5 = 25, bonus 4
EXERCISE_POINTS = 5.0


def report(failing: dict[str, str]) -> dict:
    return {"checks": [{"id": spec.id, "title": spec.title, "passed": spec.id not in failing,
                        "points": 0 if spec.id in failing else spec.points, "max_points": spec.points,
                        "bonus": spec.bonus, "message": failing.get(spec.id, ""),
                        "evidence": {"timeline": [], "failed_step": None, "screenshot": None}}
                       for spec in CHECKS]}


def result(learner: str, *, failing: dict[str, str] = (), exercise: float = EXERCISE_POINTS, graded: bool = True,
           reason: str = "") -> dict:
    failing = dict(failing)
    cells = {check_cell(spec.id): [0.0 if spec.id in failing else float(spec.points), float(spec.points)]
             for spec in CHECKS}
    cells[EXERCISE] = [exercise, EXERCISE_POINTS]
    if not graded:
        cells = {}
    return {"learner": learner, "graded": graded, "reason": reason, "cells": cells, "flags": [],
            "timings_s": {"autograde": 1.0},
            "checks": {"7": report(failing)} if graded else {}}


def zipped(path: Path, names: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for number, name in enumerate(names):
            archive.writestr(name, NOTEBOOK.replace('"cells": []', '"cells": []' + " " * number))
    return path


def batch_of(archive: Path, tmp_path: Path, results: dict[str, dict]) -> BatchResult:
    intake = collect(archive, submitted_dir=tmp_path / "course" / "submitted", assignment="step07",
                     notebook_name="step07.ipynb")
    assert sorted(s.learner for s in intake.submissions) == sorted(results), "the zip and the results differ"
    return BatchResult(results=results, intake=intake, graded_now=sorted(results), resumed=[], duration_s=1.0)
