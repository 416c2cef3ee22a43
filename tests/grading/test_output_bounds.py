"""A learner's huge outputs (a 20 MB line, a 20 MB image, two million lines, 1,500
outputs) leave the graded notebook's page and the learner's feedback page small, with a
marker for each cut, and rendering them takes bounded memory."""

from __future__ import annotations

import json
import tracemalloc

import nbformat
import pytest

from autograder.grading.feedback import write_feedback
from autograder.grading.feedback_exporter import FeedbackExporter
from autograder.grading.output_bounds import OUTPUT_CHARS, bound_notebook
from autograder.grading.summary import summarize

from .hostile import PIXEL

MB = 1_000_000


def huge_notebook() -> nbformat.NotebookNode:
    """About 60 MB of outputs, built in memory."""
    many = [nbformat.v4.new_output("stream", name="stdout", text=f"line {i}\n") for i in range(1_500)]
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("print('x' * 20_000_000)", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="x" * (20 * MB) + "\n")]),
        nbformat.v4.new_code_cell("display(Image(big))", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": "A" * (20 * MB), "text/plain": "<Image>"})]),
        nbformat.v4.new_code_cell("for i in range(2_000_000): print()", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="\n" * (2 * MB))]),
        nbformat.v4.new_code_cell("raise ValueError(huge)", outputs=[
            nbformat.v4.new_output("error", ename="ValueError", evalue="<" * (10 * MB),
                                   traceback=["ValueError: " + "<" * (10 * MB)])]),
        nbformat.v4.new_code_cell("display(small)", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Image>"})]),
        nbformat.v4.new_code_cell("for i in range(1500): print(i, flush=True)", outputs=many),
    ])


@pytest.mark.slow  # tracemalloc watches every allocation: about 10 s
def test_huge_outputs_leave_small_pages_with_markers_and_bounded_memory(tmp_path):
    notebook = huge_notebook()
    tracemalloc.start()
    try:
        html, _ = FeedbackExporter().from_notebook_node(notebook)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(html) < 12 * MB, len(html)
    assert peak < 40 * MB, peak  # the notebook itself (60 MB) is not counted: it was made before
    assert html.count("[… cut:") >= 3  # the long line, the two million lines, the error
    assert "20.0 MB image/png output was cut" in html
    assert "data:image/png;base64," + PIXEL in html  # a small image stays
    assert "outputs reached the feedback page" in html  # the 1,000 outputs per notebook

    graded = tmp_path / "graded.ipynb"
    graded.write_text(json.dumps(notebook), encoding="utf-8")
    notebook_page = tmp_path / "nbgrader.html"
    notebook_page.write_text(html, encoding="utf-8")
    result = {"learner": "ada", "graded": True, "cells": {}, "autograded": str(graded),
              "feedback": str(notebook_page)}
    page = write_feedback(tmp_path / "feedback", summarize(result, [], {}), result)
    assert page.stat().st_size < 100_000
    assert (tmp_path / "feedback" / "ada.notebook.html").stat().st_size < 12 * MB


def test_bounds_keep_what_fits_as_it_was_and_say_what_was_cut():
    text = "".join(f"{i}\n" for i in range(10))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text=text),
        nbformat.v4.new_output("stream", name="stdout", text="y" * (OUTPUT_CHARS + 5))])])
    bounded, cut = bound_notebook(nb, output_lines=4)
    first, second = bounded.cells[0].outputs
    assert cut == 2
    assert first.text.startswith("0\n1\n2\n3\n[… cut: 12 characters more (6 more lines)")
    assert second.text.startswith("y" * OUTPUT_CHARS + "\n[… cut: 5 characters more")
    assert nb.cells[0].outputs[1].text == "y" * (OUTPUT_CHARS + 5)  # the caller's notebook is untouched
