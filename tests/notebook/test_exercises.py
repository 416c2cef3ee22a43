"""The Python exercises' test cells (hidden tests included) tell right answers
from wrong ones, and accept the answer formats the notebook promises.
They run here in plain Python, as the grader's re-check runs them."""

from pathlib import Path

import nbformat
import pytest

from autograder.notebook_paths import ASSIGNMENT

SOURCE = Path(__file__).resolve().parents[2] / "notebooks" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def cell(grade_id: str) -> str:
    nb = nbformat.read(str(SOURCE), as_version=4)
    source = next(c.source for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id)
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


def test_the_reference_and_another_correct_style_pass_everything():
    assert passes(cell("person_id"), "test_person_id_visible") and passes(cell("person_id"), "test_person_id_hidden")
    assert passes(person_id_with(REGEX), "test_person_id_hidden")


@pytest.mark.parametrize("name", sorted(WRONG))
def test_wrong_person_id_fails_the_hidden_tests(name):
    assert not passes(person_id_with(WRONG[name]), "test_person_id_hidden")


def test_the_stub_fails_both_tests():
    stub = person_id_with("    # YOUR CODE HERE\n    raise NotImplementedError()")
    assert not passes(stub, "test_person_id_visible") and not passes(stub, "test_person_id_hidden")


QUIZ = 'same_id_for_many = {0!r}\ncan_be_undone = {1!r}\ncookie_name = {2!r}\nbest_identifier = {3!r}'


@pytest.mark.parametrize("answers", [("a", False, "km_ai", "b"), ("A", False, " km_ai ", "(b)"),
                                     ("a)", False, "'km_ai'", "B")])
def test_quiz_accepts_the_promised_formats(answers):
    assert passes(QUIZ.format(*answers), "test_quiz")


@pytest.mark.parametrize("answers", [("b", False, "km_ai", "b"), ("a", True, "km_ai", "b"), ("a", "no", "km_ai", "b"),
                                     ("a", False, "km_ni", "b"), ("a", False, "km_ai", "a"), ("a", 0, "km_ai", "b")])
def test_quiz_refuses_wrong_answers(answers):
    assert not passes(QUIZ.format(*answers), "test_quiz")
