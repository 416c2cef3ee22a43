"""A real Jupyter server on loopback with token auth, for the shop to go through."""

from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest


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
        deadline = time.monotonic() + start_timeout_s
        while True:
            try:
                if httpx.get(f"{server.url}api/status?token={token}", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the Jupyter server did not start:\n" + (tmp_path / "jupyter.log").read_text())
            time.sleep(0.2)
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
