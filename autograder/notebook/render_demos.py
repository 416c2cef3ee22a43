"""HTML for the lesson's smaller demonstrations: the People report segmented by
Customer ID (why e-mail), and what ``KM.i()`` read in the page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .render import STYLE, _e, table

if TYPE_CHECKING:
    from .reading_id import ReadingResult
    from .why_email import Segment


def segments_html(segments: list["Segment"]) -> str:
    """The People report of each tracker, side by side."""
    tables = []
    for segment in segments:
        rows = "".join(
            f"<tr><td><code>{_e(r.customer_id)}</code></td><td>{r.web_events}</td><td>{r.newsletter_events}</td></tr>"
            for r in segment.rows)
        tables.append(
            f"<div style='flex:1;min-width:18em'><p><b><code>{_e(segment.label)}</code></b>: "
            f"{segment.people} {'person' if segment.people == 1 else 'people'}</p>"
            + table(f"People report of {segment.label}", ["Customer ID", "events on the site", "newsletter events"],
                    rows) + "</div>")
    return f"{STYLE}<div class='idl' style='display:flex;gap:2em;flex-wrap:wrap'>{''.join(tables)}</div>"


def readings_html(results: list["ReadingResult"]) -> str:
    out = [STYLE]
    for result in results:
        rows = "".join(f"<tr><td>{_e(r.label)}</td><td><code>{_e(r.km_ai or '–')}</code></td>"
                       f"<td><code>{_e(r.km_ni or '–')}</code></td><td><code>{_e(r.from_page or '–')}</code></td></tr>"
                       for r in result.readings)
        errors = "".join(f"<p class='ko'>Error on {_e(e.get('url'))}: <code>{_e(e.get('message'))}</code></p>"
                         for e in result.page_errors[:1])
        out.append(f"<p>Snippet:</p><pre>{_e(result.snippet)}</pre>"
                   + table("what the page read", ["step", "km_ai", "km_ni", "window.idFromPage"], rows) + errors)
    return "<div class='idl'>" + "".join(out) + "</div>"
