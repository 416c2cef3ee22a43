"""Real servers on loopback: a Jupyter server with token auth, and a JupyterHub."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psutil
import pytest

from ..conftest import REPO


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout_s: float, what: str) -> None:
    """Wait until ``url`` answers 200; fail with the end of ``log`` if ``proc`` ends or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"{what} did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.2)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class JupyterServer:
    url: str  # ends with "/"
    token: str


@contextmanager
def jupyter_server(tmp_path, *, with_proxy: bool = True, start_timeout_s: float = 60):
    port, token = free_port(), secrets.token_hex(16)
    config = tmp_path / "jupyter-config"
    config.mkdir()
    if not with_proxy:  # installed in this environment, so switched off the way an admin would
        (config / "jupyter_server_config.json").write_text(
            json.dumps({"ServerApp": {"jpserver_extensions": {"jupyter_server_proxy": False}}}))
    env = {"PATH": f"{sys.prefix}/bin:/usr/bin:/bin", "HOME": str(tmp_path), "JUPYTER_CONFIG_DIR": str(config),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"), "JUPYTER_DATA_DIR": str(tmp_path / "jupyter-data")}
    cmd = [sys.executable, "-m", "jupyter", "server", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={tmp_path}"]
    log = (tmp_path / "jupyter.log").open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    server = JupyterServer(f"http://127.0.0.1:{port}/", token)
    try:
        wait_until_up(f"{server.url}api/status?token={token}", proc, tmp_path / "jupyter.log", start_timeout_s,
                      "the Jupyter server")
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@pytest.fixture
def jupyter(tmp_path):
    with jupyter_server(tmp_path) as server:
        yield server


@pytest.fixture
def jupyter_without_proxy(tmp_path):
    with jupyter_server(tmp_path, with_proxy=False) as server:
        yield server


CHP = REPO / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"  # `make setup` installs it
PASSWORD = "hub-test-password"
HUB_CONFIG = """
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
# What an instructor's script would hold: a service that starts learners' servers and calls them.
c.JupyterHub.services = [{{"name": "course-admin", "api_token": {api_token!r}}}]
c.JupyterHub.load_roles = [{{"name": "course-admin", "services": ["course-admin"],
                             "scopes": ["admin:users", "admin:servers", "access:servers"]}}]
"""


@dataclass(frozen=True)
class Hub:
    url: str
    proc: subprocess.Popen
    api_token: str
    root: Path

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        return httpx.request(method, f"{self.url}/hub/api{path}", timeout=30,
                             headers={"Authorization": f"token {self.api_token}"}, **kwargs)


@contextmanager
def jupyterhub(tmp_path: Path, *, extra_config: str = "", start_timeout_s: float = 60):
    """A real JupyterHub on loopback: dummy authenticator (any name, ``PASSWORD``), each user's
    server a local process with its home in ``tmp_path/home/<name>``; ``extra_config``: more
    lines of jupyterhub_config.py (e.g. a service)."""
    bin_dir = Path(sys.executable).parent
    if not CHP.exists() or not (bin_dir / "jupyterhub").exists():
        pytest.fail("the hub tests need jupyterhub and configurable-http-proxy: run `make setup`")
    port, api_token = free_port(), secrets.token_hex(16)
    (tmp_path / "jupyterhub_config.py").write_text(HUB_CONFIG.format(
        port=port, hub_port=free_port(), api_port=free_port(), chp=str(CHP), root=tmp_path, password=PASSWORD,
        singleuser=str(bin_dir / "jupyterhub-singleuser"), api_token=api_token) + extra_config)
    env = {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"), "CONFIGPROXY_AUTH_TOKEN": secrets.token_hex(16)}
    log = (tmp_path / "hub.log").open("w")
    proc = subprocess.Popen([str(bin_dir / "jupyterhub"), "-f", str(tmp_path / "jupyterhub_config.py")],
                            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    hub = Hub(f"http://127.0.0.1:{port}", proc, api_token, tmp_path)
    try:
        wait_until_up(f"{hub.url}/hub/api", proc, tmp_path / "hub.log", start_timeout_s, "JupyterHub")
        yield hub
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


ALICE, ALICE_PASSWORD = "alice.martin@example.com", "identify-me"  # the live shop's demo customer


async def log_in_as_alice(frame, *, timeout_ms: int) -> None:
    """In the live shop's frame (a Playwright FrameLocator), log in as its demo customer, as a learner would."""
    from playwright.async_api import expect

    await expect(frame.locator("h1")).to_have_text("Know every customer, not just every click", timeout=timeout_ms)
    await frame.get_by_role("link", name="Log in").click()
    await frame.locator("#email").fill(ALICE)
    await frame.locator("#password").fill(ALICE_PASSWORD)
    await frame.locator("button[type=submit]").click()
    await expect(frame.locator("#account-email")).to_have_text(ALICE, timeout=timeout_ms)
