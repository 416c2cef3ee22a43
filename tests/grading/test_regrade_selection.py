"""--learner ID regrades just those learners; the rest keep their last results from the ledger;
--force still means everyone."""

from __future__ import annotations

import pytest

from autograder.cli import build_parser
from autograder.errors import UnusableInput
from autograder.grading.intake import Submission
from autograder.grading.ledger import Ledger
from autograder.grading.regrade import choose_work


def submissions(tmp_path, names):
    out = []
    for name in names:
        path = tmp_path / "submitted" / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f'{{"cells": [], "who": "{name}"}}')
        out.append(Submission(learner=name, path=path, origin=path.name))
    return out


def prints(subs, version="1"):
    return {s.learner: f"{s.learner}-{version}" for s in subs}


def stored(ledger, subs, version="1"):
    for s in subs:
        ledger.record(s.learner, f"{s.learner}-{version}", {"learner": s.learner, "graded": True, "reason": ""})


def test_named_learners_are_regraded_and_the_others_keep_their_results(tmp_path):
    subs = submissions(tmp_path, ["ann", "bob", "cat"])
    ledger = Ledger(tmp_path / "state")
    stored(ledger, subs)
    work = choose_work(subs, prints(subs, "2"), ledger, force=False, learners=["bob"])
    assert [s.learner for s in work.todo] == ["bob"], "unchanged or not: only bob"
    assert sorted(work.resumed) == ["ann", "cat"]
    assert any("ann" in note and "cat" in note and "--learner" in note for note in work.notices), work.notices


def test_a_named_learner_without_a_change_is_regraded_too(tmp_path):
    subs = submissions(tmp_path, ["ann", "bob"])
    ledger = Ledger(tmp_path / "state")
    stored(ledger, subs)
    work = choose_work(subs, prints(subs), ledger, force=False, learners=["ann"])
    assert [s.learner for s in work.todo] == ["ann"] and work.resumed == {"bob": ledger.previous("bob")}
    assert work.notices == []


def test_without_learners_the_ledger_decides_and_force_means_all(tmp_path):
    subs = submissions(tmp_path, ["ann", "bob"])
    ledger = Ledger(tmp_path / "state")
    stored(ledger, subs[:1])
    assert [s.learner for s in choose_work(subs, prints(subs), ledger, force=False).todo] == ["bob"]
    assert [s.learner for s in choose_work(subs, prints(subs), ledger, force=True).todo] == ["ann", "bob"]


def test_a_learner_never_graded_and_not_named_is_left_out_with_a_note(tmp_path):
    subs = submissions(tmp_path, ["ann", "new"])
    ledger = Ledger(tmp_path / "state")
    stored(ledger, subs[:1])
    work = choose_work(subs, prints(subs), ledger, force=False, learners=["ann"])
    assert [s.learner for s in work.todo] == ["ann"] and "new" not in work.resumed
    assert any("new" in note and "not graded yet" in note for note in work.notices), work.notices


def test_an_unknown_learner_is_refused_before_any_grading(tmp_path):
    subs = submissions(tmp_path, ["ann", "anna"])
    with pytest.raises(UnusableInput, match="no submission from 'ana'.*ann"):
        choose_work(subs, prints(subs), Ledger(tmp_path / "state"), force=False, learners=["ana"])


def test_the_command_line_takes_learner_more_than_once():
    args = build_parser().parse_args(["grade", "subs", "--learner", "ann", "--learner", "bob"])
    assert args.learner == ["ann", "bob"] and not args.force


@pytest.mark.browser
@pytest.mark.slow
def test_a_real_batch_regrades_only_the_named_learner(tmp_path):
    import nbformat

    from autograder.grading.batch import grade_batch

    from .mini_course import ASSIGNMENT, learner_notebook, make_course

    course, subs = make_course(tmp_path / "course"), tmp_path / "subs"
    subs.mkdir()
    good = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
    for name in ("ann", "bob"):
        nbformat.write(learner_notebook(good, "return x + 2"), str(subs / f"{name}.ipynb"))
    options = dict(course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1, timeout_s=20,
                   seeds=(7,))
    first = grade_batch(subs, **options)
    for name in ("ann", "bob"):  # both fix the exercise
        nbformat.write(learner_notebook(good, "return 2 * x"), str(subs / f"{name}.ipynb"))
    again = grade_batch(subs, learners=["bob"], **options)
    assert again.graded_now == ["bob"] and again.resumed == ["ann"]
    assert again.results["bob"]["cells"]["test_double"][0] == 2.0
    assert again.results["ann"] == first.results["ann"], "ann keeps her last result until she is regraded"
    assert any("ann" in note for note in again.intake.notices)
