"""WCAG 2.1 AA, scanned by axe-core in a real Chromium: the Check-my-work result as it lands in
a page, a learner's feedback page, the graded notebook's page written through nbconvert, and the
class report have no serious or critical violation."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest

from autograder.checks import CHECKS, CheckResult, Report
from autograder.grading.class_report import write_class_report
from autograder.grading.course_feedback import write_course_feedback
from autograder.grading.feedback import write_feedback
from autograder.grading.summary import summarize
from autograder.notebook.crowd import CrowdResult
from autograder.notebook.crowd_plot import crowd_html
from autograder.notebook.render import STYLE, pending_html, people_html, report_html, timeline_html

from .axe import describe, scan
from .grading.hostile import PIXEL, hostile_outputs
from .grading.test_instructor_pages import NBGRADER_RESOURCES, exporter, hostile_result

pytestmark = pytest.mark.browser
COURSE = Path(__file__).resolve().parents[1] / "notebooks" / "source" / "step07-identifying-customers" / \
    "step07-identifying-customers.ipynb"
# A failing test cell's traceback as IPython colours it.
TRACEBACK = ["\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
             "\x1b[0;31mCheckFailed\x1b[0m                               Traceback (most recent call last)",
             "Cell \x1b[0;32mIn[12], line 2\x1b[0m\n\x1b[1;32m      1\x1b[0m \x1b[38;5;66m# test\x1b[39m\n"
             "\x1b[0;32m----> 2\x1b[0m \x1b[43massert_check\x1b[49m(\x1b[38;5;124m'x'\x1b[39m, \x1b[34m7\x1b[0m)"
             " \x1b[35mmagenta\x1b[0m \x1b[36mcyan\x1b[0m \x1b[33myellow\x1b[0m \x1b[1;37mwhite\x1b[0m",
             "\x1b[1;31mCheckFailed\x1b[0m: That ID is the customer's e-mail"]
LONG_ID = "a-very-long-customer-identifier-with-no-spaces@an-example-company.example"


def _page(fragment: str) -> str:
    """A widget's HTML as JupyterLab shows it: inside a page with its own language."""
    return f"<!doctype html><html lang='en'><head><title>lab</title></head><body><main>{fragment}</main></body></html>"


def _report(tmp_path: Path) -> Report:
    shot = tmp_path / "shot.png"
    shot.write_bytes(base64.b64decode(PIXEL))
    timeline = [{"label": "sign up", "url": "www.acme.test/account", "km_ai": LONG_ID, "km_ni": None, "ki": LONG_ID}]
    return Report(checks=[CheckResult(c.id, c.title, i % 2 == 0, c.points if i % 2 == 0 else 0, c.points,
                                      "" if i % 2 == 0 else "do this instead", c.bonus,
                                      {"timeline": timeline, "failed_step": 0, "screenshot": str(shot),
                                       "people": [[LONG_ID, "anon-1"]], "page_errors": []})
                          for i, c in enumerate(CHECKS)], seed=7, duration_s=1.0)


def _scan(engine, **page) -> list[dict]:
    return engine.run(lambda: _async_scan(engine, **page), timeout_s=90)


async def _async_scan(engine, **page):
    return await scan(await engine.browser(), **page)


def test_check_my_work_pending_and_result_have_no_serious_violation(engine, tmp_path):
    report = _report(tmp_path)
    pending = pending_html(decided={c.id: c for c in report.checks[:3]})
    for fragment in (pending, report_html(report, snippet="_kmq.push(['identify', x]);")):
        found = _scan(engine, html=_page(fragment))
        assert found == [], describe(found)


def test_the_lessons_pictures_and_tables_have_no_serious_violation(engine):
    crowd = crowd_html([CrowdResult("your snippet", 6, 6, 6), CrowdResult("identify('customer')", 6, 1, 1,
                                                                             [("customer", 6)])])
    steps = [{"label": "blog", "url": "blog.acme.test/", "km_ai": LONG_ID, "km_ni": LONG_ID, "ki": LONG_ID}]
    found = _scan(engine, html=_page(STYLE + crowd + timeline_html(steps, 0) + people_html([[LONG_ID, "x"]])))
    assert found == [], describe(found)


def test_the_feedback_page_and_the_class_report_have_no_serious_violation(engine, tmp_path):
    result = hostile_result(tmp_path, "ada")
    summary = summarize(result, list(result["cells"]), {k: v[1] for k, v in result["cells"].items()})
    feedback = write_feedback(tmp_path / "out" / "feedback", summary, result)
    report = write_class_report(tmp_path / "out", [summary], {"ada": result}, notices=[], duration_s=1.0, workers=1)
    receipts = tmp_path / "course" / "submitted" / "ada" / "step07"  # the page release_feedback hands out
    receipts.mkdir(parents=True)
    (receipts / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    (receipts / "submission_secret.txt").write_text("a1b2c3")
    (tmp_path / "ada-nbgrader.html").write_text("<!doctype html><html lang=en><title>graded</title><p>notebook")
    released = write_course_feedback(tmp_path / "course", "step07", "step07", summary,
                                     result | {"feedback": str(tmp_path / "ada-nbgrader.html")})
    for page in (feedback, report, released):
        found = _scan(engine, path=page)
        assert found == [], (page.name, describe(found))


@pytest.mark.parametrize("template", ["nbgrader", "lab"])
def test_the_graded_notebook_page_has_no_serious_violation(engine, tmp_path, template):
    """The course notebook as nbgrader's feedback writes it, with the outputs a learner's run leaves."""
    nb = nbformat.read(str(COURSE), as_version=4)
    code = next(cell for cell in nb.cells if cell.cell_type == "code")
    code.outputs = [*hostile_outputs(), nbformat.v4.new_output(
        "error", ename="CheckFailed", evalue="the ID is not the e-mail", traceback=TRACEBACK)]
    code.execution_count = 1
    for cell in nb.cells:  # what nbgrader's GetGrades leaves on a graded cell
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("grade") or grading.get("task"):
            grading["score"], grading["points"] = 0, grading.get("points", 0)
    html, _ = exporter(template).from_notebook_node(nb, resources=dict(NBGRADER_RESOURCES))
    page = tmp_path / "ada.notebook.html"
    page.write_text(html, encoding="utf-8")
    found = _scan(engine, path=page)
    assert found == [], describe(found)


@pytest.mark.slow
def test_pages_of_a_class_graded_by_nbgrader_have_no_serious_violation(engine, tmp_path):
    """The real path: nbgrader grades a learner, the batch writes --out; every page it writes is scanned."""
    from autograder.grading.batch import grade_batch
    from autograder.grading.outputs import write_outputs

    from .grading.mini_course import ASSIGNMENT, learner_notebook, make_course

    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    nbformat.write(learner_notebook("_kmq.push(['identify', window.acme.customer && window.acme.customer.name]);",
                                    "return 2 * x"), str(subs / "ada.ipynb"))
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1,
                        timeout_s=30, seeds=(7,))
    outputs = write_outputs(batch, tmp_path / "out", workers=1)
    for page in (outputs.feedback_dir / "ada.notebook.html", outputs.feedback_dir / "ada.html", outputs.report_html):
        found = _scan(engine, path=page)
        assert found == [], (page.name, describe(found))
