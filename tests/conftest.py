"""Shared fixtures: a running simulated site and the warm browser engine."""

from __future__ import annotations

import uuid

import pytest

from autograder.checks.engine import BrowserEngine
from autograder.checks.visitor import Timeouts, Visitor
from autograder.site import SimulatedSite


@pytest.fixture(scope="session")
def site():
    with SimulatedSite() as running:
        yield running


@pytest.fixture(scope="session")
def engine():
    """The process-wide warm Chromium (and its own simulated site)."""
    return BrowserEngine.shared()


class Browse:
    """Runs a test's async walk on the engine loop with fresh visitors."""

    def __init__(self, engine: BrowserEngine) -> None:
        self.engine = engine
        self.site = engine.ensure_site()

    def run(self, walk, *, snippet: str = "", timeout_s: float = 60):
        run_tag = f"test-{uuid.uuid4().hex[:10]}"
        self.site.register_run(run_tag, snippet)

        async def go():
            browser = await self.engine.browser()
            timeline: list = []
            visitors: list[Visitor] = []

            async def new_visitor(name: str = "visitor") -> Visitor:
                visitor = Visitor(browser, self.site, run=run_tag, name=name, timeline=timeline, timeouts=Timeouts())
                visitors.append(visitor)
                return await visitor.open()

            try:
                return await walk(new_visitor, run_tag)
            finally:
                for visitor in visitors:
                    await visitor.close()

        try:
            return self.engine.run(go, timeout_s=timeout_s)
        finally:
            self.site.forget_run(run_tag)


@pytest.fixture
def browse(engine):
    return Browse(engine)
