"""The lesson's demonstration cells, one function each, so the notebook stays
readable. Under nbgrader (autograde, validate) they only say they were skipped:
grading needs the answers, not the pictures."""

from __future__ import annotations

import html
import os

from IPython.display import HTML, Image, display

from . import state

# The browser, the web server, widgets and matplotlib are imported where they are
# used: under the grader these cells are skipped and the kernel stays light.
_shop = None
_headers: dict[str, tuple[str, str | None]] = {}  # what a visit's last page sent: (Cookie header, km_ai)


def grading() -> bool:
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def _skipped(what: str) -> bool:
    if grading():
        display(HTML(f"<i>({what} is skipped while the notebook is graded.)</i>"))
        return True
    return False


def _visit(snippet: str, label: str, *, seed: int | None = None):
    from .live import live_site
    from .visit import scripted_visit

    result = scripted_visit(snippet, site=live_site(), seed=seed)
    if result.timeline and result.cookie_header:
        _headers[label] = (result.cookie_header, result.timeline[-1]["km_ai"])
    return result


def start() -> None:
    if _skipped("Starting the shop"):
        return
    from .live import live_site

    url = live_site().local_url
    display(HTML(f"The shop is running: <a href='{url}/' target='_blank'>{url}/</a> · its blog "
                 f"<a href='{url}/blog/' target='_blank'>{url}/blog/</a> · what its tracker saw "
                 f"<a href='{url}/trk/' target='_blank'>{url}/trk/</a>"))


def show_anonymous_visit() -> None:
    """A new visitor opens two pages and signs up, on a shop with no identify call at all."""
    if _skipped("The demonstration visit"):
        return
    from .render import STYLE, people_html, timeline_html

    visit = _visit("", "a visitor nobody identified", seed=1)
    display(HTML(f"{STYLE}<p>The same anonymous ID on both pages, in the cookie <code>km_ai</code>; nobody named "
                 f"(<code>km_ni</code> is empty). Even after signing up as <code>{html.escape(visit.email)}</code>, "
                 f"the shop never told the library who this is:</p>{timeline_html(visit.timeline[:3])}"
                 f"<p>So the tracker knows one person, by a placeholder only:</p>{people_html(visit.people)}"))


def check_my_work() -> None:
    if _skipped("The Check my work button"):
        return
    from .check_button import check_button

    display(check_button())


def scripted_visit() -> None:
    """One customer's visit with the learner's snippet, and what it shows."""
    if _skipped("The scripted visit"):
        return
    from .render import visit_html
    from .visit import findings

    visit = _visit(state.current(), "your snippet")
    display(HTML(visit_html(visit, findings(visit))))


def live_shop() -> None:
    global _shop
    if _skipped("The live shop"):
        return
    from .shop_view import ShopView

    _shop = _shop or ShopView()
    display(_shop.note, _shop.iframe(), _shop.controls())


def crowd_picture() -> None:
    if _skipped("The crowd simulation"):
        return
    from .crowd import CONSTANT, DISPLAY_NAME, NO_IDENTIFY, simulate_crowd
    from .crowd_plot import plot_crowd

    results = simulate_crowd({"your snippet": state.current(), "identify('customer')": CONSTANT,
                              "display name": DISPLAY_NAME, "no identify": NO_IDENTIFY})
    display(Image(plot_crowd(results)))
    lines = "".join(f"<li><b>{html.escape(r.label)}</b>: {html.escape(r.summary())}</li>" for r in results)
    display(HTML(f"<ul>{lines}</ul>"))


def try_person_id(person_id) -> None:
    """The learner's function on the Cookie headers real visits produced."""
    if _skipped("Trying person_id on real cookies"):
        return
    from .render import STYLE

    if not _headers:
        _visit(state.stored() or "", "your snippet")
    rows = []
    for label, (header, expected) in _headers.items():
        try:
            got = person_id(header)
            shown = f"<code>{html.escape(repr(got))}</code>"
        except Exception as err:  # the learner's code: show the error, not a traceback
            got, shown = err, f"<b>{html.escape(type(err).__name__)}: {html.escape(str(err))}</b>"
        mark = "<span class='ok'>✔</span>" if got == expected else "<span class='ko'>✘</span>"
        rows.append(f"<tr><td>{mark}</td><td>{html.escape(label)}</td><td><code>{html.escape(header)}</code></td>"
                    f"<td>{shown}</td><td><code>{html.escape(repr(expected))}</code></td></tr>")
    display(HTML(f"{STYLE}<table class='idl'><tr><th></th><th>visit</th><th>Cookie header</th>"
                 f"<th>person_id(header)</th><th>the browser's km_ai</th></tr>{''.join(rows)}</table>"))
