"""The verdicts of the honest corpus (tests/checks/corpus.py) on this machine as it is,
and again with every core saturated by busy loops: learner code is judged by its own
cost, so the two must agree, snippet by snippet.

Prints each snippet's failed checks where the two differ, the counts, and the
checklist times under both loads; asserts nothing.
Run: .venv/bin/python benchmarks/bench_busy_host.py [SEED]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "checks"))

from corpus import CORPUS  # noqa: E402

from autograder.checks import run_checks  # noqa: E402

BUSY_LOOP = "while True: pass"


def verdicts(seed: int) -> tuple[dict[str, frozenset[str]], list[float]]:
    found, times = {}, []
    for name, (snippet, _) in CORPUS.items():
        started = time.perf_counter()
        report = run_checks(snippet, seed=seed)
        times.append(time.perf_counter() - started)
        found[name] = frozenset(c.id for c in report.checks if not c.passed)
    return found, times


def main(seed: int = 11) -> None:
    run_checks(CORPUS["correct-if-guard"][0], seed=seed)  # the browser is warm for both
    quiet, quiet_times = verdicts(seed)
    hogs = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(os.cpu_count() or 2)]
    try:
        busy, busy_times = verdicts(seed)
    finally:
        for hog in hogs:
            hog.kill()
    differ = [name for name in CORPUS if quiet[name] != busy[name]]
    for name in differ:
        print(f"{name}: as it is {sorted(quiet[name])}; saturated {sorted(busy[name])}")
    print(f"{len(CORPUS)} snippets, seed {seed}: {len(CORPUS) - len(differ)} identical verdicts, {len(differ)} differ "
          f"({len(hogs)} busy loops on {os.cpu_count()} cores)")
    print(f"checklist median {statistics.median(quiet_times):.2f} s as it is, {statistics.median(busy_times):.2f} s "
          f"saturated (ratio {statistics.median(busy_times) / statistics.median(quiet_times):.2f}); "
          f"slowest {max(quiet_times):.2f} s and {max(busy_times):.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 11)
