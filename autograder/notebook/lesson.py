"""The lesson's demonstration cells, one function each, so the notebook stays
readable. Under nbgrader (autograde, validate) they only say they were skipped:
grading needs the answers, not the pictures."""

from __future__ import annotations

import html
import os

from IPython.display import HTML, display

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
    from .live import live_site, shop_problem

    problem = shop_problem(live_site())
    if problem is not None:  # links the learner's browser cannot open would only fail silently
        display(HTML(f"<p role='alert'><b>{html.escape(problem)}</b></p>"))
        return
    url = live_site().public_url  # behind a hub: the path through the learner's Jupyter server
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


# The shared-browser docs' pattern, translated to this shop: right where every page knows the session,
# wrong on a blog that cannot know it (null clears the identity of a known customer).
LOGGED_OUT_PATTERN = "_kmq.push(['identify', window.acme.customer ? window.acme.customer.email : null]);"


def logged_out_pattern() -> None:
    """The scripted visit with ``identify(customer || null)`` on every page: the blog step turns anonymous."""
    if _skipped("The demonstration visit"):
        return
    from .render import visit_html
    from .visit import findings

    visit = _visit(LOGGED_OUT_PATTERN, "identify(customer || null)")
    display(HTML(visit_html(visit, findings(visit), snippet=LOGGED_OUT_PATTERN)))


def why_email() -> None:
    """An integration's events by e-mail, and the People report by Customer ID, for two snippets."""
    if _skipped("The integration demonstration"):
        return
    from .render_demos import segments_html
    from .why_email import compare

    display(HTML(segments_html(compare())))


def comeback() -> None:
    """The same people back with a corrected snippet on the same tracker, then on a fresh one."""
    if _skipped("The come-back demonstration"):
        return
    from .comeback import comeback as walk
    from .crowd_plot import crowd_html

    results = walk()
    display(HTML(crowd_html(results)))
    lines = "".join(f"<li><b>{html.escape(r.label)}</b>: {html.escape(r.summary())}</li>" for r in results)
    display(HTML(f"<ul>{lines}</ul>"))


def reading_the_id() -> None:
    """KM.i() read inside a pushed function, and straight from the snippet."""
    if _skipped("The KM.i() demonstration"):
        return
    from .reading_id import read_ids
    from .render_demos import readings_html

    display(HTML(readings_html(read_ids())))


def wrap_up(total: float, bonus: float) -> None:
    """What passed, what failed and what has not run, from the test cells this kernel ran."""
    if _skipped("The summary"):
        return
    from . import progress
    from .render import STYLE, mark

    seen = progress.outcomes()
    passed = [o for o in seen if o.passed]
    failed = [o for o in seen if not o.passed]
    core = sum(o.points for o in passed if not o.bonus)
    extra = sum(o.points for o in passed if o.bonus)
    not_run = total + bonus - sum(o.points for o in seen)
    items = "".join(f"<li>{mark(False)} {html.escape(o.title)} ({o.points:g} point"
                    f"{'' if o.points == 1 else 's'}{', bonus' if o.bonus else ''})</li>" for o in failed)
    if not failed and not_run <= 0:
        verdict = "Every test cell passed here."
    elif not failed:
        verdict = "Nothing failed so far, but some test cells have not run yet."
    else:
        verdict = f"{len(failed)} test cell{'s' if len(failed) != 1 else ''} still fail{'s' if len(failed) == 1 else ''}:"
    later = (f"<p>Test cells worth {not_run:g} points have not run in this kernel yet: run them (or <i>Run All</i>, "
             "which stops at the first failing cell).</p>" if not_run > 0 else "")
    display(HTML(f"{STYLE}<div class='idl'><p><b>{core:g} of {total:g} points</b> pass here"
                 f"{f', and {extra:g} of {bonus:g} bonus points' if bonus else ''}. {verdict}</p><ul>{items}</ul>"
                 f"{later}<p>The grader runs the same cells again with its own hidden cases (other customers, other "
                 "cookies), so what passes here is what you can see, not yet your grade.</p></div>"))


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
    from .crowd_plot import crowd_html

    results = simulate_crowd({"your snippet": state.current(), "identify('customer')": CONSTANT,
                              "display name": DISPLAY_NAME, "no identify": NO_IDENTIFY})
    display(HTML(crowd_html(results)))
    lines = "".join(f"<li><b>{html.escape(r.label)}</b>: {html.escape(r.summary())}</li>" for r in results)
    display(HTML(f"<ul>{lines}</ul>"))


def try_person_id(person_id) -> None:
    """The learner's function on the Cookie headers real visits produced."""
    if _skipped("Trying person_id on real cookies"):
        return
    from .render import STYLE, mark, table

    if not _headers:
        _visit(state.stored() or "", "your snippet")
    rows = []
    for label, (header, expected) in _headers.items():
        try:
            got = person_id(header)
            shown = f"<code>{html.escape(repr(got))}</code>"
        except Exception as err:  # the learner's code: show the error, not a traceback
            got, shown = err, f"<b>{html.escape(type(err).__name__)}: {html.escape(str(err))}</b>"
        rows.append(f"<tr><td>{mark(got == expected)}</td><td>{html.escape(label)}</td><td><code>{html.escape(header)}</code></td>"
                    f"<td>{shown}</td><td><code>{html.escape(repr(expected))}</code></td></tr>")
    display(HTML(f"{STYLE}<div class='idl'>" + table(
        "person_id on real Cookie headers", ["result", "visit", "Cookie header", "person_id(header)",
                                             "the browser's km_ai"], "".join(rows)) + "</div>"))
