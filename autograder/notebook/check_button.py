"""The "Check my work" button and the live checklist under it.

A click starts the checks as an asyncio task on the kernel's own loop (the
browser itself works on the engine's thread), so the kernel stays free: the
learner can run cells while the browser works. The checklist shows at once,
every check pending with the time ticking beside the button, each verdict as
soon as the run has it, then the learner's snippet beside the verdicts, the
hints, the identity timeline of the first failure and a screenshot of its page.
The checklist changes only when a verdict comes (the clock is a widget of its
own), so its announced sentence is read out once per change, not every tick.
"""

from __future__ import annotations

import asyncio
import html
import threading
import time
from typing import TYPE_CHECKING, Awaitable, Callable

import ipywidgets as widgets

from ..errors import AutograderError
from . import state
from .render import first_html, pending_html, report_html

if TYPE_CHECKING:
    from ..checks import Report

Checker = Callable[[str], Awaitable["Report"]]
TICK_S = 0.25


class CheckButton:
    def __init__(self, *, seed: int | None = None, checker: Checker | None = None) -> None:
        self.seed = seed  # None: other customers at every press, the seed is shown to repeat a run
        self.checker = checker or self._browser_checks
        self.button = widgets.Button(description="Check my work", button_style="primary", icon="check",
                                     layout=widgets.Layout(width="auto"))
        self.clock = widgets.HTML("")
        self.output = widgets.HTML("<i>Press the button to run the checks in a real browser.</i>")
        self.widget = widgets.VBox([widgets.HBox([self.button, self.clock]), self.output])
        self.decided: dict = {}  # check id -> result, written on the browser's thread as each check ends
        self.last_report: "Report | None" = None
        self.answered_s: float | None = None
        self._shots_dir: str | None = None
        self._tasks: set = set()  # the loop keeps only weak references to tasks
        self.button.on_click(lambda _: self.click())

    async def _browser_checks(self, snippet: str) -> "Report":
        from ..check_service import check_remotely, remote_checks_configured
        from ..checks import run_checks_async
        from ..checks.runner import new_shots_dir

        if remote_checks_configured():  # the hub's shared checking service: verdicts at the end, no browser here
            return await asyncio.to_thread(check_remotely, snippet, self.seed)
        if self._shots_dir is None:  # one folder per button: repeated presses overwrite, not pile up
            self._shots_dir = str(new_shots_dir())
        return await run_checks_async(snippet, seed=self.seed, screenshots_dir=self._shots_dir,
                                      on_check=self.decide)

    def decide(self, result) -> None:
        """A check's verdict, as soon as the run has it (called from the browser's thread: only
        stored here; the kernel's loop shows it at the next tick)."""
        self.decided[result.id] = result

    def click(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a front end that calls back outside the loop: a thread of our own
            threading.Thread(target=asyncio.run, args=(self.run(),), daemon=True).start()
            return
        task = loop.create_task(self.run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _tick(self, started: float) -> None:
        while True:
            self.clock.value = f"<i>{time.perf_counter() - started:.1f} s</i>"
            self.output.value = pending_html(decided=dict(self.decided))  # unchanged: nothing is sent
            await asyncio.sleep(TICK_S)

    async def run(self) -> None:
        """One press: check the stored snippet and show the checklist."""
        snippet = state.stored()
        if snippet is None:
            self.output.value = first_html(state.missing(then="press the button again"))
            return
        self.button.disabled = True
        self.decided = {}
        started = time.perf_counter()
        ticker = asyncio.ensure_future(self._tick(started))
        try:
            report = await self.checker(snippet)
        except AutograderError as err:
            answer = f"<b>The checks could not run: {html.escape(str(err))}</b>"
        except Exception as err:  # the widget must say what went wrong, never hang
            answer = f"<b>The checks could not run ({type(err).__name__}): {html.escape(str(err))}</b>"
        else:
            self.answered_s = time.perf_counter() - started
            self.last_report = report
            answer = report_html(report, answered_s=self.answered_s, snippet=snippet)
        finally:
            ticker.cancel()  # before the answer is shown, so no tick can overwrite it
            self.clock.value = ""
            self.button.disabled = False
        self.output.value = answer


def check_button(*, seed: int | None = None) -> widgets.VBox:
    """The button and its checklist, ready to display."""
    return CheckButton(seed=seed).widget
