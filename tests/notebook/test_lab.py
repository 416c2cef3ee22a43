"""`autograder lab` prepares what a course server would: the assignment released to
a local nbgrader exchange and fetched into a learner workspace that a second run
never overwrites; `release` refuses a folder that is not a course."""

import shutil
from pathlib import Path

import pytest

from autograder.errors import UnusableInput
from autograder.notebook.course import (
    COURSE_ID,
    lab_command,
    prepare_lab,
    release_course,
)
from autograder.notebook_paths import ASSIGNMENT

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(REPO / "notebooks", root, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "exchange", "learner"))
    return root


def test_the_lab_uses_the_courses_id():
    config = (REPO / "notebooks" / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f'c.CourseDirectory.course_id = "{COURSE_ID}"' in config


def test_release_of_a_folder_that_is_no_course(tmp_path):
    with pytest.raises(UnusableInput, match=f"no source/{ASSIGNMENT}/ here"):
        release_course(course_dir=tmp_path)


@pytest.mark.slow
def test_lab_workspace_is_released_fetched_and_kept(course):
    workspace = prepare_lab(course_dir=course)
    assert workspace.notebook == course / "learner" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "raise NotImplementedError()" in workspace.notebook.read_text(encoding="utf-8")
    assert (workspace.exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    config = (workspace.root / "nbgrader_config.py").read_text(encoding="utf-8")
    assert f"c.Exchange.root = {str(workspace.exchange)!r}" in config and COURSE_ID in config

    workspace.notebook.write_text("the learner's work", encoding="utf-8")
    again = prepare_lab(course_dir=course)  # a second `make lab`
    assert again.notebook.read_text(encoding="utf-8") == "the learner's work"

    cmd = lab_command(again, port=8899, token="t0k")
    assert cmd[1:4] == ["-m", "jupyter", "lab"] and "--port=8899" in cmd and "--IdentityProvider.token=t0k" in cmd
    assert f"--ServerApp.root_dir={again.root}" in cmd
    assert f"--LabApp.default_url=/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb" in cmd
