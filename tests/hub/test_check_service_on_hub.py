"""The shared checking service on a real JupyterHub, configured by the recipe's own fragment
(docs/jupyterhub/check_service.py): a learner's kernel, with what its server's environment gives it, gets
its checklist from the service; nothing but the hub's learners may use it; the memory it takes is measured."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest

from autograder.check_service import HUB_TOKEN_ENV, SERVICE_URL_ENV, ServiceUnavailable, check_remotely

from ..checks.corpus import CORPUS
from .conftest import REPO, jupyterhub, listening_addresses
from .test_exchange_on_hub import start_server

pytestmark = [pytest.mark.slow, pytest.mark.browser]

RECIPE = REPO / "docs" / "jupyterhub" / "check_service.py"


def server_environment(hub, name: str) -> tuple[int, dict]:
    """The learner's server and what the hub gave it, which its kernels inherit."""
    for process in psutil.Process(hub.proc.pid).children(recursive=True):
        try:
            environ = process.environ()
        except psutil.Error:
            continue
        if environ.get("JUPYTERHUB_USER") == name and "jupyterhub-singleuser" in " ".join(process.cmdline()):
            return process.pid, environ
    raise AssertionError(f"no server of {name} among the hub's processes")


def tree_pss_mb(pid: int) -> float:
    total = 0
    root = psutil.Process(pid)
    for process in [root, *root.children(recursive=True)]:
        try:
            total += process.memory_full_info().pss
        except psutil.Error:
            pass
    return total / 2**20


class PeakPss(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, tree_pss_mb(self.pid))
            time.sleep(0.1)


def service_process(hub) -> psutil.Process:
    for process in psutil.Process(hub.proc.pid).children():
        if "check-service" in process.cmdline():
            return process
    raise AssertionError("the hub did not start the checking service:\n" + (hub.root / "hub.log").read_text()[-3000:])


def test_learners_kernels_get_their_checklists_from_the_hubs_checking_service(tmp_path):
    fragment = RECIPE.read_text().replace("/opt/tljh/user/bin/python", sys.executable)
    with jupyterhub(tmp_path, extra_config="\n" + fragment) as hub:
        for name in ("ann", "bob"):
            (hub.root / "home" / name).mkdir(parents=True)
            start_server(hub, name)
        service = service_process(hub)
        (ann_pid, ann), (_, bob) = server_environment(hub, "ann"), server_environment(hub, "bob")
        assert ann[SERVICE_URL_ENV] == bob[SERVICE_URL_ENV] and ann[HUB_TOKEN_ENV] != bob[HUB_TOKEN_ENV]

        learner_idle = tree_pss_mb(ann_pid)
        service_idle = tree_pss_mb(service.pid)
        peak = PeakPss(service.pid)
        peak.start()
        results = {}

        def press(name: str, environ: dict, snippet: str) -> None:
            # what the kernel does, with what its server was given (a kernel inherits its server's environment)
            started = time.perf_counter()
            results[name] = (check_remotely(snippet, 7, url=environ[SERVICE_URL_ENV], token=environ[HUB_TOKEN_ENV],
                                            timeout_s=120), time.perf_counter() - started)

        deadline = time.monotonic() + 60
        while True:  # the hub starts its service beside itself: it may still be coming up
            try:
                press("warm-up", ann, CORPUS["correct-if-guard"][0])
                break
            except ServiceUnavailable as err:
                assert "did not answer" in str(err) and time.monotonic() < deadline, err
                time.sleep(0.5)
        presses = [threading.Thread(target=press, args=("ann", ann, CORPUS["correct-if-guard"][0])),
                   threading.Thread(target=press, args=("bob", bob, CORPUS["constant-customer"][0]))]
        for thread in presses:  # two learners at the same moment: the recipe's --parallel 2
            thread.start()
        for thread in presses:
            thread.join(timeout=150)
        peak.stop.set()
        peak.join()

        with pytest.raises(ServiceUnavailable, match="did not accept"):
            check_remotely("x", 7, url=ann[SERVICE_URL_ENV], token="not-a-token-of-this-hub", timeout_s=30)
        assert listening_addresses(psutil.Process(hub.proc.pid)) <= {"127.0.0.1"}

    (ann_report, ann_s), (bob_report, bob_s) = results["ann"], results["bob"]
    assert {c.id for c in ann_report.checks if not c.passed} == CORPUS["correct-if-guard"][1]
    assert {c.id for c in bob_report.checks if not c.passed} == CORPUS["constant-customer"][1]
    assert Path(bob_report.result("distinct-people").evidence["screenshot"]).read_bytes()[:4] == b"\x89PNG"
    print(f"\nchecking service: a learner's server idle {learner_idle:.0f} MB (no browser in it); the service "
          f"{service_idle:.0f} MB idle, {peak.peak:.0f} MB peak while judging two learners at once; first checklist "
          f"{results['warm-up'][1]:.1f} s (its browser starting), then two at once {ann_s:.1f} and {bob_s:.1f} s; "
          f"{os.cpu_count()} cores")
