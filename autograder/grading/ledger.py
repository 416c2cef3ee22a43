"""What a batch already finished, so an interrupted or repeated run grades only
what is new or changed. One small JSON file per learner, written atomically
the moment a result arrives: a kill loses at most the submissions in flight."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path


def fingerprint(notebook: Path, *, assignment_source: Path, seeds: tuple[int, ...]) -> str:
    """Changes when the submission, the assignment or the grading code changes."""
    digest = hashlib.sha256()
    digest.update(notebook.read_bytes())
    for path in sorted(assignment_source.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    from .trusted import report_key

    digest.update(report_key("", 0).encode())  # the checks' code fingerprint
    digest.update(repr(seeds).encode())
    return digest.hexdigest()


class Ledger:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, learner: str) -> Path:
        return self.folder / f"{learner}.json"

    def finished(self, learner: str, print_: str) -> dict | None:
        """The stored result, if it was made from this very submission."""
        try:
            entry = json.loads(self._path(learner).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry["result"] if entry.get("fingerprint") == print_ else None

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
