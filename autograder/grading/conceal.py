"""Feedback that does not reveal hidden tests.

nbgrader's feedback shows the autograded notebook as it ran, hidden tests and
their tracebacks included. Before rendering, this preprocessor removes the
hidden test code (nbgrader's ClearHiddenTests) and cuts the tracebacks of those
cells to their last line ("AssertionError: the hint"), which is written for
learners.
"""

from __future__ import annotations

from nbgrader.preprocessors import ClearHiddenTests

HIDDEN_MARK = "BEGIN HIDDEN TESTS"


class ConcealHiddenTests(ClearHiddenTests):
    def preprocess_cell(self, cell, resources, cell_index):
        had_hidden = cell.cell_type == "code" and HIDDEN_MARK in cell.source
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if had_hidden:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
