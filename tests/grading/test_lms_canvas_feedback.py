"""Canvas feedback back to learners: canvas-feedback.zip, one feedback page per learner, named
so that Canvas's "Re-upload submissions" attaches it as a comment to that learner's submission
(Canvas reads the first two all-digit parts of a name split at '_' as user id and attachment id,
skips names starting with '._', and takes only an attachment of the learner's submission)."""

import re
import zipfile
from pathlib import PurePosixPath

from autograder.grading.lms import prepare_lms
from autograder.grading.outputs import write_outputs

from .lms_class import batch_of, result, zipped
from .test_lms_canvas import graded, write_roster


def canvas_reads(entry: str) -> tuple[str, str] | None:
    """(user id, attachment id) as Canvas's re-upload reads a file name, None when it skips it."""
    name = PurePosixPath(entry).name
    if name.startswith("._"):
        return None
    numbers = [part for part in name.split("_") if re.fullmatch(r"\d+", part)]
    return (numbers[0], numbers[1]) if len(numbers) >= 2 else None


def test_each_roster_learner_with_a_canvas_file_gets_their_page_under_their_ids(tmp_path):
    outputs = graded(tmp_path, every_output=True)
    path = tmp_path / "out" / "canvas-feedback.zip"
    assert path in outputs.lms_files
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        read = {canvas_reads(name): name for name in names}
        # 1101 submitted twice: the page goes with the file graded (attachment 5002), the one Canvas keeps.
        assert set(read) == {("1101", "5002"), ("1102", "5003"), ("1104", "5004"), ("1105", "5005")}
        assert all(name.endswith("_feedback.html") and "/" not in name for name in names)
        page = archive.read(read[("1101", "5002")])
    assert page == (tmp_path / "out" / "feedback" / "1101.html").read_bytes()
    assert not any("1199" in name for name in names), "not in the roster: no page in the Canvas zip"


def test_a_name_part_of_digits_or_odd_characters_cannot_mislead_canvas(tmp_path):
    names = ["9999_1103_5010_step07.ipynb",  # a name Canvas would read as user id 9999
             "jos\u00e9..\\evil_1150_5011_step07.ipynb", "..._1102_5012_step07.ipynb"]  # nothing left of the name: no "._" start
    archive = zipped(tmp_path / "submissions.zip", names)
    lms = prepare_lms(write_roster(tmp_path), canvas_column="4412")
    batch = batch_of(archive, tmp_path, {"1103": result("1103"), "1150": result("1150"), "1102": result("1102")})
    write_outputs(batch, tmp_path / "out", workers=1, lms=lms)
    with zipfile.ZipFile(tmp_path / "out" / "canvas-feedback.zip") as zf:
        entries = zf.namelist()
    assert {canvas_reads(name) for name in entries} == {("1103", "5010"), ("1150", "5011"), ("1102", "5012")}
    assert not any(".." in name or "\\" in name or name.startswith(".") for name in entries)


def test_learners_matched_without_a_canvas_file_are_named_in_a_note(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    from .lms_class import NOTEBOOK

    (folder / "zobrien.ipynb").write_text(NOTEBOOK)  # matched by SIS Login ID: no Canvas attachment id
    from autograder.grading.batch import BatchResult
    from autograder.grading.intake import collect

    intake = collect(folder, submitted_dir=tmp_path / "course" / "submitted", assignment="step07",
                     notebook_name="step07.ipynb")
    batch = BatchResult(results={"zobrien": result("zobrien")}, intake=intake, graded_now=["zobrien"], resumed=[],
                        duration_s=1.0)
    outputs = write_outputs(batch, tmp_path / "out", workers=1,
                            lms=prepare_lms(write_roster(tmp_path), canvas_column="4412"))
    assert any(note.startswith("zobrien: no Canvas file name") and "feedback/zobrien.html" in note
               for note in outputs.lms_notes)
    with zipfile.ZipFile(tmp_path / "out" / "canvas-feedback.zip") as zf:
        assert zf.namelist() == []
