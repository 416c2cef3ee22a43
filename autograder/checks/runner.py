"""``run_checks``: judge a snippet with the checklist, in the warm browser.

Scenarios run concurrently, each in its own browser contexts and its own run
tag on the shared simulated site; every wait is bounded, so the run always
finishes, whatever the snippet does.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import Callable

from playwright.async_api import Error as PlaywrightError

from ..snippet import MAX_SNIPPET_BYTES
from ..errors import UnusableInput
from . import page_time
from .catalog import CheckSpec, select
from .engine import BrowserEngine
from .report import CheckResult, Report
from .same_code import judged_code
from .scenario import ScenarioContext, Verdict
from .scenarios import SCENARIOS
from .visitor import HostTooSlow, StepFailed, Timeouts

DEFAULT_TIMEOUT_S = 20.0
SHOTS_PREFIX = "identify-lab-shots-"
SHOTS_KEPT_S = 24 * 3600  # a day: time enough to open the paths a checklist printed
OnCheck = Callable[[CheckResult], None]  # called on the engine's thread, as each check is decided


def _validate(snippet: str) -> None:
    if not isinstance(snippet, str):
        raise UnusableInput(f"the snippet must be text (JavaScript), not {type(snippet).__name__}")
    if len(snippet.encode("utf-8", "surrogatepass")) > MAX_SNIPPET_BYTES:
        raise UnusableInput(f"the snippet is over {MAX_SNIPPET_BYTES // 1024} KiB; a few lines are enough")


async def _run_scenario(name: str, checks: list[CheckSpec], *, engine: BrowserEngine, snippet: str, seed: int,
                        shots_dir: Path, deadline: float, slots: asyncio.Semaphore,
                        timeouts: Timeouts) -> tuple[ScenarioContext, float]:
    async with slots:
        return await _run_scenario_now(name, checks, engine=engine, snippet=snippet, seed=seed, shots_dir=shots_dir,
                                       budget_s=max(1.0, deadline - time.perf_counter()), timeouts=timeouts)


async def _run_scenario_now(name: str, checks: list[CheckSpec], *, engine: BrowserEngine, snippet: str, seed: int,
                            shots_dir: Path, budget_s: float, timeouts: Timeouts) -> tuple[ScenarioContext, float]:
    """Walk a scenario in real time; if one of its pages was waiting for a timer of the snippet's when it was
    read, walk it again in virtual time, where visitors dwell on every page (Playwright's clock costs
    Chromium about 11 ms of CPU a page, which snippets without timers need not pay)."""
    started = time.perf_counter()
    sc = await _walk(name, checks, engine=engine, snippet=snippet, seed=seed, shots_dir=shots_dir,
                     budget_s=budget_s, timeouts=timeouts, virtual_time=False)
    left_s = budget_s - (time.perf_counter() - started)
    if sc.waited_for_timers and left_s >= 1.0:
        sc = await _walk(name, checks, engine=engine, snippet=snippet, seed=seed, shots_dir=shots_dir,
                         budget_s=left_s, timeouts=timeouts, virtual_time=True)
    return sc, time.perf_counter() - started


async def _walk(name: str, checks: list[CheckSpec], *, engine: BrowserEngine, snippet: str, seed: int,
                shots_dir: Path, budget_s: float, timeouts: Timeouts, virtual_time: bool) -> ScenarioContext:
    browser = await engine.browser()
    sc = ScenarioContext(name=name, browser=browser, site=engine.ensure_site(), snippet=snippet, seed=seed,
                         selected={c.id for c in checks}, shots_dir=shots_dir, timeouts=timeouts,
                         virtual_time=virtual_time)
    abort = cause = None
    try:
        await asyncio.wait_for(SCENARIOS[name](sc), budget_s)
    except StepFailed as err:
        abort, cause = str(err), err.cause
    except HostTooSlow as err:
        sc.host_too_slow = True
        abort, cause = f"not your code: {err}", "grader-error"
    except asyncio.TimeoutError:
        abort, cause = await _still_busy(sc, browser, timeouts), "endless-loop"
        if abort is None:
            sc.host_too_slow = True
            abort = "not your code: these checks ran out of time while your code was doing nothing: the " \
                    "grading machine was too busy"
            cause = "grader-error"
    except PlaywrightError as err:
        sc.browser_failed = True
        abort, cause = f"the browser gave up: {(str(err).splitlines() or [''])[0][:200]}", "grader-error"
    if abort is not None:
        shot = None
        if sc.visitors and cause != "endless-loop":  # a page that never yields never paints: no picture to wait for
            shot = await sc.visitors[-1].screenshot(shots_dir / f"{name}-stopped.png")
        for check in sc.open_checks():
            sc.verdicts[check] = Verdict(False, abort, shot, len(sc.timeline) - 1 if sc.timeline else None, cause)
    for check in sc.open_checks():  # a scenario must judge every check it owns
        sc.verdicts[check] = Verdict(False, f"internal error: scenario {name} did not judge {check}",
                                     cause="grader-error")
    try:
        await asyncio.wait_for(sc.close(), 10)
    except (asyncio.TimeoutError, PlaywrightError):
        pass
    return sc


async def _still_busy(sc: ScenarioContext, browser, timeouts: Timeouts) -> str | None:
    """What the learner's code keeps doing over the next ``busy_span_s``, if anything: a page process
    runs a script (page_time.py), or a page keeps navigating (a redirect loop). A scenario out of its
    time while the code does neither was slowed by the machine: on a quiet one only code that keeps
    the browser busy nearly all the time runs a scenario to its bound, and such code is still at it."""
    navigations = [visitor.navigations for visitor in sc.visitors]
    running = await page_time.keeps_running(browser, span_s=timeouts.busy_span_s, wait_s=timeouts.probe_s,
                                            runnable_share=timeouts.runnable_share, busy_share=timeouts.busy_share)
    # One navigation may be the step's own, cut short by the bound and arriving now.
    if any(visitor.navigations - before > 1 for visitor, before in zip(sc.visitors, navigations)):
        return ("your code kept sending the browser to other pages until these checks ran out of time: look for "
                "a redirect that never ends")
    if running is not False:  # running, or the browser could not say: the code is blamed, as it always was
        return ("your code kept the browser busy until these checks ran out of time: look for a loop that "
                "never ends")
    return None


async def _run_scenarios(by_scenario: dict[str, list[CheckSpec]], *, engine: BrowserEngine, snippet: str, seed: int,
                         shots_dir: Path, deadline: float, parallel: int | None,
                         done: Callable[[ScenarioContext], None]) -> list[tuple[ScenarioContext, float]]:
    try:
        await engine.browser()  # launch once, before the scenarios race for it
    except PlaywrightError:  # the driver is gone too: start everything anew, once
        await engine.restart()
        await engine.browser()
    slots = asyncio.Semaphore(parallel or len(by_scenario))

    async def one(name: str, owned: list[CheckSpec]) -> tuple[ScenarioContext, float]:
        outcome = await _run_scenario(name, owned, engine=engine, snippet=snippet, seed=seed, shots_dir=shots_dir,
                                      deadline=deadline, slots=slots, timeouts=Timeouts())
        done(outcome[0])
        return outcome

    return await asyncio.gather(*(one(name, owned) for name, owned in by_scenario.items()))


class _Progress:
    """Tells ``on_check`` of each check once every scenario that judges it is done."""

    def __init__(self, checks: list[CheckSpec], on_check: OnCheck | None) -> None:
        self.checks, self.on_check = checks, on_check
        self.finished: dict[str, ScenarioContext] = {}
        self.told: set[str] = set()

    def again(self) -> None:  # the run is judged anew: its checks will be told anew
        self.finished.clear()
        self.told.clear()

    def __call__(self, sc: ScenarioContext) -> None:
        self.finished[sc.name] = sc
        if self.on_check is None:
            return
        for check in self.checks:
            if check.id not in self.told and all(name in self.finished for name in check.scenarios):
                self.told.add(check.id)
                try:
                    self.on_check(_merge(check, [self.finished[name] for name in check.scenarios]))
                except Exception:  # a listener's failure (a closed widget) must not cost the verdicts
                    pass


def _evidence(sc: ScenarioContext, verdict: Verdict) -> dict:
    requests = [{k: r[k] for k in ("kind", "person", "name", "props")} for r in sc.requests()[:200]]
    return {
        "scenario": sc.name,
        "timeline": [step.to_json() for step in sc.timeline],
        "failed_step": verdict.step,
        "tracker_requests": requests,
        "people": [sorted(p.ids) for p in sc.people()],
        "page_errors": [e for v in sc.visitors for e in v.page_errors][:50],
        "cookie_writes": [w for v in sc.visitors for w in v.cookie_writes],
        "screenshot": verdict.screenshot,
    }


async def run_checks_async(snippet: str, *, only=None, seed: int | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
                           screenshots_dir: str | Path | None = None, engine: BrowserEngine | None = None,
                           parallel: int | None = None, on_check: OnCheck | None = None) -> Report:
    """Judge ``snippet`` from inside a running event loop (e.g. a Jupyter kernel)."""
    _validate(snippet)
    checks = select(only)
    engine = engine or BrowserEngine.shared()
    return await engine.run_async(lambda: _run_all(snippet, checks, engine, seed, timeout_s, screenshots_dir, parallel,
                                                   on_check), timeout_s=timeout_s + 10)


def run_checks(snippet: str, *, only=None, seed: int | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
               screenshots_dir: str | Path | None = None, engine: BrowserEngine | None = None,
               parallel: int | None = None, on_check: OnCheck | None = None) -> Report:
    """Judge ``snippet`` with the checklist and return a ``Report``.

    Scenarios run concurrently, at most ``parallel`` at a time (default: all).
    ``on_check`` hears each check's result as soon as it is decided (on the engine's
    thread), before the report; a run judged again tells its checks again.
    Safe to call from plain Python and from code running under an asyncio loop
    (Jupyter, nbclient): the browser work runs on the engine's own loop thread.
    """
    _validate(snippet)
    checks = select(only)
    engine = engine or BrowserEngine.shared()
    return engine.run(lambda: _run_all(snippet, checks, engine, seed, timeout_s, screenshots_dir, parallel, on_check),
                      timeout_s=timeout_s + 10)


async def _run_all(snippet: str, checks: list[CheckSpec], engine: BrowserEngine, seed: int | None, timeout_s: float,
                   screenshots_dir: str | Path | None, parallel: int | None, on_check: OnCheck | None = None) -> Report:
    started = time.perf_counter()
    snippet = judged_code(snippet)  # without its comments: snippets that differ only so get one verdict
    seed = random.randrange(1, 10**6) if seed is None else int(seed)
    shots_dir = Path(screenshots_dir) if screenshots_dir else new_shots_dir()
    shots_dir.mkdir(parents=True, exist_ok=True)
    by_scenario: dict[str, list[CheckSpec]] = {}
    for check in checks:
        for scenario in check.scenarios:
            by_scenario.setdefault(scenario, []).append(check)
    # Leave time to see what the code does if a scenario runs out of it (_still_busy), and to close
    # contexts and collect evidence, inside the overall budget.
    deadline = started + timeout_s - 2.0 - Timeouts.busy_span_s
    progress = _Progress(checks, on_check)
    engine.runs_in_flight += 1
    try:
        outcomes = await _run_scenarios(by_scenario, engine=engine, snippet=snippet, seed=seed, shots_dir=shots_dir,
                                        deadline=deadline, parallel=parallel, done=progress)
        browser_died = any(sc.browser_failed for sc, _ in outcomes)
        if browser_died and engine.runs_in_flight == 1:
            # The driver or the browser died: during this run (the snippet's doing, or not) or
            # before it. Later runs get new ones.
            await engine.restart()
        if (browser_died or any(sc.host_too_slow for sc, _ in outcomes)) \
                and deadline - time.perf_counter() >= timeout_s / 2:
            # This run is judged again, if there is time, so that a browser killed by an earlier
            # snippet, or a machine too busy for a moment, costs this snippet nothing.
            progress.again()
            outcomes = await _run_scenarios(by_scenario, engine=engine, snippet=snippet, seed=seed,
                                            shots_dir=shots_dir, deadline=deadline, parallel=parallel, done=progress)
    finally:
        engine.runs_in_flight -= 1
        if not screenshots_dir:
            _remove_if_empty(shots_dir)  # a run that failed nothing took no screenshot
    contexts = {sc.name: sc for sc, _ in outcomes}
    results = [_merge(check, [contexts[name] for name in check.scenarios]) for check in checks]
    return Report(checks=results, seed=seed, duration_s=time.perf_counter() - started,
                  scenario_times_s={sc.name: elapsed for sc, elapsed in outcomes})


def new_shots_dir() -> Path:
    """A fresh folder in the temporary folder for one run's screenshots. This user's folders of runs over
    ``SHOTS_KEPT_S`` old are removed first: a kernel or the command line makes one per checklist (the report
    names the files), and a day of a class makes hundreds."""
    cutoff = time.time() - SHOTS_KEPT_S
    for old in Path(tempfile.gettempdir()).glob(SHOTS_PREFIX + "*"):
        try:
            info = old.lstat()  # not a link, and our own: another user's folders are theirs
            if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and info.st_mtime < cutoff:
                shutil.rmtree(old)
        except OSError:
            pass  # gone meanwhile, or not ours to remove
    return Path(tempfile.mkdtemp(prefix=SHOTS_PREFIX))


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # it holds screenshots


def _merge(check: CheckSpec, owners: list[ScenarioContext]) -> CheckResult:
    """A check passes when every scenario that judges it passed it; the first failure tells why."""
    decided_by = next((sc for sc in owners if not sc.verdicts[check.id].passed), owners[0])
    verdict = decided_by.verdicts[check.id]
    return CheckResult(id=check.id, title=check.title, passed=verdict.passed,
                       points=check.points if verdict.passed else 0, max_points=check.points,
                       message="" if verdict.passed else verdict.message, bonus=check.bonus,
                       evidence=_evidence(decided_by, verdict), cause=None if verdict.passed else verdict.cause)
