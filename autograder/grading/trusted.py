"""Check reports computed by the grader, outside the learner's kernel.

The grader judges each submission's snippet in its own warm browser and keeps
the reports in a folder, one JSON file per (snippet, seed), snippets that
differ only in comments and layout sharing one (``checks.same_code``). Learner kernels
executed by the grader are pointed at that folder (``TRUSTED_REPORTS_ENV``), so
their check cells read the same verdicts instead of starting a browser, and
identical snippets in one batch are judged once.

Only complete judgements are kept for reuse. A run the browser could not finish
for a reason that is not the learner's code (the machine too busy, the browser
died: cause ``grader-error``) still grades the submission it was made for, but is
not kept: the next submission with that snippet, in this batch or a later one,
is judged again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path

from ..checks.report import Report
from ..checks.same_code import judged_code

TRUSTED_REPORTS_ENV = "AUTOGRADER_TRUSTED_REPORTS"
GRADER_ERROR = "grader-error"  # checks.causes: the grader's browser failed, not the learner's doing


def complete(report: Report) -> bool:
    """Whether the report judged the snippet itself: no check ended for the grader's own failure."""
    return not any(check.cause == GRADER_ERROR for check in report.checks)


def _checks_fingerprint() -> str:
    """Changes whenever the code that judges snippets changes (library, site, checks)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for folder in ("checks", "site"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".js", ".html") and path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


_FINGERPRINT: str | None = None


def report_key(snippet: str, seed: int) -> str:
    """Snippets that are the same code (``judged_code``: only comments and layout differ) share a key."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        _FINGERPRINT = _checks_fingerprint()
    code = judged_code(snippet)
    digest = hashlib.sha256(f"{_FINGERPRINT}\0{seed}\0{code}".encode("utf-8", "surrogatepass")).hexdigest()
    return f"{digest[:24]}-{seed}"


def load_report(folder: str | Path, snippet: str, seed: int) -> Report | None:
    path = Path(folder) / f"{report_key(snippet, seed)}.json"
    try:
        return Report.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError):
        return None


def trusted_report(folder: str | Path, snippet: str, seed: int, *, timeout_s: float = 20.0,
                   parallel: int | None = None, wait: bool = True) -> Report | None:
    """The report for (snippet, seed): from the folder, or judged now and kept there.

    Workers that meet the same snippet at once judge it once: the others wait on
    its lock (the run is bounded in time; a dead holder's lock is freed by the OS).
    With ``wait=False``, None at once while another worker is judging it.
    """
    found = load_report(folder, snippet, seed)
    if found is not None:
        return found
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = report_key(snippet, seed)
    with open(folder / f".{key}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return None
        found = load_report(folder, snippet, seed)
        if found is not None:
            return found
        from ..checks import run_checks

        report = run_checks(snippet, seed=seed, timeout_s=timeout_s, screenshots_dir=folder / "screenshots" / key,
                            parallel=parallel)
        if complete(report):
            tmp = folder / f".{key}.{os.getpid()}.tmp"
            tmp.write_text(report.to_json_text(), encoding="utf-8")
            os.replace(tmp, folder / f"{key}.json")  # atomic: readers never see half a report
    return report


def trusted_reports(folder: str | Path, snippet: str, seeds: tuple[int, ...], **options) -> dict[int, Report]:
    """The reports for every seed. Seeds another worker is judging right now are
    taken last: two workers meeting one new snippet judge its seeds side by side
    instead of one waiting for the other."""
    reports: dict[int, Report] = {}
    for wait in (False, True):
        for seed in seeds:
            if seed not in reports:
                report = trusted_report(folder, snippet, seed, wait=wait, **options)
                if report is not None:
                    reports[seed] = report
    return {seed: reports[seed] for seed in seeds}


def kernel_report(snippet: str, seed: int) -> Report | None:
    """Inside a kernel run by the grader: the grader's report, if it made one."""
    folder = os.environ.get(TRUSTED_REPORTS_ENV)
    return load_report(folder, snippet, seed) if folder else None
