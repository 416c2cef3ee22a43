"""nbgrader's own release_feedback hands learners what ``autograder grade`` wrote, each learner's
own feedback page: it names each by the submission it is for, from the receipts nbgrader's
collect left beside it."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import notebook_hash

from autograder.grading.batch import grade_batch
from autograder.grading.outputs import write_outputs

from .mini_course import ASSIGNMENT, learner_notebook, make_course

pytestmark = [pytest.mark.slow, pytest.mark.browser]
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


@pytest.mark.parametrize("where", ["the course's submitted/", "another folder"])
def test_release_feedback_finds_every_learners_feedback(tmp_path, where):
    course = make_course(tmp_path / "course")
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    subs = course / "submitted" if where.startswith("the course") else tmp_path / "collected"
    secrets = {"ann": "a1b2c3", "bob": "d4e5f6"}
    for learner, secret in secrets.items():
        folder = subs / learner / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(learner_notebook(GOOD, "return 2 * x"), str(folder / f"{ASSIGNMENT}.ipynb"))
        (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")
        (folder / "submission_secret.txt").write_text(secret)
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1,
                        timeout_s=60, seeds=(7,))
    write_outputs(batch, tmp_path / "out", workers=1)  # as `autograder grade` does
    nbgrader = Path(sys.executable).parent / "nbgrader"
    done = subprocess.run([str(nbgrader), "release_feedback", ASSIGNMENT, f"--Exchange.root={exchange}"],
                          cwd=course, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    released = {path.name for path in (exchange / "mini" / "feedback").iterdir()}
    assert released == {f"{notebook_hash(secret=secret, notebook_id=ASSIGNMENT)}.html" for secret in secrets.values()}
    for learner, secret in secrets.items():  # each learner's own page, the checklist in it
        page = (exchange / "mini" / "feedback" / f"{notebook_hash(secret=secret, notebook_id=ASSIGNMENT)}.html")
        text = page.read_text(encoding="utf-8")
        assert f"Learner <code>{learner}</code>" in text and "Your identify snippet in the browser" in text
