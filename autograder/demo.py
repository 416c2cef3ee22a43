"""``autograder demo``: a correct snippet and two classic mistakes judged in the
real browser, with the identity timeline and the people the tracker saw."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .checks import format_text, run_checks

REFERENCE_SNIPPET = """// Identify the customer on every page where the shop knows them.
if (window.acme.customer) {
  _kmq.push(['identify', window.acme.customer.email]);
}"""

DEMO_SNIPPETS = {
    "correct: identify by the stored e-mail when known": REFERENCE_SNIPPET,
    "mistake: the same ID for everyone": "_kmq.push(['identify', 'customer']);",
    "mistake: the display name": "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.name]); }",
}


def timeline_table(evidence: dict) -> Table:
    table = Table(title=f"Identity timeline ({evidence['scenario']})", show_lines=False)
    for column in ("step", "page", "km_ai", "km_ni", "KM.i()"):
        table.add_column(column, overflow="fold")
    for step in evidence["timeline"]:
        table.add_row(step["label"], step["url"], step["km_ai"] or "-", step["km_ni"] or "-", step["ki"] or "-")
    return table


def people_table(evidence: dict) -> Table:
    table = Table(title=f"People at the tracker ({evidence['scenario']}): {len(evidence['people'])}")
    table.add_column("person")
    table.add_column("IDs", overflow="fold")
    for number, ids in enumerate(evidence["people"], 1):
        table.add_row(str(number), ", ".join(ids))
    return table


def run_demo(*, out_dir: str | Path = "demo-out", seed: int = 2026, console: Console | None = None) -> int:
    console = console or Console()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for number, (title, snippet) in enumerate(DEMO_SNIPPETS.items(), 1):
        console.rule(title)
        console.print(snippet, markup=False, highlight=False)
        report = run_checks(snippet, seed=seed, screenshots_dir=out / f"shots-{number}")
        console.print(format_text(report), markup=False, highlight=False)
        journey = report.result("identify-after-login").evidence
        console.print(timeline_table(journey))
        console.print(people_table(report.result("distinct-people").evidence))
        (out / f"report-{number}.json").write_text(json.dumps(report.to_json(), indent=2))
    console.print(f"Reports and screenshots are in {out}/")
    return 0
