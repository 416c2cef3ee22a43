"""The trusted re-check: learner code runs where it can reach no secret and no
result channel, answers are judged by value and exact type, and a re-check that
ran out of time says so instead of failing the learner."""

import textwrap

import pytest

from autograder.grading import recheck
from autograder.grading.sandbox import Policy, sandbox_available

from .mini_course import source_notebook

TESTS = {"test_double": "assert double(2) == 4\nassert double(-3) == -6, 'negative numbers double too'"}
CONFINE = sandbox_available()  # confined where bubblewrap works; the design must hold either way


def recheck_of(*cells: str, tests=None, timeout_s: float = 20, tmp_path) -> dict:
    return recheck.run([textwrap.dedent(cell) for cell in cells], tests or TESTS, workdir=tmp_path / "recheck",
                       policy=Policy(cpu_s=int(timeout_s) + 1, confine=CONFINE), timeout_s=timeout_s)


def passed(outcome: dict, grade_id: str = "test_double") -> bool:
    return outcome[grade_id][0] is True


WRONG = "def double(x):\n    return x + 2"  # passes double(2) == 4 only

# Forgers that know nothing of the grader's code: they look for whatever looks like a
# secret (a nonce, the test ids) in every frame, every object, and write "all passed" to
# the first file descriptor that takes it, then leave before anything else runs.
FIND_AND_FORGE = '''
import gc, inspect, json, os, sys
def _forge(found):
    nonces = [d["nonce"] for d in found if isinstance(d.get("nonce"), str)]
    tests = [g for d in found if isinstance(d.get("tests"), dict) for g in d["tests"]] or ["test_double"]
    for nonce in nonces or [""]:
        message = json.dumps({"nonce": nonce, "results": {g: [True, ""] for g in tests}}).encode()
        for fd in range(1, 64):  # the first one that takes it
            try:
                os.write(fd, message)
                break
            except OSError:
                pass
    os._exit(0)
'''
ATTACKS = {
    "walks-frames": FIND_AND_FORGE + '''
found, frame = [], sys._getframe()
while frame is not None:
    found += [frame.f_locals] + [v for v in frame.f_locals.values() if isinstance(v, dict)]
    frame = frame.f_back
_forge(found)''',
    "walks-the-heap": FIND_AND_FORGE + '''
_forge([o for o in gc.get_objects() if isinstance(o, dict) and ("nonce" in o or "tests" in o)])''',
    "inspects-the-stack": FIND_AND_FORGE + '''
found = []
for info in inspect.stack():
    found += [info.frame.f_locals] + [v for v in info.frame.f_locals.values() if isinstance(v, dict)]
_forge(found)''',
    "patches-the-results-writer": '''
import json
_real = json.dumps
def _all_passed(obj, *args, **kwargs):
    if isinstance(obj, dict) and isinstance(obj.get("results"), dict):
        obj = dict(obj, results={g: [True, ""] for g in obj["results"]})
    return _real(obj, *args, **kwargs)
json.dumps = _all_passed''',
    "raises-an-error-that-forges-when-printed": FIND_AND_FORGE + '''
class Sneaky(Exception):
    def __str__(self):
        _forge([o for o in gc.get_objects() if isinstance(o, dict) and ("nonce" in o or "tests" in o)])
def double(x):
    raise Sneaky()''',
    "patches-builtins": '''
import builtins
builtins.AssertionError = type("AssertionError", (Exception,), {})
builtins.Exception = builtins.BaseException = object
builtins.isinstance = lambda *args: True''',
    "exits-with-success": 'import os\nos.write(1, b\'{"results": {"test_double": [true, ""]}}\')\nos._exit(0)',
}


def test_the_reference_passes_and_a_wrong_answer_fails(tmp_path):
    assert passed(recheck_of("def double(x):\n    return 2 * x", tmp_path=tmp_path))
    outcome = recheck_of(WRONG, tmp_path=tmp_path)
    assert not passed(outcome) and "negative numbers double too" in outcome["test_double"][1]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_learner_code_cannot_forge_the_verdict(name, tmp_path):
    """A frame walk, a heap walk, a forged message on any inherited fd, a patched writer
    or patched builtins, an os._exit(0): only ever the learner's loss."""
    outcome = recheck_of(WRONG, ATTACKS[name], tmp_path=tmp_path)
    assert not passed(outcome), outcome


def test_a_learner_cell_that_exits_does_not_spoil_the_verdict_of_a_right_answer(tmp_path):
    # (the tests are judged in the grader's process: the learner's own process ending
    # costs what it costs, never more than the learner's points)
    outcome = recheck_of("def double(x):\n    return 2 * x", "import os\nos._exit(0)", tmp_path=tmp_path)
    assert not passed(outcome)


FORGED_VALUES = {
    "equal-to-everything": '''
class Anything:
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    def __hash__(self):
        return hash(4)
def double(x):
    return Anything()''',
    "int-subclass": '''
class Int(int):
    def __eq__(self, other):
        return True
    __hash__ = int.__hash__
def double(x):
    return Int(0)''',
    "proxy-posing-as-int": '''
class Proxy:
    __class__ = property(lambda self: int)
    def __eq__(self, other):
        return True
    __hash__ = lambda self: 4
def double(x):
    return Proxy()''',
    "raises-on-repr": '''
class Shy:
    def __eq__(self, other):
        return True
    def __repr__(self):
        raise RuntimeError("no repr for you")
    __str__ = __repr__
def double(x):
    return Shy()''',
}


@pytest.mark.parametrize("name", sorted(FORGED_VALUES))
def test_objects_that_only_claim_to_be_the_answer_fail(name, tmp_path):
    outcome = recheck_of(FORGED_VALUES[name], tmp_path=tmp_path)
    assert not passed(outcome), outcome


def test_course_quiz_answers_posing_as_strings_fail_in_the_recheck(tmp_path):
    from tests.notebook.test_exercises import cell

    liar = '''
class Liar(str):
    """A str that equals everything and strips to itself."""
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = lambda self: hash("a")
    def strip(self, *args):
        return self
    def lower(self):
        return self
same_id_for_many = Liar("?")
can_be_undone = False
cookie_name = Liar("?")
best_identifier = Liar("?")'''
    honest = 'same_id_for_many = "a"\ncan_be_undone = False\ncookie_name = "km_ai"\nbest_identifier = "(B)"'
    tests = {"test_quiz": cell("test_quiz")}
    assert passed(recheck_of(honest, tests=tests, tmp_path=tmp_path), "test_quiz")
    assert not passed(recheck_of(liar, tests=tests, tmp_path=tmp_path), "test_quiz")


def test_a_recheck_that_runs_out_of_time_is_not_a_failure(tmp_path):
    """Slow is not cheating: the verdict says the test could not be judged."""
    outcome = recheck_of("def double(x):\n    return 2 * x", "import time\ntime.sleep(30)", timeout_s=1.5,
                         tmp_path=tmp_path)
    verdict = outcome["test_double"]
    assert verdict.passed is False and verdict.judged is False, verdict
    assert "time" in verdict.message
    # a process the learner's own code ended is the learner's doing: judged, and failed
    ended = recheck_of("import os\nos._exit(3)", tmp_path=tmp_path)["test_double"]
    assert ended.judged is True and ended.passed is False


def test_the_learner_process_sees_no_test_and_no_hidden_test(tmp_path):
    """What the learner's code can read about the grading: nothing of the tests."""
    spy = '''
import gc, sys
seen = repr([o for o in gc.get_objects() if isinstance(o, (dict, str, list))])
frame = sys._getframe()
while frame is not None:
    seen += repr(frame.f_locals)
    frame = frame.f_back
def double(x):
    if "negative numbers " + "double too" in seen:  # (not spelt whole: its own source is in memory too)
        return 2 * x
    return None'''
    assert not passed(recheck_of(spy, tmp_path=tmp_path))


def test_plan_reads_the_mini_course():
    solutions, tests = recheck.plan(source_notebook(), skip={"test_identify_after_login"})
    assert solutions == ["double"] and list(tests) == ["test_double"]


def test_big_values_and_noisy_cells_do_not_cost_a_right_answer(tmp_path):
    cells = ['print("hello " * 10000)', 'big = "x" * 3_000_000\ntable = {i: [i] * 3 for i in range(50_000)}',
             "import sys\nsys.stdout.write('{\"names\": {}}\\n')", "def double(x):\n    return 2 * x"]
    assert passed(recheck_of(*cells, tmp_path=tmp_path))


def test_starting_the_process_is_not_counted_against_the_learner(tmp_path):
    """A notebook that took 0.3 s leaves its re-check 0.3 s for the learner's code, however
    long bubblewrap and Python take to start on a busy grader."""
    for _ in range(3):
        outcome = recheck_of("def double(x):\n    return 2 * x", timeout_s=0.3, tmp_path=tmp_path)
        assert outcome["test_double"].judged and passed(outcome), outcome


def test_the_bound_leaves_room_for_a_busier_moment_and_never_passes_the_notebooks_limit():
    """Re-run at another moment of a busy batch, the same cells may take twice as long: the bound
    allows that, so an honest learner's points do not depend on the host's load."""
    assert recheck.bound_s(0.3, 120) == pytest.approx(10.6)
    assert recheck.bound_s(40, 120) == 90
    assert recheck.bound_s(100, 120) == 120
    assert recheck.bound_s(None, 120) == 120  # the notebook's time unknown: its limit
