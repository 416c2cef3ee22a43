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

from .sandbox import Policy, run_confined

SNIPPET_CELL = "identify_snippet"


def _cells(notebook: dict) -> list[tuple[str, dict, str]]:
    out = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "code" and meta.get("grade_id"):
            out.append((meta["grade_id"], meta, source))
    return out


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
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in wanted or grade_id is None:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            sources.append("\n".join(line for line in _strip_markers(source).splitlines()
                                     if not line.lstrip().startswith(("%", "!"))))
    return sources
