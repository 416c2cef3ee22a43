"""The page nbgrader's release_feedback hands a learner is their own feedback page, whole in one
file: opened from the learner's fetched folder (nothing beside it) it shows the checklist, the
screenshot and nbgrader's page of the graded notebook, and runs none of the learner's code."""

from __future__ import annotations

import pytest

from autograder.grading.course_feedback import write_course_feedback
from autograder.grading.summary import summarize

from .hostile import ONERROR, PIXEL, SCRIPT
from .test_instructor_pages import assert_ran_nothing, hostile_result

ASSIGNMENT, NOTEBOOK = "step07", "step07"
# What nbgrader's page would hold if it were not cleaned: the frame and its escaping must hold anyway.
NOTEBOOK_PAGE = (f"<!doctype html><title>graded</title><p id=graded>Your graded notebook</p>{SCRIPT}{ONERROR}"
                 f"'\"></iframe>{ONERROR}")


def course_with_receipts(tmp_path, learner: str):
    course = tmp_path / "course"
    submitted = course / "submitted" / learner / ASSIGNMENT
    submitted.mkdir(parents=True)
    (submitted / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
    (submitted / "submission_secret.txt").write_text("a1b2c3")
    return course


def write_page(tmp_path, learner: str = "ada"):
    course = course_with_receipts(tmp_path, learner)
    result = hostile_result(tmp_path, learner, notebook_html=NOTEBOOK_PAGE)
    summary = summarize(result, list(result["cells"]), {k: v[1] for k, v in result["cells"].items()})
    return course, write_course_feedback(course, ASSIGNMENT, NOTEBOOK, summary, result)


def test_the_page_goes_where_release_feedback_takes_it_with_its_receipts(tmp_path):
    course, page = write_page(tmp_path)
    folder = course / "feedback" / "ada" / ASSIGNMENT
    assert page == folder / f"{NOTEBOOK}.html"
    assert sorted(p.name for p in folder.iterdir()) == [f"{NOTEBOOK}.html", "submission_secret.txt", "timestamp.txt"]


def test_no_page_for_a_submission_that_did_not_come_through_the_exchange(tmp_path):
    """Without receipts nbgrader cannot name the page for anyone, and its release would stop at it."""
    course = course_with_receipts(tmp_path, "ada")
    (course / "submitted" / "ada" / ASSIGNMENT / "submission_secret.txt").unlink()
    result = hostile_result(tmp_path, "ada", notebook_html=NOTEBOOK_PAGE)
    summary = summarize(result, list(result["cells"]), {k: v[1] for k, v in result["cells"].items()})
    assert write_course_feedback(course, ASSIGNMENT, NOTEBOOK, summary, result) is None
    assert not (course / "feedback").exists()


@pytest.mark.browser
def test_the_fetched_page_alone_shows_everything_and_runs_nothing(engine, tmp_path):
    _, page = write_page(tmp_path)
    fetched = tmp_path / "home" / ASSIGNMENT / "feedback" / "2026-12-01 10:00:00.000000 UTC" / f"{NOTEBOOK}.html"
    fetched.parent.mkdir(parents=True)
    fetched.write_bytes(page.read_bytes())  # what fetch_feedback does: this one file, nothing beside it

    async def open_fetched() -> dict:
        context = await (await engine.browser()).new_context()
        try:
            await context.add_init_script("window.__calls = []; window.__pwned = n => window.__calls.push(n);")
            tab = await context.new_page()
            await tab.goto(fetched.as_uri(), wait_until="load", timeout=20_000)
            await tab.wait_for_timeout(300)  # image errors fire after load
            frame = tab.frame_locator("iframe.notebook")
            seen = await tab.evaluate("""() => ({calls: window.__calls, title: document.title, inserted: false,
                images: [...document.images].map(i => ({src: i.src.slice(0, 40), width: i.naturalWidth}))})""")
            seen["notebook"] = await frame.locator("#graded").inner_text(timeout=5_000)
            seen["notebook_title"] = await frame.locator("title").text_content(timeout=5_000)  # its script sets it
            seen["checks"] = await tab.locator("td.ko").count()
            return seen
        finally:
            await context.close()

    seen = engine.run(open_fetched, timeout_s=60)
    assert_ran_nothing(seen)
    assert seen["notebook"] == "Your graded notebook"  # nbgrader's page, shown from inside this file
    assert seen["notebook_title"] == "graded", "a script ran inside the frame"
    assert seen["checks"] > 0, "the checklist"
    # The screenshot, inline, and nothing else: no markup of nbgrader's page escaped its frame.
    assert [image["src"] for image in seen["images"]] == ["data:image/png;base64," + PIXEL[:18]], seen["images"]
    assert seen["images"][0]["width"] > 0
