"""The notebooks of an LMS export zip that may be damaged or hostile.

One bad entry (bad CRC, a size that lies, a method or encryption we cannot read,
data cut short, a name that cannot be a file) costs that entry only, with a note;
only an archive unreadable as a whole (not a zip, central directory gone) is
unusable input. Entries are read with a hard cap on the bytes that actually come
out of the decompressor, never trusting the size their headers declare.
"""

from __future__ import annotations

import copy
import lzma
import re
import shutil
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..errors import UnusableInput

MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_ZIP_BYTES = 1024 * 1024 * 1024
_CHUNK = 64 * 1024
_READABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_METHODS = {9: "Deflate64", 10: "PKWARE DCL Implode", 93: "Zstandard", 95: "xz", 97: "WavPack", 98: "PPMd",
            99: "AES encryption"}
# Everything zipfile and its decompressors raise for one entry's bad bytes.
_ENTRY_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError,
                 RuntimeError, ValueError, struct.error)
_WHOLE_ERRORS = (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error, UnicodeDecodeError)


@dataclass
class Entry:
    name: str  # as the archive spells it
    data: bytes
    order: tuple  # (date and time..., position in the archive): later entries sort higher


class _Skip(Exception):
    """One entry is not taken; the message says why."""


def notebook_entries(archive: Path, *, scratch: Path, notices: list[str]) -> Iterator[Entry]:
    """The archive's notebooks that can be read safely; a note for every other entry."""
    total = 0
    with _open(archive, scratch, notices) as zf:
        for number, info in enumerate(zf.infolist()):
            if info.is_dir() or {".ipynb_checkpoints", "__MACOSX"} & set(info.filename.split("/")):
                continue  # Jupyter's autosaves and macOS's resource forks are nobody's submission
            try:
                _refuse(info, total)
                data = _read_capped(zf, info)
            except _Skip as why:
                notices.append(f"{info.filename}: {why}")
                continue
            total += len(data)
            yield Entry(info.filename, data, (*info.date_time, number))


def _refuse(info: zipfile.ZipInfo, total: int) -> None:
    name = info.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        raise _Skip("zip entry outside the export folder, not extracted")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _Skip("a link inside the zip, not extracted")
    if info.file_size > MAX_ENTRY_BYTES or total + info.file_size > MAX_ZIP_BYTES:
        raise _Skip(f"too large ({info.file_size:,} bytes), not extracted")
    if not name.endswith(".ipynb"):
        raise _Skip("not a notebook, skipped")
    if info.flag_bits & 0x1:
        raise _Skip("encrypted, skipped (export the submissions without a password)")
    if info.compress_type not in _READABLE:
        method = _METHODS.get(info.compress_type, "unknown")
        raise _Skip(f"compressed with method {info.compress_type} ({method}), which cannot be read; skipped "
                    "(re-zip it with ordinary deflate)")


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    declared = info.file_size
    # zipfile stops at the declared size and then fails on the checksum: a lying header would read
    # as damage. Declaring our own ceiling instead lets us see the lie and stop just past it.
    probe = copy.copy(info)
    probe.file_size = MAX_ENTRY_BYTES + _CHUNK + 1
    data = bytearray()
    try:
        with zf.open(probe) as stream:
            while chunk := stream.read(_CHUNK):
                data += chunk
                if len(data) > declared:
                    raise _Skip(f"holds more than the {declared:,} bytes its header declares (a zip bomb?), "
                                "skipped")
    except zipfile.BadZipFile as err:
        if str(err).startswith("Bad CRC-32"):
            raise _Skip("damaged (its data does not match its CRC-32 checksum), skipped") from None
        raise _Skip(f"damaged ({err}), skipped") from None
    except EOFError:
        raise _Skip("damaged (its data ends early: the archive is cut short), skipped") from None
    except zlib.error:
        # A cut-short entry runs into the next record's bytes; whether inflating them fails on the
        # missing end or on nonsense depends on the bytes, so both read as the same damage.
        raise _Skip("damaged (its compressed data is broken: the archive is cut short or corrupt), "
                    "skipped") from None
    except _ENTRY_ERRORS as err:
        raise _Skip(f"damaged ({type(err).__name__}: {err}), skipped") from None
    return bytes(data)


def _open(archive: Path, scratch: Path, notices: list[str]) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(archive)
    except UnicodeDecodeError:
        pass  # a name flagged UTF-8 that is not: zipfile refuses the whole archive for one name
    except _WHOLE_ERRORS as err:
        raise _unreadable(archive, err) from None
    repaired = scratch / "names-repaired.zip"
    shutil.copyfile(archive, repaired)
    names = _clear_false_utf8_flags(repaired)
    try:
        zf = zipfile.ZipFile(repaired)
    except _WHOLE_ERRORS as err:
        raise _unreadable(archive, err) from None
    notices.extend(f"{name}: its name is flagged UTF-8 but is not; read as cp437" for name in names)
    return zf


def _unreadable(archive: Path, err: Exception) -> UnusableInput:
    return UnusableInput(f"{archive}: not a zip file, or one whose central directory is damaged or cut off "
                         f"({err}); download the export again, or give a folder of notebooks")


def _clear_false_utf8_flags(path: Path) -> list[str]:
    """Clear the UTF-8 flag (bit 11) of central directory names that are not UTF-8, so they are
    read as cp437, the zip format's own default; returns those names. Zip64 archives are left
    as they are (the flag is rare there; the archive is then reported unreadable)."""
    size = path.stat().st_size
    fixed: list[str] = []
    with open(path, "r+b") as handle:
        tail_at = max(0, size - 22 - 0xFFFF)  # the end record and the longest archive comment
        handle.seek(tail_at)
        tail = handle.read()
        end = tail.rfind(b"PK\x05\x06")
        if end < 0 or len(tail) < end + 22:
            return fixed
        cd_size, cd_offset = struct.unpack_from("<II", tail, end + 12)
        start = tail_at + end - cd_size  # where the directory is, even with data before the zip
        if start < 0:
            return fixed
        handle.seek(start)
        directory = bytearray(handle.read(cd_size))
        locals_ = []
        at = 0
        while at + 46 <= len(directory) and directory[at:at + 4] == b"PK\x01\x02":
            flags = struct.unpack_from("<H", directory, at + 8)[0]
            name_len, extra_len, comment_len = struct.unpack_from("<HHH", directory, at + 28)
            name = bytes(directory[at + 46:at + 46 + name_len])
            if flags & 0x800:
                try:
                    name.decode("utf-8")
                except UnicodeDecodeError:
                    struct.pack_into("<H", directory, at + 8, flags & ~0x800)
                    locals_.append(start - cd_offset + struct.unpack_from("<I", directory, at + 42)[0])
                    fixed.append(name.decode("cp437"))
            at += 46 + name_len + extra_len + comment_len
        handle.seek(start)
        handle.write(directory)
        for local in locals_:  # zipfile reads the local header's copy of the flag too
            handle.seek(local)
            header = handle.read(8)
            if len(header) == 8 and header[:4] == b"PK\x03\x04":
                handle.seek(local + 6)
                handle.write(struct.pack("<H", struct.unpack_from("<H", header, 6)[0] & ~0x800))
    return fixed
