"""HTML for what the browser found: the checklist with hints, the identity
timeline of the first failing check and its screenshot, the tracker's people,
the scripted visit with what it shows, and the inspector of the live shop."""

from __future__ import annotations

import base64
import html
from pathlib import Path
from typing import TYPE_CHECKING

from ..checks import CHECKS, Report

if TYPE_CHECKING:
    from .visit import VisitResult

# Doubled class: JupyterLab right-aligns output tables with a (0,2,1)-specific rule; ours must win.
STYLE = ("<style>table.idl.idl td,table.idl.idl th{padding:2px 8px;border-bottom:1px solid #e3e6ef;text-align:left;"
         "vertical-align:top}"
         ".idl .ok{color:#1b7f3b}.idl .ko{color:#b00020}.idl .wait{color:#7a839a}.idl code{word-break:break-all}"
         "tr.ko td{background:#fdecee}</style>")
KINDS = {"e": "event", "s": "set", "a": "alias"}


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _mark(passed: bool | None) -> str:
    if passed is None:
        return "<span class='wait'>…</span>"
    return "<span class='ok'>✔</span>" if passed else "<span class='ko'>✘</span>"


def first_html(sentence: str) -> str:
    """What the learner must do first (``state.missing``), as one bold sentence."""
    text = _e(sentence[:1].upper() + sentence[1:]).replace("%%identify_snippet", "<code>%%identify_snippet</code>")
    return f"<b>{text}.</b>"


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


def pending_html(*, elapsed_s: float) -> str:
    """The checklist while the browser works: every check listed, none decided yet."""
    rows = "".join(f"<tr><td>{_mark(None)}</td><td>{_e(c.title)}{' <i>(bonus)</i>' if c.bonus else ''}</td>"
                   f"<td>–/{c.points}</td><td></td></tr>" for c in CHECKS)
    return (f"{STYLE}<p><i>Checking in a headless Chromium… {elapsed_s:.1f} s</i></p><table class='idl'><tr><th></th>"
            f"<th>check</th><th>points</th><th>what to do</th></tr>{rows}</table>")


def _screenshot_html(path: str | None) -> str:
    if not path or not Path(path).exists():
        return ""
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return (f"<p>The page at that step:</p><img style='max-width:640px;border:1px solid #ccd' "
            f"src='data:image/png;base64,{data}'>")


def report_html(report: Report, *, answered_s: float | None = None) -> str:
    rows = [f"<tr><td>{_mark(c.passed)}</td><td>{_e(c.title)}{' <i>(bonus)</i>' if c.bonus else ''}</td>"
            f"<td>{c.points}/{c.max_points}</td><td>{_e(c.message)}</td></tr>" for c in report.checks]
    core = sum(c.points for c in report.checks if not c.bonus)
    bonus = sum(c.points for c in report.checks if c.bonus)
    took = f"{answered_s:.1f} s" if answered_s is not None else f"{report.duration_s:.1f} s"
    out = [STYLE, f"<p><b>{core}/{report.max_score}</b> points"
                  + (f" + bonus {bonus}/{report.bonus_max_score}" if report.bonus_max_score else "")
                  + f" <small>(seed {report.seed}: these customers; {took})</small></p>",
           f"<table class='idl'><tr><th></th><th>check</th><th>points</th><th>what to do</th></tr>{''.join(rows)}"
           "</table>"]
    failing = next((c for c in report.checks if not c.passed), None)
    if failing is not None:
        evidence = failing.evidence
        out.append(f"<h4>What happened: {_e(failing.title)}</h4>")
        out.append(timeline_html(evidence.get("timeline", []), evidence.get("failed_step")))
        errors = evidence.get("page_errors") or []
        if errors:
            out.append("<p>Errors on the pages: " + "; ".join(
                f"<code>{_e(e.get('message'))}</code> on {_e(e.get('url'))}" for e in errors[:3]) + "</p>")
        out.append(_screenshot_html(evidence.get("screenshot")))
        out.append("<p>The people the tracker saw in that scenario:</p>" + people_html(evidence.get("people", [])))
    return "".join(out)


def visit_html(visit: "VisitResult", found: list[tuple[bool, str]], *, snippet: str | None = None) -> str:
    """``snippet``: the one the visit used, when it is not the learner's."""
    items = "".join(f"<li>{_mark(ok)} {_e(sentence)}</li>" for ok, sentence in found)
    used = "your snippet" if snippet is None else f"<code>{_e(snippet)}</code>"
    return (f"{STYLE}<p>A scripted visit of <code>{_e(visit.email)}</code> with {used} on every page:</p>"
            f"<ul style='list-style:none;padding-left:0.5em'>{items}</ul>{timeline_html(visit.timeline)}"
            f"<p>The Cookie header the shop received on the last page:<br><code>{_e(visit.cookie_header or '–')}"
            f"</code></p><p>What the tracker knows after the visit:</p>{people_html(visit.people)}")


def inspector_html(requests: list[dict], people: list[list[str]], *, shown: int = 8) -> str:
    """The live shop's tracker: the latest requests and the people they make."""
    named = [r for r in requests if r["person"]]
    latest = named[-1]["person"] if named else None
    rows = "".join(f"<tr><td>{KINDS.get(r['kind'], r['kind'])}</td><td><code>{_e(r['person'])}</code></td>"
                   f"<td>{_e(r['name'] or '')}</td></tr>" for r in reversed(named[-shown:]))
    return (f"{STYLE}<p>Latest ID the tracker received (<code>_p</code> is <code>KM.i()</code>: <code>km_ni</code> "
            f"once named, else <code>km_ai</code>): <b><code>{_e(latest or '–')}</code></b></p>"
            f"<table class='idl'><tr><th>request</th><th>_p (person)</th><th>_n (event, or the other ID)</th></tr>"
            f"{rows}</table><p><b>{len(people)}</b> distinct "
            f"{'person' if len(people) == 1 else 'people'} at the tracker"
            f"{f' (the latest {shown})' if len(people) > shown else ''}:</p>{people_html(people[-shown:])}")
