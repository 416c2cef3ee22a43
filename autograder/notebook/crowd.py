"""A crowd of visitors on the shop, for the picture behind the lesson's warning:
how many people the tracker sees, against how many really visited, for a
snippet beside a constant identify('customer') and beside no identify at all.

Every visit is real (headless Chromium, the simulated library and tracker);
each snippet gets its own run on the shared server, and they run concurrently.
"""

from __future__ import annotations

import asyncio
import io
import random
import uuid
from dataclasses import dataclass

from ..checks.customers import CustomerFactory
from ..checks.engine import BrowserEngine
from ..checks.visitor import Timeouts, Visitor

CONSTANT = "_kmq.push(['identify', 'customer']);"
NO_IDENTIFY = "// no identify call"
REAL_PEOPLE = 7


@dataclass
class CrowdResult:
    label: str
    real_people: int
    tracker_people: int
    largest_person_ids: int  # how many IDs the biggest merged person holds


async def _crowd(engine: BrowserEngine, snippet: str, seed: int) -> str:
    site = engine.ensure_site()
    run = f"crowd-{uuid.uuid4().hex[:10]}"
    site.register_run(run, snippet)
    browser = await engine.browser()
    people = CustomerFactory(random.Random(seed))
    a, b, c, d, f = (people.make() for _ in range(5))
    g = people.make(name=f.name)  # same display name as f
    visitors: list[Visitor] = []

    async def browser_of(name: str) -> Visitor:
        visitor = Visitor(browser, site, run=run, name=name, timeline=[], timeouts=Timeouts())
        visitors.append(visitor)
        return await visitor.open()

    async def signs_up_and_reads(customer) -> None:
        v = await browser_of(customer.name)
        await v.visit("shop", "/pricing")
        await v.sign_up(customer)
        await v.visit("blog", "/why-email")

    async def returns_later() -> None:
        v = await browser_of(b.name)
        await v.sign_up(b)
        await v.reopen()
        await v.visit("blog", "/identities-101")

    async def shared_computer() -> None:
        v = await browser_of("shared computer")
        await v.sign_up(c)
        await v.log_out()
        await v.visit("shop", "/pricing")
        await v.sign_up(d)

    async def just_browses() -> None:
        v = await browser_of("anonymous reader")
        await v.visit("shop", "/pricing")
        await v.visit("blog", "/")

    try:
        await asyncio.gather(signs_up_and_reads(a), returns_later(), shared_computer(), just_browses(),
                             signs_up_and_reads(f), signs_up_and_reads(g), return_exceptions=True)
    finally:
        for visitor in visitors:
            await visitor.close()
        site.forget_run(run)
    return run


def simulate_crowd(snippets: dict[str, str], *, seed: int = 3, timeout_s: float = 60.0) -> list[CrowdResult]:
    """Run the crowd once per snippet; count the people the tracker ends up with."""
    engine = BrowserEngine.shared()

    async def all_crowds():
        return await asyncio.gather(*(_crowd(engine, code, seed) for code in snippets.values()))

    runs = engine.run(all_crowds, timeout_s=timeout_s)
    results = []
    for label, run in zip(snippets, runs):
        people = engine.ensure_site().people(run)
        results.append(CrowdResult(label, REAL_PEOPLE, len(people), max((len(p.ids) for p in people), default=0)))
    return results


def plot_crowd(results: list[CrowdResult]) -> bytes:
    """Bars: real people against the people the tracker sees, per snippet (PNG bytes)."""
    from matplotlib.figure import Figure  # no pyplot: the kernel's own backend stays as it is

    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    labels = [r.label for r in results]
    xs = range(len(results))
    ax.bar([x - 0.2 for x in xs], [r.real_people for r in results], width=0.4, color="#9aa5c4", label="real people")
    ax.bar([x + 0.2 for x in xs], [r.tracker_people for r in results], width=0.4, color="#3b5bdb",
           label="people the tracker sees")
    for x, r in zip(xs, results):
        ax.text(x + 0.2, r.tracker_people + 0.1, str(r.tracker_people), ha="center")
    ax.set_xticks(list(xs), labels)
    ax.set_ylim(0, max(r.real_people for r in results) + 2.5)
    ax.set_ylabel("people")
    ax.set_title("Who visited vs. who the tracker thinks visited")
    ax.legend(loc="upper center", ncol=2, frameon=False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()
