"""The feedback exporter keeps compiled templates between learners, and renders the same
page as nbconvert's HTMLExporter, accessibility touches included (given the same cleaning:
bounded, sanitised, no scripts)."""

from __future__ import annotations

import base64

import jinja2
import nbformat
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from jinja2 import pass_context
from traitlets.config import Config

from autograder.grading.accessible_page import make_accessible
from autograder.grading.feedback_exporter import FeedbackExporter, _no_scripts
from autograder.grading.sanitize import clean_html, clean_outputs


class CleanedHTMLExporter(HTMLExporter):
    """nbconvert's own exporter, with its BeautifulSoup pass, on the notebook as ours cleans it
    (and with the page's WCAG touches, which nbconvert lacks)."""

    @pass_context
    def markdown2html(self, context, source):
        return clean_html(super().markdown2html(context, source))

    def from_notebook_node(self, nb, resources=None, **kw):
        nb = nbformat.from_dict(nb)
        clean_outputs(nb)
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return str(BeautifulSoup(_no_scripts(make_accessible(html)), features="html.parser")), resources


NOTEBOOK = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Feedback"),
                                           nbformat.v4.new_code_cell("x = 1", outputs=[])])
PIXEL = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()
RICH = nbformat.v4.new_notebook(cells=[
    nbformat.v4.new_markdown_cell("# Feedback\n\n![a picture](data:image/png;base64," + PIXEL + ")"),
    nbformat.v4.new_code_cell("print('hi')\nassert False", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="hi\n"),
        nbformat.v4.new_output("display_data", data={"image/png": PIXEL}),
        nbformat.v4.new_output("display_data", data={"text/html": '<img src="x.png" alt="kept"><b>bold</b>'}),
        nbformat.v4.new_output("error", ename="AssertionError", evalue="", traceback=["AssertionError"]),
    ]),
    nbformat.v4.new_code_cell("x = 1", outputs=[]),
])


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
    assert html_second == html_first
    assert str(BeautifulSoup(html_first, features="html.parser")) == CleanedHTMLExporter().from_notebook_node(NOTEBOOK)[0]


def test_without_a_cache_folder_every_exporter_compiles(monkeypatch):
    first, _ = compiles_during(lambda: FeedbackExporter().from_notebook_node(NOTEBOOK), monkeypatch)
    second, _ = compiles_during(lambda: FeedbackExporter().from_notebook_node(NOTEBOOK), monkeypatch)
    assert first > 0 and second > 0


def test_same_page_as_htmlexporter_with_images_and_outputs():
    theirs, _ = CleanedHTMLExporter().from_notebook_node(RICH)
    ours, _ = FeedbackExporter().from_notebook_node(RICH)
    # Written without BeautifulSoup's re-serialisation, the page reads the same once parsed
    assert str(BeautifulSoup(ours, features="html.parser")) == theirs
    soup = BeautifulSoup(ours, features="html.parser")
    assert len(soup.select("div.jp-Cell-inputWrapper[tabindex='0']")) == 3
    assert len(soup.select("div.jp-OutputArea-output[tabindex='0']")) == 4
    assert [img.get("alt") for img in soup.select("img")] == [
        "a picture", "No description has been provided for this image", "kept"]


def lesson(answer: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Exercise\n\nWrite `double`, *carefully*."),
        nbformat.v4.new_code_cell(answer, outputs=[]),
        nbformat.v4.new_code_cell("assert double(2) == 4", outputs=[]),
    ])


def test_the_next_learner_reuses_the_lessons_html_and_gets_the_same_page(monkeypatch):
    import pygments

    from autograder.grading import feedback_exporter

    feedback_exporter._HTML.made.clear()
    highlighted = []
    highlight = pygments.highlight

    def counting(code, *args, **kwargs):
        highlighted.append(code)
        return highlight(code, *args, **kwargs)

    first, second = lesson("def double(x):\n    return 2 * x"), lesson("def double(x):\n    return x + x")
    for notebook in (first, second):
        monkeypatch.setattr(pygments, "highlight", counting)
        ours, _ = FeedbackExporter().from_notebook_node(notebook)
        monkeypatch.setattr(pygments, "highlight", highlight)
        theirs, _ = CleanedHTMLExporter().from_notebook_node(notebook)
        assert str(BeautifulSoup(ours, features="html.parser")) == theirs
    # The lesson's test cell is highlighted once for both learners; each answer once.
    assert sorted(highlighted) == sorted(["assert double(2) == 4", first.cells[1].source, second.cells[1].source])


def test_kept_markdown_is_the_cleaned_html_and_the_next_learner_gets_it_clean():
    from autograder.grading import feedback_exporter

    feedback_exporter._HTML.made.clear()
    hostile = "# Hi\n\n<script>document.title='pwned'</script><img src=x onerror=alert(1)>\n\n**bold**"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(hostile)])
    first, _ = FeedbackExporter().from_notebook_node(notebook)
    kept = [html for key, html in feedback_exporter._HTML.made.items() if key[0] == "markdown"]
    assert kept and all("<script" not in html and "onerror" not in html for html in kept)
    assert "<strong>bold</strong>" in kept[0]
    second, _ = FeedbackExporter().from_notebook_node(notebook)
    assert second == first and "<script>document.title" not in second and "onerror" not in second
