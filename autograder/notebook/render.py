"""HTML for what the checks found: the checklist with hints, the identity
timeline of the first failing check, its screenshot, and the tracker's people."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from ..checks import Report

STYLE = ("<style>.idl td,.idl th{padding:2px 8px;border-bottom:1px solid #e3e6ef;text-align:left;vertical-align:top}"
         ".idl .ok{color:#1b7f3b}.idl .ko{color:#b00020}.idl code{word-break:break-all}</style>")


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def timeline_html(timeline: list[dict], failed_step: int | None = None) -> str:
    rows = "".join(
        f"<tr class='{'ko' if i == failed_step else ''}'><td>{_e(s['label'])}</td><td>{_e(s['url'])}</td>"
        f"<td><code>{_e(s['km_ai'] or '–')}</code></td><td><code>{_e(s['km_ni'] or '–')}</code></td>"
        f"<td><code>{_e(s['ki'] or '–')}</code></td></tr>" for i, s in enumerate(timeline))
    return (f"<table class='idl'><tr><th>step</th><th>page</th><th>km_ai</th><th>km_ni</th><th>KM.i()</th></tr>"
            f"{rows}</table>")


def people_html(people: list[list[str]]) -> str:
    rows = "".join(f"<tr><td>{n}</td><td>{', '.join(f'<code>{_e(i)}</code>' for i in ids)}</td></tr>"
                   for n, ids in enumerate(people, 1))
    return f"<table class='idl'><tr><th>person</th><th>IDs</th></tr>{rows}</table>"


def report_html(report: Report) -> str:
    rows = []
    for c in report.checks:
        mark = "<span class='ok'>✔</span>" if c.passed else "<span class='ko'>✘</span>"
        bonus = " <i>(bonus)</i>" if c.bonus else ""
        rows.append(f"<tr><td>{mark}</td><td>{_e(c.title)}{bonus}</td><td>{c.points}/{c.max_points}</td>"
                    f"<td>{_e(c.message)}</td></tr>")
    core = sum(c.points for c in report.checks if not c.bonus)
    bonus = sum(c.points for c in report.checks if c.bonus)
    out = [STYLE, f"<p><b>{core}/{report.max_score}</b> points"
                  + (f" + bonus {bonus}/{report.bonus_max_score}" if report.bonus_max_score else "")
                  + f" <small>(seed {report.seed}, {report.duration_s:.1f} s)</small></p>",
           f"<table class='idl'><tr><th></th><th>check</th><th>points</th><th>what to do</th></tr>{''.join(rows)}"
           "</table>"]
    failing = next((c for c in report.checks if not c.passed), None)
    if failing is not None:
        evidence = failing.evidence
        out.append(f"<h4>What happened: {_e(failing.title)}</h4>")
        out.append(timeline_html(evidence.get("timeline", []), evidence.get("failed_step")))
        shot = evidence.get("screenshot")
        if shot and Path(shot).exists():
            data = base64.b64encode(Path(shot).read_bytes()).decode()
            out.append(f"<p>The page at that step:</p><img style='max-width:640px;border:1px solid #ccd' "
                       f"src='data:image/png;base64,{data}'>")
        out.append("<p>The people the tracker saw in that scenario:</p>" + people_html(evidence.get("people", [])))
    return "".join(out)
