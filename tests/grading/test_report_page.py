"""The class report's table sorts and filters in a real Chromium under the page's
Content-Security-Policy: its own script runs (allowed by hash), nothing else does."""

from __future__ import annotations

import pytest

from autograder.grading.class_report import write_class_report
from autograder.grading.summary import summarize_all

from .hostile import ONERROR, SCRIPT
from .test_report_causes import learner

pytestmark = pytest.mark.browser


async def _use_table(browser, path) -> dict:
    context = await browser.new_context()
    try:
        await context.add_init_script("window.__calls = []; window.__pwned = name => window.__calls.push(name);")
        page = await context.new_page()
        await page.goto(path.resolve().as_uri(), wait_until="load", timeout=20_000)
        await page.evaluate("""() => { const s = document.createElement('script');
            s.textContent = 'window.__inserted = true'; document.body.append(s); }""")
        rows = "() => [...document.querySelectorAll('#learners tbody tr')].filter(r => !r.hidden)" \
               ".map(r => r.cells[0].textContent)"
        seen = {"first": await page.evaluate(rows)}
        await page.click("#learners thead th:nth-child(2) button")  # score, ascending
        seen["by_score"] = await page.evaluate(rows)
        await page.fill("#learners-filter", "kept-after-logout")
        seen["filtered"] = await page.evaluate(rows)
        seen["count"] = await page.text_content("#learners-count")
        seen.update(await page.evaluate("() => ({calls: window.__calls, inserted: window.__inserted === true,"
                                        " title: document.title})"))
        return seen
    finally:
        await context.close()


def test_the_learners_table_sorts_and_filters_and_runs_no_other_script(engine, tmp_path):
    hostile = "zed" + ONERROR.replace("/", "")
    results = {"ann": learner("ann"), "bob": learner("bob", {"shared-computer": "kept-after-logout"}),
               "cat": learner("cat", {"identify-after-login": "display-name"}, exercise=0.0),
               hostile: learner(hostile, reason=SCRIPT, flags=[SCRIPT])}
    path = write_class_report(tmp_path, summarize_all(results), results, notices=[SCRIPT], duration_s=1.0,
                              workers=1)
    seen = engine.run(lambda: _async(engine, path), timeout_s=60)
    assert seen["calls"] == [] and not seen["inserted"] and seen["title"] != "pwned", seen
    assert seen["first"] == ["ann", "bob", "cat", hostile]
    assert seen["by_score"][0] == "cat", "sorted by score, lowest first"
    assert seen["filtered"] == ["bob"] and seen["count"] == "1 of 4"


async def _async(engine, path):
    return await _use_table(await engine.browser(), path)
