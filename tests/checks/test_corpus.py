"""Each corpus snippet passes and fails exactly the checks it should, in a real browser."""

import pytest

from autograder.checks import run_checks

from .corpus import BONUS, CORE, CORPUS

pytestmark = pytest.mark.browser


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


def test_the_corpus_is_big_enough_and_covers_every_check():
    assert len(CORPUS) >= 15
    failed_somewhere = set().union(*(fails for _, fails in CORPUS.values()))
    assert failed_somewhere == set(CORE) | set(BONUS)
    assert any(not fails for _, fails in CORPUS.values()), "one snippet must pass everything"
