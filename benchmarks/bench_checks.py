"""Measure the whole checklist: warm (browser already running) and cold (a new
process, browser launch included), with per-scenario times.

Prints numbers and their ratio to the targets; asserts nothing.
Run: .venv/bin/python benchmarks/bench_checks.py [RUNS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from autograder.checks import run_checks

WARM_TARGET_S = 1.5
COLD_TARGET_S = 4.0
SNIPPET = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
COLD_SCRIPT = f"""
import time
started = time.perf_counter()
from autograder.checks import run_checks
run_checks({SNIPPET!r}, seed=1)
print(time.perf_counter() - started)
"""


def main(runs: int = 7) -> None:
    cold = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD_SCRIPT], capture_output=True, text=True, check=True)
        cold.append(float(out.stdout.strip().splitlines()[-1]))
    run_checks(SNIPPET, seed=1)  # launch the browser once
    warm, per_scenario = [], {}
    for seed in range(runs):
        started = time.perf_counter()
        report = run_checks(SNIPPET, seed=seed)
        warm.append(time.perf_counter() - started)
        for name, seconds in report.scenario_times_s.items():
            per_scenario.setdefault(name, []).append(seconds)
    print(f"checklist warm  median {statistics.median(warm):5.2f} s  (min {min(warm):.2f}, max {max(warm):.2f}, "
          f"{runs} runs)  target {WARM_TARGET_S} s  ratio {statistics.median(warm) / WARM_TARGET_S:.2f}")
    print(f"checklist cold  median {statistics.median(cold):5.2f} s  (new process, browser launch included)  "
          f"target {COLD_TARGET_S} s  ratio {statistics.median(cold) / COLD_TARGET_S:.2f}")
    print("per scenario (warm, median; scenarios run concurrently, checks are judged inside them):")
    for name, values in per_scenario.items():
        checks = ", ".join(c.id for c in report.checks if c.evidence.get("scenario") == name) or "-"
        print(f"  {name:<16} {statistics.median(values):5.2f} s   decides: {checks}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
