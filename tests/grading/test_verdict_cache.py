"""--force regrades everything from scratch: the browser judges every snippet again,
whatever verdicts an earlier run left in --out."""

import json

import nbformat
import pytest

from autograder.checks.report import CheckResult, Report
from autograder.grading.batch import grade_batch
from autograder.grading.trusted import report_key
from autograder.snippet import snippet_from_notebook

from .mini_course import ASSIGNMENT, learner_notebook, make_course

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CONSTANT = "_kmq.push(['identify', 'customer']);"


def test_force_judges_every_snippet_again(tmp_path):
    course = make_course(tmp_path / "course")
    (tmp_path / "subs").mkdir()
    nb = learner_notebook(CONSTANT, "return 2 * x")
    nbformat.write(nb, str(tmp_path / "subs" / "ada.ipynb"))
    snippet = snippet_from_notebook(json.loads(nbformat.writes(nb)), where="ada")
    # An earlier run's verdict, now wrong (made by older checks, say): everything passed.
    stale = Report(checks=[CheckResult(id="identify-after-login", title="", passed=True, points=4, max_points=4,
                                       message="")], seed=7, duration_s=0.0)
    reports = tmp_path / "out" / "check-reports"
    reports.mkdir(parents=True)
    (reports / f"{report_key(snippet, 7)}.json").write_text(stale.to_json_text())
    batch = grade_batch(tmp_path / "subs", course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out",
                        workers=1, timeout_s=20, seeds=(7,), force=True)
    result = batch.results["ada"]
    assert result["graded"], result["reason"]
    assert result["cells"]["test_identify_after_login"] == [0.0, 4.0]  # judged now: a constant names no one
    verdicts = {check["id"]: check["passed"] for check in result["checks"]["7"]["checks"]}
    assert verdicts["identify-after-login"] is False and len(verdicts) > 1  # the whole checklist ran
