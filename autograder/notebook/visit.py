"""A scripted visit of one customer on the live shop, with the learner's snippet:
the lesson's takeaways, shown on real cookies instead of told.

A new visitor browses anonymously, signs up, reads the blog (which never knows
the customer), comes back after closing the browser, logs out, and someone else
uses the same computer. Each step records ``km_ai``/``km_ni``; ``findings``
turns the record into sentences that say what the snippet did.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field

from playwright.async_api import Error as PlaywrightError

from ..checks.customers import CustomerFactory
from ..checks.disguise import HELPERS
from ..checks.engine import BrowserEngine
from ..checks.visitor import StepFailed, Timeouts, Visitor, is_anonymous_id
from ..site import SimulatedSite

# Indexes of the steps in the timeline, as the walk below makes them.
FIRST_PAGE, SECOND_PAGE, SIGNED_UP, BLOG, NEXT_DAY, LOGGED_OUT, NEXT_PERSON = range(7)


@dataclass
class VisitResult:
    email: str
    timeline: list[dict]
    people: list[list[str]]
    cookie_header: str  # the Cookie header the shop's server got on the last page
    problem: str | None = None  # why the walk stopped early, if it did
    page_errors: list[dict] = field(default_factory=list)


async def _walk(engine: BrowserEngine, site: SimulatedSite, snippet: str, seed: int) -> VisitResult:
    run = f"visit-{uuid.uuid4().hex[:10]}"
    site.register_run(run, snippet)
    customer = CustomerFactory(random.Random(seed)).make()
    timeline: list = []
    visitor = Visitor(await engine.browser(), site, run=run, name=customer.email, timeline=timeline,
                      timeouts=Timeouts())
    problem, header = None, ""
    try:
        await visitor.open()
        await visitor.visit("shop", "/", "a new visitor opens the shop")
        await visitor.visit("shop", "/pricing", "they open Pricing")
        await visitor.sign_up(customer)
        await visitor.visit("blog", "/why-email", "they read the blog (it never knows the customer)")
        await visitor.reopen()
        await visitor.visit("blog", "/identities-101", "next day: the browser was closed, they come back")
        await visitor.log_out()
        visitor.name = "someone else"
        await visitor.visit("shop", "/pricing", "someone else on this computer opens Pricing")
        # What the page sees is what its server gets in the Cookie header (no HttpOnly km_* cookies).
        header = await asyncio.wait_for(visitor.page.evaluate(f"() => window.{HELPERS}Cookies()"), 2)
    except StepFailed as err:
        problem = str(err)
    except (asyncio.TimeoutError, PlaywrightError) as err:
        problem = f"the browser did not answer ({type(err).__name__})"
    finally:
        errors = list(visitor.page_errors)
        await visitor.close()
        site.forget_run(run)
    people = [sorted(p.ids) for p in site.people(run)]
    return VisitResult(customer.email, [s.to_json() for s in timeline], people, header or "", problem, errors)


def scripted_visit(snippet: str, *, site: SimulatedSite, seed: int | None = None,
                   timeout_s: float = 30.0) -> VisitResult:
    """Run the visit from plain code (a cell): the browser works on the engine's thread."""
    engine = BrowserEngine.shared()
    seed = random.randrange(10**6) if seed is None else seed
    return engine.run(lambda: _walk(engine, site, snippet, seed), timeout_s=timeout_s)


async def scripted_visit_async(snippet: str, *, site: SimulatedSite, seed: int | None = None,
                               timeout_s: float = 30.0) -> VisitResult:
    """Await the visit from the kernel's loop (a button), without blocking it."""
    engine = BrowserEngine.shared()
    seed = random.randrange(10**6) if seed is None else seed
    return await engine.run_async(lambda: _walk(engine, site, snippet, seed), timeout_s=timeout_s)


def findings(visit: VisitResult) -> list[tuple[bool, str]]:
    """What the visit shows, as (as the lesson wants it?, sentence): the same judgements as the checks
    (autograder.checks.scenarios) make of these steps, so the visit and Check my work agree."""
    steps, email, out = visit.timeline, visit.email, []

    def km_ai(index: int) -> str | None:
        return steps[index]["km_ai"] if index < len(steps) else None

    before = None
    if len(steps) > SECOND_PAGE:
        first, later = km_ai(FIRST_PAGE), km_ai(SECOND_PAGE)
        named_early = next((v for v in (first, later) if v and not is_anonymous_id(v)), None)
        if named_early:
            before = named_early
            out.append((False, f"Before sign-up km_ai is already {named_early!r}: nobody is known yet, so nobody "
                               "should be named yet (what they do now is counted for that name, for good)."))
        else:
            out.append((True, f"Before sign-up the visitor is anonymous ({first}): nobody is named yet."))
    typing = steps[SIGNED_UP].get("named_before_submit") if SIGNED_UP < len(steps) else None
    if typing and before is None:
        out.append((False, f"While the sign-up form was typed, before it was sent, km_ai was already {typing!r}: "
                           "the snippet named the visitor from what they typed, before the shop knew them."))
    identity = km_ai(SIGNED_UP)
    if SIGNED_UP < len(steps):
        if identity is None or is_anonymous_id(identity):
            out.append((False, f"Right after sign-up, km_ai is still {identity!r}: nobody was identified."))
            identity = None
        elif identity == before:
            out.append((False, f"Right after sign-up, km_ai is {identity!r}, the ID everyone had before logging in: "
                               "it names no one in particular."))
            identity = None  # nothing later can be kept or linked for this customer
        else:
            out.append((True, f"Right after sign-up, km_ai names the customer: {identity!r} (identify saved it in "
                              "the cookie)."))
            if identity != email:
                out.append((False, f"That ID is not the customer's e-mail ({email!r}): any unique ID works, but "
                                   "e-mail works best (integrations record to e-mail addresses)."))
    kept = ((BLOG, "On the blog, where no identify call runs, they are still the customer: the cookie remembers."),
            (NEXT_DAY, "After closing and reopening the browser, they are still the customer (a later session)."))
    for index, good in kept:
        if index < len(steps) and identity is None:
            out.append((False, f"{steps[index]['label'].capitalize()}: km_ai is {km_ai(index)!r}; with nobody "
                               "identified at sign-up, there is no customer to keep."))
        elif index < len(steps):
            value = km_ai(index)
            out.append((value == identity, good if value == identity else
                        f"{steps[index]['label'].capitalize()}: km_ai is {value!r}, not {identity!r}."))
    if len(steps) > SIGNED_UP and identity is None:
        out.append((False, "At the tracker, the anonymous visits are linked to no customer: nobody was identified."))
    elif len(steps) > SIGNED_UP and before is None and not typing:  # named early: said above, as the checks do
        anonymous = km_ai(FIRST_PAGE)
        person = next((ids for ids in visit.people if anonymous in ids), [])
        if identity in person:
            out.append((True, "At the tracker, the anonymous ID and the customer's ID are one person: what they did "
                              "before signing up counts for them."))
        else:
            others = [i for i in person if i != anonymous and not is_anonymous_id(i)]
            out.append((False, "At the tracker, the anonymous visits are " + (
                f"linked to {', '.join(map(repr, others))}, not to {identity!r}." if others else
                "linked to no one: nobody can tell whose they were.")))
    if len(steps) > NEXT_PERSON and identity is not None and km_ai(NEXT_DAY) == identity:
        value = km_ai(NEXT_PERSON)  # only says something once they were named
        out.append((value != identity, "After the log-out, the next person on this computer is not counted as the "
                                       "customer." if value != identity else
                    f"After the log-out, the next person on this computer is still counted as {identity!r} "
                    "(the bonus exercise fixes this)."))
    if visit.page_errors:
        first = visit.page_errors[0]
        out.append((False, f"Your snippet threw an error on {first.get('url')}: {first.get('message')}"))
    if visit.problem:
        out.append((False, f"The visit stopped early: {visit.problem}"))
    return out
