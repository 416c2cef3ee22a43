"""The course's own nbgrader_config.py applies when grading, with the grader's own
settings on top only where it must have them, and a notice when they replace the
instructor's."""

import json
from pathlib import Path

import nbformat
import pytest

from autograder.errors import UnusableInput
from autograder.grading.jobs import WorkerConfig
from autograder.grading.settings import course_settings, overridden, worker_settings

from .mini_course import ASSIGNMENT, learner_notebook, make_course

INSTRUCTOR = "c = get_config()\nc.LimitOutput.max_lines = 3\nc.Execute.timeout = 99\n" \
             "c.CourseDirectory.course_id = 'mini'\n"
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


def worker_config(**options):
    return WorkerConfig(course_files={}, assignment=ASSIGNMENT, notebook_id=ASSIGNMENT, seeds=(7,), **options)


def test_the_instructors_settings_apply_and_the_graders_own_win_with_a_notice(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(INSTRUCTOR)
    settings = worker_settings(worker_config(cell_timeout_s=10), tmp_path, ipc_dir=tmp_path, kernel_name="sandboxed")
    assert settings.LimitOutput.max_lines == 3 and settings.CourseDirectory.course_id == "mini"
    assert settings.Execute.timeout == 10 and settings.CourseDirectory.root == str(tmp_path)
    notices = overridden(course_settings(tmp_path / "nbgrader_config.py"), worker_config(cell_timeout_s=10))
    assert notices == ["nbgrader_config.py of the course sets Execute.timeout = 99; grading uses 10: the grader's "
                       "own setting replaces it (the bound per cell while grading: --timeout-s, at most 30 s)"]


def test_a_course_without_a_configuration_grades_with_the_graders_settings_alone(tmp_path):
    settings = worker_settings(worker_config(), tmp_path, ipc_dir=tmp_path, kernel_name="sandboxed")
    assert settings.Execute.timeout == 30 and "LimitOutput" not in settings
    assert overridden(course_settings(tmp_path / "nbgrader_config.py"), worker_config()) == []


def test_a_broken_course_configuration_is_unusable_input_naming_the_file(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\nc.Execute.timeout = \n")
    with pytest.raises(UnusableInput, match=r"nbgrader_config\.py: nbgrader could not read this configuration"):
        course_settings(tmp_path / "nbgrader_config.py")


@pytest.mark.browser
@pytest.mark.slow
def test_a_batch_grades_with_the_courses_own_settings(tmp_path):
    """The course limits every output to 3 lines: a learner's 10-line print is cut in the graded notebook;
    its per-cell timeout is replaced by the grader's, and the batch says so."""
    from autograder.grading.batch import grade_batch

    course = make_course(tmp_path / "course")
    (course / "nbgrader_config.py").write_text(INSTRUCTOR)
    (tmp_path / "subs").mkdir()
    nb = learner_notebook(GOOD, "return 2 * x")
    nb.cells.insert(4, nbformat.v4.new_code_cell("for i in range(10):\n    print('line', i)"))
    nbformat.write(nb, str(tmp_path / "subs" / "ada.ipynb"))
    batch = grade_batch(tmp_path / "subs", course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out",
                        workers=1, timeout_s=20, seeds=(7,))
    result = batch.results["ada"]
    assert result["graded"], result["reason"]
    graded = json.loads(Path(result["autograded"]).read_text())
    printed = "".join("".join(out.get("text", "")) for out in graded["cells"][4]["outputs"])
    assert "line 1" in printed and "line 9" not in printed and "Output truncated" in printed, printed
    assert any("Execute.timeout = 99; grading uses 20" in notice for notice in batch.intake.notices), \
        batch.intake.notices
