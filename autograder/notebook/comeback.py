"""The lesson's warning, to the end: identifying everyone with one value merges them
for good, and only a new API key starts clean.

Four customers sign up on a shop whose snippet calls ``identify('customer')``. The
snippet is then corrected (``identify(email)``) and the same people come back, in the
same browsers, to the same tracker: already named, their browsers send no alias, so
their new visits go to new people while everything before stays in one. Then the
same walk, with the corrected snippet from the start, on a fresh tracker (a new
site: what a new API key gives you, an empty account) comes out one person each.
"""

from __future__ import annotations

import asyncio
import random
import uuid

from ..checks.customers import CustomerFactory
from ..checks.engine import BrowserEngine
from ..checks.visitor import Timeouts, Visitor
from ..site import SimulatedSite
from .crowd import CONSTANT, CrowdResult, tally
from .why_email import BY_EMAIL

PEOPLE = 4


async def _walk(engine: BrowserEngine, site: SimulatedSite, label: str, first: str, then: str | None,
                seed: int) -> tuple[CrowdResult, CrowdResult | None]:
    """Everyone signs up and reads the blog with ``first``; with ``then``, the snippet changes and they
    come back (same browsers, same tracker). Returns the picture before the comeback and after it."""
    run = f"comeback-{uuid.uuid4().hex[:10]}"
    site.register_run(run, first)
    browser = await engine.browser()
    factory = CustomerFactory(random.Random(seed))
    customers = [factory.make() for _ in range(PEOPLE)]
    before: list = []
    after: list = []
    visitors = [Visitor(browser, site, run=run, name=c.email, timeline=before, timeouts=Timeouts()) for c in customers]

    async def first_visit(visitor: Visitor, customer) -> None:
        await visitor.open()
        await visitor.visit("shop", "/pricing")
        await visitor.sign_up(customer)
        await visitor.visit("blog", "/why-email")

    async def comes_back(visitor: Visitor) -> None:
        visitor.timeline = after
        await visitor.visit("shop", "/account", "comes back, still logged in")
        await visitor.visit("blog", "/identities-101")

    try:
        await asyncio.gather(*(first_visit(v, c) for v, c in zip(visitors, customers)))
        first_picture = _result(label, site, run, before)
        if then is None:
            return first_picture, None
        site.register_run(run, then)  # the corrected snippet, on the same shop and tracker
        await asyncio.gather(*(comes_back(v) for v in visitors))
        return first_picture, _result("fixed, same tracker", site, run, before + after)
    finally:
        for visitor in visitors:
            await visitor.close()
        site.forget_run(run)


def _result(label: str, site: SimulatedSite, run: str, steps: list) -> CrowdResult:
    return tally(label, steps, site.requests(run), site.people(run), real_people=PEOPLE)


def comeback(*, seed: int | None = None, timeout_s: float = 90.0) -> list[CrowdResult]:
    """Three pictures: the merged crowd, the same people back with the fix on the same tracker,
    the same walk on a fresh tracker."""
    engine = BrowserEngine.shared()
    seed = random.randrange(10**6) if seed is None else seed
    shared = engine.ensure_site()
    with SimulatedSite() as fresh:  # a new, empty tracker (and shop): what a new API key gives you
        async def both():
            return await asyncio.gather(_walk(engine, shared, "identify('customer')", CONSTANT, BY_EMAIL, seed),
                                        _walk(engine, fresh, "fixed, fresh tracker", BY_EMAIL, None, seed))

        (merged, back), (clean, _) = engine.run(both, timeout_s=timeout_s)
    return [merged, back, clean]
