"""The scenarios: real visits that judge the checks of the catalogue.

Each judges behaviour only: cookies, ``KM.i()``, what the tracker received and
how its people model groups IDs, page errors and cookie writes. Never the
snippet's text. Visitors behave like people: they dwell on pages (virtual time),
type character by character, mistype a password, try an e-mail that is taken,
log in on a second device and come back another day.

One mistake costs points in the check whose concern it is: each check judges
only the steps that concern it (naming nobody too early, naming the customer at
sign-up and log-in, keeping the identity, linking, distinct people), so a
mistake's later consequences are not charged again elsewhere.
"""

from __future__ import annotations

import asyncio
import re

from .causes import error_cause
from .scenario import ScenarioContext
from .visitor import Customer, Step, Visitor, is_anonymous_id

GUARD_HINT = "Identify only when window.acme.customer is set."
KEEP_HINT = ("Do not call identify('') or clearIdentity on pages that do not know the customer "
             "(the blog never does): km_ai already remembers them.")
EMAIL_WHY = ("integrations (a newsletter, a support tool) record events to e-mail addresses, so only then do they "
             "join this person, and reports segmented by Customer ID read well")


def explain_unnamed(value: str | None, customer: Customer, how: str) -> str:
    """Why nobody was named at a sign-up or log-in, in words a learner can act on."""
    said = f"After {how} as {customer.email}, km_ai was"
    if value is None:
        return f"{said} missing: call identify with window.acme.customer.email; never delete km_ai."
    return (f"{said} still the anonymous ID {value}: call _kmq.push(['identify', window.acme.customer.email]) "
            "on pages where the customer is known (after every successful sign-up and log-in).")


def not_email(value: str, customer: Customer) -> tuple[str, str]:
    """Why a named ID is not the customer's e-mail as stored: (cause, words a learner can act on)."""
    said = f"km_ai was {value!r}"
    if value.strip().lower() == customer.email.lower():
        return "not-email", (f"{said}: the e-mail, but not as the shop stored it ({customer.email!r}). Use "
                             f"window.acme.customer.email as it is: {EMAIL_WHY}.")
    if "@" in value:
        return "other-account", f"{said}, not this customer's e-mail ({customer.email!r}): use window.acme.customer.email."
    if value == customer.name:
        return "display-name", (f"{said}, the display name, not the e-mail ({customer.email!r}): names are not unique; "
                                "use window.acme.customer.email.")
    return "not-email", (f"{said}: a unique ID works, but e-mail works best ({customer.email!r} here): {EMAIL_WHY}. "
                         "Use window.acme.customer.email.")


def keep_hint(value: str | None) -> str:
    if value is None or is_anonymous_id(value):
        return KEEP_HINT
    return "Only the customer's own ID should ever name them: identify only when window.acme.customer is set."


async def together(*walks):
    """Walk several visitors at once; the first to fail stops the others, and its error is the scenario's."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(walk) for walk in walks]
    except BaseExceptionGroup as err:
        raise err.exceptions[0] from None
    return [task.result() for task in tasks]


# The judges below only fail checks: a scenario passes a check once every judgement of it is done
# (first failure wins), so one visitor's pass never hides another's failure.
async def judge_identified(sc: ScenarioContext, visitor: Visitor, step: Step, customer: Customer, how: str) -> None:
    """A successful sign-up or log-in: the customer is named by a unique, stable ID, best their e-mail."""
    value = step.km_ai
    if value is None or is_anonymous_id(value):
        message = explain_unnamed(value, customer, how)
        await sc.failed("identify-after-login", message, visitor, "nobody-identified")
        await sc.failed("identified-by-email", message, visitor, "nobody-identified")
        return
    earlier = sc.ids_given.get(customer.email)
    shared = sorted(email for email, given in sc.ids_given.items() if given == value and email != customer.email)
    said = f"After {how} as {customer.email}, km_ai was {value!r}"
    if earlier is not None and earlier != value:
        await sc.failed("identify-after-login", f"{said}, but this customer was {earlier!r} before: a customer's ID "
                                                "must stay the same at every sign-up and log-in, on every device.",
                        visitor, "unstable-id")
    elif value.strip().lower() in sc.customers.used and value.strip().lower() != customer.email.lower():
        await sc.failed("identify-after-login", f"{said}, the e-mail of another account: this visitor is now merged "
                                                "with that person, for good. Identify with the logged-in customer's "
                                                "own e-mail (window.acme.customer.email), never with what was typed "
                                                "into a form that may fail.", visitor, "other-account")
    elif value == customer.name or shared:
        whose = f"the same ID as {shared[0]}'s" if shared else "their display name"
        await sc.failed("identify-after-login", f"{said}, {whose}: names and shared values are not unique (two "
                                                "customers can share one), and the tracker merges everyone who gets "
                                                "the same ID, for good. Identify by e-mail.", visitor,
                        "display-name" if value == customer.name else "shared-id")
    sc.ids_given.setdefault(customer.email, value)
    if value != customer.email:
        cause, why = not_email(value, customer)
        await sc.failed("identified-by-email", f"After {how}, {why}", visitor, cause)


async def judge_anonymous(sc: ScenarioContext, visitor: Visitor, steps: list[Step]) -> bool:
    """Before a successful log-in (failed attempts included), nobody is named. True if somebody was."""
    check = "anonymous-before-login"
    named_early = False
    for step in steps:
        if step.named is not None:
            named_early = True
            if "refused" in step.label:
                await sc.failed(check, f"After '{step.label}', km_ai was {step.named!r}: your snippet "
                                       "named a visitor whose sign-up or log-in failed. They are still unknown, and "
                                       "the alias is irreversible: a typo, or someone else's e-mail, would merge "
                                       f"them into another person. {GUARD_HINT}", visitor, "named-too-early")
            else:
                await sc.failed(check, f"Before anyone logged in, km_ai was {step.named!r} on "
                                       f"{step.url}: your snippet named a visitor nobody knows yet. {GUARD_HINT}",
                                visitor, "named-too-early")
    anonymous = {step.km_ai for step in steps if step.km_ai}
    aliases = [r for r in sc.requests() if r["kind"] == "a" and (r["person"] in anonymous or r["name"] in anonymous)]
    if aliases:
        named_early = True
        await sc.failed(check, f"Before log-in the tracker received an alias of {aliases[0]['person']} to "
                               f"{aliases[0]['name']!r}: the snippet named an anonymous visitor. {GUARD_HINT}", visitor,
                        "named-too-early")
    return named_early


async def judge_named_while_typing(sc: ScenarioContext, visitor: Visitor, form: Step) -> bool:
    """A sign-up or log-in that then succeeds: while the visitor typed into its form, nobody knew them yet, so
    nobody is named until the shop accepts it (on each keystroke, on change). True if the snippet did."""
    if form.named_before_submit is None:
        return False
    await sc.failed("anonymous-before-login", f"While '{form.label}' was typed, before the form was sent, km_ai was "
                                              f"already {form.named_before_submit!r}: your snippet named the visitor "
                                              "from what they typed, before the shop knew them. The alias is "
                                              "irreversible, and a half-typed or mistyped e-mail can be someone "
                                              f"else's. {GUARD_HINT}", visitor, "named-too-early")
    return True


async def judge_kept(sc: ScenarioContext, check: str, visitor: Visitor, steps: list[Step], identity: str | None,
                     where: str) -> None:
    if identity is None:
        await sc.failed(check, f"Nobody was identified at log-in, so no identity was kept {where}: call identify "
                               "with window.acme.customer.email once the customer is known.", visitor,
                        "nobody-identified")
        return
    for step in steps:
        if step.km_ai != identity:
            await sc.failed(check, f"{where.capitalize()}, on {step.url}, km_ai was {step.km_ai!r} instead of "
                                   f"{identity!r}. {keep_hint(step.km_ai)}", visitor,
                            "cleared-where-unknown" if is_anonymous_id(step.km_ai) else "identity-lost")
            return
        person = sc.event_person(step.view)
        if person is not None and identity not in person:
            await sc.failed(check, f"The page view on {step.url} was counted for another person "
                                   f"({', '.join(sorted(person))}) instead of {identity!r}.", visitor, "identity-lost")
            return


async def judge_linked(sc: ScenarioContext, visitor: Visitor, anonymous: list[Step], identity: str,
                       named_early: bool) -> None:
    """The visits before log-in count for the customer. A visitor already named on those steps
    (``named_early``: judge_anonymous failed them) had the visits given to that name for good: that is
    anonymous-before-login's mistake, charged there, not here again."""
    check = "anonymous-linked"
    if named_early:
        return
    for step in anonymous:
        person = sc.event_person(step.view)
        if person is not None and identity not in person:
            await sc.failed(check, f"The visits before log-in (e.g. {step.url}, as {step.km_ai}) count for another "
                                   f"person than {identity!r}: the anonymous ID was never linked. Let identify link "
                                   "it, called while the visitor is still anonymous; do not set km_ai yourself.",
                            visitor, "not-linked")
            return
    if not sc.person_ids(identity):
        await sc.failed(check, f"The tracker never heard of {identity!r}, so nothing was linked to it.", visitor,
                        "not-linked")


def named(step: Step) -> str | None:
    return step.km_ai if step.km_ai and not is_anonymous_id(step.km_ai) else None


async def journey(sc: ScenarioContext) -> None:
    """A new visitor reads the blog and opens the sign-up form, tries an e-mail that is taken (refused), signs
    up, and reads the blog again; another day they reopen the browser, read the blog, open the shop's log-in
    page (a shop page that does not know them yet) and log in."""
    you = await sc.visitor("you")
    customer, taken = sc.customers.make(capitals=True), sc.customers.make()
    sc.site.accounts.sign_up(taken.name, taken.email, taken.password, realm=sc.run)  # someone else's account

    anonymous = [await you.visit("blog", "/identities-101"), await you.visit("shop", "/signup")]
    anonymous.append(await you.sign_up(Customer(customer.name, taken.email, customer.password), form_open=True,
                                       refused=True))
    named_early = await judge_anonymous(sc, you, anonymous)
    signed_up = await you.sign_up(customer, form_open=True)
    named_early |= await judge_named_while_typing(sc, you, signed_up)
    sc.passed("anonymous-before-login")
    await judge_identified(sc, you, signed_up, customer, "signing up")
    identity = named(signed_up)

    later = [await you.visit("blog", "/why-email")]  # the blog never knows the customer: the hard case
    await judge_kept(sc, "identity-across-pages", you, later, identity, "on later pages")
    await judge_linked(sc, you, anonymous, identity or customer.email, named_early)
    sc.pass_all("identity-across-pages", "anonymous-linked")

    await you.reopen()  # the shop's log-in session dies with the browser; km_ai lives on
    reopened = [await you.visit("blog", "/one-person-many-devices", label="another day: reopen the browser, read "
                                                                          "a blog post"),
                await you.visit("shop", "/login", label="open the shop's log-in page (logged out)")]
    await judge_kept(sc, "identity-across-sessions", you, reopened, identity, "after the browser was reopened")
    sc.passed("identity-across-sessions")
    logged_in = await you.log_in(customer.email, customer.password, form_open=True)
    await judge_identified(sc, you, logged_in, customer, "logging in")
    sc.pass_all("identify-after-login", "identified-by-email")
    judge_clean(sc)


def judge_clean(sc: ScenarioContext) -> None:
    writes = [w for v in sc.visitors for w in v.cookie_writes]
    if writes:
        first = writes[0]
        sc.fail_now("no-cookie-writes", f"Your code wrote {first['cookie']!r} on {first['page']}: never write km_* "
                                        "cookies yourself; identify saves km_ai, the library keeps the others.",
                    "cookie-written")
    sc.passed("no-cookie-writes")
    errors = [e for v in sc.visitors for e in v.page_errors]
    if errors:
        first = errors[0]
        sc.fail_now("no-page-errors", f"{first['message']} (on {first['url']}). {error_hint(first['message'])}",
                    error_cause(first["message"]))
    sc.passed("no-page-errors")


ERROR_HINTS = {
    "km-before-load": "The library loads after your snippet: use _kmq.push([...]) instead of calling KM directly.",
    "no-guard": f"Pages without a logged-in customer have window.acme.customer = null. {GUARD_HINT}",
    "syntax-error": "Your snippet is not valid JavaScript: check brackets, quotes and commas.",
}


def error_hint(message: str) -> str:
    return ERROR_HINTS.get(error_cause(message), "Fix the error so that your code works on every page.")


async def two_customers(sc: ScenarioContext) -> None:
    """Two customers with the same display name (and e-mails alike before the @): one signs up; the other, who
    signed up earlier on another device, logs in on a new browser after mistyping the password. Then each reads
    the blog."""
    name, capitals = sc.customers.display_name(), sc.rng.random() < 0.5
    first = sc.customers.make(name=name, capitals=capitals)
    second = sc.customers.make(namesake=first, capitals=capitals)
    sc.site.accounts.sign_up(second.name, second.email, second.password, realm=sc.run)
    a, b = await together(sc.visitor("customer A"), sc.visitor("customer B, on a new device"))

    async def signs_up() -> list[Step]:
        steps = [await a.visit("shop", "/signup")]
        named_early = await judge_anonymous(sc, a, steps)
        steps.append(await a.sign_up(first, form_open=True))
        named_early |= await judge_named_while_typing(sc, a, steps[-1])
        await judge_identified(sc, a, steps[-1], first, "signing up")
        await judge_linked(sc, a, steps[:1], named(steps[-1]) or first.email, named_early)
        return steps

    async def logs_in_on_a_new_device() -> list[Step]:
        steps = [await b.visit("shop", "/login")]
        steps.append(await b.log_in(second.email, second.password[::-1], form_open=True, refused=True))
        named_early = await judge_anonymous(sc, b, steps)
        steps.append(await b.log_in(second.email, second.password, form_open=True))
        named_early |= await judge_named_while_typing(sc, b, steps[-1])
        await judge_identified(sc, b, steps[-1], second, "logging in on a new device")
        await judge_linked(sc, b, steps[:2], named(steps[-1]) or second.email, named_early)
        return steps

    steps_a, steps_b = await together(signs_up(), logs_in_on_a_new_device())
    sc.pass_all("anonymous-before-login", "identify-after-login", "identified-by-email", "anonymous-linked")
    # Then each reads the blog, which never knows the customer: an identify there
    # with anything but their own ID can make the two one person.
    blog_a, blog_b = await together(a.visit("blog", "/why-email"), b.visit("blog", "/why-email"))
    steps_a.append(blog_a)
    steps_b.append(blog_b)
    check = "distinct-people"
    if blog_a.km_ai is not None and blog_a.km_ai == blog_b.km_ai:
        await sc.failed(check, f"{first.email} and {second.email}, both named {name!r}, got the same km_ai "
                               f"{blog_a.km_ai!r}: the tracker now counts them as one person, for good. Identify each "
                               "customer by their own e-mail.", b,
                        "display-name" if blog_a.km_ai == name else "shared-id")
    people_a = frozenset().union(*(sc.event_person(s.view) or frozenset() for s in steps_a))
    people_b = frozenset().union(*(sc.event_person(s.view) or frozenset() for s in steps_b))
    if people_a & people_b:
        await sc.failed(check, f"{first.email} and {second.email} were merged into one person at the tracker "
                               f"(IDs {', '.join(sorted(people_a | people_b))}): never identify two people with the "
                               "same value, not even part of an e-mail while it is being typed.", b, "people-merged")
    sc.passed(check)
    judge_clean(sc)


def typed_differently(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"  {local.swapcase()}@{domain.upper()} "


async def shared_computer(sc: ScenarioContext) -> None:
    """A customer logs out; the next person on the same browser lands on the shop, then logs in to their own
    account typing their e-mail in other case, with spaces."""
    previous = sc.customers.make()
    computer = await sc.visitor("shared computer")
    signed_up = await computer.sign_up(previous)
    previous_id = signed_up.km_ai  # whatever ID the previous customer ended up with
    check = "shared-computer"
    after = [await computer.log_out()]  # the page the log-out lands on is the next visitor's first
    theirs = sc.person_ids(previous_id) | {previous_id}
    for step in after:
        if step.km_ai in theirs or step.km_ni in theirs:
            await sc.failed(check, f"After {previous.email} logged out, the next visitor still had km_ai "
                                   f"{step.km_ai!r} on {step.url}: their visits count for {previous.email}. On the "
                                   "first page after a log-out (window.acme.justLoggedOut), call "
                                   "_kmq.push(['clearIdentity']).", computer, "kept-after-logout")
        person = sc.event_person(step.view)
        if person is not None and person & theirs:
            await sc.failed(check, f"The next visitor's page view on {step.url} counted for {previous.email}.",
                            computer, "kept-after-logout")
    sc.passed(check)
    await judge_typed_email(sc, computer, previous_id)
    judge_clean(sc)


def shows_typing(value: str, email: str) -> bool:
    """The ID keeps something of how the customer typed (typed_differently): spaces, or the local part's case."""
    local = email.partition("@")[0]
    return value != value.strip() or (local.swapcase() != local.lower() and local.swapcase() in value)


def from_the_record(value: str, customer: Customer, account_id: int) -> bool:
    """The ID is made from the customer's stored record (e-mail, part of it, name or number), whatever was typed."""
    lowered = value.lower()
    return (customer.email.partition("@")[0].lower() in lowered or customer.name.lower() in lowered
            or str(account_id) in re.findall(r"\d+", value))


async def judge_typed_email(sc: ScenarioContext, visitor: Visitor, previous_id: str | None) -> None:
    """A customer logs in typing their e-mail in other case, with spaces; the shop knows the stored one. Their ID
    must come from the shop's record, not from what they typed. Whether it is a good ID (unique, the e-mail) is
    identify-after-login's and identified-by-email's concern, and whether it is kept, identity-across-pages': one
    mistake, one check."""
    customer = sc.customers.make(capitals=True)
    # The account is made at the shop directly: what is judged happens in the browser that logs in.
    account = sc.site.accounts.sign_up(customer.name, customer.email, customer.password, realm=sc.run)
    typed = typed_differently(customer.email)
    logged_in = await visitor.log_in(typed, customer.password)
    value = logged_in.km_ai
    check, said = "canonical-email", f"After logging in typing {typed!r}, km_ai was {value!r}"
    if value is None or is_anonymous_id(value):
        await sc.failed(check, explain_unnamed(value, customer, f"logging in typing {typed!r}"), visitor,
                        "nobody-identified")
    elif shows_typing(value, customer.email):
        await sc.failed(check, f"{said}: what the customer typed, not the e-mail the shop stored "
                               f"({customer.email!r}). Use window.acme.customer.email, not the form's field.",
                        visitor, "typed-email")
    elif value == previous_id:
        await sc.failed(check, f"{said}, the previous customer's ID: this log-in named nobody new. Identify at "
                               "every successful log-in with window.acme.customer.email.", visitor, "shared-id")
    elif value not in {customer.email, customer.email.lower(), str(account.id)} and not from_the_record(
            value, customer, account.id):
        as_stored = await typing_changes_the_id(visitor, customer, typed, value)
        if as_stored is not None:
            await sc.failed(check, f"{said}; logging in again typing {customer.email!r}, as the shop stored it, "
                                   f"gave {as_stored!r}, and typing {typed!r} once more gave {value!r} again: the ID "
                                   "follows what the customer typed. Use window.acme.customer.email, not the form's "
                                   "field.", visitor, "typed-email")
    sc.passed(check)


async def typing_changes_the_id(visitor: Visitor, customer: Customer, typed: str, value: str) -> str | None:
    """An ID that is nothing of the record (a hash, say) may come from the stored e-mail or from the typed one:
    the customer logs out and in again typing the e-mail as stored, then as before. The ID the stored typing gave
    if the typing alone decides the ID; None if the ID is the same whatever was typed, or new at every log-in
    (not stable: identify-after-login's concern). Costs navigations only for such IDs."""
    await visitor.log_out()
    as_stored = (await visitor.log_in(customer.email, customer.password)).km_ai
    if as_stored == value:
        return None
    await visitor.log_out()
    again = (await visitor.log_in(typed, customer.password)).km_ai
    return as_stored if again == value else None


SCENARIOS = {
    "journey": journey,
    "two-customers": two_customers,
    "shared-computer": shared_computer,
}
