"""Whether learner code is still running in a page, judged by the page processes' own time and not
by how busy the machine is.

Chromium names its page (renderer) processes and the CPU each has used (CDP
``SystemInfo.getProcessInfo``). On Linux the kernel also says how long each process's main
thread, where the page's scripts run, has been running *or waiting for a core*
(``/proc/PID/schedstat``). A script that never yields is always one or the other, however many
programs share the cores; a page that waits for the network, a timer or the grader is neither.
Where the kernel does not say, the CPU share is the rule, and a busy host lowers it.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from dataclasses import dataclass

from playwright.async_api import Browser, Error as PlaywrightError

# One browser-level CDP session per browser, opened the first time a step runs long.
_SESSIONS: "weakref.WeakKeyDictionary[Browser, object]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Sample:
    at: float  # time.monotonic() when the answer came
    cpu_s: dict[int, float]  # Chromium's count, per page process
    runnable_s: dict[int, float]  # the kernel's, per page process's main thread; empty where it does not say


def runnable_s(pid: int) -> float | None:
    """Seconds the main thread of process ``pid`` has spent running or ready to run; None where the
    system does not say (not Linux, or the process is gone)."""
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as stats:
            run_ns, wait_ns = stats.read().split()[:2]
        return (int(run_ns) + int(wait_ns)) / 1e9
    except (OSError, ValueError):
        return None


async def sample(browser: Browser, wait_s: float) -> Sample | None:
    """The browser's page processes and their time now; None when the browser cannot say within
    ``wait_s``."""
    try:
        session = _SESSIONS.get(browser)
        if session is None:
            session = _SESSIONS[browser] = await asyncio.wait_for(browser.new_browser_cdp_session(), wait_s)
        answer = await asyncio.wait_for(session.send("SystemInfo.getProcessInfo"), wait_s)
    except (asyncio.TimeoutError, PlaywrightError):
        _SESSIONS.pop(browser, None)
        return None
    at = time.monotonic()
    cpu = {p["id"]: p["cpuTime"] for p in answer.get("processInfo", []) if p.get("type") == "renderer"}
    runnable = {pid: seconds for pid in cpu if (seconds := runnable_s(pid)) is not None}
    return Sample(at, cpu, runnable)


def running(before: Sample, now: Sample, *, runnable_share: float, busy_share: float) -> bool:
    """Whether one page process kept running a script from ``before`` to ``now``: its main thread was
    running or waiting for a core ``runnable_share`` of the time, or, where the kernel does not say,
    it used ``busy_share`` of a core."""
    span = max(now.at - before.at, 1e-3)
    for pid, cpu in now.cpu_s.items():
        if pid in now.runnable_s and pid in before.runnable_s:
            if (now.runnable_s[pid] - before.runnable_s[pid]) / span >= runnable_share:
                return True
        elif pid in before.cpu_s and (cpu - before.cpu_s[pid]) / span >= busy_share:
            return True
    return False


async def keeps_running(browser: Browser, *, span_s: float, wait_s: float, runnable_share: float,
                        busy_share: float) -> bool | None:
    """Whether a page process runs a script through the next ``span_s``, by the rule of ``running``;
    None when the browser cannot say."""
    before = await sample(browser, wait_s)
    if before is None:
        return None
    await asyncio.sleep(span_s)
    now = await sample(browser, wait_s)
    if now is None:
        return None
    return running(before, now, runnable_share=runnable_share, busy_share=busy_share)
