"""Reading the current ID in the page, the supported way: a function pushed onto
``_kmq`` runs once the library has loaded, so ``KM.i()`` inside it answers; the same
call straight from the snippet runs before the library exists and throws.

One visitor browses, signs up and reads the blog; on every page the pushed function
writes what ``KM.i()`` returned where the visit reads it back, beside ``km_ai`` and
``km_ni``.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field

from playwright.async_api import Error as PlaywrightError

from ..checks.customers import CustomerFactory
from ..checks.engine import BrowserEngine
from ..checks.visitor import Timeouts, Visitor
from .why_email import BY_EMAIL

READS_IN_PUSH = BY_EMAIL + "\n_kmq.push(function () { window.idFromPage = KM.i(); });"
READS_TOO_EARLY = "window.idFromPage = KM.i();  // before the library has loaded"


@dataclass
class Reading:
    label: str
    km_ai: str | None
    km_ni: str | None
    from_page: str | None  # what KM.i() returned inside the pushed function


@dataclass
class ReadingResult:
    snippet: str
    readings: list[Reading]
    page_errors: list[dict] = field(default_factory=list)


async def _read(engine: BrowserEngine, snippet: str, seed: int) -> ReadingResult:
    site = engine.ensure_site()
    run = f"reading-{uuid.uuid4().hex[:10]}"
    site.register_run(run, snippet)
    customer = CustomerFactory(random.Random(seed)).make()
    timeline: list = []
    visitor = Visitor(await engine.browser(), site, run=run, name=customer.email, timeline=timeline,
                      timeouts=Timeouts())
    readings = []

    async def read(step) -> None:
        try:
            value = await asyncio.wait_for(visitor.page.evaluate("() => window.idFromPage ?? null"), 2)
        except (asyncio.TimeoutError, PlaywrightError):
            value = None
        readings.append(Reading(step.label, step.km_ai, step.km_ni, None if value is None else str(value)))

    try:
        await visitor.open()
        await read(await visitor.visit("shop", "/", "a new visitor opens the shop"))
        await read(await visitor.sign_up(customer))
        await read(await visitor.visit("blog", "/why-email", "they read the blog"))
    finally:
        errors = list(visitor.page_errors)
        await visitor.close()
        site.forget_run(run)
    return ReadingResult(snippet, readings, errors)


def read_ids(*, seed: int | None = None, timeout_s: float = 60.0) -> list[ReadingResult]:
    """The visit twice: reading KM.i() in a pushed function, and straight from the snippet."""
    engine = BrowserEngine.shared()
    seed = random.randrange(10**6) if seed is None else seed

    async def both():
        return await asyncio.gather(_read(engine, READS_IN_PUSH, seed), _read(engine, READS_TOO_EARLY, seed + 1))

    return list(engine.run(both, timeout_s=timeout_s))
