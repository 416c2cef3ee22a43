"""Reading an LMS's CSV file as it was given: its text, whether it began with a
UTF-8 byte-order mark, and each record with the exact text it was read from, so
that rows we do not change can be written back byte for byte."""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnusableInput

MAX_ROSTER_BYTES = 50 * 1024 * 1024  # a class of tens of thousands is a few MB


@dataclass
class Record:
    cells: list[str]
    raw: str  # the record's text as read, line ending included


@dataclass
class CsvFile:
    path: Path
    bom: bool
    records: list[Record]

    @property
    def header(self) -> list[str]:
        return self.records[0].cells if self.records else []


def read_csv(path: str | Path, *, what: str) -> CsvFile:
    path = Path(path)
    if not path.is_file():
        raise UnusableInput(f"{path}: no such file; give the {what} as exported by the LMS (.csv)")
    data = path.read_bytes()
    if len(data) > MAX_ROSTER_BYTES:
        raise UnusableInput(f"{path}: {len(data)} bytes, more than a {what} can be ({MAX_ROSTER_BYTES})")
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data[len(codecs.BOM_UTF8) if bom else 0:].decode("utf-8")
    except UnicodeDecodeError as err:
        raise UnusableInput(f"{path}: not UTF-8 (byte {err.start}); export the {what} again as UTF-8 CSV") from err
    return CsvFile(path=path, bom=bom, records=_records(text, path, what))


def _records(text: str, path: Path, what: str) -> list[Record]:
    consumed: list[str] = []

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    # The reader pulls one physical line at a time, and more only inside a quoted field:
    # what it pulled for a record is that record's text.
    reader = csv.reader(lines(), strict=True)
    records = []
    try:
        for cells in reader:
            records.append(Record(cells=cells, raw="".join(consumed)))
            consumed.clear()
    except csv.Error as err:
        raise UnusableInput(f"{path}: not a readable {what} (line {reader.line_num}: {err})") from err
    if consumed and records:  # trailing text the reader kept (a final line without cells)
        records[-1].raw += "".join(consumed)
    if not records:
        raise UnusableInput(f"{path}: empty; give the {what} as exported by the LMS")
    return records


def line_ending(record: Record) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if record.raw.endswith(ending):
            return ending
    return ""


def write_record(cells: list[str], ending: str) -> str:
    """One record as the csv module writes it, ending as the original did."""
    out = io.StringIO()
    csv.writer(out, lineterminator=ending or "").writerow(cells)
    return out.getvalue()


def write_text(path: Path, text: str, *, bom: bool) -> Path:
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))
    return path
