"""Each corpus snippet passes and fails exactly the checks it should, in a real browser,
and each failure names its cause (the class report groups learners by it)."""

import pytest

from autograder.checks import run_checks
from autograder.checks.causes import CAUSES

from .corpus import BONUS, CORE, CORPUS

pytestmark = pytest.mark.browser

# The cause a few telling mistakes must be reported with, check by check.
EXPECTED_CAUSES = {
    "display-name": {"identify-after-login": "display-name", "distinct-people": "display-name"},
    "constant-guest-when-known": {"identify-after-login": "shared-id"},
    "customer-id": {"identified-by-email": "not-email"},
    "km-directly-before-load": {"no-page-errors": "km-before-load", "identify-after-login": "nobody-identified"},
    "no-guard": {"no-page-errors": "no-guard"},
    "syntax-error": {"no-page-errors": "syntax-error"},
    "clears-where-unknown": {"identity-across-pages": "cleared-where-unknown"},
    "writes-km-ai-with-expiry": {"no-cookie-writes": "cookie-written"},
    "typed-login-email": {"canonical-email": "typed-email"},
    "hash-of-typed-email": {"canonical-email": "typed-email"},
    "random-id": {"identify-after-login": "unstable-id"},
    "identifies-when-the-email-field-changes": {"anonymous-before-login": "named-too-early"},
    "identifies-on-each-keystroke": {"anonymous-before-login": "named-too-early", "distinct-people": "people-merged"},
    "track-submit-with-an-id": {"identify-after-login": "other-account"},
    "correct-if-guard": {"shared-computer": "kept-after-logout"},
    "endless-loop": {"identify-after-login": "endless-loop"},
}


@pytest.mark.parametrize("name", list(CORPUS))
def test_snippet_gets_the_verdicts_it_deserves(name):
    snippet, should_fail = CORPUS[name]
    report = run_checks(snippet, seed=11)
    failed = {check.id for check in report.checks if not check.passed}
    details = "\n".join(f"{c.id}: {c.message}" for c in report.checks if not c.passed)
    assert failed == should_fail, f"{name}\n{details}"
    for check in report.checks:
        assert check.points == (check.max_points if check.passed else 0)
        if not check.passed:
            assert check.message, f"{check.id} failed without a message"
            assert check.cause in CAUSES, (check.id, check.cause, check.message)
        else:
            assert check.cause is None
    causes = {check.id: check.cause for check in report.checks if not check.passed}
    for check_id, cause in EXPECTED_CAUSES.get(name, {}).items():
        assert causes[check_id] == cause, (name, check_id, causes[check_id], details)


def test_the_corpus_is_big_enough_and_covers_every_check():
    assert len(CORPUS) >= 15
    failed_somewhere = set().union(*(fails for _, fails in CORPUS.values()))
    assert failed_somewhere == set(CORE) | set(BONUS)
    assert any(not fails for _, fails in CORPUS.values()), "one snippet must pass everything"
    assert set(EXPECTED_CAUSES) <= set(CORPUS)
