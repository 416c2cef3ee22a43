"""The grading rules alone: what each cell scores from the kernel's claims and the
grader's own verdicts, the tamper flags, the deleted and edited cells and the notes.
No browser, no kernel, no files."""

import json

import nbformat

from autograder.grading.jobs import GradeResult
from autograder.grading.recheck import Verdict
from autograder.grading.scoring_rules import (apply_recheck, apply_trusted_checks, last_error, locked_sources,
                                              settle, trusted_check_passes)

LOGIN, EMAIL, PAGES = "test_identify_after_login", "test_identified_by_email", "test_identity_across_pages"


def report(**passed):
    """A trusted report's JSON: check id -> passed."""
    return {"checks": [{"id": check_id.replace("_", "-"), "passed": ok} for check_id, ok in passed.items()]}


def cell(source, grade_id, **meta):
    made = nbformat.v4.new_code_cell(source)
    made.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, **meta}
    return made


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return json.loads(nbformat.writes(nb))


def test_a_check_passes_only_when_every_seed_passed_it_and_not_at_all_without_reports():
    """A check cell counts as passed when every seed's report passed it; no report passes nothing."""
    passes = trusted_check_passes({"7": report(identify_after_login=True, identified_by_email=True),
                                   "1913": report(identify_after_login=True, identified_by_email=False)})
    assert passes[LOGIN] is True and passes[EMAIL] is False
    assert not any(trusted_check_passes({}).values())


def test_trusted_checks_decide_the_check_cells_and_flag_only_a_kernel_that_claimed_more():
    """Passed: the cell's points; failed: none, and a flag naming both scores when the kernel claimed more.
    A kernel that claimed less (it stopped early) is not flagged; cells the course lacks stay absent."""
    result = GradeResult("ada", graded=True, checks={"7": report(identify_after_login=True,
                                                                identified_by_email=False)},
                         cells={LOGIN: [0.0, 4.0], EMAIL: [3.0, 3.0], PAGES: [2.0, 2.0], "test_double": [2.0, 2.0]})
    apply_trusted_checks(result)
    assert result.cells == {LOGIN: [4.0, 4.0], EMAIL: [0.0, 3.0], PAGES: [2.0, 2.0], "test_double": [2.0, 2.0]}
    assert result.flags == [f"tampering suspected: {EMAIL} scored 3 in the learner's kernel, "
                            "0 in the grader's own browser run"]


def test_the_recheck_decides_exercises_and_what_it_could_not_judge_earns_nothing_without_a_flag():
    """A failed re-check scores 0 and flags a kernel that claimed the points; a test it had no time
    for scores 0, is listed and not flagged; a passed one earns full points."""
    result = GradeResult("ada", graded=True, cells={"a": [2.0, 2.0], "b": [2.0, 2.0], "c": [0.0, 1.0]})
    apply_recheck(result, {"a": Verdict(False, "AssertionError: negative numbers double too"),
                           "b": Verdict(False, "out of time", judged=False), "c": Verdict(True, ""),
                           "gone": Verdict(True, "")})
    assert result.cells == {"a": [0.0, 2.0], "b": [0.0, 2.0], "c": [1.0, 1.0]}
    assert result.not_rechecked == ["b"]
    assert result.flags == ["tampering suspected: a scored 2 in the learner's kernel, 0 when re-checked "
                            "outside it (AssertionError: negative numbers double too)"]


def test_deleted_cells_score_nothing_and_the_reason_lists_every_note_in_order():
    """A deleted graded cell scores 0 whatever was found; the reason names a time-out, the edited and
    deleted cells, repeated cell ids, then the other notes, joined by '; ', empty notes left out."""
    source = notebook(cell("assert f() == 1\n### BEGIN HIDDEN TESTS\nassert f() == 2\n### END HIDDEN TESTS",
                           "test_f", grade=True, locked=True, points=1),
                      cell("assert g()", "test_g", grade=True, locked=True, points=1))
    locked = locked_sources(source)
    assert locked == {"test_f": "assert f() == 1", "test_g": "assert g()"}
    submitted = notebook(cell("assert True", "test_f"), cell("x = 1", "mine"), cell("y = 2", "mine2"))
    submitted["cells"][1]["id"] = submitted["cells"][2]["id"] = "twin"
    result = GradeResult("ada", graded=True, cells={"test_f": [1.0, 1.0], "test_g": [1.0, 1.0]},
                         autograded='{"ename": "NotebookTimeout"}')
    settle(result, submitted, graded_ids=["test_f", "test_g"], locked_sources=locked, notebook_timeout_s=10,
           notes=["", "repaired: one cell"])
    assert result.cells == {"test_f": [1.0, 1.0], "test_g": [0.0, 1.0]}
    assert result.reason == (
        "did not finish within 10 s (a cell ran too long); points for what ran; "
        "graded cells changed (edited: test_f (graded as the course has them); deleted: test_g (no points)); "
        "cell ids repeated (twin): the copies got new ids, cells were matched by their nbgrader grade ids; "
        "repaired: one cell")


def test_an_untouched_notebook_that_ran_to_its_end_has_no_reason():
    source = notebook(cell("assert g()", "test_g", grade=True, locked=True, points=1))
    result = GradeResult("ada", graded=True, cells={"test_g": [1.0, 1.0]}, autograded="{}")
    settle(result, source, graded_ids=["test_g"], locked_sources=locked_sources(source), notebook_timeout_s=10,
           notes=[])
    assert result.reason == "" and result.cells == {"test_g": [1.0, 1.0]}


def test_a_dead_kernel_is_named_in_the_reason():
    result = GradeResult("ada", graded=True, autograded='{"ename": "KernelDied"}')
    settle(result, notebook(), graded_ids=[], locked_sources={}, notebook_timeout_s=10, notes=[])
    assert result.reason == "the kernel died (the code crashed it or used too much memory); points for what ran"


def test_nbgraders_failure_is_told_as_the_learners_format_error_or_as_the_graders_problem():
    """The traceback's last cause decides: a notebook-format error asks the learner to save it again;
    anything else is the grader's problem, to grade again with --force."""
    broken = last_error({"log": "Traceback\njsonschema.exceptions.ValidationError: 'cells' is required\n"
                                "[ERROR] Please see the above traceback"})
    assert broken.startswith("the notebook does not follow the notebook format (jsonschema.exceptions."
                             "ValidationError: 'cells' is required): open it in Jupyter")
    ours = last_error({"error": "nbgrader.NbGraderException: failed", "log": "OSError: disk full"})
    assert ours == "the grader failed on this notebook (OSError: disk full): a grader problem; grade it again " \
                   "with --force"
    assert last_error({"log": "something went wrong\n[ERROR] it failed"}) == "[ERROR] it failed"


def test_a_recheck_that_ran_out_of_time_does_not_promise_that_a_regrade_helps():
    """Out of time, a loop that never ends fails again, so the note says a regrade helps only on a busy
    machine; a re-check that could not start (the grader's trouble) says to regrade."""
    from autograder.grading.recheck import not_rechecked_note

    late = not_rechecked_note(["test_double"], {"test_double": Verdict(False, "the re-check ran out of time",
                                                                       judged=False, timed_out=True)})
    assert late == ("could not re-check test_double: the re-check ran out of time; not confirmed, so no points "
                    "(not a sign of tampering; a regrade helps only if the machine was busy: code that never ends "
                    "runs out of time again)")
    broken = not_rechecked_note(["test_double"], {"test_double": Verdict(False, "the re-check could not start: "
                                                                         "no bwrap", judged=False)})
    assert broken.endswith("(not a sign of tampering: regrade to try again)")
    assert not_rechecked_note([], {}) == ""
