"""Why a check failed, as a stable code: the class report groups learners by cause,
not by check (a display name, "KM is not defined" and an endless loop are three
different lessons). Codes are part of the JSON contract (``"cause"`` of a check)."""

from __future__ import annotations

CAUSES: dict[str, str] = {
    # the value given at sign-up and log-in
    "nobody-identified": "Nobody is identified at sign-up or log-in",
    "display-name": "Identifies by the display name (not unique)",
    "shared-id": "Gives several customers the same ID (a constant, or a shared value)",
    "unstable-id": "A customer's ID changes between log-ins or devices",
    "other-account": "Identifies with another account's e-mail (what was typed into a form that failed)",
    "not-email": "A unique ID, but not the e-mail as stored",
    "typed-email": "Identifies by what the customer typed, not the stored e-mail",
    # naming too early, keeping, linking, people
    "named-too-early": "Names visitors before a successful log-in (e.g. on each keystroke or on submit)",
    "cleared-where-unknown": "Forgets the customer on pages that cannot know them (identify(''), null, clearIdentity)",
    "identity-lost": "The identity is not kept on later pages or sessions",
    "not-linked": "The anonymous visits are not linked to the customer",
    "people-merged": "Different customers end up as one person",
    "kept-after-logout": "The next person after a log-out counts as the previous customer",
    # code and page
    "cookie-written": "Writes km_* cookies by hand",
    "km-before-load": "Calls KM before the library has loaded",
    "no-guard": "No guard for pages without a customer (window.acme.customer is null)",
    "syntax-error": "The snippet is not valid JavaScript",
    "page-error": "The snippet throws an error",
    "endless-loop": "The snippet never finishes (an endless loop)",
    "page-broken": "The snippet breaks the page (navigates away, closes it, removes the form)",
    "grader-error": "The grader's browser failed (not the learner's doing)",
}


def error_cause(message: str) -> str:
    """The cause of a page error, from its message."""
    if "KM is not defined" in message:
        return "km-before-load"
    if "Cannot read properties of null" in message or "is null" in message:
        return "no-guard"
    if "SyntaxError" in message or "Unexpected" in message:
        return "syntax-error"
    return "page-error"
