"""CSV cells that a spreadsheet opens as data, never as a formula.

Grades files are opened in Excel, LibreOffice or Google Sheets by instructors, and
some cells hold what learners wrote (names, e-mail addresses, their code's errors).
A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be read
as a formula (``=HYPERLINK(...)`` leaks data or tricks a click), so, as OWASP's CSV
injection rule says, such text gets a leading single quote. Numbers we compute are
written as numbers: they are ours, and a quote would turn them into text.
"""

from __future__ import annotations

from numbers import Real

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text(value: object) -> str:
    """A cell of text someone else controls, safe to open in a spreadsheet."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def number(value: Real, *, decimals: int | None = None, decimal_sep: str = ".") -> str:
    """A number we computed: ``7``, ``7.5`` (shortest form) or with fixed decimals."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"not a number: {value!r}")
    written = f"{value:g}" if decimals is None else f"{value:.{decimals}f}"
    return written.replace(".", decimal_sep)


def is_safe(value: str) -> bool:
    return not value.startswith(FORMULA_STARTS)
