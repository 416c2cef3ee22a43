"""Due date and late policy: the submission time an LMS zip's entries or nbgrader's
timestamp.txt give, Canvas's _LATE marker, and the penalty per started day, shown in
grades.csv, the LMS files and the report."""

import csv
import io
import subprocess
import sys
import zipfile

import pytest

from autograder.errors import UnusableInput
from autograder.grading.lms import prepare_lms
from autograder.grading.lms_late import prepare_late
from autograder.grading.outputs import write_outputs

from .lms_class import NOTEBOOK, batch_of, result
from .test_lms_canvas import write_roster
from .test_lms_moodle import worksheet

DUE = "2026-03-02T12:00:00+00:00"
CANVAS_ENTRIES = [  # (name, zip entry time: Canvas's submission time)
    ("obrienzoe_1101_5001_step07.ipynb", (2026, 3, 1, 9, 0, 0)),  # on time
    ("smithjohn_LATE_1102_5003_step07.ipynb", (2026, 3, 3, 13, 0, 0)),  # 25 h late: 2 started days
    ("hyperlink_LATE_1104_5004_step07.ipynb", (2026, 3, 1, 8, 0, 0)),  # Canvas says late, the time does not
]
CANVAS_RESULTS = {"1101": result("1101"), "1102": result("1102"), "1104": result("1104")}  # 25 each, bonus 4


def zipped_at(path, entries):
    with zipfile.ZipFile(path, "w") as archive:
        for number, (name, when) in enumerate(entries):
            archive.writestr(zipfile.ZipInfo(name, date_time=when), NOTEBOOK + " " * number)
    return path


def grades_by_learner(out):
    return {row["learner"]: row for row in csv.DictReader(open(out / "grades.csv", encoding="utf-8"))}


def canvas_graded(tmp_path, **late):
    archive = zipped_at(tmp_path / "submissions.zip", CANVAS_ENTRIES)
    lms = prepare_lms(write_roster(tmp_path), canvas_column="4412")
    return write_outputs(batch_of(archive, tmp_path, CANVAS_RESULTS), tmp_path / "out", workers=1, lms=lms,
                         late=prepare_late(**late))


def test_points_per_started_day_after_the_due_time_from_a_canvas_zip(tmp_path):
    canvas_graded(tmp_path, due=DUE, late_penalty="2")
    grades = grades_by_learner(tmp_path / "out")
    assert grades["1101"]["late"] == "" and grades["1101"]["late_penalty"] == "0"
    assert grades["1101"]["submitted"] == "2026-03-01T09:00:00+00:00"
    assert (grades["1102"]["late"], grades["1102"]["days_late"], grades["1102"]["late_penalty"]) == ("yes", "2", "4")
    assert grades["1102"]["total"] == "21", "25 points, 2 days at 2 points"
    # Canvas's own marker counts even where the entry's time says on time: one day.
    assert (grades["1104"]["late"], grades["1104"]["days_late"], grades["1104"]["total"]) == ("yes", "1", "23")
    by_id = {row[1]: row for row in csv.reader(io.StringIO(
        (tmp_path / "out" / "canvas-import.csv").read_text(encoding="utf-8"), newline=""))}
    assert by_id["1101"][5] == "58" and by_id["1102"][5] == "50", "(21 + bonus 4) x 2 on Canvas's 50"


def test_the_report_puts_late_learners_in_needs_help_with_days_and_penalty(tmp_path):
    canvas_graded(tmp_path, due=DUE, late_penalty="2")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    help_part = page.split("<h2>Needs help")[1].split("<h2>")[0]
    assert "1102" in help_part and "1104" in help_part and "1101" not in help_part
    assert "late 2 days (−4 points)" in page and "late 1 day (−2 points)" in page
    # and each learner's own page says why their score is lower
    feedback = tmp_path / "out" / "feedback"
    assert "Handed in late 2 days (−4 points)" in (feedback / "1102.html").read_text(encoding="utf-8")
    assert "Handed in late" not in (feedback / "1101.html").read_text(encoding="utf-8")


def test_a_percent_penalty_is_of_the_maximum_and_never_below_zero(tmp_path):
    canvas_graded(tmp_path, due="2026-02-20T12:00:00Z", late_penalty="10%")
    grades = grades_by_learner(tmp_path / "out")
    # 1101 is 9 days late at 2.5 points a day (10% of 25): 22.5, more than it has left is not taken.
    assert grades["1101"]["days_late"] == "9" and grades["1101"]["total"] == "2.5"
    assert grades["1102"]["days_late"] == "12" and grades["1102"]["total"] == "0"
    assert grades["1102"]["late_penalty"] == "25", "what was taken, not what the days would take"


def test_without_a_due_time_the_canvas_marker_alone_says_late(tmp_path):
    canvas_graded(tmp_path, late_penalty="3")
    grades = grades_by_learner(tmp_path / "out")
    assert grades["1101"]["late"] == "" and grades["1102"]["late"] == "yes" and grades["1102"]["total"] == "22"


def test_no_policy_changes_nothing(tmp_path):
    canvas_graded(tmp_path)
    grades = grades_by_learner(tmp_path / "out")
    assert grades["1102"]["total"] == "25" and grades["1102"]["late"] == "yes"  # shown, not charged
    assert grades["1102"]["late_penalty"] == "0"


def test_moodle_zip_times_and_the_comment_says_how_late(tmp_path):
    entries = [("Zoë O'Brien_3301_assignsubmission_file_/step07.ipynb", (2026, 3, 2, 11, 59, 0)),
               ("Smith, John \"Bud\"_3302_assignsubmission_file_/step07.ipynb", (2026, 3, 2, 12, 30, 0))]
    archive = zipped_at(tmp_path / "moodle.zip", entries)
    lms = prepare_lms(worksheet(tmp_path))
    write_outputs(batch_of(archive, tmp_path, {"3301": result("3301"), "3302": result("3302")}), tmp_path / "out",
                  workers=1, lms=lms, late=prepare_late(due="2026-03-02T12:00", late_penalty="20%"))
    rows = list(csv.DictReader(io.StringIO((tmp_path / "out" / "moodle-worksheet.csv").read_text("utf-8-sig"))))
    by_id = {row["Identifier"].split()[-1]: row for row in rows}
    assert by_id["3301"]["Grade"] == "100.00" and "late" not in by_id["3301"]["Feedback comments"].lower()
    assert by_id["3302"]["Grade"] == "96.00", "(25 - 5 + 4) of 25, on Moodle's 100"
    assert "Late by 1 day: -5 points." in by_id["3302"]["Feedback comments"]


def test_nbgrader_timestamps_are_read_and_a_broken_one_is_a_note(tmp_path):
    source = tmp_path / "submitted"
    for learner, stamp in (("ada", "2026-03-02 11:00:00.000000 UTC"), ("bob", "2026-03-04 12:00:01 UTC"),
                           ("eve", "=cmd|' /C calc'!A0" * 1000)):
        folder = source / learner / "step07"
        folder.mkdir(parents=True)
        (folder / "step07.ipynb").write_text(NOTEBOOK)
        (folder / "timestamp.txt").write_text(stamp)
    from autograder.grading.batch import BatchResult
    from autograder.grading.intake import collect

    intake = collect(source, submitted_dir=tmp_path / "course" / "submitted", assignment="step07",
                     notebook_name="step07.ipynb")
    batch = BatchResult(results={name: result(name) for name in ("ada", "bob", "eve")}, intake=intake,
                        graded_now=["ada", "bob", "eve"], resumed=[], duration_s=1.0)
    write_outputs(batch, tmp_path / "out", workers=1, late=prepare_late(due=DUE, late_penalty="1"))
    grades = grades_by_learner(tmp_path / "out")
    assert grades["ada"]["late"] == "" and grades["bob"]["days_late"] == "3" and grades["bob"]["total"] == "22"
    assert grades["eve"]["submitted"] == "" and grades["eve"]["late"] == ""
    assert any(note.startswith("eve: timestamp.txt is no time") for note in intake.notices)


@pytest.mark.parametrize("options, wanted", [
    ({"due": "next friday"}, "--due next friday: not an ISO time"),
    ({"due": DUE, "late_penalty": "a lot"}, "--late-penalty a lot: give points per day"),
    ({"due": DUE, "late_penalty": "-2"}, "--late-penalty -2: give points per day"),
    ({"due": DUE, "late_penalty": "150%"}, "--late-penalty 150%: give points per day"),
])
def test_a_policy_that_cannot_be_read_is_unusable_input(options, wanted):
    with pytest.raises(UnusableInput, match=wanted):
        prepare_late(**options)


def test_the_command_line_refuses_a_bad_due_time_before_any_grading(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(tmp_path), "--due", "soon",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "--due soon: not an ISO time" in done.stderr, done.stderr
    assert not (tmp_path / "out").exists()
