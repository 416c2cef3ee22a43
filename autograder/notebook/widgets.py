"""Widgets for the lesson: the live shop with an inspector, and "Check my work".

Both work without blocking the kernel: the checks run as an asyncio task on
the kernel's own loop (the browser itself lives on the engine's thread), the
inspector polls the tracker from a daemon thread for a bounded time.
"""

from __future__ import annotations

import asyncio
import html
import threading
import time

import ipywidgets as widgets
from IPython.display import IFrame

from ..checks import run_checks_async
from ..checks.engine import BrowserEngine
from ..errors import AutograderError
from . import state
from .render import STYLE, people_html, report_html

INSPECT_FOR_S = 30 * 60  # the inspector stops polling after half an hour


def check_button(*, seed: int | None = None) -> widgets.VBox:
    """A "Check my work" button and the live checklist under it."""
    button = widgets.Button(description="Check my work", button_style="primary", icon="check")
    output = widgets.HTML("<i>Press the button to run the checks in a real browser.</i>")

    async def run() -> None:
        try:
            snippet = state.current()
        except AutograderError as err:
            output.value = f"<b>{html.escape(str(err))}</b>"
            return
        button.disabled = True
        output.value = "<i>Checking in a headless Chromium…</i>"
        try:
            report = await run_checks_async(snippet, seed=seed)
            output.value = report_html(report)
        except Exception as err:  # the widget must say what went wrong, never hang
            output.value = f"<b>The checks could not run: {html.escape(str(err))}</b>"
        finally:
            button.disabled = False

    def on_click(_):
        asyncio.ensure_future(run())

    button.on_click(on_click)
    return widgets.VBox([button, output])


class ShopView:
    """The shop in an IFrame, and an inspector of what the tracker receives."""

    def __init__(self, *, height_px: int = 420) -> None:
        self.site = BrowserEngine.shared().ensure_site()
        self.height_px = height_px
        self.inspector = widgets.HTML()
        self._stop = threading.Event()

    def show_snippet(self) -> None:
        """Serve the stored snippet on the shop the learner clicks around in."""
        self.site.snippet = state.current()

    def iframe(self) -> IFrame:
        return IFrame(self.site.local_url + "/", width="100%", height=self.height_px)

    def refresh(self) -> None:
        requests = [r for r in self.site.requests() if r["person"]][-8:]
        people = self.site.people()
        latest = requests[-1]["person"] if requests else None
        rows = "".join(f"<tr><td>{r['kind']}</td><td><code>{html.escape(r['person'])}</code></td>"
                       f"<td>{html.escape(r['name'] or '')}</td></tr>" for r in reversed(requests))
        self.inspector.value = (
            f"{STYLE}<p>Latest ID the tracker received (your browser's <code>km_ai</code>, or "
            f"<code>km_ni</code> once named): <b><code>{html.escape(latest or '–')}</code></b></p>"
            f"<table class='idl'><tr><th>request</th><th>_p (person)</th><th>_n</th></tr>{rows}</table>"
            f"<p><b>{len(people)}</b> distinct people at the tracker:</p>{people_html([p.ids for p in people][-10:])}")

    def watch(self) -> widgets.HTML:
        """The inspector, refreshed every second (for half an hour) in the background."""
        self.refresh()

        def poll() -> None:
            deadline = time.monotonic() + INSPECT_FOR_S
            while not self._stop.wait(1.0) and time.monotonic() < deadline:
                self.refresh()

        threading.Thread(target=poll, name="identify-lab-inspector", daemon=True).start()
        return self.inspector

    def stop(self) -> None:
        self._stop.set()
