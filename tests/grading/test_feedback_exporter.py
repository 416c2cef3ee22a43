"""The feedback exporter keeps compiled templates between learners, and renders the same page."""

from __future__ import annotations

import jinja2
import nbformat
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from autograder.grading.feedback_exporter import FeedbackExporter


NOTEBOOK = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Feedback"),
                                           nbformat.v4.new_code_cell("x = 1", outputs=[])])


def compiles_during(export, monkeypatch) -> tuple[int, str]:
    count = 0
    compile_ = jinja2.Environment.compile

    def counting(self, *args, **kwargs):
        nonlocal count
        count += 1
        return compile_(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    html, _ = export()
    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return count, html


def test_second_learner_reuses_compiled_templates(tmp_path, monkeypatch):
    config = Config()
    config.FeedbackExporter.template_cache_dir = str(tmp_path / "cache")
    first, html_first = compiles_during(lambda: FeedbackExporter(config=config).from_notebook_node(NOTEBOOK),
                                        monkeypatch)
    second, html_second = compiles_during(lambda: FeedbackExporter(config=config).from_notebook_node(NOTEBOOK),
                                          monkeypatch)
    assert first > 0 and second == 0
    assert html_second == html_first == HTMLExporter().from_notebook_node(NOTEBOOK)[0]


def test_without_a_cache_folder_every_exporter_compiles(monkeypatch):
    first, _ = compiles_during(lambda: FeedbackExporter().from_notebook_node(NOTEBOOK), monkeypatch)
    second, _ = compiles_during(lambda: FeedbackExporter().from_notebook_node(NOTEBOOK), monkeypatch)
    assert first > 0 and second > 0
