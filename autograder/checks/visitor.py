"""A visitor: one browser profile (a fresh Playwright context) walking through
the simulated shop and blog, recording what each step did to the identity.

Every wait is bounded: learner code may loop forever, navigate away, close the
window or throw; the visitor turns each of these into a ``StepFailed`` that
says what happened and where.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.async_api import Browser, BrowserContext, Error as PlaywrightError, Page

from ..site import RUN_HEADER, SimulatedSite
from ..site.hosts import context_proxy
from . import page_time
from .disguise import DESKTOP_JS, DESKTOP_SCREEN, HELPERS, desktop_user_agent

# Installed before any page script: records writes of km_* cookies that do not
# come from the library itself (the caller's stack frame tells which script).
COOKIE_WATCH_JS = r"""
(() => {
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  const report = window.__HELPERS__CookieWrite;
  // What the page really sees, even if learner code replaces document.cookie.
  const cookies = () => desc.get.call(document);
  Object.defineProperty(window, '__HELPERS__Cookies', {value: cookies});
  // One step's probe, in one round trip: wait until the page has loaded, the library has
  // started and the tracker has answered every beacon (km_uq, its queue of unsent requests,
  // is empty), at most budgetMs, then report. Timers and clocks are the page's originals, kept
  // here before learner code can replace them.
  const sleep = window.setTimeout.bind(window), clock = performance.now.bind(performance), P = Promise;
  const started = () => typeof window.KM === 'object' && window.KM !== null && !Array.isArray(window._kmq);
  // Timers the page's scripts set and that have not fired: counted here (the page's own timers,
  // wrapped before any page script runs) or, where Playwright's clock is installed after this
  // script and replaces them, as the clock keeps them; -1 when it cannot tell (the visitor dwells).
  const waiting = new Set();
  for (const [set, clear, repeats] of [['setTimeout', 'clearTimeout', false], ['setInterval', 'clearInterval', true],
                                       ['requestAnimationFrame', 'cancelAnimationFrame', false],
                                       ['requestIdleCallback', 'cancelIdleCallback', false]]) {
    const setter = window[set], clearer = window[clear];
    if (typeof setter !== 'function') continue;
    const wrapped = {[set](callback, ...rest) {
      let key;
      const run = typeof callback !== 'function' ? callback : function () {
        if (!repeats) waiting.delete(key);
        return callback.apply(this, arguments);
      };
      const id = setter.call(window, run, ...rest);
      key = set[0] + id;
      waiting.add(key);
      return id;
    }}[set];
    const cleared = {[clear](id) { waiting.delete(set[0] + id); return clearer.call(window, id); }}[clear];
    Object.defineProperty(window, set, {value: wrapped, writable: true, configurable: true, enumerable: true});
    Object.defineProperty(window, clear, {value: cleared, writable: true, configurable: true, enumerable: true});
  }
  const timersPending = () => {
    try {
      if (!window.__pwClock) return waiting.size;
      const timers = window.__pwClock.controller._timers;
      return timers instanceof Map ? timers.size : -1;
    } catch (e) { return -1; }
  };
  Object.defineProperty(window, '__HELPERS__Probe', {value: async (budgetMs) => {
    const until = clock() + budgetMs;
    const settled = () => document.readyState === 'complete' && started() && !/(?:^|;\s*)km_uq=/.test(cookies());
    while (!settled() && clock() < until) {
      await new P((resolve) => sleep(resolve, 4));
    }
    let ki = null;
    try { ki = window.KM && typeof KM.i === 'function' ? String(KM.i()) : null; } catch (e) {}
    return [ki, document.body ? document.body.getAttribute('data-view') : null, cookies(), started(), settled(),
            timersPending()];
  }});
  // Typing into a form, in one round trip, with the DOM's own methods kept before learner
  // code can replace them: a person's typing shows scripts focus, then keydown, keypress,
  // the value growing by one character, input and keyup per character, then change. As a
  // person takes a while to get to the form, the library has started by then (at most
  // budgetMs): its handlers see the typing and the submit. Returns the selectors it could
  // not find. Pressing the submit button is a second call, after the person has dwelt.
  const query = Document.prototype.querySelector, focus = HTMLElement.prototype.focus;
  const click = HTMLElement.prototype.click, dispatch = EventTarget.prototype.dispatchEvent;
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set, Ev = Event;
  const Key = KeyboardEvent, Input = InputEvent;
  Object.defineProperty(window, '__HELPERS__Type', {value: async (fields, budgetMs) => {
    const until = clock() + budgetMs;
    while (!started() && clock() < until) await new P((resolve) => sleep(resolve, 4));
    const missing = [];
    for (const [selector, text] of fields) {
      const input = query.call(document, selector);
      if (!input) { missing.push(selector); continue; }
      focus.call(input);
      setValue.call(input, '');
      let typed = '';
      for (let i = 0; i < text.length; i++) {
        const key = text[i], options = {key, bubbles: true, cancelable: true, composed: true};
        dispatch.call(input, new Key('keydown', options));
        dispatch.call(input, new Key('keypress', options));
        typed += key;
        setValue.call(input, typed);
        dispatch.call(input, new Input('input', {data: key, inputType: 'insertText', bubbles: true, composed: true}));
        dispatch.call(input, new Key('keyup', options));
      }
      dispatch.call(input, new Ev('change', {bubbles: true}));
    }
    return [missing, timersPending()];
  }});
  // Pressing submit also reports the cookies the page had just before: whether the visitor
  // was named while they filled the form, before the shop accepted them.
  Object.defineProperty(window, '__HELPERS__Submit', {value: (submit) => {
    const button = query.call(document, submit);
    if (!button) return [[submit], null];
    const before = cookies();
    click.call(button);
    return [[], before];
  }});
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true, enumerable: desc.enumerable,
    get() { return desc.get.call(this); },
    set(value) {
      try {
        const text = String(value);
        if (/^\s*km_/.test(text)) {
          const frames = String(new Error().stack).split('\n').slice(1)
            .filter((line) => line.indexOf('__HELPERS__-watch') < 0);
          const caller = frames.length ? frames[0].trim() : '';
          if (!/\.2\.js/.test(caller) && report) report(text.slice(0, 300), location.pathname, caller.slice(0, 300));
        }
      } catch (e) {}
      desc.set.call(this, value);
    },
  });
})();
//# sourceURL=__HELPERS__-watch.js
""".replace("__HELPERS__", HELPERS)

# Runs after Playwright's clock is installed, so that its virtual time behaves as a person's browser does.
# - The clock fires the timers due while a visitor dwells with its time stopped: inside such a timer
#   Date.now() and performance.now() would not move, and a wait written as a loop on them
#   (`while (Date.now() < until)`) would never end, as it does in a person's browser. Inside those timers,
#   time moves with the real clock, and it never goes back.
# - A dwell fires every timer due in it, each interval as often as it falls due: an interval that keeps
#   the page busy half the time would make 5 s of reading cost 2.5 s here, where a person's browser spends
#   them while the person reads. Once a dwell has taken DWELL_BUSY_MS of real time, the rest of it is
#   jumped over as a busy browser does (and as the clock's fast_forward does): each timer still due fires
#   once, and intervals do not catch up.
DWELL_BUSY_MS = 250
CLOCK_AS_IN_A_BROWSER_JS = r"""
(() => {
  const controller = window.__pwClock && window.__pwClock.controller;
  if (!controller || typeof controller._callFirstTimer !== 'function' || !controller._embedder
      || typeof controller.runFor !== 'function' || !(controller._timers instanceof Map)) return;
  const real = () => controller._embedder.performanceNow();
  const callFirstTimer = controller._callFirstTimer, runFor = controller.runFor;
  const now = controller.now, performanceNow = controller.performanceNow;
  let since = null;  // when the running timer started, in real time; null outside the clock's timers
  let dwellFrom = null;  // when the running dwell started, in real time, until the rest of it is jumped over
  controller.runFor = async function (ticks) {
    dwellFrom = real();
    try { return await runFor.call(this, ticks); } finally { dwellFrom = null; }
  };
  controller._callFirstTimer = function (beforeTick) {
    if (dwellFrom !== null && real() - dwellFrom > __DWELL_BUSY_MS__) {
      dwellFrom = null;
      for (const timer of this._timers.values()) if (timer.callAt < beforeTick) timer.callAt = beforeTick;
    }
    since = real();
    try { return callFirstTimer.call(this, beforeTick); } finally { since = null; }  // the timer runs before its first await
  };
  const moving = (read) => {
    let last = -Infinity;
    return function () {
      const value = read.call(this) + (since === null ? 0 : real() - since);
      return (last = Math.max(last, value));
    };
  };
  controller.now = moving(now);
  controller.performanceNow = moving(performanceNow);
})();
""".replace("__DWELL_BUSY_MS__", str(DWELL_BUSY_MS))

# The library's generated anonymous IDs (km_ai before anybody is named).
ANONYMOUS_ID = re.compile(r"^[A-Za-z0-9+/]{27}=$")


def is_anonymous_id(value: str | None) -> bool:
    return bool(value) and bool(ANONYMOUS_ID.match(value))


class StepFailed(Exception):
    """A step could not be completed because of the page's own code; the message is for the learner,
    the cause (causes.py) for the class report."""

    def __init__(self, message: str, cause: str = "page-broken") -> None:
        super().__init__(message)
        self.cause = cause


class HostTooSlow(Exception):
    """A step took far too long although the page's own code was not running: the grading machine
    was overloaded (or the browser stalled). Never the learner's fault: the run is judged again."""


@dataclass
class Step:
    label: str
    url: str
    km_ai: str | None
    km_ni: str | None
    ki: str | None
    visitor: str
    view: str | None = None  # the page view's id, to find its event at the tracker
    errors: list[str] = field(default_factory=list)
    # Form steps: the name km_ai (or km_ni) gave the visitor just before they sent the form, while
    # they were still typing into it and nobody knew them; None if they were anonymous then.
    named_before_submit: str | None = None

    @property
    def named(self) -> str | None:
        return named_by(self.km_ai, self.km_ni)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Customer:
    name: str
    email: str
    password: str


@dataclass
class Timeouts:
    # Learner code is judged by its own cost, not by how busy the machine is: a step that is
    # still going after ``patience_s`` looks at the browser's page processes (page_time.py). One
    # that kept running a script for ``busy_span_s``: the learner's code did not finish. None:
    # the host is slow, and the step waits on, up to ``page_s``, which only a host far too busy
    # to grade reaches (HostTooSlow: the run is judged again).
    patience_s: float = 3.0
    page_s: float = 20.0
    busy_span_s: float = 2.0
    runnable_share: float = 0.9  # of the span, running or waiting for a core (where the kernel says)
    busy_share: float = 0.3  # of a core, used over the span (elsewhere)
    library_s: float = 1.5  # the library starting and the tracker answering its beacons (in the page)
    probe_s: float = 1.0  # one evaluation in the page, beyond its own budget
    # People read pages and take a while to fill forms: virtual time (Playwright's clock), so
    # that a snippet's timers (a few hundred ms, a few seconds) fire without the wait.
    dwell_ms: int = 5000
    typing_pause_ms: int = 2000


class Visitor:
    """One browser profile. ``open`` it, walk, ``close`` it."""

    def __init__(self, browser: Browser, site: SimulatedSite, *, run: str, name: str, timeline: list[Step],
                 timeouts: Timeouts, virtual_time: bool = True) -> None:
        self.browser, self.site, self.run, self.name = browser, site, run, name
        self.timeline, self.timeouts = timeline, timeouts
        # With virtual time the visitor dwells on pages that wait for a timer; without it (cheaper),
        # it only notes that a page did, so that the walk can be made again with it.
        self.virtual_time, self.waited_for_timers = virtual_time, False
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.page_errors: list[dict] = []
        self.cookie_writes: list[dict] = []  # km_* cookies written by code other than the library
        self.navigations = 0  # of this visitor's pages, whoever started them (a redirect loop: many)
        self._step_errors: list[str] = []
        self._opening_page = False  # reopen: the next new page is the visitor's own

    # -- life cycle
    async def open(self) -> "Visitor":
        self.context, self.page = await self._new_browser()
        return self

    async def _new_browser(self) -> tuple[BrowserContext, Page]:
        context = await self.browser.new_context(
            extra_http_headers={RUN_HEADER: self.run},
            proxy=context_proxy(self.site.port),  # nothing but this visitor's site is reachable
            viewport={"width": 900, "height": 640}, screen=DESKTOP_SCREEN, locale="en-US",
            user_agent=desktop_user_agent(self.browser.version), java_script_enabled=True,
        )
        try:
            context.set_default_timeout((self.timeouts.page_s + 1) * 1000)
            await context.expose_function(f"{HELPERS}CookieWrite", self._on_cookie_write)
            if self.virtual_time:
                await context.add_init_script(COOKIE_WATCH_JS)  # before the clock: it keeps the real timers
                await context.clock.install()  # time flows as usual; ``dwell`` runs it ahead
                # after the clock: time moves inside its timers, and its fakes look native too
                await context.add_init_script(f"{CLOCK_AS_IN_A_BROWSER_JS};\n{DESKTOP_JS}")
            else:  # the same two scripts in the same order, in one round trip
                await context.add_init_script(f"{COOKIE_WATCH_JS};\n{DESKTOP_JS}")
            page = await context.new_page()
            # Any other page is a popup of learner code (this handler comes after the visitor's own
            # page, which learner code cannot open: it has not run in this browser yet).
            context.on("page", self._close_popup)
        except BaseException:
            await _close_context(context)
            raise
        self._watch(page)
        return context, page

    def _watch(self, page: Page) -> None:
        page.on("pageerror", self._on_page_error)
        page.on("framenavigated", self._on_navigated)
        page.on("crash", lambda _: self._step_errors.append("the page crashed (out of memory?)"))

    def _on_navigated(self, frame) -> None:
        if frame.parent_frame is None:
            self.navigations += 1

    def _on_cookie_write(self, cookie: str, page: str, caller: str) -> None:
        if len(self.cookie_writes) < 50 and all(w["cookie"] != cookie for w in self.cookie_writes):
            self.cookie_writes.append({"cookie": str(cookie)[:300], "page": str(page)[:200], "from": str(caller)[:300]})

    def _on_page_error(self, error) -> None:
        message = str(getattr(error, "message", error)).split("\n")[0][:300]
        url = self.page.url if self.page and not self.page.is_closed() else ""
        self.page_errors.append({"url": urlsplit(url).path or url, "message": message})
        self._step_errors.append(message)

    def _close_popup(self, other: Page) -> None:
        if not self._opening_page and other is not self.page:
            asyncio.ensure_future(other.close())

    async def close(self) -> None:
        if self.context is not None:
            await _close_context(self.context)
            self.context = self.page = None

    async def reopen(self) -> None:
        """Close the browser and open it again: the page and its session storage are gone, session
        cookies die, the rest lives (persistent cookies, local storage, the cache). In the same
        profile, as a person's browser keeps it: a new context would cost a new renderer and
        copying the profile over (Playwright reads local storage by opening a page per origin)."""
        try:
            await asyncio.wait_for(self.page.close(), self.timeouts.probe_s * 2)
        except (asyncio.TimeoutError, PlaywrightError):
            raise StepFailed("your code kept the page from closing when the browser was closed: look for a loop "
                             "that never ends", "endless-loop") from None
        jar = await asyncio.wait_for(self.context.cookies(), self.timeouts.probe_s * 2)
        await asyncio.wait_for(self.context.clear_cookies(), self.timeouts.probe_s * 2)
        await asyncio.wait_for(self.context.add_cookies([c for c in jar if c.get("expires", -1) > 0]),
                               self.timeouts.probe_s * 2)
        self._opening_page = True  # no page of learner code is left to open a popup meanwhile
        try:
            self.page = await asyncio.wait_for(self.context.new_page(), self.timeouts.page_s)
        finally:
            self._opening_page = False
        self._watch(self.page)

    # -- walking
    def url(self, where: str, path: str) -> str:
        base = self.site.blog_url if where == "blog" else self.site.shop_url
        return base + path

    async def visit(self, where: str, path: str, label: str | None = None) -> Step:
        await self._navigate(lambda: self.page.goto(self.url(where, path), wait_until="domcontentloaded"), path)
        return await self.settle(label or f"open {'blog ' if where == 'blog' else ''}{path}", expect_path=None)

    async def submit_form(self, path: str, fields: dict[str, str], label: str, expect_path: str, *,
                          form_open: bool = False) -> Step:
        """Open a form page (unless the visitor is on it: ``form_open``), type into it like a person, dwell,
        submit, and land on ``expect_path`` (the form itself again when the shop refuses it).

        A form page opened here is not settled: nothing is judged there, and what
        its library sent is re-sent from km_uq if the submit cuts it short.
        """
        if not form_open:
            await self._navigate(lambda: self.page.goto(self.url("shop", path), wait_until="domcontentloaded"), path)
        page = self._live_page(path)
        answer = await self._bounded(
            page.evaluate(f"([fields, budgetMs]) => window.{HELPERS}Type(fields, budgetMs)",
                          [list(fields.items()), self.timeouts.library_s * 1000]),
            path, self.timeouts.patience_s)
        missing, pending = answer if isinstance(answer, list) and len(answer) == 2 else (["the form"], -1)
        if missing:
            raise StepFailed(f"could not fill the form on {path}: {', '.join(missing)} not found on the page")
        if pending:  # e.g. a handler that waits for the typing to stop
            await self.dwell(path, self.timeouts.typing_pause_ms)
        # Filled in, not returned: the cookies are read before the click, and the navigation it starts may be
        # cut short by another one (learner code), which _navigate lets pass without a result.
        before: list[str | None] = []
        await self._navigate(lambda: _press_submit(page, path, before), expect_path)
        step = await self.settle(label, expect_path=expect_path)
        if before and isinstance(before[0], str):
            cookies = parse_cookie_header(before[0])
            step.named_before_submit = named_by(cookies.get("km_ai"), cookies.get("km_ni"))
        return step

    async def sign_up(self, customer: Customer, *, form_open: bool = False, refused: bool = False) -> Step:
        """Sign up as ``customer``; ``refused``: the shop is expected to refuse it (an e-mail that is taken)."""
        fields = {"#name": customer.name, "#email": customer.email, "#password": customer.password}
        label = f"sign up as {customer.email}" + (" (refused: the e-mail is taken)" if refused else "")
        return await self.submit_form("/signup", fields, label, "/signup" if refused else "/account",
                                      form_open=form_open)

    async def log_in(self, typed_email: str, password: str, *, form_open: bool = False,
                     refused: bool = False) -> Step:
        """Log in typing ``typed_email``; ``refused``: the password is wrong and the shop says so."""
        fields = {"#email": typed_email, "#password": password}
        label = f"log in typing {typed_email!r}" + (" with a wrong password (refused)" if refused else "")
        return await self.submit_form("/login", fields, label, "/login" if refused else "/account",
                                      form_open=form_open)

    async def log_out(self) -> Step:
        await self._navigate(lambda: self.page.goto(self.url("shop", "/logout"), wait_until="domcontentloaded"), "/logout")
        return await self.settle("log out", expect_path="/")

    def _live_page(self, path: str) -> Page:
        if self.page is None or self.page.is_closed():
            raise StepFailed(f"the page was closed by your code (window.close()?) on {path}")
        return self.page

    async def _navigate(self, action, path: str) -> None:
        page = self._live_page(path)
        self._step_errors = []
        try:
            await self._bounded(action(), path, self.timeouts.patience_s)
        except PlaywrightError as err:
            if page.is_closed():
                raise StepFailed(f"the page was closed by your code (window.close()?) on {path}") from err
            if "crash" in str(err).lower():
                raise StepFailed(f"the page crashed on {path}: does your code use huge amounts of memory?") from err
            if "Timeout" in str(err):
                raise HostTooSlow(f"the page {path} did not load within {self.timeouts.page_s:g} s") from err
            if "interrupted by another navigation" not in str(err):
                raise StepFailed(f"the page {path} did not load: {_first_line(err)}") from err

    async def dwell(self, path: str, ms: int | None = None) -> None:
        """The visitor stays on the page: ``ms`` of the page's time pass at once, and every timer
        due by then fires (Playwright's clock), so nothing waits for them. Without virtual time,
        only noted."""
        page = self._live_page(path)
        if not self.virtual_time:
            self.waited_for_timers = True
            return
        try:
            await self._bounded(page.clock.run_for(self.timeouts.dwell_ms if ms is None else ms), path,
                                self.timeouts.patience_s)
        except PlaywrightError:
            if page.is_closed():
                raise StepFailed(f"the page was closed by your code (window.close()?) on {path}") from None
            # The page navigated away meanwhile (learner code): the next step says where it is.

    async def _bounded(self, awaitable, path: str, patience_s: float):
        """Await one of a step's page operations. One that is still going after ``patience_s`` is judged
        by what the browser's page processes are doing (page_time.py): one of them kept running a
        script for ``busy_span_s`` (the learner's code: the shop's own pages do next to nothing) fails
        the step; none did, the machine is slow, and the step waits on, up to ``page_s``. Chromium
        cannot tell which process serves which page, so an endless loop in another visitor of the
        same checklist (the same snippet) counts too."""
        task = asyncio.ensure_future(awaitable)
        loop = asyncio.get_running_loop()
        started = loop.time()
        timeouts = self.timeouts
        try:
            done, _ = await asyncio.wait({task}, timeout=patience_s)
            samples = []
            while not done:
                now = await page_time.sample(self.browser, timeouts.probe_s)
                if now is not None:
                    older = [s for s in samples if s.at <= now.at - timeouts.busy_span_s]
                    if older and page_time.running(older[-1], now, runnable_share=timeouts.runnable_share,
                                                   busy_share=timeouts.busy_share):
                        raise StepFailed(f"your code did not finish within {patience_s:g} s on {path}: the page was "
                                         "still running it; look for a loop that never ends", "endless-loop")
                    samples.append(now)
                if loop.time() - started >= timeouts.page_s:
                    raise HostTooSlow(f"the page {path} took over {timeouts.page_s:g} s although your code was "
                                      "not running: the grading machine was too busy")
                done, _ = await asyncio.wait({task}, timeout=1.0)
            return task.result()
        finally:
            if not task.done():
                task.cancel()
                task.add_done_callback(lambda t: t.cancelled() or t.exception())  # nobody awaits it now

    async def _probe(self, page: Page, budget_s: float) -> tuple:
        """The in-page probe: (KM.i(), view id, document.cookie, library started, settled, timers pending)."""
        answer = await self._bounded(page.evaluate(f"(ms) => window.{HELPERS}Probe(ms)", budget_s * 1000),
                                     urlsplit(page.url).path, budget_s + self.timeouts.probe_s)
        if not (isinstance(answer, list) and len(answer) == 6):
            return None, None, None, None, None, -1
        return tuple(answer)

    async def settle(self, label: str, *, expect_path: str | None) -> Step:
        """Wait for the page, the library and its beacons; dwell (the page's timers fire); wait for
        what that sent; record the step."""
        page = self._live_page(label)
        path = urlsplit(page.url).path
        host = urlsplit(page.url).hostname or ""
        if not host.endswith(".acme.test"):
            raise StepFailed(f"your code navigated away from the shop to {page.url[:120]} ({label})")
        if expect_path is not None and path != expect_path:
            raise StepFailed(f"expected to land on {expect_path} after '{label}' but the browser is on {path}")
        # A page whose code never yields (an endless loop) fails in _bounded; one that broke its
        # own probe (replaced the DOM, say) shows the browser's cookie jar. Unsent requests stay
        # in km_uq, as in a real browser.
        ki = view = raw = None
        started = False
        try:
            ki, view, raw, started, settled, pending = await self._probe(page, self.timeouts.library_s)
            if pending:  # the page waits for something: the visitor reads on, and what that sends is waited for
                await self.dwell(path)
                # Beacons the page could not get answered before the dwell will not be now: a short look.
                ki, view, raw, started, _, _ = await self._probe(page, self.timeouts.library_s if settled else 0.1)
        except (PlaywrightError, TypeError, ValueError):
            if page.is_closed():
                raise StepFailed(f"the page was closed by your code (window.close()?) on {path}") from None
        if not started:
            self._step_errors.append("the Kissmetrics library did not start on this page")
        # The page's own view of its cookies (the order the library reads them in);
        # the browser's cookie jar when the page cannot answer.
        cookies = parse_cookie_header(raw) if isinstance(raw, str) else await self.cookies()
        step = Step(label=label, url=_short_url(self.page.url if self.page else ""), km_ai=cookies.get("km_ai"),
                    km_ni=cookies.get("km_ni"), ki=ki, visitor=self.name, view=view, errors=list(self._step_errors))
        self.timeline.append(step)
        return step

    # -- observing
    async def cookies(self) -> dict[str, str]:
        """The km_* cookies the shop's pages see, decoded (first one wins, like the library)."""
        raw = await asyncio.wait_for(self.context.cookies([self.site.shop_url + "/"]), self.timeouts.probe_s * 2)
        found: dict[str, str] = {}
        for cookie in raw:
            found.setdefault(cookie["name"], unquote(cookie["value"]))
        return found

    async def screenshot(self, path: Path) -> str | None:
        if self.page is None or self.page.is_closed():
            return None
        try:
            await asyncio.wait_for(self.page.screenshot(path=str(path), type="png"), self.timeouts.probe_s * 2)
            return str(path)
        except (asyncio.TimeoutError, PlaywrightError):
            return None


async def _close_context(context: BrowserContext) -> None:
    try:
        await asyncio.wait_for(context.close(), 5)
    except (asyncio.TimeoutError, PlaywrightError):
        pass


async def _press_submit(page: Page, path: str, before: list) -> None:
    """Press the form's submit button (the DOM's own click, kept before learner code ran) and
    wait for the page the form leads to; ``before`` gets the page's cookies from just before."""
    async with page.expect_navigation(wait_until="domcontentloaded"):
        answer = await page.evaluate(f"(submit) => window.{HELPERS}Submit(submit)", "button[type=submit]")
        missing, cookies = answer if isinstance(answer, list) and len(answer) == 2 else (["the button"], None)
        if missing:
            raise StepFailed(f"could not submit the form on {path}: {', '.join(missing)} not found on the page")
        before.append(cookies)


def named_by(km_ai: str | None, km_ni: str | None) -> str | None:
    """The name the library's cookies give a visitor: a km_ai that is not an anonymous ID, else km_ni;
    None while they are anonymous."""
    return km_ai if km_ai and not is_anonymous_id(km_ai) else km_ni or None


def parse_cookie_header(raw: str) -> dict[str, str]:
    """Cookies as ``document.cookie`` lists them, decoded; the first of a name wins."""
    found: dict[str, str] = {}
    for pair in raw.split(";"):
        name, sep, value = pair.strip().partition("=")
        if sep and name:
            found.setdefault(name, unquote(value))
    return found


def _first_line(err: Exception) -> str:
    return str(err).strip().split("\n")[0][:200]


def _short_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path}" if parts.hostname else url
