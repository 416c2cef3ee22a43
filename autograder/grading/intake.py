"""Taking in a batch of submissions: a folder of notebooks, nbgrader's
``submitted/<learner>/<assignment>/`` layout, or an LMS export zip.

Everything lands in the course's own ``submitted/`` folder under the name the
assignment expects; what could not be taken (zip entries escaping the folder,
absolute paths, links, damaged entries, non-notebooks) is reported, never written
outside the course (reading a damaged zip: ``zip_entries``).

LMS file names are read with nbgrader's zip_collect ``FileNameCollectorPlugin``
and these patterns:

- Canvas: ``<name>[_LATE]_<student id>_<submission id>_<file>`` (the learner id is the student id;
  ``_LATE`` is kept as Canvas's own verdict; the "submission id" is the file's attachment id)
- Moodle: ``<Full Name>_<participant id>_assignsubmission_file_[/]<file>`` (the participant id)
- anything else: ``<learner id>.ipynb`` (the learner id is the file name)

A learner is who the source names (an LMS id, else the name, in Unicode NFC):
only one learner's own submissions are merged (the latest kept). Different
learners whose names clean to the same folder name get distinct ids, with a note.
A submission's time is what the source says (lms_late reads it against ``--due``).
"""

from __future__ import annotations

import itertools
import logging
import re
import shutil
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from nbgrader.plugins import FileNameCollectorPlugin
from nbgrader.utils import parse_utc

from ..errors import UnusableInput
from .gradebook import copy_submission_receipts
from .zip_entries import notebook_entries

CANVAS = r"^(?:.*/)?(?P<name>[^/_]+)(?P<late>_LATE)?_(?P<student_id>\d+)_(?P<submission>\d+)_(?P<file_id>[^/]+)$"
MOODLE = r"^(?:.*/)?(?P<name>[^/]+?)_(?P<student_id>\d+)_assignsubmission_(?:file|onlinetext)_/?(?P<file_id>[^/]*)$"
MAX_TIMESTAMP_BYTES = 200  # nbgrader writes some 30; a learner's folder may hold anything
MAX_ID_BYTES = 100  # a folder name, and file names made of it plus a suffix, stay under 255 bytes
_SKIPPED_FOLDERS = {".ipynb_checkpoints", "__MACOSX"}  # autosaves and macOS resource forks: nobody's work


@dataclass
class Submission:
    learner: str
    path: Path  # inside the course's submitted/ folder
    origin: str  # where it came from, for reports
    person: tuple[str, str] = ("", "")  # (how recognised, who the source names): ("Canvas", student id), ...
    # When it was submitted, as the source says: a zip entry's time (no zone: naive) or
    # nbgrader's timestamp.txt (UTC, aware); None for a plain folder (a file's mtime is no
    # submission time). Canvas's _LATE marker: Canvas found it late by its own due date.
    submitted_at: datetime | None = None
    late_marker: bool = False
    attachment: str = ""  # Canvas's attachment id of the file kept (its re-upload needs it)
    canvas_name: str = ""  # the name part Canvas wrote before the ids


@dataclass
class Intake:
    submissions: list[Submission] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what was skipped or changed, and why


@dataclass
class _Found:
    scheme: str  # how the learner was recognised: "Canvas", "Moodle", "file name", "folder"
    key: str  # who it is as the source says it: the LMS id or the name
    path: Path  # a readable copy
    relative: str  # the name in the source
    origin: str  # for notes
    rank: tuple  # the higher, the later
    canvas_submission: int | None = None
    submitted_at: datetime | None = None
    late_marker: bool = False
    canvas_name: str = ""

    @property
    def person(self) -> tuple[str, str]:
        return self.scheme, self.key


def _kept(char: str) -> bool:
    return char in "._-" or unicodedata.category(char)[0] in "LMN"  # letters, marks, digits of any script


def safe_learner_id(raw: str) -> str:
    """A learner id usable as one folder name: letters and digits of any script (NFC),
    '.', '-' and '_'; every other run of characters becomes '_'; no leading dot, no
    '..', at most MAX_ID_BYTES bytes of UTF-8."""
    text = unicodedata.normalize("NFC", raw.strip())
    cleaned = "".join("".join(run) if kept else "_" for kept, run in itertools.groupby(text, _kept))
    cleaned = re.sub(r"\.{2,}", ".", cleaned).strip("._-")
    cleaned = cleaned.encode()[:MAX_ID_BYTES].decode("utf-8", "ignore").strip("._-")
    return cleaned or "unnamed"


_QUIET = logging.getLogger("autograder.intake")
_QUIET.setLevel(logging.ERROR)  # the plugin warns for every name a pattern does not match


def _matcher(pattern: str) -> FileNameCollectorPlugin:
    plugin = FileNameCollectorPlugin(named_regexp=pattern, valid_ext=[".ipynb"])
    plugin.log = _QUIET
    return plugin


class _Name(NamedTuple):
    scheme: str
    key: str  # who the name says
    submission: int | None = None  # Canvas's attachment id
    late: bool = False  # Canvas's _LATE marker
    canvas_name: str = ""


def _recognise(relative: str) -> _Name | None:
    """Who an LMS or plain file name says, and what else Canvas's names carry."""
    relative = unicodedata.normalize("NFC", relative)
    for label, pattern in (("Canvas", CANVAS), ("Moodle", MOODLE)):
        found = _matcher(pattern).collect(relative)
        if found and label == "Canvas":
            return _Name(label, found["student_id"], int(found["submission"]), bool(found["late"]), found["name"])
        if found:
            return _Name(label, found["student_id"])
    if relative.endswith(".ipynb"):
        return _Name("file name", PurePosixPath(relative).stem)
    return None


def learner_from_name(relative: str) -> tuple[str, str] | None:
    """(learner id, how it was recognised) from an LMS or plain file name."""
    recognised = _recognise(relative)
    return (safe_learner_id(recognised[1]), recognised[0]) if recognised else None


def collect(source: str | Path, *, submitted_dir: Path, assignment: str, notebook_name: str) -> Intake:
    """Copy every submission in ``source`` into ``submitted_dir`` (nbgrader layout)."""
    source = Path(source)
    if not source.exists():
        raise UnusableInput(f"{source}: no such file or folder; give a folder of notebooks, an nbgrader "
                            "submitted/ folder or an LMS export .zip")
    intake = Intake()
    if source.is_file():
        found = list(_from_zip(source, submitted_dir.parent / "downloaded" / assignment, intake))
    elif _is_nbgrader_layout(source, assignment):
        found = list(_from_nbgrader_layout(source, assignment, intake))
    else:
        found = list(_from_folder(source, intake))
    by_person: dict[tuple[str, str], list[_Found]] = defaultdict(list)
    for item in found:
        by_person[item.person].append(item)
    ids = _distinct_ids(by_person, intake.notices)
    for person, items in sorted(by_person.items(), key=lambda pair: ids[pair[0]]):
        learner = ids[person]
        keep = max(items, key=lambda item: item.rank)
        if len(items) > 1:
            why = (f"the highest Canvas submission id, {keep.canvas_submission}"
                   if keep.canvas_submission is not None else "the latest")
            ignored = ", ".join(item.origin for item in items if item is not keep)
            intake.notices.append(f"{learner}: several submissions; kept {keep.origin} ({why}), ignored {ignored}")
        dest = submitted_dir / learner / assignment / notebook_name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.resolve() != keep.path.resolve():
            shutil.copyfile(keep.path, dest)
            if keep.scheme == "folder":  # from nbgrader's layout: its receipts go along
                copy_submission_receipts(keep.path.parent, dest.parent)
        name = PurePosixPath(keep.relative).name
        if name != notebook_name and PurePosixPath(name).stem != learner:
            intake.notices.append(f"{learner}: {name} graded as {notebook_name}")
        intake.submissions.append(Submission(
            learner=learner, path=dest, origin=keep.origin, person=person, submitted_at=keep.submitted_at,
            late_marker=keep.late_marker, canvas_name=keep.canvas_name,
            attachment="" if keep.canvas_submission is None else str(keep.canvas_submission)))
    if not intake.submissions:
        raise UnusableInput(f"{source}: no notebooks found" + (f" ({'; '.join(intake.notices[:3])})"
                                                                if intake.notices else ""))
    return intake


def _distinct_ids(by_person: dict[tuple[str, str], list[_Found]], notices: list[str]) -> dict[tuple[str, str], str]:
    """One id per person. Where several clean to the same id, the one named exactly so keeps it
    and the others get '-2', '-3', ..., never an id another person has."""
    by_id: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for person in by_person:
        by_id[safe_learner_id(person[1])].append(person)
    taken = set(by_id)
    ids: dict[tuple[str, str], str] = {}
    for base, people in sorted(by_id.items()):
        people.sort(key=lambda person: (person[1] != base, person))
        ids[people[0]] = base
        number = 2
        for person in people[1:]:
            while (candidate := _numbered(base, number)) in taken:
                number += 1
            taken.add(candidate)
            ids[person] = candidate
        if len(people) > 1:
            who = [_describe(person, by_person[person]) for person in people]
            notices.append(f"{base}: {', '.join(who[:-1])} and {who[-1]} are different learners with the same id; "
                           f"graded as {', '.join(ids[p] for p in people[:-1])} and {ids[people[-1]]}")
    return ids


def _numbered(base: str, number: int) -> str:
    suffix = f"-{number}"
    return base.encode()[:MAX_ID_BYTES - len(suffix)].decode("utf-8", "ignore") + suffix


def _describe(person: tuple[str, str], items: list[_Found]) -> str:
    scheme, key = person
    if scheme == "Canvas":
        return f"Canvas student {key}"
    if scheme == "Moodle":
        return f"Moodle participant {key}"
    if scheme == "folder":
        return f"{key}/"
    return max(items, key=lambda item: item.rank).relative


def _is_nbgrader_layout(folder: Path, assignment: str) -> bool:
    return any(p.is_dir() for p in folder.glob(f"*/{assignment}"))


def _from_nbgrader_layout(folder: Path, assignment: str, intake: Intake):
    for learner_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        notebooks = sorted((learner_dir / assignment).glob("*.ipynb"))
        if not notebooks:
            intake.notices.append(f"{learner_dir.name}: no notebook in {learner_dir.name}/{assignment}/")
            continue
        key = unicodedata.normalize("NFC", learner_dir.name)
        submitted_at = _nbgrader_timestamp(learner_dir / assignment, key, intake)
        for notebook in notebooks:
            relative = f"{learner_dir.name}/{assignment}/{notebook.name}"
            yield _Found("folder", key, notebook, notebook.name, relative, (notebook.stat().st_mtime, relative),
                         submitted_at=submitted_at)


def _nbgrader_timestamp(folder: Path, learner: str, intake: Intake) -> datetime | None:
    """nbgrader's submission time (``timestamp.txt``, as its collect and submit write it), in UTC."""
    path = folder / "timestamp.txt"
    if not path.is_file() or path.is_symlink():
        return None
    with open(path, "rb") as handle:  # read no more than a timestamp's worth, however large the file
        text = handle.read(MAX_TIMESTAMP_BYTES).decode("utf-8", "replace").strip()
    try:
        return parse_utc(text).replace(tzinfo=timezone.utc) if text else None
    except (ValueError, OverflowError, TypeError):  # dateutil's errors for text that is no time
        intake.notices.append(f"{learner}: timestamp.txt is no time ({text[:40]!r}); submission time unknown")
        return None


def _from_folder(folder: Path, intake: Intake):
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if not path.is_file() or path.is_symlink() or _SKIPPED_FOLDERS & set(relative.split("/")):
            continue
        recognised = _recognise(relative)
        if recognised is None:
            intake.notices.append(f"{relative}: not a notebook, skipped")
            continue
        rank = (() if recognised.submission is None else (recognised.submission,)) + (path.stat().st_mtime, relative)
        yield _Found(recognised.scheme, recognised.key, path, relative, relative, rank, recognised.submission,
                     late_marker=recognised.late, canvas_name=recognised.canvas_name)


def _from_zip(archive: Path, scratch: Path, intake: Intake):
    """Each readable notebook, written under a name of our own (the entry's name may be no valid file name)."""
    extract_dir = scratch / "extracted"
    if extract_dir.exists():
        shutil.rmtree(extract_dir)
    extract_dir.mkdir(parents=True)
    for number, entry in enumerate(notebook_entries(archive, scratch=scratch, notices=intake.notices)):
        recognised = _recognise(entry.name)
        if recognised is None:
            continue
        path = extract_dir / f"{number}.ipynb"
        path.write_bytes(entry.data)
        # later entries, later dates and higher Canvas submission ids win
        rank = (() if recognised.submission is None else (recognised.submission,)) + entry.order
        yield _Found(recognised.scheme, recognised.key, path, entry.name, f"{archive.name}:{entry.name}", rank,
                     recognised.submission, submitted_at=_entry_time(entry.order), late_marker=recognised.late,
                     canvas_name=recognised.canvas_name)


def _entry_time(order: tuple) -> datetime | None:
    """A zip entry's date and time (no zone in a zip: naive), None where it is no date."""
    try:
        return datetime(*order[:6])
    except (ValueError, TypeError):
        return None
