"""Typed errors. The CLI turns each into one line and the error's exit code."""


class AutograderError(Exception):
    """Something the user can fix; the message says what and how."""

    exit_code = 1


class UnusableInput(AutograderError):
    """A file or value we cannot work with (missing, not UTF-8, too large, ...)."""

    exit_code = 2


class BrowserNotFound(AutograderError):
    """No Chromium could be found or installed."""

    exit_code = 2
