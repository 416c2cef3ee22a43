"""The checks: stable ids (DESIGN.md), titles, points, and the scenario that
judges each. Points are part of a check's definition; bonus points are separate."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import UnusableInput


@dataclass(frozen=True)
class CheckSpec:
    id: str
    title: str
    points: int
    scenarios: tuple[str, ...]  # every one of them must find the check passed
    bonus: bool = False


# The scenarios (see scenarios.py); cross-cutting checks are judged on every page of all of them.
EVERY_SCENARIO = ("journey", "two-customers", "shared-computer")

# Where customers log in: the journey (sign-up, and a log-in after the browser was reopened) and the
# two customers (one signs up, the other logs in on a new device).
LOG_INS = ("journey", "two-customers")

CHECKS: tuple[CheckSpec, ...] = (
    CheckSpec("anonymous-before-login", "A visitor keeps an anonymous ID until they have logged in", 2, LOG_INS),
    CheckSpec("identify-after-login", "After every sign-up and log-in, km_ai names the customer by a unique, stable "
              "ID", 3, LOG_INS),
    CheckSpec("identified-by-email", "That ID is the customer's e-mail, as the shop stored it", 1, LOG_INS),
    CheckSpec("identity-across-pages", "Later pages, blog included, keep the customer's identity", 3, ("journey",)),
    CheckSpec("identity-across-sessions", "After the browser is closed and reopened, the visitor is still the customer",
              2, ("journey",)),
    CheckSpec("distinct-people", "Different customers (even with the same name) stay different people", 3,
              ("two-customers",)),
    CheckSpec("anonymous-linked", "Visits before log-in count for the customer (anonymous ID linked)", 2, LOG_INS),
    CheckSpec("no-cookie-writes", "The snippet never writes km_* cookies itself", 2, EVERY_SCENARIO),
    CheckSpec("no-page-errors", "The snippet throws no error on any page", 2, EVERY_SCENARIO),
    CheckSpec("canonical-email", "A customer who types their e-mail differently is still identified the same way",
              2, ("shared-computer",), bonus=True),
    CheckSpec("shared-computer", "After a log-out, the next visitor on that browser is not the previous customer",
              2, ("shared-computer",), bonus=True),
)
BY_ID = {check.id: check for check in CHECKS}
MAX_SCORE = sum(check.points for check in CHECKS if not check.bonus)
BONUS_MAX_SCORE = sum(check.points for check in CHECKS if check.bonus)


def select(only: str | list[str] | tuple[str, ...] | None) -> list[CheckSpec]:
    """The checks to run, in catalogue order; ``only`` may be ids or 'a,b'."""
    if not only:
        return list(CHECKS)
    ids = [part.strip() for part in (only.split(",") if isinstance(only, str) else only) if part.strip()]
    unknown = [i for i in ids if i not in BY_ID]
    if unknown:
        raise UnusableInput(f"unknown check id {', '.join(unknown)}; known ids: {', '.join(BY_ID)}")
    return [check for check in CHECKS if check.id in ids]
