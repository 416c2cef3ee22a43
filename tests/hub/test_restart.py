"""On the learner's own machine: a restarted kernel's new shop starts from a clean browser
state. The browser keeps the old shop's cookies (same host, 127.0.0.1, whatever the port),
but they are scoped to the old shop's path, so the new tracker never credits the old log-in."""

import asyncio
import time

import pytest
from playwright.async_api import async_playwright, expect

from autograder.browser import LAUNCH_ARGS, find_chromium
from autograder.notebook.live import start_shop

pytestmark = pytest.mark.browser
REFERENCE = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
ALICE = "alice.martin@example.com"


async def log_in_then_open(first_url: str, second_url: str) -> None:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
        try:
            page = await (await browser.new_context()).new_page()
            await page.goto(first_url + "/login", timeout=15_000)
            await page.locator("#email").fill(ALICE)
            await page.locator("#password").fill("identify-me")
            await page.locator("button[type=submit]").click()
            await expect(page.locator("#account-email")).to_have_text(ALICE, timeout=15_000)
            await page.goto(second_url + "/", timeout=15_000)  # the shop after a kernel restart
            await expect(page.locator("h1")).to_have_text("Know every customer, not just every click")
            await page.wait_for_function("() => window.KM && KM.i && KM.i()", timeout=15_000)
        finally:
            await browser.close()


def wait_for_people(shop, timeout_s: float = 5) -> list:
    deadline = time.monotonic() + timeout_s
    while not shop.people() and time.monotonic() < deadline:
        time.sleep(0.05)
    return shop.people()


def test_a_new_shop_does_not_inherit_the_old_log_in():
    old, new = start_shop(REFERENCE, env={}), start_shop(REFERENCE, env={})
    try:
        asyncio.run(asyncio.wait_for(log_in_then_open(old.public_url, new.public_url), timeout=60))
        assert any(ALICE in person.ids for person in wait_for_people(old))
        people = wait_for_people(new)
        assert len(people) == 1 and ALICE not in people[0].ids, people
    finally:
        old.stop()
        new.stop()
