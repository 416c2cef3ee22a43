"""Measure the simulated site: start-up, and a page view round trip (page +
library + tracker beacon) over HTTP and in the warm browser.

Prints numbers and their ratio to the targets; asserts nothing (shared, noisy
machines). Run: .venv/bin/python benchmarks/bench_site.py
"""

from __future__ import annotations

import statistics
import time
import uuid

import httpx

from autograder.checks.engine import BrowserEngine
from autograder.checks.visitor import Timeouts, Visitor
from autograder.site import COURSE_KEY, SimulatedSite

START_TARGET_S = 0.5
PAGE_VIEW_TARGET_S = 0.050


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def bench_start(runs: int = 10) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        site = SimulatedSite().start()
        times.append(time.perf_counter() - started)
        site.stop()
    return times


def bench_http_page_view(site: SimulatedSite, runs: int = 200) -> list[float]:
    """What one page view costs the server: the page, the library, one beacon."""
    times = []
    with httpx.Client(base_url=site.local_url) as client:
        for i in range(runs):
            started = time.perf_counter()
            client.get("/pricing")
            client.get(f"/trk/{COURSE_KEY}.2.js")
            client.get(f"/trk/e?_k={COURSE_KEY}&_p=bench&_n=Viewed%20{i}")
            times.append(time.perf_counter() - started)
    return times


# In the page: from the start of the navigation to the tracker's answer to the page's beacon.
ROUND_TRIP_JS = """() => {
  const beacon = performance.getEntriesByType('resource').filter((r) => r.name.includes('/e?')).pop();
  return beacon ? beacon.responseEnd / 1000 : null;
}"""


def bench_browser_page_view(engine: BrowserEngine, runs: int = 30) -> tuple[list[float], list[float], list[float]]:
    """A page view in the warm browser until the library ran and the tracker answered."""
    site = engine.ensure_site()
    run = f"bench-{uuid.uuid4().hex[:8]}"
    site.register_run(run, "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }")

    async def walk():
        visitor = await Visitor(await engine.browser(), site, run=run, name="bench", timeline=[],
                                timeouts=Timeouts()).open()
        await visitor.visit("shop", "/")  # warm the context's cache like a returning visitor
        full, bare, in_page = [], [], []
        for i in range(runs):
            started = time.perf_counter()
            await visitor.visit("shop", "/pricing" if i % 2 else "/")
            full.append(time.perf_counter() - started)
            measured = await visitor.page.evaluate(ROUND_TRIP_JS)
            if measured is not None:
                in_page.append(measured)
            started = time.perf_counter()
            await visitor.page.goto(visitor.url("shop", "/trk/i.js"))  # a bare text page: the browser's floor
            bare.append(time.perf_counter() - started)
        await visitor.close()
        return full, bare, in_page

    return engine.run(walk, timeout_s=120)


def main() -> None:
    start = bench_start()
    print(f"server start          median {median_ms(start):7.1f} ms   target {START_TARGET_S * 1000:.0f} ms   "
          f"ratio {statistics.median(start) / START_TARGET_S:.2f}")
    with SimulatedSite() as site:
        http_view = bench_http_page_view(site)
    print(f"page view over HTTP   median {median_ms(http_view):7.1f} ms   (page + library + beacon, no browser)")
    engine = BrowserEngine.shared()
    full, bare, in_page = bench_browser_page_view(engine)
    print(f"page view in Chromium median {median_ms(in_page):7.1f} ms   target {PAGE_VIEW_TARGET_S * 1000:.0f} ms   "
          f"ratio {statistics.median(in_page) / PAGE_VIEW_TARGET_S:.2f}   (navigation start to the beacon's answer)")
    print(f"  same, seen by the harness  {median_ms(full):7.1f} ms   (Playwright round trips and the step probe included)")
    print(f"bare text page        median {median_ms(bare):7.1f} ms   (the browser's own floor per navigation)")
    engine.close()


if __name__ == "__main__":
    main()
