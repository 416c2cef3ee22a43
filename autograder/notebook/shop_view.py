"""The live shop in the notebook: an IFrame to the kernel's own shop, an inspector
of what its tracker receives, and a button for a scripted visit.

The inspector refreshes from a daemon thread (for a bounded time), so it keeps
up while the learner clicks in the IFrame even when a long cell is running; the
scripted visit runs as a task on the kernel's loop, like "Check my work".
"""

from __future__ import annotations

import asyncio
import html
import threading
import time

from collections.abc import Mapping

import ipywidgets as widgets
from IPython.display import HTML, IFrame

from ..errors import AutograderError
from ..site import SimulatedSite
from . import state
from .live import live_site, shop_problem
from .render import first_html, inspector_html, visit_html
from .visit import findings, scripted_visit_async

INSPECT_FOR_S = 30 * 60  # the inspector stops polling after half an hour
POLL_S = 1.0


class ShopView:
    def __init__(self, *, site: SimulatedSite | None = None, height_px: int = 420,
                 env: Mapping[str, str] | None = None) -> None:
        self.site = site or live_site()
        self.height_px = height_px
        # Asked once, bounded: a frame the learner's browser cannot load would stay blank and say nothing.
        self.problem = shop_problem(self.site, env=env)
        self.inspector = widgets.HTML()
        self.visit_output = widgets.HTML()
        self.visit_button = widgets.Button(description="Run a scripted visit", icon="play",
                                           tooltip="A headless browser signs up, reads the blog, comes back, logs out",
                                           layout=widgets.Layout(width="auto"))
        self.visit_button.on_click(lambda _: self._start_visit())
        self.note = widgets.HTML()  # above the shop: follows the snippet cell, so it never says "run it" after it ran
        self._show_note()
        state.on_store(lambda _: self._show_note())
        self._stop = threading.Event()
        self._watching = False
        self._seen: int | None = None
        self._tasks: set = set()

    def _show_note(self) -> None:
        first = state.missing(then="reload the shop below")
        self.note.value = ("<p>" + ("Your snippet runs on every page below." if first is None else
                                    "Run your snippet cell first to put it on these pages: " + html.escape(first) + ".")
                           + " Log in as <code>alice.martin@example.com</code> (password <code>identify-me</code>), "
                           "read the blog, log out… and watch the tracker under the shop.</p>")

    def iframe(self) -> IFrame | HTML:
        """The shop in a frame, or, when the learner's browser cannot reach it, one line that
        says why and how to fix it (the scripted visit and the checks run in the kernel and still work)."""
        if self.problem is not None:
            return HTML(f'<p role="alert"><b>{html.escape(self.problem)}</b> The scripted visit below and '
                        "Check my work still run without it.</p>")
        return IFrame(self.site.public_url + "/", width="100%", height=self.height_px,
                      extras=['title="The simulated shop, with your snippet on every page"'])

    def refresh(self) -> None:
        requests = self.site.requests()
        if len(requests) == self._seen:  # nothing new: no message to the front end
            return
        self._seen = len(requests)
        self.inspector.value = inspector_html(requests, [sorted(p.ids) for p in self.site.people()])

    def watch(self) -> widgets.HTML:
        """The inspector, refreshed every second (for half an hour) in the background."""
        self.refresh()
        if not self._watching:
            self._watching = True

            def poll() -> None:
                deadline = time.monotonic() + INSPECT_FOR_S
                while not self._stop.wait(POLL_S) and time.monotonic() < deadline:
                    try:
                        self.refresh()
                    except Exception:  # the site stopped with the kernel: nothing left to show
                        return

            threading.Thread(target=poll, name="identify-lab-inspector", daemon=True).start()
        return self.inspector

    async def visit(self) -> None:
        snippet = state.stored()
        if snippet is None:
            self.visit_output.value = first_html(state.missing(then="press the button again"))
            return
        self.visit_button.disabled = True
        self.visit_output.value = "<i>A headless browser is visiting the shop with your snippet…</i>"
        try:
            result = await scripted_visit_async(snippet, site=self.site)
            self.visit_output.value = visit_html(result, findings(result))
        except AutograderError as err:
            self.visit_output.value = f"<b>The visit could not run: {html.escape(str(err))}</b>"
        except Exception as err:  # the widget must say what went wrong, never hang
            self.visit_output.value = f"<b>The visit could not run ({type(err).__name__}): {html.escape(str(err))}</b>"
        finally:
            self.visit_button.disabled = False
            self.refresh()

    def _start_visit(self) -> None:
        try:
            task = asyncio.get_running_loop().create_task(self.visit())
        except RuntimeError:
            threading.Thread(target=asyncio.run, args=(self.visit(),), daemon=True).start()
            return
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def controls(self) -> widgets.VBox:
        return widgets.VBox([self.visit_button, self.visit_output, self.watch()])

    def stop(self) -> None:
        self._stop.set()
