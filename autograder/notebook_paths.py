"""Where the course lives: the repository's notebooks/ folder next to the package (a
checkout, or an editable install), or the copy packed into the wheel (setup.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from .errors import UnusableInput

ASSIGNMENT = "step07-identifying-customers"
COURSE_FILES = ("nbgrader_config.py", "source")
_REPOSITORY_COURSE = Path(__file__).resolve().parent.parent / "notebooks"
_PACKED_COURSE = Path(__file__).resolve().parent / "course"


def _is_course(folder: Path) -> bool:
    return (folder / "source" / ASSIGNMENT).is_dir()


def course_source() -> Path:
    """The course as shipped, to read or copy (never to grade in: an installed one is read-only)."""
    for folder in (_REPOSITORY_COURSE, _PACKED_COURSE):
        if _is_course(folder):
            return folder
    raise UnusableInput("this installation has no course: reinstall the package, or pass --course with an nbgrader "
                        "course folder")


def default_course_dir() -> Path:
    """The course to work in when none is given: the repository's notebooks/ (release, lab and grade
    write into it). An installed package has none: make one with ``course init``."""
    if _is_course(_REPOSITORY_COURSE):
        return _REPOSITORY_COURSE
    raise UnusableInput("no course folder here: write one with 'python -m autograder course init DIR', then pass "
                        "--course DIR")


def init_course(folder: str | Path) -> Path:
    """Write the course (nbgrader_config.py and the instructor's source) into ``folder``."""
    target = Path(folder)
    if target.exists() and any(target.iterdir()):
        raise UnusableInput(f"{target} is not empty: give a new or empty folder for the course")
    source = course_source()
    target.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        else:
            shutil.copy2(source / name, target / name)
    return target
