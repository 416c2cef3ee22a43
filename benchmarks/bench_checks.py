"""Measure the whole checklist: warm (browser already running) and cold (a new
process, browser launch included), with per-scenario times; and what one
snippet's complete verdict costs in CPU: the checklist for every seed the grader
judges (the visible and the hidden tests' customers), in Chromium, Playwright's
driver and Python together, with the navigations and browser contexts it took.

Prints numbers and their ratio to the targets; asserts nothing.
Run: .venv/bin/python benchmarks/bench_checks.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

import psutil

from autograder.checks import run_checks
from autograder.checks import visitor as visitor_module

WARM_TARGET_S = 1.0
COLD_TARGET_S = 4.0
GRADER_SEEDS = (7, 1913)  # notebooks/build_notebook.py: the visible and the hidden tests' seeds
SNIPPET = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
COLD_SCRIPT = f"""
import time
started = time.perf_counter()
from autograder.checks import run_checks
run_checks({SNIPPET!r}, seed=1)
print(time.perf_counter() - started)
"""


def tree_cpu_s() -> dict[str, float]:
    """CPU seconds so far of this process and everything it started, by kind: dead children count
    through the live process that reaped them (Chromium's renderers come and go with contexts)."""
    by_kind = {"python": 0.0, "driver": 0.0, "chromium": 0.0}
    me = psutil.Process()
    for process in [me, *me.children(recursive=True)]:
        try:
            times, name = process.cpu_times(), process.name()
        except psutil.Error:
            continue
        kind = "python" if process.pid == os.getpid() else "driver" if name.startswith("node") else "chromium"
        by_kind[kind] += times.user + times.system + times.children_user + times.children_system
    return by_kind


class Counts:
    """Browser contexts and navigations the checks make (counted where the visitor makes them)."""

    def __init__(self) -> None:
        self.contexts = self.navigations = 0
        # every browser context a visitor makes goes through _new_browser (reopening keeps its own)
        Visitor = visitor_module.Visitor
        opener = "_new_browser" if hasattr(Visitor, "_new_browser") else "open"
        open_, navigate = getattr(Visitor, opener), Visitor._navigate

        async def counted_open(visitor, *args, **kwargs):
            self.contexts += 1
            return await open_(visitor, *args, **kwargs)

        async def counted_navigate(visitor, *args, **kwargs):
            self.navigations += 1
            return await navigate(visitor, *args, **kwargs)

        setattr(Visitor, opener, counted_open)
        Visitor._navigate = counted_navigate


def verdict_cpu(runs: int, counts: Counts) -> None:
    per_verdict, kinds, navigations, contexts = [], [], [], []
    for _ in range(runs):
        before, nav0, ctx0 = tree_cpu_s(), counts.navigations, counts.contexts
        for seed in GRADER_SEEDS:
            run_checks(SNIPPET, seed=seed)
        after = tree_cpu_s()
        spent = {kind: after[kind] - before[kind] for kind in after}
        per_verdict.append(sum(spent.values()))
        kinds.append(spent)
        navigations.append(counts.navigations - nav0)
        contexts.append(counts.contexts - ctx0)
    middle = sorted(range(runs), key=lambda i: per_verdict[i])[runs // 2]
    split = ", ".join(f"{kind} {seconds:.2f}" for kind, seconds in kinds[middle].items())
    print(f"one snippet's complete verdict ({len(GRADER_SEEDS)} seeds): CPU median {statistics.median(per_verdict):.2f} s "
          f"(min {min(per_verdict):.2f}, max {max(per_verdict):.2f}, {runs} runs; median run: {split}); "
          f"{navigations[middle]} navigations, {contexts[middle]} browser contexts")


def main(runs: int = 7) -> None:
    cold = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD_SCRIPT], capture_output=True, text=True, check=True)
        cold.append(float(out.stdout.strip().splitlines()[-1]))
    counts = Counts()
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
    verdict_cpu(max(3, runs // 2), counts)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
