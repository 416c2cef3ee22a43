"""What a scenario works with: its own run tag (own snippet, accounts and
tracker data on the shared server), its visitors, and the verdicts it reaches.

A scenario judges checks as it walks (so a failure's screenshot shows the step
that failed); a check it does not settle by the end fails with the reason the
walk stopped, or passes if nothing was wrong.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser

from ..site import SimulatedSite, person_of
from .customers import CustomerFactory
from .visitor import Step, Timeouts, Visitor

@dataclass
class Verdict:
    passed: bool
    message: str
    screenshot: str | None = None
    step: int | None = None  # index in the timeline of the step that failed
    cause: str | None = None  # causes.CAUSES


@dataclass
class ScenarioContext:
    name: str
    browser: Browser
    site: SimulatedSite
    snippet: str
    seed: int
    selected: set[str]
    shots_dir: Path
    timeouts: Timeouts = field(default_factory=Timeouts)
    run: str = ""
    timeline: list[Step] = field(default_factory=list)
    visitors: list[Visitor] = field(default_factory=list)
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    browser_failed: bool = False  # the walk stopped on a Playwright error: the browser or its driver died
    host_too_slow: bool = False  # the walk stopped because the machine was overloaded, not because of the snippet
    ids_given: dict[str, str] = field(default_factory=dict)  # customer e-mail -> the ID they got at sign-up/log-in
    virtual_time: bool = True  # visitors dwell on pages (Playwright's clock): see runner._run_scenario_now

    @property
    def waited_for_timers(self) -> bool:
        """A page was waiting for a timer of the snippet's when it was read (in real time: it may matter)."""
        return any(visitor.waited_for_timers for visitor in self.visitors)

    def __post_init__(self) -> None:
        self.run = f"{self.name}-{uuid.uuid4().hex[:12]}"
        self.rng = random.Random(f"{self.seed}/{self.name}")  # same customers whatever else runs
        self.customers = CustomerFactory(self.rng)
        self.site.register_run(self.run, self.snippet)

    async def visitor(self, name: str) -> Visitor:
        visitor = Visitor(self.browser, self.site, run=self.run, name=name, timeline=self.timeline,
                          timeouts=self.timeouts, virtual_time=self.virtual_time)
        self.visitors.append(visitor)
        return await visitor.open()

    async def close(self) -> None:
        for visitor in self.visitors:
            await visitor.close()
        self.site.forget_run(self.run)

    # -- verdicts
    def open_checks(self) -> list[str]:
        return [check for check in self.selected if check not in self.verdicts]

    def wants(self, check: str) -> bool:
        return check in self.selected and check not in self.verdicts

    def passed(self, check: str, message: str = "") -> None:
        if self.wants(check):
            self.verdicts[check] = Verdict(True, message)

    def pass_all(self, *checks: str) -> None:
        for check in checks:
            self.passed(check)

    def fail_now(self, check: str, message: str, cause: str) -> None:
        """Fail a check that no single page shows (no screenshot)."""
        if self.wants(check):
            self.verdicts[check] = Verdict(False, message, cause=cause)

    async def failed(self, check: str, message: str, visitor: Visitor | None, cause: str) -> None:
        """Fail a check (first failure wins), with a screenshot of where it failed and why (causes.py)."""
        if not self.wants(check):
            return
        shot = None
        if visitor is not None:
            shot = await visitor.screenshot(self.shots_dir / f"{self.name}-{check}.png")
        self.verdicts[check] = Verdict(False, message, shot, len(self.timeline) - 1 if self.timeline else None,
                                       cause)

    # -- what the tracker saw for this scenario
    def requests(self) -> list[dict]:
        return self.site.requests(self.run)

    def people(self):
        return self.site.people(self.run)

    def person_ids(self, some_id: str | None) -> frozenset[str]:
        person = person_of(self.people(), some_id) if some_id else None
        return frozenset(person.ids) if person else frozenset()

    def event_person(self, view: str | None) -> frozenset[str] | None:
        """The IDs of the person the page view's event went to (None: never arrived)."""
        if not view:
            return None
        for request in self.requests():
            if request["kind"] == "e" and request["props"].get("view") == view:
                return self.person_ids(request["person"])
        return None
