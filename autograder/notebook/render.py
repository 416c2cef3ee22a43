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
# IDs never wrap inside (an e-mail cut in two reads as two IDs): their table scrolls sideways instead.
STYLE = ("<style>table.idl.idl td,table.idl.idl th{padding:2px 8px;border-bottom:1px solid #e3e6ef;text-align:left;"
         "vertical-align:top}"
         ".idl .ok{color:#1b7f3b}.idl .ko{color:#b00020}.idl .wait{color:#5b6478}"
         "table.idl.idl td code{white-space:nowrap}.idl-scroll{overflow-x:auto;max-width:100%}"
         ".idl-beside{display:flex;gap:1rem;flex-wrap:wrap;align-items:flex-start}"
         ".idl-beside>*{flex:1 1 22rem;min-width:0}"
         "pre.idl-snippet{white-space:pre-wrap;overflow-wrap:anywhere;background:#eef1f8;padding:.4em .6em;"
         "font-size:13px;margin:.3em 0}.idl-note{font-size:13px;color:#5b6478}"
         "tr.ko td{background:#fdecee}</style>")
KINDS = {"e": "event", "s": "set", "a": "alias"}


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def mark(passed: bool | None) -> str:
    """A verdict in a word as well as a sign and a colour (the sign alone is read out as noise)."""
    if passed is None:
        return "<span class='wait'><span aria-hidden='true'>…</span> waiting</span>"
    if passed:
        return "<span class='ok'><span aria-hidden='true'>✔</span> passed</span>"
    return "<span class='ko'><span aria-hidden='true'>✘</span> failed</span>"


def table(label: str, head: list[str], rows: str, *, scroll: bool = True) -> str:
    """A table with column headers; tables of IDs scroll sideways, reachable by keyboard."""
    cells = "".join(f"<th scope='col'>{h}</th>" for h in head)
    made = f"<table class='idl'><thead><tr>{cells}</tr></thead><tbody>{rows}</tbody></table>"
    if not scroll:
        return made
    return f"<div class='idl-scroll' role='region' tabindex='0' aria-label='{_e(label)}'>{made}</div>"


def first_html(sentence: str) -> str:
    """What the learner must do first (``state.missing``), as one bold sentence."""
    text = _e(sentence[:1].upper() + sentence[1:]).replace("%%identify_snippet", "<code>%%identify_snippet</code>")
    return f"<b>{text}.</b>"


def timeline_html(timeline: list[dict], failed_step: int | None = None) -> str:
    def step(i: int, s: dict) -> str:
        here = " <span class='ko'><span aria-hidden='true'>✘</span> failed here</span>" if i == failed_step else ""
        return (f"<tr class='{'ko' if i == failed_step else ''}'><td>{_e(s['label'])}{here}</td><td>{_e(s['url'])}</td>"
                f"<td><code>{_e(s['km_ai'] or '–')}</code></td><td><code>{_e(s['km_ni'] or '–')}</code></td>"
                f"<td><code>{_e(s['ki'] or '–')}</code></td></tr>")

    rows = "".join(step(i, s) for i, s in enumerate(timeline))
    return table("identity, step by step", ["step", "page", "km_ai", "km_ni", "KM.i()"], rows)


def people_html(people: list[list[str]]) -> str:
    rows = "".join(f"<tr><td>{n}</td><td>{', '.join(f'<code>{_e(i)}</code>' for i in ids)}</td></tr>"
                   for n, ids in enumerate(people, 1))
    return table("the tracker's people", ["person", "IDs"], rows)


def _checklist(rows: str) -> str:
    return table("checklist", ["result", "check", "points", "what to do"], rows, scroll=False)


def _row(title: str, bonus: bool, passed: bool | None, points: str, message: str) -> str:
    return (f"<tr><td>{mark(passed)}</td><td>{_e(title)}{' <i>(bonus)</i>' if bonus else ''}</td>"
            f"<td>{points}</td><td>{_e(message)}</td></tr>")


def pending_html(*, decided: dict | None = None) -> str:
    """The checklist while the browser works: every check listed, each verdict as soon as the
    run has it (``decided``: check id -> result). The sentence on top is announced as it changes."""
    decided = decided or {}
    rows = "".join(_row(c.title, c.bonus, *((decided[c.id].passed, f"{decided[c.id].points}/{c.points}",
                                              decided[c.id].message) if c.id in decided else (None, f"–/{c.points}", "")))
                   for c in CHECKS)
    return (f"{STYLE}<div class='idl'><p role='status' aria-live='polite'><i>Checking in a headless Chromium: "
            f"{len(decided)} of {len(CHECKS)} checks done…</i></p>{_checklist(rows)}</div>")


def _screenshot_html(path: str | None, title: str) -> str:
    if not path or not Path(path).exists():
        return ""
    data = base64.b64encode(Path(path).read_bytes()).decode()
    return (f"<p>The page at that step:</p><img style='max-width:min(640px,100%);border:1px solid #ccd' "
            f"alt='{_e(f'Screenshot of the shop page at the failing step of: {title}')}' "
            f"src='data:image/png;base64,{data}'>")


def report_html(report: Report, *, answered_s: float | None = None, snippet: str | None = None) -> str:
    """The verdicts (``snippet``: the one checked, shown beside them), then the first failure step by step."""
    rows = "".join(_row(c.title, c.bonus, c.passed, f"{c.points}/{c.max_points}", c.message) for c in report.checks)
    core = sum(c.points for c in report.checks if not c.bonus)
    bonus = sum(c.points for c in report.checks if c.bonus)
    passed = sum(1 for c in report.checks if c.passed)
    took = f"{answered_s:.1f} s" if answered_s is not None else f"{report.duration_s:.1f} s"
    checklist = _checklist(rows)
    if snippet is not None:
        checklist = (f"<div class='idl-beside'><div><p>Your snippet, as checked:</p><pre class='idl-snippet'><code>"
                 f"{_e(snippet)}</code></pre></div><div>{checklist}</div></div>")
    out = [STYLE, "<div class='idl'>",
           f"<p role='status' aria-live='polite'><b>{core}/{report.max_score}</b> points"
           + (f" + bonus {bonus}/{report.bonus_max_score}" if report.bonus_max_score else "")
           + f": {passed} of {len(report.checks)} checks passed.</p>"
           f"<p class='idl-note'>These customers are set no. {report.seed} (the number brings the same ones back); "
           f"checked in {took}.</p>", checklist]
    failing = next((c for c in report.checks if not c.passed), None)
    if failing is not None:
        evidence = failing.evidence
        out.append(f"<h4>What happened: {_e(failing.title)}</h4>")
        out.append(timeline_html(evidence.get("timeline", []), evidence.get("failed_step")))
        errors = evidence.get("page_errors") or []
        if errors:
            out.append("<p>Errors on the pages: " + "; ".join(
                f"<code>{_e(e.get('message'))}</code> on {_e(e.get('url'))}" for e in errors[:3]) + "</p>")
        out.append(_screenshot_html(evidence.get("screenshot"), failing.title))
        out.append("<p>The people the tracker saw in that scenario:</p>" + people_html(evidence.get("people", [])))
    out.append("</div>")
    return "".join(out)


def visit_html(visit: "VisitResult", found: list[tuple[bool, str]], *, snippet: str | None = None) -> str:
    """``snippet``: the one the visit used, when it is not the learner's."""
    items = "".join(f"<li>{mark(ok)} {_e(sentence)}</li>" for ok, sentence in found)
    used = "your snippet" if snippet is None else f"<code>{_e(snippet)}</code>"
    return (f"{STYLE}<div class='idl'><p>A scripted visit of <code>{_e(visit.email)}</code> with {used} on every page:</p>"
            f"<ul style='list-style:none;padding-left:0.5em'>{items}</ul>{timeline_html(visit.timeline)}"
            f"<p>The Cookie header the shop received on the last page:<br><code>{_e(visit.cookie_header or '–')}"
            f"</code></p><p>What the tracker knows after the visit:</p>{people_html(visit.people)}</div>")


def inspector_html(requests: list[dict], people: list[list[str]], *, shown: int = 8) -> str:
    """The live shop's tracker: the latest requests and the people they make."""
    named = [r for r in requests if r["person"]]
    latest = named[-1]["person"] if named else None
    rows = "".join(f"<tr><td>{KINDS.get(r['kind'], r['kind'])}</td><td><code>{_e(r['person'])}</code></td>"
                   f"<td>{_e(r['name'] or '')}</td></tr>" for r in reversed(named[-shown:]))
    return (f"{STYLE}<p>Latest ID the tracker received (<code>_p</code> is <code>KM.i()</code>: <code>km_ni</code> "
            f"once named, else <code>km_ai</code>): <b><code>{_e(latest or '–')}</code></b></p>"
            f"{table('latest tracker requests', ['request', '_p (person)', '_n (event, or the other ID)'], rows)}"
            f"<p><b>{len(people)}</b> distinct "
            f"{'person' if len(people) == 1 else 'people'} at the tracker"
            f"{f' (the latest {shown})' if len(people) > shown else ''}:</p>{people_html(people[-shown:])}")
