"""Feedback per learner: an HTML page with the checklist and its hints, the
identity timeline and screenshot of the first failing check, and every graded
part with its message. Hidden tests' code never appears: messages are the
error's last line only, as the learner-facing hint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..notebook_cells import grade_id
from .summary import LearnerSummary

_env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape())


def cell_messages(autograded_notebook: str | None) -> dict[str, str]:
    """grade_id -> 'ErrorName: message' for graded cells that raised."""
    if not autograded_notebook or not Path(autograded_notebook).exists():
        return {}
    notebook = json.loads(Path(autograded_notebook).read_text(encoding="utf-8"))
    messages = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            if grade_id(cell) and output.get("output_type") == "error":
                messages[grade_id(cell)] = f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"[:400]
    return messages


def write_feedback(folder: Path, summary: LearnerSummary, result: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    reports = list(result.get("checks", {}).values())
    report = reports[0] if reports else None
    focus = next((c for c in report["checks"] if not c["passed"]), None) if report else None
    screenshot = result.get("screenshot_png_b64") if focus else None
    nbgrader_feedback = None
    if result.get("feedback") and Path(result["feedback"]).exists():
        nbgrader_feedback = f"{summary.learner}.notebook.html"
        shutil.copyfile(result["feedback"], folder / nbgrader_feedback)
    html = _env.get_template("feedback.html").render(
        s=summary, report=report, focus=focus, screenshot=screenshot,
        messages=cell_messages(result.get("autograded")), nbgrader_feedback=nbgrader_feedback)
    path = folder / f"{summary.learner}.html"
    path.write_text(html, encoding="utf-8")
    return path
