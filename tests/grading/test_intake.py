"""Taking in submissions: folders, nbgrader layout and LMS zips with nasty names."""

import stat
import zipfile

import nbformat
import pytest

from autograder.errors import UnusableInput
from autograder.grading.intake import collect, learner_from_name, safe_learner_id

NB = nbformat.writes(nbformat.v4.new_notebook())


def take(source, tmp_path):
    return collect(source, submitted_dir=tmp_path / "course" / "submitted", assignment="hw",
                   notebook_name="hw.ipynb")


def test_canvas_and_moodle_names_give_the_student_id():
    assert learner_from_name("smithjohn_12345_6789_step07.ipynb") == ("12345", "Canvas")
    assert learner_from_name("smithjohn_LATE_12345_6790_step07-1.ipynb") == ("12345", "Canvas")
    assert learner_from_name("Zoë O'Brien_556677_assignsubmission_file_/step07.ipynb") == ("556677", "Moodle")
    assert learner_from_name("ada.ipynb") == ("ada", "file name")
    assert learner_from_name("notes.txt") is None


def test_odd_characters_become_safe_folder_names():
    assert safe_learner_id("Zoë O'Brien/../x") == "Zo_O_Brien_.._x"  # one name, no path
    assert safe_learner_id("..") == "unnamed"
    assert safe_learner_id("...") == "unnamed"


def test_zip_with_nasty_entries_writes_nothing_outside_and_says_why(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("smith_111_1_step07.ipynb", NB)
        zf.writestr("smith_111_2_step07.ipynb", NB.replace('"cells": []', '"cells": [] ') )  # resubmission
        zf.writestr("Zoë O'Brien_222_assignsubmission_file_/step07.ipynb", NB)
        zf.writestr("../../escape.ipynb", NB)
        zf.writestr("/abs/path.ipynb", NB)
        zf.writestr("C:/windows.ipynb", NB)
        zf.writestr("readme.txt", "hello")
        link = zipfile.ZipInfo("link.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    intake = take(archive, tmp_path)
    assert sorted(s.learner for s in intake.submissions) == ["111", "222"]
    notes = "\n".join(intake.notices)
    assert "../../escape.ipynb: zip entry outside" in notes
    assert "/abs/path.ipynb: zip entry outside" in notes
    assert "C:/windows.ipynb: zip entry outside" in notes
    assert "readme.txt: not a notebook" in notes
    assert "link.ipynb: a link" in notes
    assert "111: several submissions; kept export.zip:smith_111_2_step07.ipynb" in notes
    course = (tmp_path / "course").resolve()
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p != archive]
    assert all(course in p.resolve().parents for p in written), written
    assert not (tmp_path.parent / "escape.ipynb").exists()
    assert (tmp_path / "course" / "submitted" / "111" / "hw" / "hw.ipynb").exists()


def test_nbgrader_layout_keeps_learners_and_renames_notebooks(tmp_path):
    src = tmp_path / "submitted"
    (src / "ann" / "hw").mkdir(parents=True)
    (src / "ann" / "hw" / "Copy of hw.ipynb").write_text(NB)
    (src / "bob" / "hw").mkdir(parents=True)
    (src / "bob" / "hw" / "hw.ipynb").write_text(NB)
    (src / "cid" / "other").mkdir(parents=True)
    intake = take(src, tmp_path)
    assert [s.learner for s in intake.submissions] == ["ann", "bob"]
    assert any("Copy of hw.ipynb graded as hw.ipynb" in n for n in intake.notices)


def test_folder_of_notebooks_uses_file_names(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "ann.ipynb").write_text(NB)
    (src / "bob.ipynb").write_text(NB)
    (src / "bob.txt").write_text("x")
    intake = take(src, tmp_path)
    assert [s.learner for s in intake.submissions] == ["ann", "bob"]
    assert intake.notices == ["bob.txt: not a notebook, skipped"]


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "missing", "no such file or folder"),
    (lambda p: (p / "x.txt").write_text("x") and p / "x.txt", "not a zip file"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "no notebooks found"),
])
def test_unusable_sources(tmp_path, make, message):
    with pytest.raises(UnusableInput, match=message):
        take(make(tmp_path), tmp_path)
