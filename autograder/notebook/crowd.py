"""A crowd of visitors on the shop, for the picture behind the lesson's warning:
the real people against the people the tracker ends up with, for the learner's
snippet beside a constant ``identify('customer')``, the display name, and no
identify at all.

Every visit is real (headless Chromium, the simulated library and tracker);
each snippet gets its own run on the checks' server, and they run concurrently.
Who is who is not guessed from IDs: every page view the crowd makes is found
at the tracker, so each real person's views lead to the people they were
credited to.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field

from ..checks.customers import CustomerFactory
from ..checks.engine import BrowserEngine
from ..checks.visitor import Timeouts, Visitor, is_anonymous_id

CONSTANT = "_kmq.push(['identify', 'customer']);"
DISPLAY_NAME = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.name]); }"
NO_IDENTIFY = "// no identify call"
READER = "an anonymous reader"
CROWD_SIZE = 7  # six customers (two share a display name, two share a computer) and one reader


@dataclass
class CrowdResult:
    label: str
    real_people: int
    tracker_people: int
    named_people: int  # tracker people with an ID other than an anonymous one
    merged: list[tuple[str, int]] = field(default_factory=list)  # (a name of the person, real people in it)

    def summary(self) -> str:
        parts = [f"{self.tracker_people} {'person' if self.tracker_people == 1 else 'people'} in the report for "
                 f"{self.real_people} real ones, {self.named_people} of them named"]
        parts += [f"the visits of {count} real people went to one person ({name})" for name, count in self.merged]
        return "; ".join(parts)


async def _crowd(engine: BrowserEngine, snippet: str, seed: int, walkers: asyncio.Semaphore) -> tuple[str, list]:
    """Walk the crowd, at most ``walkers`` people at a time; return the run tag and every
    recorded step (with the real person's name)."""
    site = engine.ensure_site()
    run = f"crowd-{uuid.uuid4().hex[:10]}"
    site.register_run(run, snippet)
    browser = await engine.browser()
    people = CustomerFactory(random.Random(seed))
    a, b, c, d, f = (people.make() for _ in range(5))
    g = people.make(name=f.name)  # same display name as f: names are not identities
    timeline: list = []
    visitors: list[Visitor] = []

    async def browser_of(name: str) -> Visitor:
        visitor = Visitor(browser, site, run=run, name=name, timeline=timeline, timeouts=Timeouts())
        visitors.append(visitor)
        return await visitor.open()

    async def signs_up_and_reads(customer) -> None:
        v = await browser_of(customer.email)
        await v.visit("shop", "/pricing")
        await v.sign_up(customer)
        await v.visit("blog", "/why-email")  # a page that does not know the customer

    async def returns_later() -> None:
        v = await browser_of(b.email)
        await v.sign_up(b)
        await v.reopen()  # a later session
        await v.visit("blog", "/identities-101")

    async def shared_computer() -> None:
        v = await browser_of(c.email)
        await v.sign_up(c)
        # The page the log-out lands on is the next person's first page: the library cannot know better.
        v.name = d.email
        await v.log_out()
        await v.visit("shop", "/pricing")
        await v.sign_up(d)

    async def just_browses() -> None:
        v = await browser_of(READER)
        await v.visit("shop", "/pricing")
        await v.visit("blog", "/")

    async def in_turn(walk) -> None:
        async with walkers:
            await walk

    try:
        walks = [signs_up_and_reads(a), returns_later(), shared_computer(), just_browses(), signs_up_and_reads(f),
                 signs_up_and_reads(g)]
        await asyncio.gather(*(in_turn(walk) for walk in walks), return_exceptions=True)
    finally:
        for visitor in visitors:
            await visitor.close()
        site.forget_run(run)
    return run, timeline


def tally(label: str, steps: list, requests: list[dict], people: list, *, real_people: int = CROWD_SIZE) -> CrowdResult:
    """Count, from the tracker's side, how the crowd's page views were credited."""
    person_of_id = {i: n for n, person in enumerate(people) for i in person.ids}
    person_of_view = {r["props"].get("view"): person_of_id.get(r["person"]) for r in requests if r["kind"] == "e"}
    holds: dict[int, set[str]] = {}
    for step in steps:
        person = person_of_view.get(step.view)
        if person is not None:
            holds.setdefault(person, set()).add(step.visitor)
    named = [n for n, person in enumerate(people) if any(not is_anonymous_id(i) for i in person.ids)]
    merged = []
    for n, who in sorted(holds.items(), key=lambda item: -len(item[1])):
        if len(who) > 1:
            names = [i for i in people[n].ids if not is_anonymous_id(i)]
            merged.append((", ".join(names)[:60] or "anonymous", len(who)))
    return CrowdResult(label, real_people, len(people), len(named), merged)


# People walking at once, across all crowds: each walk's steps are bounded in time, and two dozen
# browsers at once on two busy cores could run past those bounds (a person missing from the tally).
WALKERS_AT_ONCE = 6


def simulate_crowd(snippets: dict[str, str], *, seed: int = 3, timeout_s: float = 90.0) -> list[CrowdResult]:
    """Run the crowd once per snippet (concurrently, a few people at a time); tally what the tracker saw."""
    engine = BrowserEngine.shared()

    async def all_crowds():
        walkers = asyncio.Semaphore(WALKERS_AT_ONCE)
        return await asyncio.gather(*(_crowd(engine, code, seed, walkers) for code in snippets.values()))

    walks = engine.run(all_crowds, timeout_s=timeout_s)
    site = engine.ensure_site()
    return [tally(label, steps, site.requests(run), site.people(run)) for label, (run, steps) in zip(snippets, walks)]
