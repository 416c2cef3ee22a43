"""What a batch already finished, so an interrupted or repeated run grades only
what is new or changed. One small JSON file per learner, written atomically
the moment a result arrives: a kill loses at most the submissions in flight.

A result is reused only when everything that made it is the same: the submission,
the assignment, the course's settings, the grading options, and the code (every
file of this package: the checks, the grading rules, the course's helpers that run
in the kernel, and the versions of the Jupyter parts that grade). A result whose
browser checks the grader could not finish (``trusted.complete``) is never reused.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
CODE_SUFFIXES = (".py", ".js", ".html", ".css", ".json", ".tpl", ".j2")
# The parts of Jupyter that run and score a notebook: a new version may grade differently.
GRADING_DISTRIBUTIONS = ("nbgrader", "nbconvert", "nbclient", "nbformat", "jupyter_client", "ipykernel")


@functools.lru_cache(maxsize=2)
def code_fingerprint(package: Path = PACKAGE) -> str:
    """Changes whenever code that can change a grade changes (any file of the package)."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    for name in GRADING_DISTRIBUTIONS:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} absent".encode())
    return digest.hexdigest()


def fingerprint(notebook: Path, *, assignment_source: Path, seeds: tuple[int, ...], course_config: bytes = b"",
                options: tuple = (), package: Path = PACKAGE) -> str:
    """Changes when the submission, the assignment, the course's settings, the grading options
    (``options``: e.g. the time bound) or the grading code changes."""
    digest = hashlib.sha256()
    digest.update(notebook.read_bytes())
    for path in sorted(assignment_source.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    digest.update(code_fingerprint(package).encode())
    digest.update(hashlib.sha256(course_config).digest())
    digest.update(repr((seeds, options)).encode())
    return digest.hexdigest()


def _complete(result: dict) -> bool:
    from .trusted import GRADER_ERROR

    reports = result.get("checks") or {}
    return not any(check.get("cause") == GRADER_ERROR
                   for report in reports.values() if isinstance(report, dict)
                   for check in report.get("checks", []) if isinstance(check, dict))


class Ledger:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, learner: str) -> Path:
        return self.folder / f"{learner}.json"

    def finished(self, learner: str, print_: str) -> dict | None:
        """The stored result, if it was made from this very submission and its judgement is complete."""
        try:
            entry = json.loads(self._path(learner).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("fingerprint") != print_ or not _complete(entry.get("result") or {}):
            return None
        return entry["result"]

    def previous(self, learner: str) -> dict | None:
        """The stored result, whatever submission it was made from."""
        try:
            return json.loads(self._path(learner).read_text(encoding="utf-8"))["result"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def record(self, learner: str, print_: str, result: dict) -> None:
        tmp = self.folder / f".{learner}.tmp"
        tmp.write_text(json.dumps({"fingerprint": print_, "result": result}), encoding="utf-8")
        os.replace(tmp, self._path(learner))

    def all(self) -> dict[str, dict]:
        out = {}
        for path in sorted(self.folder.glob("*.json")):
            try:
                out[path.stem] = json.loads(path.read_text(encoding="utf-8"))["result"]
            except (OSError, ValueError, KeyError):
                continue
        return out
