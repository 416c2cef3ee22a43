"""A trusted re-check of the Python exercises, outside the learner's kernel.

In the kernel, learner code can silence failing tests (IPython's showtraceback,
sys.excepthook) or replace the helpers a test calls. Here the learner's solution
cells and the instructor's tests (hidden ones included, from the source
notebook) run in a fresh, confined Python process, each test alone. Only test
cells that the instructor's own solutions pass this way are re-checked.
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

from ..notebook_cells import cell_source, grade_id, is_code, nbgrader_metadata
from .sandbox import Policy, run_confined

SNIPPET_CELL = "identify_snippet"


def _cells(notebook: dict) -> list[tuple[str, dict, str]]:
    """The graded code cells: (grade id, nbgrader metadata, source)."""
    return [(grade_id(cell), nbgrader_metadata(cell), cell_source(cell)) for cell in notebook.get("cells", [])
            if is_code(cell) and grade_id(cell)]


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if "### BEGIN" not in line and "### END" not in line)


def plan(source_nb: dict, *, skip: set[str]) -> tuple[list[str], dict[str, str]]:
    """The solution cells to take from a submission, and the test cells to run."""
    solutions = [gid for gid, meta, _ in _cells(source_nb) if meta.get("solution") and gid != SNIPPET_CELL]
    tests = {gid: _strip_markers(src) for gid, meta, src in _cells(source_nb)
             if meta.get("grade") and not meta.get("solution") and gid not in skip}
    return solutions, tests


def run(solution_sources: list[str], tests: dict[str, str], *, workdir: Path, policy: Policy,
        timeout_s: float) -> dict[str, tuple[bool, str]]:
    nonce = secrets.token_hex(8)
    payload = json.dumps({"solutions": solution_sources, "tests": tests, "nonce": nonce})
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        done = run_confined([sys.executable, "-I", "-m", "autograder.grading.recheck_runner"], workdir=workdir,
                            policy=policy, timeout_s=timeout_s, input=payload)
        answer = json.loads(done.stdout[done.stdout.index("{"):]) if "{" in done.stdout else {}
    except Exception as err:  # timeout, crash, garbage: every test failed
        return {gid: (False, f"the re-check did not finish: {type(err).__name__}") for gid in tests}
    if answer.get("nonce") != nonce or set(answer.get("results", {})) != set(tests):
        return {gid: (False, "the re-check was interfered with") for gid in tests}
    return {gid: (bool(ok), str(message)) for gid, (ok, message) in answer["results"].items()}


def learner_sources(notebook: dict, solution_ids: list[str]) -> list[str]:
    """The learner's code in notebook order: their solution cells, and cells they added
    (no nbgrader metadata); lines of IPython syntax (magics, shell escapes) are dropped."""
    wanted = set(solution_ids)
    sources = []
    for cell in notebook.get("cells", []):
        if is_code(cell) and ((cell_id := grade_id(cell)) in wanted or cell_id is None):
            sources.append("\n".join(line for line in _strip_markers(cell_source(cell)).splitlines()
                                     if not line.lstrip().startswith(("%", "!"))))
    return sources
