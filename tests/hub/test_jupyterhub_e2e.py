"""A real JupyterHub (PyPI's jupyterhub, npm's configurable-http-proxy, the dummy
authenticator, the local-process spawner, loopback only): a learner logs in through the
hub in Chromium, opens a notebook in JupyterLab, and the live shop renders inside the
frame through the hub and their server's jupyter-server-proxy; a log-in in the frame
works; Check my work runs in the learner's server, whose memory and CPU are measured
meanwhile (printed: the README's per-user limits come from here). Nothing the hub
starts listens on a non-loopback address."""

import asyncio
import re
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout
from playwright.async_api import async_playwright, expect

from autograder.browser import LAUNCH_ARGS, find_chromium

from .conftest import ALICE, PASSWORD, jupyterhub, listening_addresses, log_in_as_alice

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CELL = ("from autograder.notebook import state\nfrom autograder.notebook.shop_view import ShopView\n"
        "state.store(\"if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }\")\n"
        "view = ShopView()\ndisplay(view.note, view.iframe())")
CHECK_CELL = "from autograder.notebook.check_button import check_button\ncheck_button()"
@pytest.fixture
def hub(tmp_path):
    home = tmp_path / "home" / "ann"
    home.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL), nbformat.v4.new_code_cell(CHECK_CELL)],
                                        metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, str(home / "shop.ipynb"))
    with jupyterhub(tmp_path) as running:
        yield running.url, running.proc


class Usage:
    """The learner's server and everything under it (kernel, Playwright's driver, Chromium), sampled
    every ``every_s``: peak proportional set size (shared pages counted once over the tree) and CPU."""

    def __init__(self, root: psutil.Process, every_s: float = 0.25) -> None:
        self.root, self.every_s = root, every_s
        self.peak_pss_mb = 0.0
        self.cpu_s: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def sample(self) -> float:
        pss = 0
        for process in [self.root, *self.root.children(recursive=True)]:
            try:
                times = process.cpu_times()
                self.cpu_s[process.pid] = times.user + times.system + times.children_user + times.children_system
                pss += process.memory_full_info().pss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                pass
        self.peak_pss_mb = max(self.peak_pss_mb, pss / 2**20)
        return pss / 2**20

    def start(self) -> None:
        self.sample()
        self.before_cpu_s, self.started = sum(self.cpu_s.values()), time.perf_counter()

        def loop() -> None:
            while not self._stop.wait(self.every_s):
                self.sample()

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sample()
        self.wall_s = time.perf_counter() - self.started
        self.used_cpu_s = sum(self.cpu_s.values()) - self.before_cpu_s


def learner_server(hub_proc: psutil.Process) -> psutil.Process:
    return next(p for p in hub_proc.children(recursive=True) if "jupyterhub-singleuser" in " ".join(p.cmdline()))


async def learner_sees_the_shop(url: str, hub_proc: psutil.Process, failed_shot: Path) -> dict:
    seen = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            await page.goto(f"{url}/hub/login")
            await page.locator("#username_input").fill("ann")
            await page.locator("#password_input").fill(PASSWORD)
            await page.locator("#login_submit").click()
            await page.wait_for_url("**/user/ann/lab**", timeout=90_000)
            await page.goto(f"{url}/user/ann/lab/tree/shop.ipynb")
            await page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=90_000)
            frame_element = page.locator(".jp-OutputArea-output iframe")
            for _ in range(3):  # a Run All sent while the kernel's channels still connect can be lost
                await page.get_by_role("menuitem", name="Run").click()
                await page.get_by_text("Run All Cells", exact=True).click()
                try:
                    await frame_element.wait_for(timeout=30_000)
                    break
                except PlaywrightTimeout:
                    pass
            await frame_element.wait_for(timeout=1_000)
            seen["src"] = await frame_element.get_attribute("src")
            frame = page.frame_locator(".jp-OutputArea-output iframe")
            await log_in_as_alice(frame, timeout_ms=30_000)
            seen["cookies"] = await page.context.cookies()

            server = learner_server(hub_proc)
            seen["idle_pss_mb"] = Usage(server).sample()
            button, answer = page.get_by_role("button", name="Check my work"), page.get_by_text(re.compile(r"\d+/20 points"))
            seen["usage"] = []
            for press in range(2):  # the first press starts the kernel's Chromium, the second finds it warm
                usage = Usage(server)
                usage.start()
                await button.click()
                if press:
                    await expect(button).to_be_disabled()
                    await expect(button).to_be_enabled(timeout=120_000)
                await answer.first.wait_for(timeout=120_000)
                usage.stop()
                seen["usage"].append(usage)
        except Exception:  # what JupyterLab showed, for the failure's report
            await page.screenshot(path=str(failed_shot))
            print(f"JupyterLab at the failure ({failed_shot}):", await page.locator(".jp-Notebook").inner_text())
            raise
        finally:
            await browser.close()
    return seen


def test_a_learner_sees_the_live_shop_through_the_hub(hub, tmp_path):
    url, proc = hub
    started = time.perf_counter()
    seen = asyncio.run(asyncio.wait_for(learner_sees_the_shop(url, psutil.Process(proc.pid), tmp_path / "failed.png"), timeout=300))
    print(f"\nhub: log-in to two checklists in {time.perf_counter() - started:.1f} s; learner's server (server, "
          f"kernel, driver, Chromium): {seen['idle_pss_mb']:.0f} MB PSS before checking")
    for label, usage in zip(("first press", "second press"), seen["usage"]):
        print(f"  {label}: peak {usage.peak_pss_mb:.0f} MB PSS; {usage.used_cpu_s:.1f} CPU-s in {usage.wall_s:.1f} s "
              f"({usage.used_cpu_s / usage.wall_s:.2f} cores on average)")
    assert seen["src"].startswith("/user/ann/proxy/") and "/s-" in seen["src"]
    shop_path = seen["src"].rstrip("/")
    km_ai = [c for c in seen["cookies"] if c["name"] == "km_ai"]
    assert len(km_ai) == 1 and km_ai[0]["path"] == shop_path and km_ai[0]["value"].replace("%40", "@") == ALICE
    assert listening_addresses(psutil.Process(proc.pid)) <= {"127.0.0.1"}
