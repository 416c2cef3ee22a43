"""In the learner's kernel too, the course's tests judge an answer by its value and
exact type: objects that only claim to equal the answer (an ``__eq__`` that always
says yes, str subclasses that strip to themselves, proxies posing as a str, objects
that raise on ``repr``) fail the tests they did not earn."""

import pytest

from tests.notebook.test_exercises import cell, passes

POSERS = '''
import re


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __hash__(self):
        return hash("a")


class EqualStr(str):  # isinstance(x, str), equal to everything, strips and lowers to itself
    __eq__ = AlwaysEqual.__eq__
    __ne__ = AlwaysEqual.__ne__
    __hash__ = AlwaysEqual.__hash__

    def strip(self, *args):
        return self

    lower = upper = strip


class PosingAsStr(AlwaysEqual):
    __class__ = property(lambda self: str)  # isinstance(x, str) is True


class RaisesOnRepr(AlwaysEqual):
    def __repr__(self):
        raise RuntimeError("no repr")

    __str__ = __repr__
'''
KINDS = ["AlwaysEqual()", 'EqualStr("?")', "PosingAsStr()", "RaisesOnRepr()"]


@pytest.mark.parametrize("poser", KINDS)
def test_a_person_id_that_never_decodes_but_returns_posers_fails(poser):
    # finds km_ai as the tests ask, returns None where they want None, and a poser elsewhere
    solution = POSERS + f'''
def person_id(cookie_header):
    if type(cookie_header) is not str:
        return None
    found = re.search(r"(?:^|;)\\s*km_ai=([^;]*)", cookie_header)
    return {poser} if found and found.group(1).strip() else None
'''
    assert not passes(solution, "test_person_id_visible")
    assert not passes(solution, "test_person_id_hidden")


@pytest.mark.parametrize("poser", KINDS)
def test_quiz_answers_that_pose_as_the_right_letters_fail(poser):
    solution = POSERS + f"same_id_for_many = {poser}\ncan_be_undone = False\ncookie_name = {poser}\n" \
                        f"best_identifier = {poser}"
    assert not passes(solution, "test_quiz")


def test_the_helper_compares_plain_values_by_exact_type():
    from autograder.notebook.answers import plain_str, same

    namespace: dict = {}
    exec(POSERS, namespace)
    assert same("ann@example.com", "ann@example.com") and same(None, None) and same(False, False)
    assert not same(0, False) and not same(1, True) and not same(4.0, 4) and not same(b"a", "a")
    for poser in KINDS:
        value = eval(poser, namespace)
        assert not same(value, "a") and plain_str(value) is None
    assert plain_str(" (b) ") == " (b) " and plain_str(None) is None


def test_the_test_cells_use_the_helper_and_keep_their_messages():
    for grade_id in ("test_person_id_visible", "test_person_id_hidden", "test_quiz"):
        assert "from autograder.notebook.answers import" in cell(grade_id)
    assert "decode %2F too" in cell("test_person_id_hidden")
