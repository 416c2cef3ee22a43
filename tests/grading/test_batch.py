"""Grading a batch end to end with real nbgrader, kernels and Chromium: bad
submissions get a reason and the batch goes on; outputs say what happened."""

import csv
import json
import subprocess
import sys
import time

import nbformat
import pytest

from autograder.grading.batch import grade_batch
from autograder.grading.outputs import write_outputs

from .mini_course import ASSIGNMENT, learner_notebook, make_course

pytestmark = [pytest.mark.browser, pytest.mark.slow]
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
CONSTANT = "_kmq.push(['identify', 'customer']);"


def write(nb, path):
    nbformat.write(nb, str(path))


def bad_batch(folder):
    folder.mkdir()
    write(learner_notebook(GOOD, "return 2 * x"), folder / "perfect.ipynb")
    write(learner_notebook(CONSTANT, "return 2 * x"), folder / "constant.ipynb")
    write(learner_notebook(GOOD, "while True: pass"), folder / "hangs.ipynb")
    write(learner_notebook(GOOD, "import os; os._exit(1)"), folder / "crashes.ipynb")
    write(learner_notebook(GOOD, "import no_such_module_here; return 2 * x"), folder / "missing_module.ipynb")
    edited = learner_notebook(GOOD, "return x + 2")
    edited.cells[4].source = "assert True  # tests? what tests"
    write(edited, folder / "edited_tests.ipynb")
    deleted = learner_notebook(GOOD, "return 2 * x")  # right answers, but both test cells deleted
    del deleted.cells[4], deleted.cells[2]
    write(deleted, folder / "deleted_tests.ipynb")
    dup = learner_notebook(GOOD, "return 2 * x")
    for cell in dup.cells:
        cell["id"] = "same-id"
    (folder / "duplicate_ids.ipynb").write_text(json.dumps(dup))
    (folder / "corrupt.ipynb").write_text('{"cells": [')
    (folder / "empty.ipynb").write_text("")
    (folder / "no_cells.ipynb").write_text(json.dumps(nbformat.v4.new_notebook()))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    course = make_course(root / "course")
    bad_batch(root / "subs")
    batch = grade_batch(root / "subs", course_dir=course, assignment=ASSIGNMENT, out_dir=root / "out", workers=2,
                        timeout_s=10, seeds=(7,))
    outputs = write_outputs(batch, root / "out", workers=2)
    return root, batch, outputs


def scores(batch):
    return {name: {k: v[0] for k, v in r["cells"].items()} for name, r in batch.results.items()}


def test_every_submission_gets_points_or_a_reason(graded):
    _, batch, _ = graded
    s = scores(batch)
    assert s["perfect"] == {"test_identify_after_login": 4, "test_double": 2}
    assert s["constant"] == {"test_identify_after_login": 0, "test_double": 2}
    assert s["hangs"]["test_double"] == 0 and "did not finish within 10 s" in batch.results["hangs"]["reason"]
    assert s["hangs"]["test_identify_after_login"] == 4  # what ran before the hang still counts
    assert s["crashes"]["test_double"] == 0
    assert s["missing_module"]["test_double"] == 0
    assert s["edited_tests"]["test_double"] == 0, "nbgrader restores the locked test cell"
    # Deleted test cells earn nothing, as in nbgrader, although the grader's own browser run
    # and re-check would pass the snippet and the exercise.
    assert s["deleted_tests"] == {"test_identify_after_login": 0, "test_double": 0}
    assert s["duplicate_ids"] == {"test_identify_after_login": 4, "test_double": 2}
    assert "cell ids repeated (same-id)" in batch.results["duplicate_ids"]["reason"]
    assert "edited: test_double (graded as the course has them)" in batch.results["edited_tests"]["reason"]
    assert "deleted: test_identify_after_login, test_double (no points)" in batch.results["deleted_tests"]["reason"]
    assert batch.results["perfect"]["reason"] == ""
    for name in ("corrupt", "empty"):
        assert not batch.results[name]["graded"] and "not a readable notebook" in batch.results[name]["reason"]
    assert not batch.results["no_cells"]["graded"] or s["no_cells"].get("test_double", 0) == 0
    assert set(batch.failed) >= {"corrupt", "empty"}


def test_grades_csv_has_a_row_per_learner_and_a_column_per_part(graded):
    root, batch, outputs = graded
    rows = {row["learner"]: row for row in csv.DictReader(open(outputs.grades_csv, encoding="utf-8"))}
    assert set(rows) == set(batch.results)
    assert rows["perfect"]["total"] == "6" and rows["perfect"]["max_total"] == "6"
    assert rows["constant"]["test_identify_after_login"] == "0" and rows["constant"]["total"] == "2"
    assert rows["corrupt"]["status"] == "not graded" and "not a readable notebook" in rows["corrupt"]["reason"]


def test_feedback_shows_hints_timeline_and_screenshot_but_not_hidden_tests(graded):
    root, _, outputs = graded
    page = (outputs.feedback_dir / "constant.html").read_text(encoding="utf-8")
    assert "km_ai was &#39;customer&#39;" in page or "km_ai was 'customer'" in page
    assert "data:image/png;base64," in page
    assert "What happened" in page and "<td><code>customer</code></td>" in page
    notebook_view = (outputs.feedback_dir / "edited_tests.notebook.html").read_text(encoding="utf-8")
    assert "double(-3)" not in notebook_view and "BEGIN HIDDEN TESTS" not in notebook_view
    assert "negative numbers double too" in (outputs.feedback_dir / "edited_tests.html").read_text()


def test_class_report_tells_the_story(graded):
    root, batch, outputs = graded
    html = outputs.report_html.read_text(encoding="utf-8")
    for png in ("score_distribution.png", "check_pass_rate.png", "timings.png"):
        assert (root / "out" / png).read_bytes()[:4] == b"\x89PNG" and png in html
    assert "corrupt" in html and "not a readable notebook" in html
    assert "identify-after-login" in html and 'href="feedback/constant.html"' in html


def test_gradebook_has_one_submission_per_graded_learner(graded):
    root, batch, _ = graded
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'course' / 'gradebook.db'}") as gb:
        learners = {s.student.id for s in gb.assignment_submissions(ASSIGNMENT)}
        assert learners == set(batch.results)
        assert gb.find_submission(ASSIGNMENT, "perfect").score == 6


def test_rerun_grades_only_what_changed(graded, tmp_path):
    root, first, _ = graded
    time.sleep(0.01)
    write(learner_notebook(GOOD, "return 2 * x"), root / "subs" / "constant.ipynb")  # constant fixed it
    again = grade_batch(root / "subs", course_dir=root / "course", assignment=ASSIGNMENT, out_dir=root / "out",
                        workers=2, timeout_s=10, seeds=(7,))
    assert again.graded_now == ["constant"]
    assert scores(again)["constant"] == {"test_identify_after_login": 4, "test_double": 2}


def test_one_and_two_workers_grade_identically(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    for i, (snippet, body) in enumerate([(GOOD, "return 2 * x"), (CONSTANT, "return x + 2"), (GOOD, "return x * x")]):
        write(learner_notebook(snippet, body), subs / f"l{i}.ipynb")
    runs = [grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / f"out{n}", workers=n,
                        force=True, seeds=(7,)) for n in (1, 2)]
    assert scores(runs[0]) == scores(runs[1])


def test_interrupted_run_loses_nothing_and_resumes(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(6):
        write(learner_notebook(GOOD, "return 2 * x"), subs / f"l{i}.ipynb")
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "autograder", "grade", str(subs), "--course", str(course), "--assignment",
           ASSIGNMENT, "--out", str(out), "--workers", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out / "state").glob("*.json"))) < 2:
        time.sleep(0.1)
    proc.kill()
    proc.wait()
    done_before = {p.stem: p.stat().st_mtime for p in (out / "state").glob("*.json")}
    assert 2 <= len(done_before) < 6
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    done_after = {p.stem: p.stat().st_mtime for p in (out / "state").glob("*.json")}
    assert set(done_after) == {f"l{i}" for i in range(6)}
    assert all(done_after[name] == mtime for name, mtime in done_before.items()), "finished grades were redone"
    rows = list(csv.DictReader(open(out / "grades.csv", encoding="utf-8")))
    assert len(rows) == 6 and all(row["total"] == "6" for row in rows)


def test_dask_cluster_grades_like_local_workers(tmp_path):
    """--scheduler: the same jobs on a distributed.LocalCluster; the coordinator writes the gradebook."""
    from distributed import LocalCluster

    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    for i, (snippet, body) in enumerate([(GOOD, "return 2 * x"), (CONSTANT, "return x + 2")]):
        write(learner_notebook(snippet, body), subs / f"d{i}.ipynb")
    local = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "local", workers=2,
                        seeds=(7,))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "dask",
                              force=True, seeds=(7,), scheduler=cluster.scheduler_address)
    assert scores(on_dask) == scores(local)
    assert {r["worker"] for r in on_dask.results.values()} != {r["worker"] for r in local.results.values()}


def test_cli_exits_1_and_lists_what_could_not_be_graded(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    write(learner_notebook(GOOD, "return 2 * x"), subs / "fine.ipynb")
    (subs / "broken.ipynb").write_text("{")
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", str(subs), "--course", str(course),
                             "--assignment", ASSIGNMENT, "--out", str(tmp_path / "out"), "--workers", "1"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "1 could not be graded: broken (not a readable notebook" in " ".join(result.stdout.split())
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "grades.csv").exists()
