"""A real JupyterHub (PyPI's jupyterhub, npm's configurable-http-proxy, the dummy
authenticator, the local-process spawner, loopback only): a learner logs in through the
hub in Chromium, opens a notebook in JupyterLab, and the live shop renders inside the
frame through the hub and their server's jupyter-server-proxy; a log-in in the frame
works. Nothing the hub starts listens on a non-loopback address."""

import asyncio
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nbformat
import psutil
import pytest
from playwright.async_api import async_playwright, expect

from autograder.browser import LAUNCH_ARGS, find_chromium

from .conftest import free_port

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
CHP = REPO / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "hub-test-password"
ALICE = "alice.martin@example.com"
CELL = ("from autograder.notebook import state\nfrom autograder.notebook.shop_view import ShopView\n"
        "state.store(\"if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }\")\n"
        "view = ShopView()\ndisplay(view.note, view.iframe())")
CONFIG = """
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{root}/hub.sqlite"
c.JupyterHub.cookie_secret_file = "{root}/cookie_secret"
c.JupyterHub.pid_file = "{root}/hub.pid"
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{root}/home/{{username}}"
c.Spawner.ip = "127.0.0.1"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root"]
c.Spawner.default_url = "/lab"
c.Spawner.http_timeout = 60
c.Spawner.start_timeout = 60
"""


def hub_available() -> bool:
    return CHP.exists() and shutil.which("jupyterhub", path=str(Path(sys.executable).parent)) is not None


@pytest.fixture
def hub(tmp_path):
    if not hub_available():
        pytest.fail("the hub test needs jupyterhub and configurable-http-proxy: run `make setup`")
    port = free_port()
    bin_dir = Path(sys.executable).parent
    (tmp_path / "jupyterhub_config.py").write_text(CONFIG.format(
        port=port, hub_port=free_port(), api_port=free_port(), chp=str(CHP), root=tmp_path, password=PASSWORD,
        singleuser=str(bin_dir / "jupyterhub-singleuser")))
    home = tmp_path / "home" / "ann"
    home.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, str(home / "shop.ipynb"))
    env = {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "CONFIGPROXY_AUTH_TOKEN": "chp-" + tmp_path.name}
    log = (tmp_path / "hub.log").open("w")
    proc = subprocess.Popen([str(bin_dir / "jupyterhub"), "-f", str(tmp_path / "jupyterhub_config.py")],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/hub/api", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterHub did not start:\n" + (tmp_path / "hub.log").read_text()[-3000:])
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.terminate()  # the hub stops the servers it spawned, then its proxy
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


def listening_addresses(proc: psutil.Process) -> set[str]:
    addresses = set()
    for process in [proc, *proc.children(recursive=True)]:
        try:
            addresses |= {c.laddr.ip for c in process.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN}
        except psutil.NoSuchProcess:
            pass
    return addresses


async def learner_sees_the_shop(url: str) -> dict:
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
            await page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
            await page.get_by_role("menuitem", name="Run").click()
            await page.get_by_text("Run All Cells", exact=True).click()
            frame_element = page.locator(".jp-OutputArea-output iframe")
            await frame_element.wait_for(timeout=90_000)
            seen["src"] = await frame_element.get_attribute("src")
            frame = page.frame_locator(".jp-OutputArea-output iframe")
            await expect(frame.locator("h1")).to_have_text("Know every customer, not just every click",
                                                            timeout=30_000)
            await frame.get_by_role("link", name="Log in").click()
            await frame.locator("#email").fill(ALICE)
            await frame.locator("#password").fill("identify-me")
            await frame.locator("button[type=submit]").click()
            await expect(frame.locator("#account-email")).to_have_text(ALICE, timeout=30_000)
            seen["cookies"] = await page.context.cookies()
        finally:
            await browser.close()
    return seen


def test_a_learner_sees_the_live_shop_through_the_hub(hub):
    url, proc = hub
    started = time.perf_counter()
    seen = asyncio.run(asyncio.wait_for(learner_sees_the_shop(url), timeout=240))
    print(f"\nhub: log-in to the shop's frame in {time.perf_counter() - started:.1f} s")
    assert seen["src"].startswith("/user/ann/proxy/") and "/s-" in seen["src"]
    shop_path = seen["src"].rstrip("/")
    km_ai = [c for c in seen["cookies"] if c["name"] == "km_ai"]
    assert len(km_ai) == 1 and km_ai[0]["path"] == shop_path and km_ai[0]["value"].replace("%40", "@") == ALICE
    assert listening_addresses(psutil.Process(proc.pid)) <= {"127.0.0.1"}
