"""A visitor: one browser profile (a fresh Playwright context) walking through
the simulated shop and blog, recording what each step did to the identity.

Every wait is bounded: learner code may loop forever, navigate away, close the
window or throw; the visitor turns each of these into a ``StepFailed`` that
says what happened and where.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.async_api import Browser, BrowserContext, Error as PlaywrightError, Page

from ..site import RUN_HEADER, SimulatedSite
from ..site.hosts import context_proxy

# Installed before any page script: records writes of km_* cookies that do not
# come from the library itself (the caller's stack frame tells which script).
COOKIE_WATCH_JS = r"""
(() => {
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  const report = window.__identifyLabCookieWrite;
  // What the page really sees, even if learner code replaces document.cookie.
  const cookies = () => desc.get.call(document);
  Object.defineProperty(window, '__identifyLabCookies', {value: cookies});
  // One step's probe, in one round trip: wait until the library has started and the
  // tracker has answered every beacon (km_uq, its queue of unsent requests, is empty),
  // at most budgetMs, then report. Timers and clocks are the page's originals, kept
  // here before learner code can replace them.
  const sleep = window.setTimeout.bind(window), clock = performance.now.bind(performance), P = Promise;
  const started = () => typeof window.KM === 'object' && window.KM !== null && !Array.isArray(window._kmq);
  Object.defineProperty(window, '__identifyLabProbe', {value: async (budgetMs) => {
    const until = clock() + budgetMs;
    while (!(started() && !/(?:^|;\s*)km_uq=/.test(cookies())) && clock() < until) {
      await new P((resolve) => sleep(resolve, 10));
    }
    let ki = null;
    try { ki = window.KM && typeof KM.i === 'function' ? String(KM.i()) : null; } catch (e) {}
    return [ki, document.body ? document.body.getAttribute('data-view') : null, cookies(), started()];
  }});
  // Filling a form and pressing its submit button, in one round trip, with the DOM's own
  // methods kept before learner code can replace them. The page sees what a person's typing
  // shows scripts (focus, input and change events, then the button's click and the form's
  // submit event), and, as a person takes a while to type, the library has started by then
  // (at most budgetMs): its submit handlers (trackSubmit) see the submit. Returns the
  // selectors it could not find.
  const query = Document.prototype.querySelector, focus = HTMLElement.prototype.focus;
  const click = HTMLElement.prototype.click, dispatch = EventTarget.prototype.dispatchEvent;
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set, Ev = Event;
  Object.defineProperty(window, '__identifyLabFill', {value: async (fields, submit, budgetMs) => {
    const until = clock() + budgetMs;
    while (!started() && clock() < until) await new P((resolve) => sleep(resolve, 10));
    const missing = [];
    for (const [selector, value] of fields) {
      const input = query.call(document, selector);
      if (!input) { missing.push(selector); continue; }
      focus.call(input);
      setValue.call(input, value);
      dispatch.call(input, new Ev('input', {bubbles: true}));
      dispatch.call(input, new Ev('change', {bubbles: true}));
    }
    const button = query.call(document, submit);
    if (!button) missing.push(submit);
    if (!missing.length) click.call(button);
    return missing;
  }});
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true, enumerable: desc.enumerable,
    get() { return desc.get.call(this); },
    set(value) {
      try {
        const text = String(value);
        if (/^\s*km_/.test(text)) {
          const frames = String(new Error().stack).split('\n').slice(1)
            .filter((line) => line.indexOf('identify-lab-watch') < 0);
          const caller = frames.length ? frames[0].trim() : '';
          if (!/\.2\.js/.test(caller) && report) report(text.slice(0, 300), location.pathname, caller.slice(0, 300));
        }
      } catch (e) {}
      desc.set.call(this, value);
    },
  });
})();
//# sourceURL=identify-lab-watch.js
"""

class StepFailed(Exception):
    """A step could not be completed; the message is for the learner."""


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

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Customer:
    name: str
    email: str
    password: str


@dataclass
class Timeouts:
    page_s: float = 3.0  # one navigation, including the learner's code on it
    library_s: float = 1.5  # the library starting and the tracker answering its beacons
    probe_s: float = 1.0  # one evaluation in the page


class Visitor:
    """One browser profile. ``open`` it, walk, ``close`` it."""

    def __init__(self, browser: Browser, site: SimulatedSite, *, run: str, name: str, timeline: list[Step],
                 timeouts: Timeouts) -> None:
        self.browser, self.site, self.run, self.name = browser, site, run, name
        self.timeline, self.timeouts = timeline, timeouts
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.page_errors: list[dict] = []
        self.cookie_writes: list[dict] = []  # km_* cookies written by code other than the library
        self._step_errors: list[str] = []

    # -- life cycle
    async def open(self, storage_state: dict | None = None) -> "Visitor":
        self.context = await self.browser.new_context(
            extra_http_headers={RUN_HEADER: self.run}, storage_state=storage_state,
            proxy=context_proxy(self.site.port),  # nothing but this visitor's site is reachable
            viewport={"width": 900, "height": 640}, java_script_enabled=True,
        )
        self.context.set_default_timeout(self.timeouts.page_s * 1000)
        await self.context.expose_function("__identifyLabCookieWrite", self._on_cookie_write)
        await self.context.add_init_script(COOKIE_WATCH_JS)
        self.context.on("page", self._on_new_page)
        self.page = await self.context.new_page()
        self.page.on("pageerror", self._on_page_error)
        self.page.on("crash", lambda _: self._step_errors.append("the page crashed (out of memory?)"))
        return self

    def _on_new_page(self, page: Page) -> None:
        if self.page is not None and page is not self.page:  # popups from learner code
            asyncio.ensure_future(page.close())

    def _on_cookie_write(self, cookie: str, page: str, caller: str) -> None:
        if len(self.cookie_writes) < 50 and all(w["cookie"] != cookie for w in self.cookie_writes):
            self.cookie_writes.append({"cookie": str(cookie)[:300], "page": str(page)[:200], "from": str(caller)[:300]})

    def _on_page_error(self, error) -> None:
        message = str(getattr(error, "message", error)).split("\n")[0][:300]
        url = self.page.url if self.page and not self.page.is_closed() else ""
        self.page_errors.append({"url": urlsplit(url).path or url, "message": message})
        self._step_errors.append(message)

    async def close(self) -> None:
        if self.context is not None:
            try:
                await asyncio.wait_for(self.context.close(), 5)
            except (asyncio.TimeoutError, PlaywrightError):
                pass
            self.context = self.page = None

    async def reopen(self) -> None:
        """Close the browser and open it again: session cookies die, the rest live."""
        state = await asyncio.wait_for(self.context.storage_state(), self.timeouts.probe_s * 2)
        state["cookies"] = [c for c in state["cookies"] if c.get("expires", -1) > 0]
        await self.close()
        await self.open(storage_state=state)

    # -- walking
    def url(self, where: str, path: str) -> str:
        base = self.site.blog_url if where == "blog" else self.site.shop_url
        return base + path

    async def visit(self, where: str, path: str, label: str | None = None) -> Step:
        await self._navigate(lambda: self.page.goto(self.url(where, path), wait_until="domcontentloaded"), path)
        return await self.settle(label or f"open {'blog ' if where == 'blog' else ''}{path}", expect_path=None)

    async def submit_form(self, path: str, fields: dict[str, str], label: str, expect_path: str, *,
                          form_open: bool = False) -> Step:
        """Open a form page (unless the visitor is on it: ``form_open``), fill it like a person, submit, and land.

        A form page opened here is not settled: nothing is judged there, and what
        its library sent is re-sent from km_uq if the submit cuts it short.
        """
        if not form_open:
            await self._navigate(lambda: self.page.goto(self.url("shop", path), wait_until="domcontentloaded"), path)
        page = self._live_page(path)
        await self._navigate(lambda: _fill_and_submit(page, fields, path, self.timeouts.library_s), expect_path)
        return await self.settle(label, expect_path=expect_path)

    async def sign_up(self, customer: Customer, *, form_open: bool = False) -> Step:
        fields = {"#name": customer.name, "#email": customer.email, "#password": customer.password}
        return await self.submit_form("/signup", fields, f"sign up as {customer.email}", "/account",
                                      form_open=form_open)

    async def log_in(self, typed_email: str, password: str) -> Step:
        fields = {"#email": typed_email, "#password": password}
        return await self.submit_form("/login", fields, f"log in typing {typed_email!r}", "/account")

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
            await asyncio.wait_for(action(), self.timeouts.page_s + 0.5)
        except (asyncio.TimeoutError, PlaywrightError) as err:
            if page.is_closed():
                raise StepFailed(f"the page was closed by your code (window.close()?) on {path}") from err
            if "crash" in str(err).lower():
                raise StepFailed(f"the page crashed on {path}: does your code use huge amounts of memory?") from err
            if isinstance(err, asyncio.TimeoutError) or "Timeout" in str(err):
                raise StepFailed(f"your code did not finish within {self.timeouts.page_s:g} s on {path}: "
                                 "look for a loop that never ends") from err
            if "interrupted by another navigation" not in str(err):
                raise StepFailed(f"the page {path} did not load: {_first_line(err)}") from err

    async def settle(self, label: str, *, expect_path: str | None) -> Step:
        """Wait for the library and its beacons, then record the step."""
        page = self._live_page(label)
        path = urlsplit(page.url).path
        host = urlsplit(page.url).hostname or ""
        if not host.endswith(".acme.test"):
            raise StepFailed(f"your code navigated away from the shop to {page.url[:120]} ({label})")
        if expect_path is not None and path != expect_path:
            raise StepFailed(f"expected to land on {expect_path} after '{label}' but the browser is on {path}")
        # One probe waits for the library and its beacons, then reads the step. A page whose
        # code never yields (an endless loop) cannot answer: the step then shows the browser's
        # cookie jar. Unsent requests stay in km_uq, as in a real browser.
        wait_s = self.timeouts.library_s
        ki = view = raw = None
        started = False
        try:
            ki, view, raw, started = await asyncio.wait_for(
                page.evaluate("(ms) => window.__identifyLabProbe(ms)", wait_s * 1000), wait_s + self.timeouts.probe_s)
        except (asyncio.TimeoutError, PlaywrightError, TypeError, ValueError):
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


async def _fill_and_submit(page: Page, fields: dict[str, str], path: str, library_s: float) -> None:
    """Once the page's library has started (at most ``library_s``), fill the form and submit
    it (one evaluation in the page: Playwright's fill and click cost about 0.13 s of CPU more
    per form, most of a checklist's form steps), then wait for the page the form leads to."""
    async with page.expect_navigation(wait_until="domcontentloaded"):
        missing = await page.evaluate(
            "([fields, submit, budgetMs]) => window.__identifyLabFill(fields, submit, budgetMs)",
            [list(fields.items()), "button[type=submit]", library_s * 1000])
        if missing:
            raise StepFailed(f"could not fill the form on {path}: {', '.join(missing)} not found on the page")


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
