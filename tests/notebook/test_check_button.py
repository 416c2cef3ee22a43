"""The "Check my work" button: it answers without blocking the loop it runs on,
shows the pending checklist at once, then the verdicts with hints, the failing
step's timeline and screenshot; what cannot run is said in the widget."""

import asyncio
import html
import time

import pytest

from autograder.checks import CHECKS, CheckResult, Report
from autograder.errors import BrowserNotFound
from autograder.notebook import state
from autograder.notebook.check_button import CheckButton


def report(failing=()) -> Report:
    return Report(checks=[CheckResult(c.id, c.title, c.id not in failing, 0 if c.id in failing else c.points,
                                      c.points, "do this instead" if c.id in failing else "", c.bonus,
                                      {"timeline": [{"label": "sign up", "url": "www.acme.test/account",
                                                     "km_ai": "Sam Lee", "km_ni": "Sam Lee", "ki": "Sam Lee"}],
                                       "people": [["Sam Lee"]], "failed_step": 0})
                          for c in CHECKS], seed=42, duration_s=1.0)


@pytest.fixture
def stored(monkeypatch):
    monkeypatch.setattr(state, "_snippet", "if (window.acme.customer) {}")


def test_the_checklist_shows_at_once_and_the_loop_stays_free(stored):
    release = asyncio.Event()
    seen = {}

    async def slow_checks(snippet):
        await release.wait()
        return report({"distinct-people"})

    async def scenario():
        button = CheckButton(checker=slow_checks)
        button.click()
        await asyncio.sleep(0.05)  # the loop runs other work while the checks are pending
        seen["pending"], seen["disabled"] = button.output.value, button.button.disabled
        release.set()
        while button.button.disabled:
            await asyncio.sleep(0.01)
        return button

    button = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert "Checking in a headless Chromium" in seen["pending"] and seen["disabled"]
    assert all(html.escape(c.title) in seen["pending"] for c in CHECKS)
    answer = button.output.value
    assert "17/20</b> points + bonus 4/4" in answer
    assert answer.count("✔") == len(CHECKS) - 1 and "✘" in answer and "do this instead" in answer
    assert "What happened: Different customers" in answer and "Sam Lee" in answer
    assert button.answered_s is not None and button.last_report.seed == 42


def test_before_the_snippet_cell_it_says_run_it_first(monkeypatch):
    monkeypatch.setattr(state, "_snippet", None)
    button = CheckButton(checker=lambda snippet: pytest.fail("no checks without a snippet"))
    asyncio.run(button.run())
    assert "Run the <code>%%identify_snippet</code> cell first" in button.output.value


def test_checks_that_cannot_run_are_explained_and_the_button_comes_back(stored):
    async def no_browser(snippet):
        raise BrowserNotFound("no Chromium found: install one")

    button = CheckButton(checker=no_browser)
    asyncio.run(button.run())
    assert "The checks could not run: no Chromium found" in button.output.value
    assert not button.button.disabled


def test_a_click_outside_any_loop_still_answers(stored):
    """Some front ends call widget callbacks with no running loop: the button then uses a thread."""
    async def checks(snippet):
        return report()

    button = CheckButton(checker=checks)
    button.click()
    deadline = time.monotonic() + 10
    while "20/20" not in button.output.value and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "20/20</b> points + bonus 4/4" in button.output.value


@pytest.mark.browser
def test_real_checks_show_the_failing_page(monkeypatch):
    """In the browser: the display-name snippet fails with its timeline and a screenshot of the page."""
    monkeypatch.setattr(state, "_snippet", "if (window.acme.customer) { _kmq.push(['identify', "
                                           "window.acme.customer.name]); }")
    button = CheckButton(seed=7)
    asyncio.run(asyncio.wait_for(button.run(), 60))
    answer = button.output.value
    assert "✘" in answer and "display name" in answer
    assert "data:image/png;base64," in answer  # the failing step's screenshot
    assert button.last_report.result("identify-after-login").passed is False


def test_after_the_unanswered_stub_it_says_write_your_snippet(monkeypatch):
    monkeypatch.setattr(state, "_snippet", None)
    monkeypatch.setattr(state, "_refused", state.UNANSWERED)
    button = CheckButton(checker=lambda snippet: pytest.fail("no checks without a snippet"))
    asyncio.run(button.run())
    assert "write your snippet" in button.output.value.lower() and "cell first" not in button.output.value


def test_each_verdict_shows_as_its_check_ends_and_the_snippet_beside_the_verdicts(stored):
    """Progress per check while the run goes on (announced once per change, the clock apart);
    at the end the snippet as checked stands beside the checklist, escaped."""
    release = asyncio.Event()
    seen = {}
    final = report({"distinct-people"})

    async def checks(snippet):
        button.decide(final.result("distinct-people"))
        await asyncio.sleep(0.6)  # a few ticks
        seen["pending"], seen["clock"] = button.output.value, button.clock.value
        release.set()
        return final

    async def scenario():
        button.click()
        await release.wait()
        while button.button.disabled:
            await asyncio.sleep(0.01)

    button = CheckButton(checker=checks)
    asyncio.run(asyncio.wait_for(scenario(), 10))
    pending = seen["pending"]
    assert "1 of 11 checks done" in pending and "aria-live='polite'" in pending
    assert "✘</span> failed" in pending and "do this instead" in pending and pending.count("waiting") == 10
    assert " s</i>" in seen["clock"] and " s</i>" not in pending  # the ticking clock is not in the live region
    answer = button.output.value
    assert "Your snippet, as checked" in answer and html.escape("if (window.acme.customer) {}") in answer
    assert button.clock.value == ""


def test_verdicts_in_words_and_the_customers_named_plainly(stored, tmp_path):
    shot = tmp_path / "shot.png"
    shot.write_bytes(b"\x89PNG\r\n\x1a\n")
    failing = report({"identified-by-email"})
    failing.result("identified-by-email").evidence["screenshot"] = str(shot)
    from autograder.notebook.render import report_html

    answer = report_html(failing, snippet="x")
    assert answer.count("✔</span> passed") == len(CHECKS) - 1 and answer.count("✘</span> failed") == 2  # + its step
    assert "failed here" in answer and "<th scope='col'>result</th>" in answer
    assert "alt='Screenshot of the shop page at the failing step of: That ID is the customer&#x27;s e-mail" in answer
    assert "seed" not in answer.lower() and "These customers are set no. 42" in answer
    assert "white-space:nowrap" in answer and "word-break:break-all" not in answer and "<small" not in answer
