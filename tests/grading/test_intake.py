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
    assert safe_learner_id("Zoë O'Brien/../x") == "Zoë_O_Brien_._x"  # one name, no path
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


# Distinct learners stay distinct; only one learner's own resubmissions are merged.

def folder_of(tmp_path, *names):
    src = tmp_path / "in"
    src.mkdir()
    for name in names:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(NB)
    return src


def test_learner_ids_keep_letters_of_every_script_and_stay_one_safe_folder_name():
    assert safe_learner_id("李雷") == "李雷"
    assert safe_learner_id("Zoë O'Brien") == "Zoë_O_Brien"
    assert safe_learner_id("Zoe\u0308") == "Zo\u00eb", "NFC: a decomposed ë is the same learner as a composed one"
    assert safe_learner_id("अनु") == "अनु", "combining vowel signs are part of the name"
    for hostile in ("a/b", "a\\b", "..", "../x", "x/../../y", ".hidden", "a\x00b", "a\nb", "a\x1bb",
                    "evil\u202egnp.exe", "a*?[b]", "~", "-", "é" * 300, "🙂" * 100):
        cleaned = safe_learner_id(hostile)
        assert cleaned and "/" not in cleaned and "\\" not in cleaned and ".." not in cleaned, (hostile, cleaned)
        assert not cleaned.startswith(".") and cleaned.isprintable(), (hostile, cleaned)
        assert not set(cleaned) & set("*?[]\u202e"), (hostile, cleaned)
        assert len(cleaned.encode()) <= 100, (hostile, cleaned)
        assert safe_learner_id(cleaned) == cleaned, hostile


def test_names_that_clean_to_the_same_id_stay_two_learners_with_a_note(tmp_path):
    intake = take(folder_of(tmp_path, "a b.ipynb", "a_b.ipynb", "🙂.ipynb", "🎉.ipynb", "李雷.ipynb", "韩梅梅.ipynb"),
                  tmp_path)
    by_origin = {s.origin: s.learner for s in intake.submissions}
    assert by_origin["a_b.ipynb"] == "a_b" and by_origin["a b.ipynb"] == "a_b-2"
    assert by_origin["李雷.ipynb"] == "李雷" and by_origin["韩梅梅.ipynb"] == "韩梅梅"
    assert sorted([by_origin["🎉.ipynb"], by_origin["🙂.ipynb"]]) == ["unnamed", "unnamed-2"]
    assert len(set(by_origin.values())) == 6
    notes = "\n".join(intake.notices)
    assert "a_b: a_b.ipynb and a b.ipynb are different learners with the same id; graded as a_b and a_b-2" in notes
    assert "several submissions" not in notes
    for submission in intake.submissions:
        assert submission.path == tmp_path / "course" / "submitted" / submission.learner / "hw" / "hw.ipynb"


def test_a_disambiguated_id_never_takes_another_learners_id(tmp_path):
    intake = take(folder_of(tmp_path, "a b.ipynb", "a_b.ipynb", "a_b-2.ipynb"), tmp_path)
    assert sorted(s.learner for s in intake.submissions) == ["a_b", "a_b-2", "a_b-3"]
    assert {s.origin: s.learner for s in intake.submissions}["a_b-2.ipynb"] == "a_b-2"


def test_nbgrader_folders_that_clean_alike_stay_apart(tmp_path):
    src = tmp_path / "submitted"
    for name in ("a b", "a_b"):
        (src / name / "hw").mkdir(parents=True)
        (src / name / "hw" / "hw.ipynb").write_text(NB)
    intake = take(src, tmp_path)
    assert sorted(s.learner for s in intake.submissions) == ["a_b", "a_b-2"]


def test_the_same_lms_id_is_one_learner_and_other_sources_are_not(tmp_path):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("smith_111_9_step07.ipynb", NB)
        zf.writestr("smith_111_10_step07.ipynb", NB)  # highest submission id, though not the last entry
        zf.writestr("smith_LATE_111_3_step07.ipynb", NB)
        zf.writestr("111.ipynb", NB)  # a plain file name that happens to be 111: someone else
        zf.writestr("Zoe\u0308 Li_222_assignsubmission_file_/step07.ipynb", NB)
        zf.writestr("Zo\u00eb Li_222_assignsubmission_file_/step07-v2.ipynb", NB)  # latest
    intake = take(archive, tmp_path)
    origins = {s.origin: s.learner for s in intake.submissions}
    assert origins == {"export.zip:smith_111_10_step07.ipynb": "111", "export.zip:111.ipynb": "111-2",
                       "export.zip:Zo\u00eb Li_222_assignsubmission_file_/step07-v2.ipynb": "222"}
    notes = "\n".join(intake.notices)
    assert ("111: several submissions; kept export.zip:smith_111_10_step07.ipynb "
            "(the highest Canvas submission id, 10), "
            "ignored export.zip:smith_111_9_step07.ipynb, export.zip:smith_LATE_111_3_step07.ipynb") in notes
    assert ("222: several submissions; kept export.zip:Zo\u00eb Li_222_assignsubmission_file_/step07-v2.ipynb "
            "(the latest)") in notes
    assert "111: Canvas student 111 and 111.ipynb are different learners with the same id; graded as 111 and 111-2" \
        in notes


def test_the_same_name_in_two_folders_is_one_learner(tmp_path):
    intake = take(folder_of(tmp_path, "week1/ada.ipynb", "week2/ada.ipynb", "week2/Ada.ipynb"), tmp_path)
    assert sorted(s.learner for s in intake.submissions) == ["Ada", "ada"]
    assert any(n.startswith("ada: several submissions; kept ") for n in intake.notices)
