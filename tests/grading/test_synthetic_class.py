"""The benchmark's realistic class: every learner's snippet is different text and different
tokens, and still the behaviour it was made from (the same verdicts in a real browser)."""

import pytest

from autograder.checks import run_checks
from autograder.grading.synthetic import SNIPPETS, in_own_words


def test_no_two_learners_write_the_same_snippet():
    learners = [f"learner_{n}" for n in range(30)]
    written = {in_own_words(SNIPPETS["if-guard"], name, n) for n, name in enumerate(learners)}
    assert len(written) == 30
    def tokens(text):  # what is left once comments and spacing are set aside (a tokenizer would see)
        return tuple(" ".join(line for line in text.splitlines() if not line.lstrip().startswith("//")).split())

    assert len({tokens(text) for text in written}) == 3  # three styles of code, not only of comments


@pytest.mark.browser
@pytest.mark.parametrize("behaviour", ["if-guard", "display-name", "no-guard", "function-push"])
def test_own_words_keep_the_verdicts(behaviour):
    def failed(snippet):
        return sorted(check.id for check in run_checks(snippet, seed=7).checks if not check.passed)

    expected = failed(SNIPPETS[behaviour])
    for style in range(3):
        assert failed(in_own_words(SNIPPETS[behaviour], "ada_lovelace", style)) == expected, style
