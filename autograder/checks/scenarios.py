"""The scenarios: real visits that judge the checks of the catalogue.

Each judges behaviour only: cookies, ``KM.i()``, what the tracker received and
how its people model groups IDs, page errors and cookie writes. Never the
snippet's text.
"""

from __future__ import annotations

import asyncio

from .scenario import ScenarioContext, is_anonymous_id
from .visitor import Customer, Step, Visitor

GUARD_HINT = "Identify only when window.acme.customer is set."
KEEP_HINT = ("Do not call identify('') or clearIdentity on pages that do not know the customer "
             "(the blog never does): km_ai already remembers them.")


def explain_identity(value: str | None, customer: Customer, how: str) -> str:
    """Why km_ai is not the customer's stored e-mail, in words a learner can act on."""
    said = f"After {how} as {customer.email}, km_ai was"
    if value is None:
        return f"{said} missing: call identify with window.acme.customer.email; never delete km_ai."
    if is_anonymous_id(value):
        return (f"{said} still the anonymous ID {value}: call _kmq.push(['identify', window.acme.customer.email]) "
                "on pages where the customer is known.")
    if value == customer.name:
        return (f"{said} the display name {value!r}: names are not unique (two customers can share one); "
                "identify by e-mail.")
    if value.strip().lower() == customer.email.lower():
        return (f"{said} {value!r}, not the e-mail as the shop stored it ({customer.email!r}): use "
                "window.acme.customer.email, not what the customer typed.")
    return f"{said} {value!r}: identify with the customer's e-mail, window.acme.customer.email."


def keep_hint(value: str | None) -> str:
    if value is None or is_anonymous_id(value):
        return KEEP_HINT
    return "Only the customer's own e-mail should ever be their ID: identify only when window.acme.customer is set."


async def judge_identified(sc: ScenarioContext, visitor: Visitor, step: Step, customer: Customer, how: str) -> None:
    await sc.expect("identify-after-login", step.km_ai == customer.email,
                    explain_identity(step.km_ai, customer, how), visitor)


async def judge_anonymous(sc: ScenarioContext, visitor: Visitor, steps: list[Step]) -> None:
    check = "anonymous-before-login"
    first = steps[0].km_ai
    for step in steps:
        if step.km_ai is None:
            await sc.failed(check, f"On {step.url} there was no km_ai cookie: the library gives every visitor an "
                                   "anonymous ID; do not delete km_* cookies.", visitor)
        elif step.km_ni or not is_anonymous_id(step.km_ai):
            await sc.failed(check, f"Before anyone logged in, km_ai was {step.km_ai!r} on {step.url}: your snippet "
                                   f"named a visitor nobody knows yet. {GUARD_HINT}", visitor)
        elif step.km_ai != first:
            await sc.failed(check, f"The anonymous ID changed from {first} to {step.km_ai} on {step.url}: keep the "
                                   "library's anonymous ID from page to page.", visitor)
    aliases = [r for r in sc.requests() if r["kind"] == "a"]
    if aliases:
        await sc.failed(check, f"Before log-in the tracker received an alias of {aliases[0]['person']} to "
                               f"{aliases[0]['name']!r}: the snippet named an anonymous visitor. {GUARD_HINT}", visitor)
    sc.passed(check)


async def judge_kept(sc: ScenarioContext, check: str, visitor: Visitor, steps: list[Step], identity: str | None,
                     where: str) -> None:
    if identity is None:
        await sc.failed(check, f"Nobody was identified at log-in, so no identity was kept {where}: call identify "
                               "with window.acme.customer.email once the customer is known.", visitor)
        return
    for step in steps:
        if step.km_ai != identity:
            await sc.failed(check, f"{where.capitalize()}, on {step.url}, km_ai was {step.km_ai!r} instead of "
                                   f"{identity!r}. {keep_hint(step.km_ai)}", visitor)
            return
        person = sc.event_person(step.view)
        if person is not None and identity not in person:
            await sc.failed(check, f"The page view on {step.url} was counted for another person "
                                   f"({', '.join(sorted(person))}) instead of {identity!r}.", visitor)
            return
    sc.passed(check)


async def journey(sc: ScenarioContext) -> None:
    """A new visitor reads the blog, opens the sign-up form (both anonymously), signs up, and reads the blog
    again; later they close the browser, come back to the blog, and log in."""
    you = await sc.visitor("you")
    customer = sc.customers.make(capitals=True)

    anonymous = [await you.visit("blog", "/identities-101"), await you.visit("shop", "/signup")]
    await judge_anonymous(sc, you, anonymous)

    signed_up = await you.sign_up(customer, form_open=True)
    await judge_identified(sc, you, signed_up, customer, "signing up")
    named = signed_up.km_ai if signed_up.km_ai and not is_anonymous_id(signed_up.km_ai) else None

    later = [await you.visit("blog", "/why-email")]  # the blog never knows the customer: the hard case
    await judge_kept(sc, "identity-across-pages", you, later, named, "on later pages")
    await judge_linked(sc, you, anonymous, named or customer.email)

    await you.reopen()  # the shop's log-in session dies with the browser; km_ai lives on
    reopened = [await you.visit("blog", "/one-person-many-devices", label="reopen the browser, open a blog post")]
    await judge_kept(sc, "identity-across-sessions", you, reopened, named, "after the browser was reopened")
    logged_in = await you.log_in(customer.email, customer.password)
    await judge_identified(sc, you, logged_in, customer, "logging in")
    sc.passed("identify-after-login")
    judge_clean(sc)


async def judge_linked(sc: ScenarioContext, visitor: Visitor, anonymous: list[Step], identity: str) -> None:
    check = "anonymous-linked"
    anonymous_id = anonymous[0].km_ai
    for step in anonymous:
        person = sc.event_person(step.view)
        if person is not None and identity not in person:
            await sc.failed(check, f"The visits before log-in (e.g. {step.url}, as {anonymous_id}) count for another "
                                   f"person than {identity!r}: the anonymous ID was never linked. Let identify link "
                                   "it, called while the visitor is still anonymous; do not set km_ai yourself.",
                            visitor)
            return
    if not sc.person_ids(identity):
        await sc.failed(check, f"The tracker never heard of {identity!r}, so nothing was linked to it.", visitor)
        return
    sc.passed(check)


def judge_clean(sc: ScenarioContext) -> None:
    writes = [w for v in sc.visitors for w in v.cookie_writes]
    if writes:
        first = writes[0]
        sc.fail_now("no-cookie-writes", f"Your code wrote {first['cookie']!r} on {first['page']}: never write km_* "
                                        "cookies yourself; identify saves km_ai, the library keeps the others.")
    sc.passed("no-cookie-writes")
    errors = [e for v in sc.visitors for e in v.page_errors]
    if errors:
        first = errors[0]
        sc.fail_now("no-page-errors", f"{first['message']} (on {first['url']}). {error_hint(first['message'])}")
    sc.passed("no-page-errors")


def error_hint(message: str) -> str:
    if "KM is not defined" in message:
        return "The library loads after your snippet: use _kmq.push([...]) instead of calling KM directly."
    if "Cannot read properties of null" in message or "is null" in message:
        return f"Pages without a logged-in customer have window.acme.customer = null. {GUARD_HINT}"
    if "SyntaxError" in message or "Unexpected" in message:
        return "Your snippet is not valid JavaScript: check brackets, quotes and commas."
    return "Fix the error so that your code works on every page."


async def two_customers(sc: ScenarioContext) -> None:
    """Two customers with the same display name sign up in two browsers."""
    name = sc.customers.display_name()
    first, second = sc.customers.make(name=name), sc.customers.make(name=name)
    a, b = await asyncio.gather(sc.visitor("customer A"), sc.visitor("customer B"))
    await asyncio.gather(a.sign_up(first), b.sign_up(second))
    # Then each reads the blog, which never knows the customer: an identify there
    # with anything but the e-mail can make the two one person.
    step_a, step_b = await asyncio.gather(a.visit("blog", "/why-email"), b.visit("blog", "/why-email"))
    check = "distinct-people"
    if step_a.km_ai is not None and step_a.km_ai == step_b.km_ai:
        await sc.failed(check, f"{first.email} and {second.email}, both named {name!r}, got the same km_ai "
                               f"{step_a.km_ai!r}: the tracker now counts them as one person, for good. Identify each "
                               "customer by their own e-mail.", b)
    person_a, person_b = sc.event_person(step_a.view), sc.event_person(step_b.view)
    if person_a and person_a == person_b:
        await sc.failed(check, f"{first.email} and {second.email} were merged into one person at the tracker "
                               f"(IDs {', '.join(sorted(person_a))}): never identify two people with the same value.",
                        b)
    sc.passed(check)
    judge_clean(sc)


def typed_differently(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"  {local.swapcase()}@{domain.upper()} "


async def shared_computer(sc: ScenarioContext) -> None:
    """A customer logs out; the next person on the same browser lands on the shop and reads the blog, then logs
    in to their own account typing their e-mail in other case, with spaces."""
    previous = sc.customers.make()
    computer = await sc.visitor("shared computer")
    signed_up = await computer.sign_up(previous)
    previous_id = signed_up.km_ai  # whatever ID the previous customer ended up with
    check = "shared-computer"
    after = [await computer.log_out(),
             await computer.visit("blog", "/why-email", label="the next visitor reads the blog")]
    theirs = sc.person_ids(previous_id) | {previous_id}
    for step in after:
        if step.km_ai in theirs or step.km_ni in theirs:
            await sc.failed(check, f"After {previous.email} logged out, the next visitor still had km_ai "
                                   f"{step.km_ai!r} on {step.url}: their visits count for {previous.email}. On the "
                                   "first page after a log-out (window.acme.justLoggedOut), call "
                                   "_kmq.push(['clearIdentity']).", computer)
        person = sc.event_person(step.view)
        if person is not None and person & theirs:
            await sc.failed(check, f"The next visitor's page view on {step.url} counted for {previous.email}.",
                            computer)
    sc.passed(check)
    await judge_typed_email(sc, computer)
    judge_clean(sc)


async def judge_typed_email(sc: ScenarioContext, visitor: Visitor) -> None:
    """A customer logs in typing their e-mail in other case, with spaces; the shop knows the stored one."""
    customer = sc.customers.make(capitals=True)
    # The account is made at the shop directly: what is judged happens in the browser that logs in.
    sc.site.accounts.sign_up(customer.name, customer.email, customer.password, realm=sc.run)
    typed = typed_differently(customer.email)
    check = "canonical-email"
    logged_in = await visitor.log_in(typed, customer.password)
    await sc.expect(check, logged_in.km_ai == customer.email,
                    explain_identity(logged_in.km_ai, customer, f"logging in typing {typed!r}"), visitor)
    blog = await visitor.visit("blog", "/")
    await sc.expect(check, blog.km_ai == customer.email,
                    f"On {blog.url} km_ai was {blog.km_ai!r} instead of {customer.email!r}. "
                    f"{keep_hint(blog.km_ai)}", visitor)
    person = sc.event_person(blog.view)
    if person is not None and customer.email not in person:
        await sc.failed(check, f"The visit on {blog.url} did not count for {customer.email!r}.", visitor)
    sc.passed(check)


SCENARIOS = {
    "journey": journey,
    "two-customers": two_customers,
    "shared-computer": shared_computer,
}
