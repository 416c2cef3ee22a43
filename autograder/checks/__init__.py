"""The browser checks that judge a learner's identify snippet."""

from .catalog import BONUS_MAX_SCORE, CHECKS, MAX_SCORE, CheckSpec
from .report import CheckResult, Report, format_text

__all__ = ["CHECKS", "CheckSpec", "MAX_SCORE", "BONUS_MAX_SCORE", "BrowserEngine", "CheckResult", "Report",
           "format_text", "run_checks", "run_checks_async"]


def __getattr__(name: str):
    # Lazy: the browser machinery (Playwright, the web server) loads only when a check runs,
    # so kernels that only read reports stay light.
    if name in ("run_checks", "run_checks_async"):
        from . import runner

        return getattr(runner, name)
    if name == "BrowserEngine":
        from .engine import BrowserEngine

        return BrowserEngine
    raise AttributeError(name)
