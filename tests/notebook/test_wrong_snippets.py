"""Graded through the course notebook, classic wrong snippets lose exactly the
points of the checks they fail (visible and hidden seeds alike)."""

import shutil
from pathlib import Path

import nbformat
import pytest

from autograder.checks import CHECKS
from autograder.grading.batch import grade_batch
from autograder.grading.summary import check_cell
from autograder.grading.synthetic import PERSON_ID, answered
from autograder.notebook.course import release_course
from autograder.notebook_paths import ASSIGNMENT

from ..checks.corpus import CORPUS

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
WRONG = ["constant-customer", "display-name", "no-guard"]
QUIZ = ('same_id_for_many = "a"\ncan_be_undone = False\ncookie_name = "km_ai"\nbest_identifier = "b"\n'
        'person_or_account = "c"')


def test_wrong_snippets_lose_the_right_points(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(REPO / "notebooks", course, ignore=shutil.ignore_patterns("release", "gradebook.db"))
    release = nbformat.read(str(release_course(course_dir=course) / f"{ASSIGNMENT}.ipynb"), as_version=4)
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in WRONG:
        nb = answered(release, snippet=CORPUS[name][0], person_id_body=PERSON_ID["parses-cookies"],
                      quiz=QUIZ)
        nbformat.write(nb, str(subs / f"{name}.ipynb"))
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=2)
    for name in WRONG:
        cells = batch.results[name]["cells"]
        for check in CHECKS:
            expected = 0 if check.id in CORPUS[name][1] else check.points
            assert cells[check_cell(check.id)][0] == expected, (name, check.id)
        assert cells["test_person_id_hidden"][0] == 4
        assert sum(score for gid, (score, _) in cells.items() if gid.startswith("test_quiz")) == 4
        assert not batch.results[name]["flags"]
