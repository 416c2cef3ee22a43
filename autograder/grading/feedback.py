"""Feedback per learner: an HTML page with the snippet beside the checklist and its
hints, the identity timeline and screenshot of the first failing check, and every
graded part with a message naming its cell; an ungradable file gets what happened
and what to do. Hidden tests' code never appears: messages are the
error's last line only, as the learner-facing hint."""

from __future__ import annotations

import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .explain import explain
from .graded_notebook import read_graded
from .lms_late import describe as describe_late
from .summary import LearnerSummary, check_cell

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())


def checklist(reports: list[dict], summary: LearnerSummary) -> tuple[list[dict], dict | None]:
    """The checklist a learner reads, one row per check, and the failing check to show
    step by step. A check shows as passed only if it passed for every seed (the hidden
    tests' customers too), with the points its test cell was given: a check that
    passed can still earn nothing (its test cell was deleted)."""
    if not reports:
        return [], None
    failed: dict[str, dict] = {}  # check id -> its result in the first report where it failed
    for report in reports:
        for check in report["checks"]:
            if not check["passed"]:
                failed.setdefault(check["id"], check)
    rows = []
    for check in reports[0]["checks"]:
        shown = dict(failed.get(check["id"], check))
        cell = summary.cells.get(check_cell(check["id"]))
        if cell is not None:
            shown["points"] = cell[0]
            if shown["passed"] and cell[0] < cell[1]:
                shown["message"] = "Passed, but its test cell earned nothing: see the note above."
        rows.append(shown)
    # The worker kept the screenshot of the first failing check that has one: show that check.
    failing = [failed[check["id"]] for check in reports[0]["checks"] if check["id"] in failed]
    focus = next((c for c in failing if c["evidence"].get("screenshot")), failing[0] if failing else None)
    return rows, focus


def render_page(summary: LearnerSummary, result: dict, *, notebook_link: str | None = None,
                notebook_page: str | None = None) -> str:
    """The learner's page. nbgrader's page of their graded notebook goes beside it as a link
    (``notebook_link``), or inside it (``notebook_page``: its HTML, shown in a frame) where only
    one file travels, as in nbgrader's release_feedback."""
    rows, focus = checklist(list(result.get("checks", {}).values()), summary)
    screenshot = result.get("screenshot_png_b64") if focus and focus["evidence"].get("screenshot") else None
    notebook = read_graded(result.get("autograded"))
    return _env.get_template("feedback.html").render(
        s=summary, checklist=rows, focus=focus, screenshot=screenshot, snippet=notebook.snippet,
        stopped=notebook.stopped, messages=notebook.messages, nbgrader_feedback=notebook_link,
        notebook_page=notebook_page, explained=None if summary.graded else explain(summary.reason),
        late=describe_late(summary))


def notebook_page_path(result: dict) -> Path | None:
    """Where nbgrader's page of the learner's graded notebook is kept, if it is."""
    path = Path(result["feedback"]) if result.get("feedback") else None
    return path if path is not None and path.is_file() else None


def write_feedback(folder: Path, summary: LearnerSummary, result: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    nbgrader_feedback = None
    if notebook_page_path(result):
        nbgrader_feedback = f"{summary.learner}.notebook.html"
        shutil.copyfile(notebook_page_path(result), folder / nbgrader_feedback)
    path = folder / f"{summary.learner}.html"
    path.write_text(render_page(summary, result, notebook_link=nbgrader_feedback), encoding="utf-8")
    return path
