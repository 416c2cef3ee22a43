"""Damaged LMS zips: each bad entry is skipped (or read safely) with a note, the
rest is taken; only an archive that is unreadable as a whole is unusable input.

Every damaged archive is made from a real zip whose bytes are patched the way a
broken download, a buggy zipper or a hostile learner would leave them."""

import csv
import io
import struct
import subprocess
import sys
import tracemalloc
import zipfile
import zlib

import nbformat
import pytest

from autograder.errors import UnusableInput
from autograder.grading.intake import collect

NB = nbformat.writes(nbformat.v4.new_notebook()).encode()
# Big enough to cut into; fixed cell ids (nbformat's are random), so the same bytes are damaged every run
LARGE_NB = nbformat.writes(nbformat.v4.new_notebook(cells=[
    nbformat.v4.new_code_cell(f"x = {i}", id=f"cell-{i}") for i in range(200)])).encode()
GOOD = "good_101_1_step07.ipynb"  # Canvas: learner 101
VICTIM = "victim_202_1_step07.ipynb"  # Canvas: learner 202, the entry that gets damaged


def take(source, tmp_path):
    return collect(source, submitted_dir=tmp_path / "course" / "submitted", assignment="hw",
                   notebook_name="hw.ipynb")


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def headers(data: bytes, name: bytes) -> tuple[int, int]:
    """Offsets of the entry's local header and of its central directory record."""
    eocd = data.rindex(b"PK\x05\x06")
    count, _, start = struct.unpack_from("<HII", data, eocd + 10)
    offset = start
    for _ in range(count):
        assert data[offset:offset + 4] == b"PK\x01\x02"
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, offset + 28)
        if data[offset + 46:offset + 46 + name_len] == name:
            return struct.unpack_from("<I", data, offset + 42)[0], offset
        offset += 46 + name_len + extra_len + comment_len
    raise KeyError(name)


def patch(data: bytes, offset: int, fmt: str, value) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


def patch_both(data: bytes, name: str, local_at: int, central_at: int, fmt: str, change) -> bytes:
    """Change one field the same way in the local header and the central directory."""
    local, central = headers(data, name.encode())
    data = patch(data, local + local_at, fmt, change(struct.unpack_from(fmt, data, local + local_at)[0]))
    return patch(data, central + central_at, fmt, change(struct.unpack_from(fmt, data, central + central_at)[0]))


def damaged(tmp_path, data: bytes):
    archive = tmp_path / "export.zip"
    archive.write_bytes(data)
    return archive


def learners(intake):
    return sorted(s.learner for s in intake.submissions)


def notes(intake):
    return "\n".join(intake.notices)


def test_an_entry_with_a_bad_crc_is_skipped_and_the_rest_taken(tmp_path):
    data = zip_bytes({GOOD: NB, VICTIM: NB})
    data = patch_both(data, VICTIM, 14, 16, "<I", lambda crc: crc ^ 0xFFFFFFFF)
    intake = take(damaged(tmp_path, data), tmp_path)
    assert learners(intake) == ["101"]
    assert f"{VICTIM}: damaged (its data does not match its CRC-32 checksum), skipped" in notes(intake)
    assert not (tmp_path / "course" / "submitted" / "202").exists()


def test_a_bomb_that_lies_about_its_size_is_stopped_early(tmp_path):
    """40 MB of zeros that both headers declare as 1,000 bytes: read no further than the lie."""
    data = zip_bytes({GOOD: NB, VICTIM: b"0" * (40 * 1024 * 1024)})
    data = patch_both(data, VICTIM, 22, 24, "<I", lambda size: 1000)
    archive = damaged(tmp_path, data)
    tracemalloc.start()
    try:
        intake = take(archive, tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert learners(intake) == ["101"]
    assert f"{VICTIM}: holds more than the 1,000 bytes its header declares (a zip bomb?), skipped" in notes(intake)
    assert peak < 8 * 1024 * 1024, f"{peak:,} bytes held: the entry was decompressed beyond its declared size"


def test_a_name_flagged_utf8_that_is_not_is_read_as_cp437_with_a_note(tmp_path):
    """Old zippers write Latin-1 names; a buggy one also sets the UTF-8 flag (bit 11)."""
    data = zip_bytes({GOOD: NB, "Zoe.ipynb": NB})
    local, central = headers(data, b"Zoe.ipynb")
    data = data[:local + 30] + b"Zo\xeb.ipynb" + data[local + 39:]
    data = data[:central + 46] + b"Zo\xeb.ipynb" + data[central + 55:]
    local, central = headers(data, b"Zo\xeb.ipynb")
    for at in (local + 6, central + 8):
        data = patch(data, at, "<H", struct.unpack_from("<H", data, at)[0] | 0x800)
    intake = take(damaged(tmp_path, data), tmp_path)
    assert learners(intake) == ["101", "Zoδ"]
    assert "Zoδ.ipynb: its name is flagged UTF-8 but is not; read as cp437" in notes(intake)


def test_an_entry_cut_short_inside_the_archive_is_skipped(tmp_path):
    """The last entry loses the end of its data; the central directory is still there."""
    data = zip_bytes({GOOD: NB, VICTIM: LARGE_NB})
    eocd = data.rindex(b"PK\x05\x06")
    start = struct.unpack_from("<I", data, eocd + 16)[0]
    cut = 200
    data = patch(data[:start - cut] + data[start:], eocd - cut + 16, "<I", start - cut)
    intake = take(damaged(tmp_path, data), tmp_path)
    assert learners(intake) == ["101"]
    assert f"{VICTIM}: damaged (its data ends early: the archive is cut short), skipped" in notes(intake)


def test_an_entry_whose_compressed_data_turns_to_nonsense_is_skipped(tmp_path):
    """The inflater fails on the bytes themselves rather than on a missing end (a cut that runs into
    the next record can give either, depending on the bytes): the same damage, said the same way."""
    data = zip_bytes({GOOD: NB, VICTIM: LARGE_NB})
    local_at, central_at = headers(data, VICTIM.encode())
    size = struct.unpack_from("<I", data, central_at + 20)[0]
    body = local_at + 30 + len(VICTIM)
    garbage = (bytes(range(7, 250, 3)) * size)[:size - 40]
    data = data[:body + 40] + garbage + data[body + size:]
    with pytest.raises(zlib.error):  # the premise: the inflater itself refuses these bytes
        zlib.decompressobj(-15).decompress(data[body:body + size])
    intake = take(damaged(tmp_path, data), tmp_path)
    assert learners(intake) == ["101"]
    assert (f"{VICTIM}: damaged (its compressed data is broken: the archive is cut short or corrupt), skipped"
            in notes(intake))


def test_unsupported_compression_and_encryption_are_skipped_with_a_reason(tmp_path):
    locked = "locked_303_1_step07.ipynb"
    data = zip_bytes({GOOD: NB, VICTIM: NB, locked: NB})
    data = patch_both(data, VICTIM, 8, 10, "<H", lambda method: 9)  # Deflate64, as Windows makes for large files
    data = patch_both(data, locked, 6, 8, "<H", lambda flags: flags | 0x1)
    intake = take(damaged(tmp_path, data), tmp_path)
    assert learners(intake) == ["101"]
    assert f"{VICTIM}: compressed with method 9 (Deflate64), which cannot be read; skipped" in notes(intake)
    assert f"{locked}: encrypted, skipped (export the submissions without a password)" in notes(intake)


@pytest.mark.parametrize("damage", [
    pytest.param(lambda data: data[:len(data) // 2], id="cut in half"),
    pytest.param(lambda data: data.replace(b"PK\x01\x02", b"XX\x01\x02"), id="central directory overwritten"),
    pytest.param(lambda data: b"PK\x05\x06" + b"\0" * 18, id="empty shell"),
])
def test_an_archive_unreadable_as_a_whole_is_unusable_input(tmp_path, damage):
    archive = damaged(tmp_path, damage(zip_bytes({GOOD: NB, VICTIM: NB})))
    with pytest.raises(UnusableInput, match="export.zip: "):
        take(archive, tmp_path)


def test_entries_whose_names_cannot_be_files_are_skipped(tmp_path):
    """A file and a folder of the same name, and a name longer than a file system allows: all are
    taken, under learner ids of bounded length."""
    data = zip_bytes({GOOD: NB, "x.ipynb": NB, "x.ipynb/y.ipynb": NB, "z" * 300 + ".ipynb": NB})
    intake = take(damaged(tmp_path, data), tmp_path)
    assert learners(intake) == ["101", "x", "y", "z" * 100]


@pytest.mark.slow
@pytest.mark.browser
def test_the_cli_grades_the_good_entries_of_a_damaged_zip(tmp_path):
    from .mini_course import ASSIGNMENT, learner_notebook, make_course

    course = make_course(tmp_path / "course")
    good = nbformat.writes(learner_notebook(
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }", "return 2 * x")).encode()
    data = zip_bytes({GOOD: good, VICTIM: good, "李雷.ipynb": good})  # an id in another script, through nbgrader
    data = patch_both(data, VICTIM, 14, 16, "<I", lambda crc: crc ^ 0xFFFFFFFF)
    archive = damaged(tmp_path, data)
    command = [sys.executable, "-m", "autograder", "grade", "--course", str(course), "--assignment", ASSIGNMENT,
               "--out", str(tmp_path / "out"), "--workers", "1"]
    result = subprocess.run([*command, str(archive)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert f"{VICTIM}: damaged" in " ".join(result.stdout.split())
    rows = list(csv.DictReader(open(tmp_path / "out" / "grades.csv", encoding="utf-8")))
    assert {row["learner"]: row["total"] for row in rows} == {"101": "6", "李雷": "6"}

    archive.write_bytes(data[:len(data) // 2])
    result = subprocess.run([*command, str(archive)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "export.zip: not a zip file, or one whose central directory is damaged" in errors[0]
