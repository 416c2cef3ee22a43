"""Visitors behave like people: they dwell on pages (in virtual time), type character by
character, mistype passwords and try taken e-mails; and a step is judged by the page's own
work, not by how long the host took."""

import pytest

from autograder.checks import page_time
from autograder.checks.visitor import Customer, HostTooSlow, StepFailed, Timeouts, is_anonymous_id

pytestmark = pytest.mark.browser

COUNT_TYPING = """
['keydown', 'keypress', 'input', 'keyup'].forEach(function (kind) {
  document.addEventListener(kind, function (e) {
    if (e.target.id === 'email') localStorage.setItem(kind, (+localStorage.getItem(kind) || 0) + 1);
  });
});
"""


def events(site, run):
    return [r["name"] for r in site.requests(run) if r["kind"] == "e"]


def test_a_person_types_each_character(browse):
    customer = Customer("Ann Lee", "Ann.Lee@example.com", "typed-secret")

    async def walk(visitor, run):
        v = await visitor()
        await v.sign_up(customer)
        return await v.page.evaluate("['keydown', 'keypress', 'input', 'keyup'].map(k => +localStorage.getItem(k))")

    assert browse.run(walk, snippet=COUNT_TYPING) == [len(customer.email)] * 4


def test_a_visitor_dwells_timers_fire_within_the_dwell_and_not_after_it(browse):
    snippet = ("setTimeout(function () { _kmq.push(['record', 'read 4.5 s']); }, 4500);\n"
               "setTimeout(function () { _kmq.push(['record', 'read 60 s']); }, 60000);\n"
               "window.addEventListener('load', function () { _kmq.push(['record', 'loaded']); });\n"
               "requestAnimationFrame(function () { _kmq.push(['record', 'first frame']); });")

    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/pricing")
        return events(browse.site, run)

    seen = browse.run(walk, snippet=snippet)
    assert {"read 4.5 s", "loaded", "first frame"} <= set(seen)
    assert "read 60 s" not in seen  # virtual time ran for the dwell only: 60 s of reading would be too long


def test_refused_log_in_and_sign_up_stay_on_the_form_and_anonymous(browse):
    taken = Customer("Bo Berg", "bo@example.com", "bo-password")

    async def walk(visitor, run):
        browse.site.accounts.sign_up(taken.name, taken.email, taken.password, realm=run)
        v = await visitor()
        refused_sign_up = await v.sign_up(Customer("Other", taken.email, "other-pass"), refused=True)
        refused_log_in = await v.log_in(taken.email, "wrong-password", refused=True)
        message = await v.page.inner_text(".error")
        logged_in = await v.log_in(taken.email, taken.password, form_open=True)
        return refused_sign_up, refused_log_in, message, logged_in

    snippet = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
    refused_sign_up, refused_log_in, message, logged_in = browse.run(walk, snippet=snippet)
    assert "/signup" in refused_sign_up.url and is_anonymous_id(refused_sign_up.km_ai)
    assert "/login" in refused_log_in.url and is_anonymous_id(refused_log_in.km_ai)
    assert "do not match" in message
    assert logged_in.km_ai == taken.email


@pytest.mark.parametrize("kernel_counts", [True, False], ids=["run-and-wait time", "cpu share (not Linux)"])
def test_a_busy_host_is_not_blamed_on_the_snippet(browse, monkeypatch, kernel_counts):
    """A step that is slow while no page runs script waits on; one whose page loops fails fast, by the
    kernel's count where it has one and by Chromium's CPU count elsewhere."""
    if not kernel_counts:
        monkeypatch.setattr(page_time, "runnable_s", lambda pid: None)

    async def walk(visitor, run):
        v = await visitor()
        v.timeouts = Timeouts(patience_s=0.05, page_s=30)  # impatient: every step runs past its patience
        step = await v.visit("shop", "/pricing")
        browse.site.register_run(run, "while (true) {}")
        try:
            await v.visit("shop", "/")
        except StepFailed as err:
            return step, str(err)
        return step, None

    step, failure = browse.run(walk, snippet="")
    assert is_anonymous_id(step.km_ai)
    assert failure is not None and "did not finish" in failure


def test_a_step_slow_while_no_page_runs_script_is_the_hosts_fault_not_the_snippets(browse):
    """Past its patience and its hard bound with every page idle (here: a form that waits long for a
    library the snippet kept from starting), a step says the machine was too busy: the run is judged
    again instead of blaming the snippet."""

    async def walk(visitor, run):
        v = await visitor()
        v.timeouts = Timeouts(patience_s=0.1, page_s=0.5, library_s=3.0)
        try:
            await v.sign_up(Customer("Ann Lee", "ann@example.com", "secret-pass"))
        except HostTooSlow as err:
            return str(err)
        return None

    message = browse.run(walk, snippet="Object.defineProperty(window, 'KM', {value: null});")
    assert message is not None and "not running" in message



# Each keeps the first page it was written on: a session cookie, a persistent one, local storage
# and session storage (a tab's own, gone with the tab).
FIRST_PAGE_COOKIES = """
if (!/(^|; )tab=/.test(document.cookie)) document.cookie = 'tab=' + location.pathname + '; path=/';
if (!/(^|; )theme=/.test(document.cookie)) document.cookie = 'theme=' + location.pathname + '; max-age=3600; path=/';
"""
FIRST_PAGE_STORED = ("if (!localStorage.getItem('first')) localStorage.setItem('first', location.pathname);\n"
                     "if (!sessionStorage.getItem('tab')) sessionStorage.setItem('tab', location.pathname);\n")


@pytest.mark.parametrize("stores", [False, True], ids=["cookies-only", "storage"])
def test_a_reopened_browser_keeps_what_a_persons_browser_keeps(browse, stores):
    """Persistent cookies and each origin's local storage survive closing the browser; session
    cookies and session storage do not."""
    read = "() => [localStorage.getItem('first'), sessionStorage.getItem('tab'), document.cookie]"

    async def walk(visitor, run):
        v = await visitor()
        first = await v.visit("shop", "/")
        await v.visit("blog", "/why-email")
        await v.visit("shop", "/pricing")
        await v.reopen()
        await v.visit("shop", "/login")
        shop = await v.page.evaluate(read)
        await v.visit("blog", "/identities-101")
        return first, shop, await v.page.evaluate(read), await v.cookies()

    snippet = FIRST_PAGE_COOKIES + (FIRST_PAGE_STORED if stores else "")
    first, (shop_stored, shop_tab, shop_cookies), (blog_stored, blog_tab, _), km = browse.run(walk, snippet=snippet)
    cookies = dict(pair.split("=", 1) for pair in shop_cookies.split("; "))
    assert (cookies["theme"], cookies["tab"]) == ("/", "/login"), cookies  # kept; died with the browser
    assert km["km_ai"] == first.km_ai
    assert (shop_tab, blog_tab) == (("/login", "/identities-101") if stores else (None, None))  # a new tab's
    assert (shop_stored, blog_stored) == (("/", "/why-email") if stores else (None, None))


def test_a_page_kept_busy_by_an_interval_is_read_as_a_busy_browser_reads_it(browse):
    """An interval that keeps the page busy half the time does not make a dwell cost half of its virtual
    time (5 s of reading, 2.5 s here): past a bound, the rest of the dwell is jumped over, each timer still
    due fires once and intervals do not catch up, so a timer due late in the dwell still fires."""
    snippet = ("var ticks = 0;\n"
               "setInterval(function () { ticks++; var until = Date.now() + 5; while (Date.now() < until) {} }, 10);\n"
               "setTimeout(function () { document.cookie = 'late=' + ticks + '; path=/'; }, 4500);")

    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/pricing")
        return await v.page.evaluate("[document.cookie, ticks]")

    cookies, ticks = browse.run(walk, snippet=snippet)
    late = dict(c.strip().split("=", 1) for c in cookies.split(";") if "=" in c).get("late")
    assert late is not None, cookies  # the late timer fired inside the dwell
    # Every tick takes 5 ms of real time: without the bound, the dwell's 5 s fire 500 of them.
    assert int(late) < 400 and ticks < 400, (late, ticks)


def test_time_moves_inside_a_timer_fired_while_the_visitor_dwells(browse):
    """Playwright's clock fires the timers due while a visitor dwells with its time stopped; a wait
    written as a loop on Date.now() or performance.now() inside such a timer still ends, as it does in
    a person's browser, and time never goes back."""
    snippet = ("setTimeout(function () {\n"
               "  var t = Date.now(), p = performance.now();\n"
               "  while (Date.now() - t < 40 || performance.now() - p < 40) {}\n"
               "  var after = Date.now();\n"
               "  setTimeout(function () { document.cookie = 'waited=' + (after - t) + '-' + (Date.now() >= after)"
               " + '; path=/'; }, 10);\n"
               "}, 300);")

    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/pricing")
        return await v.page.evaluate("document.cookie")

    cookies = browse.run(walk, snippet=snippet)
    waited = dict(c.strip().split("=", 1) for c in cookies.split(";") if "=" in c).get("waited", "")
    assert waited.endswith("-true") and int(waited.split("-")[0]) >= 40, cookies
