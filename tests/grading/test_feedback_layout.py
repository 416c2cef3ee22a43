"""The feedback page in a laptop's half-screen window: the snippet beside its verdicts, and the
verdicts' advice (long IDs in it) readable without scrolling sideways."""

import json

import pytest

from autograder.grading.feedback import write_feedback

from .test_feedback import report, summary_of

pytestmark = pytest.mark.browser
LONG_ADVICE = ("On later pages, on blog.acme.test/why-email, km_ai was 'jlNc6ImfZ5o8sJiTV4BcUDXoetE=' instead of "
               "'Emma381@example.net'. Do not call identify('') or clearIdentity on pages that do not know the "
               "customer (the blog never does): km_ai already remembers them.")
SNIPPET = ("if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }\n"
           "else { _kmq.push(['identify', '']); }")


def test_the_verdicts_fit_a_1000_pixel_window_beside_the_snippet(engine, tmp_path):
    reports = [report({"identity-across-pages": LONG_ADVICE, "identity-across-sessions": LONG_ADVICE})]
    summary, result = summary_of(reports, zero=("identity-across-pages", "identity-across-sessions"))
    graded = tmp_path / "graded.ipynb"
    graded.write_text(json.dumps({"cells": [{"cell_type": "code", "source": f"%%identify_snippet\n{SNIPPET}",
                                             "metadata": {"nbgrader": {"grade_id": "identify_snippet"}},
                                             "outputs": []}]}), encoding="utf-8")
    result["autograded"] = str(graded)
    page_path = write_feedback(tmp_path / "feedback", summary, result)

    async def measure():
        context = await (await engine.browser()).new_context(viewport={"width": 1000, "height": 900})
        try:
            page = await context.new_page()
            await page.goto(page_path.as_uri())
            return await page.evaluate("""() => {
                const snippet = document.querySelector('.beside > :first-child').getBoundingClientRect();
                const table = document.querySelector('.beside table').getBoundingClientRect();
                return {page: document.documentElement.scrollWidth, window: innerWidth,
                        beside: snippet.right <= table.left && Math.abs(snippet.top - table.top) < 10,
                        table: table.right};
            }""")
        finally:
            await context.close()

    seen = engine.run(measure, timeout_s=60)
    assert seen["beside"], seen  # the snippet next to its verdicts, not above them
    assert seen["page"] <= seen["window"] and seen["table"] <= seen["window"], seen
