"""A grading worker's process-wide changes are all undone when its runtime ends,
even when grading failed inside it: a process can grade course after course."""

import gc
import os
import warnings

import nbgrader.api
import psutil
import pytest

from autograder.grading.execute import BoundedExecute
from autograder.grading.gradebook import course_files, prepare_assignment
from autograder.grading.jobs import WorkerConfig
from autograder.grading.kernel_forks import ForkingProvisioner
from autograder.grading.runtime import grading_runtime
from autograder.grading.trusted import TRUSTED_REPORTS_ENV

from .mini_course import ASSIGNMENT, make_course

pytestmark = pytest.mark.slow


def process_state():
    return {"environment": dict(os.environ), "create_engine": nbgrader.api.create_engine,
            "reserve": BoundedExecute.reserve, "template": ForkingProvisioner.template,
            "warning filters": list(warnings.filters), "frozen objects": gc.get_freeze_count()}


def children():
    return {child.pid for child in psutil.Process().children(recursive=True)}


def test_the_runtime_installs_its_changes_and_leaves_the_process_as_it_was(tmp_path):
    course = make_course(tmp_path / "course")
    notebook_id = prepare_assignment(course, ASSIGNMENT)
    config = WorkerConfig(course_files=course_files(course, ASSIGNMENT), assignment=ASSIGNMENT,
                          notebook_id=notebook_id, seeds=(7,), work_dir=str(tmp_path / "work"),
                          reports_dir=str(tmp_path / "reports"))
    before, running = process_state(), children()
    with pytest.raises(RuntimeError, match="a submission failed"):
        with grading_runtime(config) as runtime:
            inside = process_state()
            assert os.environ["JUPYTER_PATH"].split(os.pathsep)[0] == str(runtime.root)
            assert os.environ[TRUSTED_REPORTS_ENV] == str(tmp_path / "reports")
            assert inside["create_engine"] is not before["create_engine"]
            assert BoundedExecute.reserve is runtime.kernels
            assert inside["frozen objects"] > 0
            assert inside["warning filters"] != before["warning filters"]
            if ForkingProvisioner.template is not None:  # a kernel template: a process of its own
                assert ForkingProvisioner.template.alive() and children() - running
            root = runtime.root
            raise RuntimeError("a submission failed")
    assert process_state() == before
    assert not children() - running  # no process of the runtime's left (others may have ended meanwhile)
    assert not root.exists()
