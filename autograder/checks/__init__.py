"""The browser checks that judge a learner's identify snippet."""

from .catalog import BONUS_MAX_SCORE, CHECKS, MAX_SCORE, CheckSpec
from .engine import BrowserEngine
from .report import CheckResult, Report, format_text
from .runner import run_checks, run_checks_async

__all__ = ["CHECKS", "CheckSpec", "MAX_SCORE", "BONUS_MAX_SCORE", "BrowserEngine", "CheckResult", "Report",
           "format_text", "run_checks", "run_checks_async"]
