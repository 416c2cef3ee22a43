"""The Python exercises' test cells (hidden tests included) tell right answers
from wrong ones, and accept the answer formats the notebook promises.
They run here in plain Python, as the grader's re-check runs them."""

import re
from pathlib import Path

import nbformat
import pytest

from autograder.notebook_paths import ASSIGNMENT

SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def cell(grade_id: str, *, hidden: bool = True) -> str:
    """A cell's code as the grader runs it (hidden tests included), or as the learner sees it."""
    nb = nbformat.read(str(SOURCE), as_version=4)
    source = next(c.source for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)
    if not hidden:
        source = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", "", source, flags=re.S)
    return "\n".join(line for line in source.splitlines() if "### BEGIN" not in line and "### END" not in line)


def passes(solution: str, test_id: str) -> bool:
    namespace: dict = {}
    exec(solution, namespace)
    try:
        exec(cell(test_id), namespace)
    except AssertionError:
        return False
    except Exception:  # a crash in the learner's function fails the test too
        return False
    return True


def person_id_with(body: str) -> str:
    return "from urllib.parse import unquote\n\ndef person_id(cookie_header):\n" + body


REGEX = '''    import re
    if not isinstance(cookie_header, str):
        return None
    found = re.search(r"(?:^|;)\\s*km_ai=([^;]*)", cookie_header)
    return (unquote(found.group(1).strip()) or None) if found else None'''
WRONG = {
    "naive-split": '    return unquote(cookie_header.split("km_ai=")[1].split(";")[0])',
    "forgets-to-decode": '''    for part in (cookie_header or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "km_ai":
            return value
    return None''',
    "substring-match": '''    if not isinstance(cookie_header, str):
        return None
    for part in cookie_header.split(";"):
        if "km_ai=" in part:
            return unquote(part.split("=", 1)[1].strip()) or None
    return None''',
    "plus-as-space": '''    from urllib.parse import unquote_plus
    if not isinstance(cookie_header, str):
        return None
    for part in cookie_header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name == "km_ai":
            return unquote_plus(value.strip()) or None
    return None''',
}


# Common wrong answers the hidden tests catch: the visible ones must catch them too (an honest signal).
WRONG_VISIBLY = {
    "split-on-semicolon-space": '''    for part in cookie_header.split("; "):
        name, sep, value = part.partition("=")
        if sep and name == "km_ai":
            return unquote(value) or None
    return None''',
    "no-type-check": '''    for part in (cookie_header or "").split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name == "km_ai":
            return unquote(value.strip()) or None
    return None''',
    "substring-match": WRONG["substring-match"],
}


@pytest.mark.parametrize("name", sorted(WRONG_VISIBLY))
def test_common_wrong_person_id_fails_the_visible_tests_too(name):
    assert not passes(person_id_with(WRONG_VISIBLY[name]), "test_person_id_visible")
    assert not passes(person_id_with(WRONG_VISIBLY[name]), "test_person_id_hidden")


def test_the_reference_and_another_correct_style_pass_everything():
    assert passes(cell("person_id"), "test_person_id_visible") and passes(cell("person_id"), "test_person_id_hidden")
    assert passes(person_id_with(REGEX), "test_person_id_hidden")


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_person_id_fails_the_hidden_tests(name):
    assert not passes(person_id_with(WRONG[name]), "test_person_id_hidden")


def test_the_stub_fails_both_tests():
    stub = person_id_with("    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert not passes(stub, "test_person_id_visible") and not passes(stub, "test_person_id_hidden")


RIGHT = {"same_id_for_many": "a", "can_be_undone": False, "cookie_name": "km_ai", "best_identifier": "b",
         "person_or_account": "c"}
QUIZ_CELLS = {"same_id_for_many": "test_quiz", "can_be_undone": "test_quiz_undo", "cookie_name": "test_quiz_cookie",
              "best_identifier": "test_quiz_identifier", "person_or_account": "test_quiz_account"}
WRONG_ANSWERS = {"same_id_for_many": ["b", "c", "", None], "can_be_undone": [True, "no", 0, None],
                 "cookie_name": ["km_ni", "km_lv", "", None], "best_identifier": ["a", "c", "d", None],
                 "person_or_account": ["a", "b", None]}


def quiz(**answers) -> str:
    return "\n".join(f"{name} = {value!r}" for name, value in {**RIGHT, **answers}.items())


@pytest.mark.parametrize("answers", [{}, {"same_id_for_many": "A", "cookie_name": " km_ai ", "best_identifier": "(b)"},
                                     {"same_id_for_many": "a)", "cookie_name": "'km_ai'", "best_identifier": "B",
                                      "person_or_account": "(C)"}])
def test_quiz_accepts_the_promised_formats(answers):
    for test_id in QUIZ_CELLS.values():
        assert passes(quiz(**answers), test_id), test_id


@pytest.mark.parametrize("question, wrong", [(q, w) for q, ws in WRONG_ANSWERS.items() for w in ws])
def test_a_wrong_answer_fails_its_own_visible_test_and_only_that_one(question, wrong):
    """Each answer earns its own points, and the learner sees right/wrong for it before submitting."""
    visible = {test_id: cell(test_id, hidden=False) for test_id in QUIZ_CELLS.values()}
    for answered, test_id in QUIZ_CELLS.items():
        namespace: dict = {}
        exec(quiz(**{question: wrong}), namespace)
        for source in (visible[test_id], cell(test_id)):
            try:
                exec(source, dict(namespace))
                ok = True
            except AssertionError:
                ok = False
            assert ok is (answered != question), (answered, test_id)


def test_the_visible_quiz_tests_do_not_give_the_answers_away():
    for question, test_id in QUIZ_CELLS.items():
        answer, source = RIGHT[question], cell(test_id, hidden=False)
        if isinstance(answer, str):
            assert f'"{answer}"' not in source and f"'{answer}'" not in source, test_id
    assert "km_ai" not in cell("test_quiz_cookie", hidden=False)


def test_the_cookie_answer_explains_km_ni():
    assert "km_ni" in cell("test_quiz_cookie") and "km_ni" not in cell("test_quiz_cookie", hidden=False)
