"""The benchmark's classes: in the realistic one every learner's snippet is different text and
different code, and still the behaviour it was made from (the same verdicts in a real browser);
in the reformatted one, different text and the same code."""

import pytest

from autograder.checks import run_checks
from autograder.checks.same_code import canonical_code, judged_code
from autograder.grading.synthetic import SNIPPETS, in_own_layout, in_own_words


def test_no_two_learners_write_the_same_snippet():
    learners = [f"learner_{n}" for n in range(30)]
    written = {in_own_words(SNIPPETS["if-guard"], name, n) for n, name in enumerate(learners)}
    assert len(written) == 30


@pytest.mark.parametrize("behaviour", SNIPPETS)
def test_own_words_are_other_code_and_own_layout_the_same(behaviour):
    """The realistic class shares no verdict (three codes per behaviour, as the checks see code);
    the reformatted class shares them all (one code: only comments and layout differ)."""
    proven = canonical_code(SNIPPETS[behaviour]) is not None  # else judged as written: every text its own
    words = {judged_code(in_own_words(SNIPPETS[behaviour], f"learner_{n}", n)) for n in range(6)}
    assert len(words) == (3 if proven else 6)
    layouts = {in_own_layout(SNIPPETS[behaviour], f"learner_{n}", n) for n in range(6)}
    assert len(layouts) == 6
    assert len({judged_code(text) for text in layouts}) == (1 if proven else 6)


@pytest.mark.browser
@pytest.mark.parametrize("behaviour", ["if-guard", "display-name", "no-guard", "function-push"])
def test_own_words_keep_the_verdicts(behaviour):
    def failed(snippet):
        return sorted(check.id for check in run_checks(snippet, seed=7).checks if not check.passed)

    expected = failed(SNIPPETS[behaviour])
    for style in range(3):
        assert failed(in_own_words(SNIPPETS[behaviour], "ada_lovelace", style)) == expected, style
