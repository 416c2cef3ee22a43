"""One warm Chromium and one simulated site per process, driven from a private
event loop thread.

Playwright's sync API refuses to run inside a running asyncio loop (any Jupyter
kernel, nbclient), so everything browser-side is async and runs on this loop;
sync callers use ``run`` (bounded by a timeout), async callers ``run_async``.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import os
import threading
from typing import Awaitable, Callable, Iterator, TypeVar

from playwright.async_api import Browser, Playwright, async_playwright

from ..browser import LAUNCH_ARGS, find_chromium
from ..errors import AutograderError
from ..site import SimulatedSite

T = TypeVar("T")
LAUNCH_TIMEOUT_S = 30.0
# Node's defaults let Playwright's driver grow to about 225 MB over 120 checklists, though
# what it keeps alive stays about the same (heap snapshots after 5 and 60 checklists:
# 28 MB each): garbage V8 has no reason to collect. A 2 MB young generation and a 128 MB
# old one hold it at about 123 MB (benchmarks/bench_driver_memory.py). A snippet that
# floods the driver past that kills it: its own checks fail, and ``restart`` gives the
# next snippet a new driver.
DRIVER_NODE_OPTIONS = "--max-semi-space-size=2 --max-old-space-size=128"
# A learner's kernel uses the browser in bursts (a demonstration, a press of Check my work) and then sits for
# minutes while they read and type: a warm Chromium and driver hold about 320 MB there the whole time. After
# this long with nothing to do, both close; the next use starts them again (about 1.5 s). Graders never
# pause that long between submissions.
IDLE_CLOSE_S = 120.0


@contextlib.contextmanager
def _driver_node_options() -> Iterator[None]:
    """NODE_OPTIONS for the driver Playwright starts now (it copies the environment)."""
    previous = os.environ.get("NODE_OPTIONS")
    os.environ["NODE_OPTIONS"] = f"{previous} {DRIVER_NODE_OPTIONS}" if previous else DRIVER_NODE_OPTIONS
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("NODE_OPTIONS", None)
        else:
            os.environ["NODE_OPTIONS"] = previous


def _quiet_about_a_dead_driver(loop: asyncio.AbstractEventLoop, context: dict) -> None:
    """A dead driver leaves Playwright's reader with an error nobody awaits, which asyncio
    prints ("Future exception was never retrieved") into the instructor's terminal;
    ``restart`` already deals with it."""
    if "Connection closed while reading from the driver" in str(context.get("exception", "")):
        return
    loop.default_exception_handler(context)


class CheckTimeout(AutograderError):
    """The whole run took longer than allowed."""


class BrowserEngine:
    """Owns the loop thread, the Playwright driver, the browser and the site."""

    _shared: "BrowserEngine | None" = None
    _shared_lock = threading.Lock()

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._loop.set_exception_handler(_quiet_about_a_dead_driver)
        self._thread = threading.Thread(target=self._loop.run_forever, name="identify-lab-browser", daemon=True)
        self._thread.start()
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._launch_lock: asyncio.Lock | None = None
        self.site: SimulatedSite | None = None
        self.runs_in_flight = 0  # checklist runs on this engine now (see ``restart``)
        self.idle_close_s = IDLE_CLOSE_S
        self._busy = 0  # any work on the loop now (checklists, the lesson's visits)
        self._idle_timer: asyncio.TimerHandle | None = None

    @classmethod
    def shared(cls) -> "BrowserEngine":
        """The process-wide engine, created on first use and closed at exit."""
        with cls._shared_lock:
            if cls._shared is None or cls._shared._loop.is_closed():
                cls._shared = cls()
                atexit.register(cls._shared.close)
            return cls._shared

    # -- running work on the engine's loop
    def run(self, make: Callable[[], Awaitable[T]], *, timeout_s: float) -> T:
        """Run ``make()`` on the engine loop from any thread, waiting at most ``timeout_s``."""
        if threading.current_thread() is self._thread:
            raise RuntimeError("BrowserEngine.run called from its own loop; await run_async instead")
        future = asyncio.run_coroutine_threadsafe(self._bounded(make, timeout_s), self._loop)
        try:
            return future.result(timeout_s + 5)
        except concurrent.futures.TimeoutError as err:
            future.cancel()
            raise CheckTimeout(f"the checks did not finish within {timeout_s:.0f} s") from err

    async def run_async(self, make: Callable[[], Awaitable[T]], *, timeout_s: float) -> T:
        """Await ``make()`` from another event loop (e.g. a Jupyter kernel's)."""
        future = asyncio.run_coroutine_threadsafe(self._bounded(make, timeout_s), self._loop)
        return await asyncio.wrap_future(future)

    async def _bounded(self, make: Callable[[], Awaitable[T]], timeout_s: float) -> T:
        self._busy += 1
        try:
            return await asyncio.wait_for(make(), timeout_s)
        except asyncio.TimeoutError as err:
            raise CheckTimeout(f"the checks did not finish within {timeout_s:.0f} s") from err
        finally:
            self._busy -= 1
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            if not self._busy:  # the clock starts when the last piece of work ends
                self._idle_timer = self._loop.call_later(self.idle_close_s, self._close_if_idle)

    def _close_if_idle(self) -> None:
        async def close() -> None:
            if self._launch_lock is None:
                self._launch_lock = asyncio.Lock()
            async with self._launch_lock:  # a run starting now waits, then launches a new browser
                if not self._busy:
                    await self._close_async()

        if not self._busy:
            self._closing = self._loop.create_task(close())  # kept: the loop holds tasks only weakly

    @property
    def browser_running(self) -> bool:
        return self._browser is not None and self._browser.is_connected()

    # -- resources, created lazily and kept warm
    def ensure_site(self) -> SimulatedSite:
        if self.site is None:
            self.site = SimulatedSite().start()
        return self.site

    async def browser(self) -> Browser:
        if self._launch_lock is None:
            self._launch_lock = asyncio.Lock()
        async with self._launch_lock:
            if self._browser is None or not self._browser.is_connected():
                site = self.ensure_site()
                if self._playwright is None:
                    with _driver_node_options():
                        self._playwright = await async_playwright().start()
                self._browser = await self._playwright.chromium.launch(
                    executable_path=find_chromium(), args=[*LAUNCH_ARGS, *site.browser_args],
                    timeout=LAUNCH_TIMEOUT_S * 1000,
                )
            return self._browser

    async def restart(self) -> None:
        """Throw the driver and the browser away; the next ``browser()`` starts new ones.

        A dead Playwright driver (a snippet made it run out of memory, or it was
        killed) leaves a browser that still says it is connected, and every later
        run in this process would fail: one learner's snippet would fail everyone
        after them on this worker."""
        await self._close_async()

    async def _close_async(self) -> None:
        if self._browser is not None:
            try:
                await asyncio.wait_for(self._browser.close(), 10)
            except Exception:  # a crashed browser is closed enough
                pass
        if self._playwright is not None:
            try:
                await asyncio.wait_for(self._playwright.stop(), 10)
            except Exception:
                pass
        self._browser = self._playwright = None

    def close(self) -> None:
        if self._loop.is_closed():
            return
        if self._loop.is_running():
            try:
                asyncio.run_coroutine_threadsafe(self._close_async(), self._loop).result(20)
            except Exception:
                pass
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        if self.site is not None:
            self.site.stop()
            self.site = None
        if not self._loop.is_running():
            self._loop.close()
