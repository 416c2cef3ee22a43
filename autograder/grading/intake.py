"""Taking in a batch of submissions: a folder of notebooks, nbgrader's
``submitted/<learner>/<assignment>/`` layout, or an LMS export zip.

Everything lands in the course's own ``submitted/`` folder under the name the
assignment expects; what could not be taken (zip entries escaping the folder,
absolute paths, links, non-notebooks, duplicates) is reported, never written
outside the course.

LMS file names are read with nbgrader's zip_collect ``FileNameCollectorPlugin``
and these patterns:

- Canvas: ``<name>[_LATE]_<student id>_<submission id>_<file>`` (the learner id is the student id)
- Moodle: ``<Full Name>_<participant id>_assignsubmission_file_[/]<file>`` (the participant id)
- anything else: ``<learner id>.ipynb`` (the learner id is the file name)
"""

from __future__ import annotations

import logging
import re
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from nbgrader.plugins import FileNameCollectorPlugin

from ..errors import UnusableInput

CANVAS = r"^(?:.*/)?(?P<name>[^/_]+)(?:_LATE)?_(?P<student_id>\d+)_(?P<submission>\d+)_(?P<file_id>[^/]+)$"
MOODLE = r"^(?:.*/)?(?P<name>[^/]+?)_(?P<student_id>\d+)_assignsubmission_(?:file|onlinetext)_/?(?P<file_id>[^/]*)$"
MAX_ENTRY_BYTES = 32 * 1024 * 1024
MAX_ZIP_BYTES = 1024 * 1024 * 1024
_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Submission:
    learner: str
    path: Path  # inside the course's submitted/ folder
    origin: str  # where it came from, for reports


@dataclass
class Intake:
    submissions: list[Submission] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # what was skipped or changed, and why


def safe_learner_id(raw: str) -> str:
    """A learner id usable as a folder name: odd characters become '_'."""
    cleaned = _SAFE_ID.sub("_", raw.strip()).strip("._-")
    return cleaned[:80] or "unnamed"


_QUIET = logging.getLogger("autograder.intake")
_QUIET.setLevel(logging.ERROR)  # the plugin warns for every name a pattern does not match


def _matcher(pattern: str) -> FileNameCollectorPlugin:
    plugin = FileNameCollectorPlugin(named_regexp=pattern, valid_ext=[".ipynb"])
    plugin.log = _QUIET
    return plugin


def learner_from_name(relative: str) -> tuple[str, str] | None:
    """(learner id, how it was recognised) from an LMS or plain file name."""
    for label, pattern in (("Canvas", CANVAS), ("Moodle", MOODLE)):
        found = _matcher(pattern).collect(relative)
        if found:
            return safe_learner_id(found["student_id"]), label
    if relative.endswith(".ipynb"):
        return safe_learner_id(PurePosixPath(relative).stem), "file name"
    return None


def collect(source: str | Path, *, submitted_dir: Path, assignment: str, notebook_name: str) -> Intake:
    """Copy every submission in ``source`` into ``submitted_dir`` (nbgrader layout)."""
    source = Path(source)
    if not source.exists():
        raise UnusableInput(f"{source}: no such file or folder; give a folder of notebooks, an nbgrader "
                            "submitted/ folder or an LMS export .zip")
    intake = Intake()
    if source.is_file():
        if not zipfile.is_zipfile(source):
            raise UnusableInput(f"{source}: not a zip file; give a folder of notebooks or an LMS export .zip")
        found = _from_zip(source, submitted_dir.parent / "downloaded" / assignment / "extracted", intake)
    elif _is_nbgrader_layout(source, assignment):
        found = _from_nbgrader_layout(source, assignment, intake)
    else:
        found = _from_folder(source, intake)
    latest: dict[str, tuple[float, Path, str]] = {}
    for learner, path, origin, order in found:
        if learner in latest:
            keep, drop = (latest[learner], (order, path, origin))
            if order >= keep[0]:
                keep, drop = (order, path, origin), latest[learner]
            intake.notices.append(f"{learner}: several submissions; kept {keep[2]}, ignored {drop[2]}")
            latest[learner] = keep
        else:
            latest[learner] = (order, path, origin)
    for learner, (_, path, origin) in sorted(latest.items()):
        dest = submitted_dir / learner / assignment / notebook_name
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.resolve() != path.resolve():
            shutil.copyfile(path, dest)
        if path.name != notebook_name and path.stem != learner:
            intake.notices.append(f"{learner}: {path.name} graded as {notebook_name}")
        intake.submissions.append(Submission(learner=learner, path=dest, origin=origin))
    if not intake.submissions:
        raise UnusableInput(f"{source}: no notebooks found" + (f" ({'; '.join(intake.notices[:3])})"
                                                                if intake.notices else ""))
    return intake


def _is_nbgrader_layout(folder: Path, assignment: str) -> bool:
    return any(p.is_dir() for p in folder.glob(f"*/{assignment}"))


def _from_nbgrader_layout(folder: Path, assignment: str, intake: Intake):
    for learner_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        notebooks = sorted((learner_dir / assignment).glob("*.ipynb"))
        if not notebooks:
            intake.notices.append(f"{learner_dir.name}: no notebook in {learner_dir.name}/{assignment}/")
            continue
        learner = safe_learner_id(learner_dir.name)
        for notebook in notebooks:
            yield learner, notebook, f"{learner_dir.name}/{assignment}/{notebook.name}", notebook.stat().st_mtime


def _from_folder(folder: Path, intake: Intake):
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        relative = path.relative_to(folder).as_posix()
        if ".ipynb_checkpoints" in relative:
            continue
        recognised = learner_from_name(relative)
        if recognised is None:
            intake.notices.append(f"{relative}: not a notebook, skipped")
            continue
        yield recognised[0], path, relative, path.stat().st_mtime


def _from_zip(archive: Path, extract_dir: Path, intake: Intake):
    """Extract what is safe, then read names like a folder."""
    if extract_dir.exists():
        shutil.rmtree(extract_dir)
    extract_dir.mkdir(parents=True)
    total = 0
    order: dict[str, float] = {}
    with zipfile.ZipFile(archive) as zf:
        for number, info in enumerate(zf.infolist()):
            name = info.filename
            if info.is_dir():
                continue
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
                intake.notices.append(f"{name}: zip entry outside the export folder, not extracted")
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                intake.notices.append(f"{name}: a link inside the zip, not extracted")
                continue
            if info.file_size > MAX_ENTRY_BYTES or total + info.file_size > MAX_ZIP_BYTES:
                intake.notices.append(f"{name}: too large ({info.file_size:,} bytes), not extracted")
                continue
            if not name.endswith(".ipynb"):
                intake.notices.append(f"{name}: not a notebook, skipped")
                continue
            target = extract_dir.joinpath(*parts)
            if extract_dir.resolve() not in target.resolve().parents:
                intake.notices.append(f"{name}: zip entry outside the export folder, not extracted")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            total += info.file_size
            # later entries, later dates and higher Canvas submission ids win
            order[PurePosixPath(*parts).as_posix()] = (*info.date_time, number)
    for learner, path, relative, _ in _from_folder(extract_dir, intake):
        canvas = _matcher(CANVAS).collect(relative)
        rank = (int(canvas["submission"]),) if canvas else ()
        yield learner, path, f"{archive.name}:{relative}", rank + order.get(relative, ())
