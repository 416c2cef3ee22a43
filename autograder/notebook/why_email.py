"""Why the lesson says "identify by e-mail", shown on the tracker: three customers
sign up on a shop whose snippet identifies by e-mail, three on one that identifies
by the customer's number (each in a tracker of its own); then a newsletter tool (an
integration, ``integration.py``) records an event for each of them *by e-mail*.
What the tracker ends up with is the People report segmented by Customer ID.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass

from ..checks.customers import CustomerFactory
from ..checks.engine import BrowserEngine
from ..checks.visitor import Timeouts, Visitor, is_anonymous_id
from .integration import EVENT, send_events

BY_EMAIL = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
BY_NUMBER = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.id]); }"
CUSTOMERS = 3


@dataclass
class Row:
    """One person of the People report."""

    customer_id: str  # the named ID(s) the report shows; the anonymous placeholder when none
    web_events: int
    newsletter_events: int


@dataclass
class Segment:
    label: str
    snippet: str
    rows: list[Row]

    @property
    def people(self) -> int:
        return len(self.rows)


async def _sign_ups(engine: BrowserEngine, snippet: str, customers: list) -> str:
    site = engine.ensure_site()
    run = f"why-email-{uuid.uuid4().hex[:10]}"
    site.register_run(run, snippet)
    browser = await engine.browser()

    async def one(customer) -> None:
        visitor = Visitor(browser, site, run=run, name=customer.email, timeline=[], timeouts=Timeouts())
        try:
            await visitor.open()
            await visitor.visit("shop", "/pricing")
            await visitor.sign_up(customer)
            await visitor.visit("blog", "/why-email")
        finally:
            await visitor.close()

    try:
        await asyncio.gather(*(one(c) for c in customers))
    finally:
        site.forget_run(run)
    return run


def _rows(people) -> list[Row]:
    rows = []
    for person in people:
        named = [i for i in person.ids if not is_anonymous_id(i)]
        newsletter = sum(e["name"] == EVENT for e in person.events)
        rows.append(Row(", ".join(named) or person.ids[0], len(person.events) - newsletter, newsletter))
    return rows


def compare(*, seed: int | None = None, timeout_s: float = 60.0) -> list[Segment]:
    """The same customers on a shop identifying by e-mail and on one identifying by number,
    then the newsletter's events by e-mail: the People each tracker ends up with."""
    engine = BrowserEngine.shared()
    seed = random.randrange(10**6) if seed is None else seed
    snippets = {"identify(customer.email)": BY_EMAIL, "identify(customer.id)": BY_NUMBER}
    factory = CustomerFactory(random.Random(seed))  # other customers per snippet: an e-mail signs up once
    people = {label: [factory.make() for _ in range(CUSTOMERS)] for label in snippets}

    async def both():
        return await asyncio.gather(*(_sign_ups(engine, code, people[label]) for label, code in snippets.items()))

    runs = engine.run(both, timeout_s=timeout_s)
    site = engine.ensure_site()
    segments = []
    for (label, code), run in zip(snippets.items(), runs):
        send_events(site, run, [c.email for c in people[label]])
        segments.append(Segment(label, code, _rows(site.people(run))))
    return segments
