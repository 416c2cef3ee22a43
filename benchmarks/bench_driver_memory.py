"""Memory and CPU of Playwright's driver (Node.js) over many checklists: with
Node's default heap, and with the bounded heap the engine gives it
(``DRIVER_NODE_OPTIONS``). Each runs in a process of its own, one after the
other. Prints numbers and ratios; asserts nothing.

Run: .venv/bin/python benchmarks/bench_driver_memory.py [RUNS]   (default 120; about 5 minutes)
"""

from __future__ import annotations

import json
import subprocess
import sys

CHILD = """
import json, sys, psutil
from autograder.checks import engine, run_checks
engine.DRIVER_NODE_OPTIONS = sys.argv[1]
runs = int(sys.argv[2])
snippet = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
def driver():
    return next(p for p in psutil.Process().children(recursive=True) if p.name().startswith("node"))
samples = {}
for run in range(runs):
    run_checks(snippet + f"  // {run}", seed=run)  # a new snippet each time, as in a class
    if run % 20 == 0 or run == runs - 1:
        samples[run + 1] = driver().memory_full_info().pss / 2**20
cpu = driver().cpu_times()
print(json.dumps({"pss_mb": samples, "cpu_s": cpu.user + cpu.system}))
"""


def measure(node_options: str, runs: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, node_options, str(runs)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(runs: int = 120) -> None:
    from autograder.checks.engine import DRIVER_NODE_OPTIONS

    default, bounded = measure("", runs), measure(DRIVER_NODE_OPTIONS, runs)
    print(f"Playwright driver over {runs} checklists (PSS, MB, after N runs):")
    print(f"  {'runs':>5}  {'Node defaults':>13}  {'bounded':>8}")
    for n in default["pss_mb"]:
        print(f"  {n:>5}  {default['pss_mb'][n]:13.0f}  {bounded['pss_mb'][n]:8.0f}")
    last = list(default["pss_mb"])[-1]
    print(f"  at the end: {bounded['pss_mb'][last]:.0f} MB instead of {default['pss_mb'][last]:.0f} "
          f"(ratio {bounded['pss_mb'][last] / default['pss_mb'][last]:.2f}); bounded = {DRIVER_NODE_OPTIONS!r}")
    print(f"  driver CPU: {bounded['cpu_s']:.1f} s instead of {default['cpu_s']:.1f} "
          f"({(bounded['cpu_s'] - default['cpu_s']) / runs * 1000:+.0f} ms per checklist, "
          f"ratio {bounded['cpu_s'] / default['cpu_s']:.2f})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 120)
