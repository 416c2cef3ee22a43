"""The live shop through a real Jupyter server's jupyter-server-proxy, as on a hub:
a real server (single user, token auth, loopback), the notebook's frame rendered at
the server's origin in Chromium, the shop's pages inside it, a log-in that works, the
shop's cookies scoped to its path, and none of Jupyter's cookies reaching the shop.
With the proxy switched off, the notebook says so in one line and the lesson runs on."""

import asyncio
import time

import pytest
from playwright.async_api import async_playwright, expect

from autograder.browser import LAUNCH_ARGS, find_chromium
from autograder.notebook.live import start_shop
from autograder.notebook.shop_view import ShopView
from autograder.notebook.visit import findings, scripted_visit

from .conftest import ALICE, log_in_as_alice

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REFERENCE = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


class CookieRecorder:
    """Between the shop's router and its pages: the Cookie header each request arrives with."""

    def __init__(self, app) -> None:
        self.app, self.headers = app, []

    def __getattr__(self, name):
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            self.headers.append(dict(scope["headers"]).get(b"cookie", b"").decode("latin-1"))
        await self.app(scope, receive, send)


async def learner_logs_in_through_the_frame(server, frame_html: str) -> list[dict]:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
        try:
            context = await browser.new_context()
            # Logged in to Jupyter as a learner is, with its _xsrf and log-in cookies in the browser.
            assert (await context.request.get(f"{server.url}lab?token={server.token}")).ok
            page = await context.new_page()
            # The notebook's output at the server's origin, as JupyterLab shows it (its pages allow
            # same-origin frames; the API's own pages forbid every frame, so one is made up here).
            output_url = f"{server.url}lab/identify-output"
            await page.route(output_url, lambda route: route.fulfill(body=frame_html, content_type="text/html"))
            await page.goto(output_url, timeout=15_000)
            frame = page.frame_locator("iframe")
            await log_in_as_alice(frame, timeout_ms=15_000)
            await frame.get_by_role("link", name="Read the blog").click()
            await expect(frame.locator("h1")).to_have_text("The Acme blog", timeout=15_000)
            return await context.cookies()
        finally:
            await browser.close()


def test_the_shop_through_jupyter_server_proxy(jupyter):
    env = {"AUTOGRADER_JUPYTER_URL": jupyter.url}
    shop = start_shop(REFERENCE, env=env)
    try:
        recorder = shop._app.app = CookieRecorder(shop._app.app)
        view = ShopView(site=shop, env=env)
        assert view.problem is None
        assert view.iframe().src == f"/proxy/{shop.port}/{shop.public_url.rpartition('/')[2]}/"
        cookies = asyncio.run(asyncio.wait_for(learner_logs_in_through_the_frame(jupyter, view.iframe()._repr_html_()),
                                               timeout=90))

        by_name = {cookie["name"]: cookie for cookie in cookies}
        assert "_xsrf" in by_name and by_name["_xsrf"]["path"] == "/"  # Jupyter's: the browser did hold them
        for name in ("km_ai", "km_ni", "acme_session"):
            assert by_name[name]["path"] == shop.public_url and by_name[name]["domain"] == "127.0.0.1", name
        assert by_name["km_ai"]["value"].replace("%40", "@") == ALICE

        assert recorder.headers and any("acme_session=" in header for header in recorder.headers)
        assert not [h for h in recorder.headers if "_xsrf" in h or "username-" in h], "a Jupyter cookie reached the shop"
        deadline = time.monotonic() + 5  # the blog's page view is a beacon: it may still be on its way
        while time.monotonic() < deadline and not any(ALICE in p.ids and any(
                e["name"] == "Viewed blog page" for e in p.events) for p in shop.people()):
            time.sleep(0.1)
        alice = [p for p in shop.people() if ALICE in p.ids]
        assert len(alice) == 1 and any(e["name"] == "Viewed blog page" for e in alice[0].events)
    finally:
        shop.stop()


def test_without_the_proxy_the_notebook_says_so_and_the_lesson_runs_on(jupyter_without_proxy):
    env = {"AUTOGRADER_JUPYTER_URL": jupyter_without_proxy.url}
    shop = start_shop(REFERENCE, env=env)
    try:
        view = ShopView(site=shop, env=env)
        assert view.problem is not None and "\n" not in view.problem
        assert "no jupyter-server-proxy" in view.problem and "pip install jupyter-server-proxy" in view.problem
        assert "<iframe" not in view.iframe()._repr_html_()
        visit = scripted_visit(REFERENCE, site=shop, seed=5)  # in the kernel's own Chromium: no proxy needed
        assert visit.problem is None and [ok for ok, _ in findings(visit)][:5] == [True] * 5
    finally:
        shop.stop()
