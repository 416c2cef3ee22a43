"""Grade the same synthetic class two ways in one run: ``autograder grade`` (2
workers) and plain ``nbgrader autograde``; check the scores agree; print seconds
per submission and the ratio (both timed from a course whose gradebook already
has the assignment, as after its release), where the time goes, the cost of the
sandbox and of the trusted re-check, and the peak memory of a worker. Asserts
nothing.

The class is realistic by default: every learner writes their snippet in their
own words (``synthetic.in_own_words``), so no verdict is reused, as in a real
class. ``--duplicated`` grades the class whose learners share 14 snippets word
for word (the verdict cache answers most of them): the figure earlier rounds gave.
``--reformatted`` grades that class with every learner's own comments and layout
(``synthetic.in_own_layout``): no two texts alike, the same 14 programs, which
share verdicts because the checks judge code without its comments
(``checks.same_code``).

Our grader runs RUNS times (default 3) and the median is compared with the
targets: the host's speed drifts within minutes.

Run: .venv/bin/python benchmarks/bench_grading.py [SIZE] [RUNS] [--duplicated | --reformatted]
     (default 26 and 3; about 3 minutes a run and 5 for plain nbgrader on 2 cores)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
from nbgrader.api import Gradebook

from autograder.checks.same_code import judged_code
from autograder.grading.batch import grade_batch
from autograder.grading.gradebook import prepare_assignment
from autograder.grading.synthetic import synthesize_class
from autograder.notebook.course import release_course
from autograder.notebook_paths import ASSIGNMENT, default_course_dir

TARGET_S_PER_SUBMISSION = 1.0
TARGET_RATIO = {"realistic": 8.0, "duplicated": 4.0, "reformatted": 4.0}
TARGET_WORKER_MB = {"realistic": 500, "duplicated": 600, "reformatted": 600}
TIMEOUT_S = 60.0


def copy_course(dest: Path) -> Path:
    shutil.copytree(default_course_dir(), dest, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "downloaded", "gradebook.db"))
    return dest


class PeakMemory:
    """Samples the memory (PSS) of each worker process with everything it started (browser, kernel)."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self._stop = threading.Event()

    def _sample(self) -> None:
        me = psutil.Process()
        # Reading PSS costs about 20 ms of CPU per worker and pass: four passes a second
        # took some 7 % of the machine from the graders being timed; one a second, under 2 %.
        while not self._stop.wait(1.0):
            for worker in me.children():
                try:
                    tree = [worker, *worker.children(recursive=True)]
                    # PSS: shared pages (Chromium's processes share most of theirs) counted once
                    total = sum(p.memory_full_info().pss for p in tree if p.is_running())
                except psutil.Error:
                    continue
                self.peak_mb = max(self.peak_mb, total / 2**20)

    def __enter__(self) -> "PeakMemory":
        threading.Thread(target=self._sample, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()


def cpu_so_far_s() -> float:
    """The machine's busy CPU seconds so far, every process's (run the benchmark on an otherwise idle machine).
    Counting only this process and the children it reaped misses processes that others reap (Chromium's
    renderers, kernels forked from a template): it read 1.1 cores busy of 2 for a run that kept both busy."""
    times = psutil.cpu_times()
    return times.user + times.nice + times.system + getattr(times, "irq", 0) + getattr(times, "softirq", 0)


def ours(submissions: Path, folder: Path, *, sandbox: bool) -> tuple[float, dict, dict, float, float]:
    course = copy_course(folder / "course")
    # As for plain nbgrader below: the assignment is in the gradebook before the clock starts,
    # as it is in a course that released it.
    prepare_assignment(course, ASSIGNMENT)
    with PeakMemory() as memory:
        started, cpu_before = time.perf_counter(), cpu_so_far_s()
        batch = grade_batch(submissions, course_dir=course, assignment=ASSIGNMENT, out_dir=course / "out",
                            workers=2, timeout_s=TIMEOUT_S, force=True, sandbox=sandbox)
        elapsed, cpu_s = time.perf_counter() - started, cpu_so_far_s() - cpu_before
    phases: dict[str, list[float]] = {}
    for result in batch.results.values():
        for phase, seconds in result["timings_s"].items():
            phases.setdefault(phase, []).append(seconds)
    return elapsed, scores(course), phases, memory.peak_mb, cpu_s


def plain_nbgrader(submissions: Path, root: Path) -> tuple[float, dict]:
    course = copy_course(root / "course-nbgrader")
    (course / "nbgrader_config.py").write_text((course / "nbgrader_config.py").read_text()
                                               + f"\nc.Execute.timeout = {int(TIMEOUT_S)}\n")
    tools = Path(sys.executable).parent
    env = {"PATH": f"{tools}:/usr/bin:/bin", "HOME": str(Path.home())}
    subprocess.run([str(tools / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], cwd=course, env=env,
                   check=True, capture_output=True)
    for notebook in sorted(submissions.glob("*.ipynb")):
        folder = course / "submitted" / notebook.stem / ASSIGNMENT
        folder.mkdir(parents=True)
        shutil.copyfile(notebook, folder / f"{ASSIGNMENT}.ipynb")
    started = time.perf_counter()
    subprocess.run([str(tools / "nbgrader"), "autograde", ASSIGNMENT, "--force"], cwd=course, env=env,
                   capture_output=True)
    return time.perf_counter() - started, scores(course)


def scores(course: Path) -> dict[str, float]:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: round(s.score, 2) for s in gb.assignment_submissions(ASSIGNMENT)}


def main(size: int = 26, runs: int = 3, kind: str = "realistic") -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    release = release_course(course_dir=copy_course(root / "course-release")) / f"{ASSIGNMENT}.ipynb"
    submissions = root / "submissions"
    behaviours = synthesize_class(release, submissions, size=size, include_oddities=False,
                                  own_words=kind == "realistic", own_layout=kind == "reformatted")
    hangs = [name for name, what in behaviours.items() if "endless-loop" in what]
    for name in hangs:  # both graders would only wait out their time limit on these
        (submissions / f"{name}.ipynb").unlink()
    n = size - len(hangs)
    cells = {cell.source for name in behaviours if name not in hangs
             for cell in nbformat.read(submissions / f"{name}.ipynb", as_version=4).cells
             if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "identify_snippet"}
    snippets = {cell.partition("\n")[2] for cell in cells}  # without the cell's %% line
    print(f"{kind} class: {n} submissions ({len(hangs)} endless loops left out), "
          f"{len({what.split(',')[0] for what in behaviours.values()})} snippet behaviours, "
          f"{len(snippets)} distinct snippets, {len({judged_code(s) for s in snippets})} distinct as code")

    timed = []
    for run in range(runs):
        timed.append(ours(submissions, root / f"run-{run}", sandbox=True))
        print(f"  run {run + 1}: {timed[-1][0] / n:.2f} s per submission", flush=True)
    ours_s, ours_scores, phases, peak_mb, cpu_s = sorted(timed, key=lambda outcome: outcome[0])[len(timed) // 2]
    unconfined_s, _, unconfined_phases, _, _ = ours(submissions, root / "unconfined", sandbox=False)
    plain_s, plain_scores = plain_nbgrader(submissions, root)

    same = all(outcome[1] == plain_scores for outcome in timed)
    print(f"scores identical to plain nbgrader (every run): {same}")
    if not same:
        for learner in sorted(set(ours_scores) | set(plain_scores)):
            if ours_scores.get(learner) != plain_scores.get(learner):
                print(f"  {learner}: ours {ours_scores.get(learner)} nbgrader {plain_scores.get(learner)}")
    per_ours, per_plain = ours_s / n, plain_s / n
    print(f"autograder grade --workers 2 : {ours_s:6.1f} s  = {per_ours:.2f} s per submission, median of {runs} runs "
          f"({', '.join(f'{outcome[0] / n:.2f}' for outcome in timed)}) "
          f"(target {TARGET_S_PER_SUBMISSION} s, ratio {per_ours / TARGET_S_PER_SUBMISSION:.2f})")
    print(f"CPU, the median run          : {cpu_s / n:.2f} s per submission (the whole machine's), "
          f"{cpu_s / ours_s:.2f} of the machine's {os.cpu_count()} cores busy on average")
    print(f"plain nbgrader autograde     : {plain_s:6.1f} s  = {per_plain:.2f} s per submission")
    print(f"speed-up                     : {per_plain / per_ours:.1f}x (target {TARGET_RATIO[kind]}x)")
    print(f"peak memory of one worker    : {max(outcome[3] for outcome in timed):.0f} MB with its browser and kernels "
          f"(target {TARGET_WORKER_MB[kind]})")
    print("median seconds per submission and phase (one worker's view, the median run):")
    for phase, values in phases.items():
        print(f"  {phase:<10} {statistics.median(values):5.2f}   (sum {sum(values):6.1f} s)")
    sandbox_cost = statistics.median(phases["autograde"]) - statistics.median(unconfined_phases["autograde"])
    recheck = statistics.median(phases.get("recheck", [0.0]))
    per_worker = 2 * per_ours
    print(f"sandbox (bubblewrap) cost    : {sandbox_cost:+.2f} s per submission "
          f"(whole run unconfined: {unconfined_s:.1f} s)")
    print(f"trusted re-check cost        : {recheck:.2f} s per submission")
    print(f"sandbox + re-check share     : {(max(sandbox_cost, 0) + recheck) / per_worker:.0%} of a worker's time "
          f"per submission (target under 25%)")
    shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:] if not arg.startswith("--")]
    kinds = [kind for kind in ("duplicated", "reformatted") if f"--{kind}" in sys.argv]
    main(*numbers[:2], kind=kinds[0] if kinds else "realistic")
