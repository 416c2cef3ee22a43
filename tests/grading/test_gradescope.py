"""Gradescope: the autograder zip (setup.sh and run_autograder at its root, this package
inside), and results.json as run_autograder writes it, valid against Gradescope's
documented format: one test per check (the visible customers' verdict shown at once, the
points with the hidden customers after publishing) and per Python part, bonus as extra credit."""

import json
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograder.checks import CHECKS
from autograder.grading.gradescope import RUN_COMMAND, build_autograder_zip
from autograder.grading.gradescope_results import results_json
from autograder.grading.summary import summarize_all
from autograder.notebook_paths import ASSIGNMENT, course_source

from .gradescope_schema import RESULTS
from .lms_class import EXERCISE, result

CORE = sum(spec.points for spec in CHECKS if not spec.bonus)
BONUS = sum(spec.points for spec in CHECKS if spec.bonus)
HOSTILE = "km_ai was <script>alert(1)</script> & not the e-mail"


def test_the_zip_has_gradescope_s_two_scripts_at_its_root_and_this_package(tmp_path):
    path = build_autograder_zip(tmp_path / "autograder.zip")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        run = archive.read("run_autograder").decode()
        archive.extract("setup.sh", tmp_path)
    for script in ("setup.sh", "run_autograder"):
        assert script in names and modes[script] & stat.S_IXUSR, f"{script}: at the root, executable"
    assert RUN_COMMAND in run.splitlines()
    for packed in ("identify-lab/pyproject.toml", "identify-lab/setup.py", "identify-lab/autograder/cli.py",
                   f"identify-lab/notebooks/source/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
                   "identify-lab/notebooks/nbgrader_config.py"):
        assert packed in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc") or "/submitted/" in n]
    assert subprocess.run(["bash", "-n", str(tmp_path / "setup.sh")]).returncode == 0


def test_results_have_a_test_per_check_and_part_with_gradescope_s_visibility(tmp_path):
    graded = result("ada", failing={"identified-by-email": HOSTILE, "shared-computer": "still the last one"})
    summary = summarize_all({"ada": graded})[0]
    data = results_json(summary, graded, visible_seed=7, messages={}, hidden={EXERCISE}, execution_time_s=3.2)
    jsonschema.validate(data, RESULTS)
    tests = {test["name"]: test for test in data["tests"]}
    assert len(data["tests"]) == 2 * len(CHECKS) + 1
    shown = tests["That ID is the customer's e-mail, as the shop stored it (visible customers)"]
    assert (shown["visibility"], shown["status"], shown["max_score"]) == ("visible", "failed", 0)
    assert shown["output"] == HOSTILE and shown["output_format"] == "text", "shown as text, never as HTML"
    graded_test = tests["That ID is the customer's e-mail, as the shop stored it (identified-by-email)"]
    assert (graded_test["visibility"], graded_test["score"], graded_test["max_score"]) == ("after_published", 0, 1)
    bonus = [t for t in data["tests"] if "extra credit" in t["tags"]]
    assert len(bonus) == 2 and all(t["max_score"] == 0 for t in bonus), "extra credit: worth 0, adds its score"
    assert sorted(t["score"] for t in bonus) == [0, 2]
    assert tests[EXERCISE]["visibility"] == "after_published" and tests[EXERCISE]["score"] == 5
    assert data["score"] == CORE - 1 + 5 + 2 == sum(t["score"] for t in data["tests"])
    assert sum(t["max_score"] for t in data["tests"]) == CORE + 5, "the bonus is over the maximum"


def test_an_ungradable_notebook_gets_what_happened_and_what_to_do(tmp_path):
    broken = result("bob", graded=False, reason="not a readable notebook (JSONDecodeError: Expecting value)")
    data = results_json(summarize_all({"bob": broken})[0], broken, visible_seed=7, messages={}, hidden=set(),
                        execution_time_s=1.0)
    jsonschema.validate(data, RESULTS)
    assert data["score"] == 0 and "could not be read as a notebook" in data["output"]
    assert "Open it in JupyterLab" in data["output"]


def gradescope_tree(tmp_path: Path, submitted: dict[str, bytes]) -> Path:
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    for name, data in submitted.items():
        (root / "submission" / name).write_bytes(data)
    return root


def run_autograder(root: Path) -> dict:
    """What run_autograder runs, on a tree laid out as Gradescope's /autograder."""
    done = subprocess.run([sys.executable, "-m", "autograder", "gradescope", "--run", "--root", str(root)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, RESULTS)
    return data


def test_nothing_submitted_still_writes_results_gradescope_can_show(tmp_path):
    root = gradescope_tree(tmp_path, {"answers.pdf": b"%PDF-1.4"})
    data = run_autograder(root)
    assert data["score"] == 0 and data["tests"] == [] and "No notebook (.ipynb) was submitted" in data["output"]


@pytest.mark.browser
@pytest.mark.slow
def test_run_autograder_grades_the_course_notebook_for_real(tmp_path):
    """The instructor's own solution, handed in on a fake /autograder tree: full marks, bonus included."""
    source = course_source() / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    root = gradescope_tree(tmp_path, {"my work.ipynb": source.read_bytes()})
    data = run_autograder(root)
    tests = data["tests"]
    checks = [t for t in tests if "check" in t["tags"]]
    assert len(checks) == 2 * len(CHECKS), [t["name"] for t in tests]
    assert all(t["status"] == "passed" for t in tests), [(t["name"], t["output"]) for t in tests
                                                          if t["status"] != "passed"]
    assert {t["visibility"] for t in checks if t["max_score"] == 0 and "extra credit" not in t["tags"]} \
        == {"visible"}
    python = {t["name"]: t["visibility"] for t in tests if "python" in t["tags"]}
    assert python["test_person_id_hidden"] == "after_published" and python["test_person_id_visible"] == "visible"
    assert data["score"] == sum(t["max_score"] for t in tests) + BONUS
    shutil.rmtree(root / "work", ignore_errors=True)


@pytest.mark.slow
def test_the_packed_package_installs_with_its_course(tmp_path):
    """What setup.sh's pip install does with the zip's identify-lab/ (here without dependencies)."""
    with zipfile.ZipFile(build_autograder_zip(tmp_path / "autograder.zip")) as archive:
        archive.extractall(tmp_path / "source")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                           str(tmp_path / "site"), str(tmp_path / "source" / "identify-lab")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "autograder" / "course" / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert (tmp_path / "site" / "autograder" / "grading" / "templates" / "report.html").is_file()
