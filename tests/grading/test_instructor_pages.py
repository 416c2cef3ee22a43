"""Every page the instructor opens from --out, opened in a real Chromium with a hostile
learner's content, runs none of the learner's code, forbids scripts it did not write, and
still shows its images."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbgrader
import pytest
from traitlets.config import Config

from autograder.checks import CHECKS
from autograder.grading.class_report import write_class_report
from autograder.grading.feedback import write_feedback
from autograder.grading.feedback_exporter import FeedbackExporter
from autograder.grading.summary import check_cell, summarize

from .hostile import MARKDOWN, ONERROR, PIXEL, PWN, SCRIPT, SVG, hostile_notebook, open_page

pytestmark = pytest.mark.browser
FORMGRADER = Path(nbgrader.__file__).parent / "server_extensions" / "formgrader"
NBGRADER_RESOURCES = {"nbgrader": {"notebook": "step07", "score": 1, "max_score": 2, "late_penalty": 0}}


def exporter(template: str) -> FeedbackExporter:
    """The exporter as nbgrader's GenerateFeedback configures it in the worker, or nbconvert's lab page."""
    config = Config()
    if template == "nbgrader":
        config.HTMLExporter.template_name = "feedback"
        config.HTMLExporter.extra_template_basedirs = [str(FORMGRADER / "templates")]
        config.HTMLExporter.extra_template_paths = [
            str(FORMGRADER / "static" / "node_modules" / "bootstrap" / "dist" / "css")]
    return FeedbackExporter(config=config)


def hostile_result(tmp_path: Path, learner: str, *, notebook_html: str | None = None) -> dict:
    """A graded learner's result whose every text is an attack."""
    graded = tmp_path / f"{len(os.listdir(tmp_path))}.ipynb"
    graded.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "", "metadata": {
        "nbgrader": {"grade_id": "test_double"}}, "outputs": [
        {"output_type": "error", "ename": "ValueError", "evalue": SCRIPT + ONERROR, "traceback": []}]}]}),
        encoding="utf-8")
    result = {"learner": learner, "graded": True, "reason": SCRIPT + ONERROR, "flags": [SCRIPT, ONERROR],
              "cells": {check_cell(c.id): [0.0, float(c.points)] for c in CHECKS} | {"test_double": [0.0, 2.0]},
              "autograded": str(graded), "screenshot_png_b64": PIXEL, "timings_s": {"autograde": 1.0}}
    checks = [{"id": c.id, "title": c.title, "passed": False, "points": 0, "max_points": c.points,
               "bonus": c.bonus, "message": SCRIPT + ONERROR,
               "evidence": {"failed_step": 0, "screenshot": "/shot.png",
                            "timeline": [{"label": SCRIPT, "url": ONERROR, "km_ai": SCRIPT, "km_ni": ONERROR,
                                          "ki": SCRIPT}]}} for c in CHECKS]
    result["checks"] = {"7": {"checks": checks}}
    if notebook_html is not None:
        path = tmp_path / f"{learner}-nbgrader.html"
        path.write_text(notebook_html, encoding="utf-8")
        result["feedback"] = str(path)
    return result


def assert_ran_nothing(seen: dict) -> None:
    assert seen["calls"] == [], f"learner code ran: {seen['calls']}"
    assert seen["title"] != "pwned"
    assert not seen["inserted"], "the page's Content-Security-Policy lets a script it did not write run"


@pytest.mark.parametrize("template", ["nbgrader", "lab"])
def test_the_graded_notebook_page_runs_no_learner_code_and_shows_its_images(engine, tmp_path, template):
    html, _ = exporter(template).from_notebook_node(hostile_notebook(), resources=dict(NBGRADER_RESOURCES))
    learner = "ada"
    result = hostile_result(tmp_path, learner, notebook_html=html)
    summary = summarize(result, list(result["cells"]), {k: v[1] for k, v in result["cells"].items()})
    out = tmp_path / "feedback"
    write_feedback(out, summary, result)
    page = out / f"{learner}.notebook.html"
    seen = engine.run(lambda: _open(engine, page), timeout_s=60)
    assert_ran_nothing(seen)
    pngs = [image for image in seen["images"] if image["src"].startswith("data:image/png")]
    assert len(pngs) == 2 and all(image["width"] == 2 for image in pngs), seen["images"]  # output and attachment
    text = page.read_text(encoding="utf-8")
    assert "JavaScript output removed" in text
    assert "good link" in text and 'href="https://example.org"' in text and "<table" in text and "<b>bold</b>" in text


def test_the_feedback_page_and_the_report_escape_a_hostile_learner(engine, tmp_path):
    """Name, snippet values, messages, reasons and flags hold markup: all of it shows as text."""
    learner = "ada" + ONERROR.replace("/", "")  # a file name: no slash
    result = hostile_result(tmp_path, learner)
    summary = summarize(result, list(result["cells"]), {k: v[1] for k, v in result["cells"].items()})
    feedback = write_feedback(tmp_path / "out" / "feedback", summary, result)
    report = write_class_report(tmp_path / "out", [summary], {learner: result}, notices=[SCRIPT, ONERROR],
                                duration_s=1.0, workers=1)
    for page in (feedback, report):
        seen = engine.run(lambda: _open(engine, page), timeout_s=60)
        assert_ran_nothing(seen)
        assert seen["images"] and all(image["width"] > 0 for image in seen["images"]), seen["images"]
        assert "<script>document.title" not in page.read_text(encoding="utf-8")


async def _open(engine, path: Path) -> dict:
    return await open_page(await engine.browser(), path)


LEARNER_CELL = f'''from IPython.display import HTML, SVG, Image, Javascript, display
import base64
display(HTML({SCRIPT + ONERROR!r}))
display(Javascript("window.__pwned && window.__pwned('javascript')"))
display(SVG({SVG.replace(PWN, "window.__pwned")!r}))  # XML: no &&
display(Image(data=base64.b64decode({PIXEL!r}), format="png", width="2 onerror=window.__pwned('width')"))
print("x" * 300_000)'''


@pytest.mark.slow
def test_pages_of_a_batch_graded_by_nbgrader_run_no_learner_code(engine, tmp_path):
    """The real path: nbgrader grades a hostile notebook, the batch writes --out, Chromium opens it."""
    import nbformat

    from autograder.grading.batch import grade_batch
    from autograder.grading.outputs import write_outputs

    from .mini_course import ASSIGNMENT, learner_notebook, make_course

    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    nb = learner_notebook("_kmq.push(['identify', '<img src=x onerror=window.__pwned(1)>']);", "return 2 * x")
    nb.cells.insert(4, nbformat.v4.new_code_cell(LEARNER_CELL))
    nb.cells.insert(4, nbformat.v4.new_markdown_cell(MARKDOWN))
    nbformat.write(nb, str(subs / "mallory.ipynb"))
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1,
                        timeout_s=30, seeds=(7,))
    outputs = write_outputs(batch, tmp_path / "out", workers=1)
    notebook_page = outputs.feedback_dir / "mallory.notebook.html"
    text = notebook_page.read_text(encoding="utf-8")
    assert "JavaScript output removed" in text and "[… cut:" in text  # the 300,000-character line
    for page in (notebook_page, outputs.feedback_dir / "mallory.html", outputs.report_html):
        seen = engine.run(lambda: _open(engine, page), timeout_s=60)
        assert_ran_nothing(seen)
        assert any(image["width"] > 0 for image in seen["images"]), (page.name, seen["images"])
