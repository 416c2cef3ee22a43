"""The shared checking service: what it refuses, how it queues, and that a checklist through it is the
checklist (a real server on loopback, a real browser). On a real hub: tests/hub/test_check_service_on_hub.py."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from autograder import check_service
from autograder.check_service import Limits, ServiceUnavailable, check_remotely, make_app
from autograder.checks import run_checks
from autograder.snippet import MAX_SNIPPET_BYTES

from .checks.corpus import CORPUS
from .hub.conftest import free_port

TOKENS = {"ada-token": "ada", "bob-token": "bob", "cy-token": "cy"}


async def by_token(token: str) -> str | None:
    return TOKENS.get(token)


class Held:
    """A checklist that ends only when the test says so: to see what waits and what is refused."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.go = asyncio.Event()

    async def __call__(self, snippet, seed, screenshots_dir):
        self.started.append(snippet)
        await self.go.wait()
        return FakeReport(snippet)


class FakeReport:
    def __init__(self, snippet: str) -> None:
        self.snippet = snippet

    def to_json(self) -> dict:
        return {"checks": [], "seed": 1, "snippet": self.snippet}


def post(client: httpx.AsyncClient, token: str | None, body) -> "asyncio.Task":
    headers = {"Authorization": f"token {token}"} if token else {}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return asyncio.ensure_future(client.post("/check", content=content, headers=headers))


def test_the_service_refuses_strangers_bad_requests_a_second_press_and_a_full_queue():
    async def scenario():
        held = Held()
        app = make_app(authenticate=by_token, limits=Limits(parallel=1, queue=1), checker=held)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
            assert (await post(client, None, {"snippet": "x"})).status_code == 403
            assert (await post(client, "forged", {"snippet": "x"})).status_code == 403
            assert (await post(client, "ada-token", b"{not json")).status_code == 400
            assert (await post(client, "ada-token", {"snippet": 3})).status_code == 400
            assert (await post(client, "ada-token", {"snippet": "x", "seed": "7"})).status_code == 400
            assert (await post(client, "ada-token", {"snippet": "x" * (MAX_SNIPPET_BYTES * 3)})).status_code == 413

            ada = post(client, "ada-token", {"snippet": "ada's", "seed": 7})  # runs
            while not held.started:
                await asyncio.sleep(0.01)
            again = await post(client, "ada-token", {"snippet": "ada's again", "seed": 7})
            assert again.status_code == 429 and "still running" in again.json()["error"]
            bob = post(client, "bob-token", {"snippet": "bob's", "seed": None})  # waits: one checklist at a time
            await asyncio.sleep(0.05)
            assert not bob.done() and held.started == ["ada's"]
            cy = await post(client, "cy-token", {"snippet": "cy's"})  # the queue (1) is full
            assert cy.status_code == 503 and cy.headers["Retry-After"] == "60"
            assert (await client.get("/health")).json() == {"parallel": 1, "waiting": 1, "running": 1}

            held.go.set()
            answers = await asyncio.gather(ada, bob)
            assert [a.json()["snippet"] for a in answers] == ["ada's", "bob's"]
            assert held.started == ["ada's", "bob's"]
            assert (await post(client, "ada-token", {"snippet": "later"})).status_code == 200  # ada may press again

    asyncio.run(scenario())


def test_a_checklist_that_waits_too_long_in_the_queue_is_refused_not_kept():
    async def scenario():
        held = Held()
        app = make_app(authenticate=by_token, limits=Limits(parallel=1, queue=5, queue_wait_s=0.2), checker=held)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
            ada = post(client, "ada-token", {"snippet": "a"})
            while not held.started:
                await asyncio.sleep(0.01)
            bob = await post(client, "bob-token", {"snippet": "b"})
            assert bob.status_code == 503 and "busy" in bob.json()["error"]
            held.go.set()
            assert (await ada).status_code == 200
            assert (await client.get("/health")).json()["waiting"] == 0

    asyncio.run(scenario())


class Served:
    """The real app under uvicorn on loopback, in a thread."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the service did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.mark.browser
def test_a_checklist_through_the_service_is_the_checklist_with_its_screenshot(monkeypatch):
    snippet, should_fail = CORPUS["display-name"]
    monkeypatch.setenv(check_service.HUB_TOKEN_ENV, "ada-token")
    with Served(make_app(authenticate=by_token)) as url:
        remote = check_remotely(snippet, 7, url=url)
        monkeypatch.setenv(check_service.HUB_TOKEN_ENV, "forged")
        with pytest.raises(ServiceUnavailable, match="did not accept"):
            check_remotely(snippet, 7, url=url)
    local = run_checks(snippet, seed=7)
    assert {c.id for c in remote.checks if not c.passed} == {c.id for c in local.checks if not c.passed} == should_fail
    assert [c.message for c in remote.checks] == [c.message for c in local.checks]  # same customers, same words
    shot = remote.result("distinct-people").evidence["screenshot"]
    assert Path(shot).read_bytes().startswith(b"\x89PNG"), "the failing step's screenshot arrives as a local file"


def test_a_service_that_does_not_answer_is_one_line_for_the_learner():
    with pytest.raises(ServiceUnavailable, match=r"did not answer .*unset AUTOGRADER_CHECK_SERVICE_URL"):
        check_remotely("x", 1, url=f"http://127.0.0.1:{free_port()}", timeout_s=5)


@pytest.mark.browser
def test_check_my_work_asks_the_service_when_the_hub_names_one(monkeypatch):
    """With AUTOGRADER_CHECK_SERVICE_URL set (the hub's spawner sets it), the button starts no browser of its own."""
    from autograder.checks.engine import BrowserEngine
    from autograder.notebook import state
    from autograder.notebook.check_button import CheckButton

    asked, services_engine = [], BrowserEngine.shared()  # the service's (here in the test's process)

    async def checker(snippet, seed, screenshots_dir):
        from autograder.checks import run_checks_async

        asked.append((snippet, seed))
        return await run_checks_async(snippet, seed=seed, screenshots_dir=screenshots_dir, engine=services_engine)

    monkeypatch.setattr(state, "_snippet", CORPUS["display-name"][0])
    monkeypatch.setattr(BrowserEngine, "shared", lambda: pytest.fail("the kernel started a browser of its own"))
    monkeypatch.setenv(check_service.HUB_TOKEN_ENV, "bob-token")
    with Served(make_app(authenticate=by_token, checker=checker)) as url:
        monkeypatch.setenv(check_service.SERVICE_URL_ENV, url)
        button = CheckButton(seed=7)
        asyncio.run(button.run())
    assert asked == [(CORPUS["display-name"][0], 7)]
    assert button.last_report is not None and "distinct-people" not in button.last_report.passed_ids()
    assert "Different customers" in button.output.value and "data:image/png;base64," in button.output.value
