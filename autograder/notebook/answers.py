"""What the course's Python tests compare answers with: the value and its exact type.

A test that writes ``person_id(...) == "ann@example.com"`` lets the answer's own
``__eq__`` decide, and ``isinstance(x, str)`` believes an object's ``__class__``:
an object that says yes to every comparison, or a str subclass that strips to
itself, would pass tests it did not earn. These helpers look at ``type()``
first, then compare plain values only.
"""

from __future__ import annotations

_PLAIN = (type(None), bool, int, float, str, bytes)


def same(value, expected) -> bool:
    """``value`` is ``expected``: the same plain type exactly (not a subclass, not an
    object posing as one) and an equal value. ``same(0, False)`` is False."""
    kind = type(expected)
    if kind not in _PLAIN:
        raise TypeError(f"same() compares plain values, not {kind.__name__}")
    return type(value) is kind and kind.__eq__(value, expected) is True


def plain_str(value) -> str | None:
    """``value`` if it is a str exactly, else None: the only kind of text a test then strips and compares."""
    return value if type(value) is str else None


def letter(value) -> str | None:
    """A multiple-choice answer as its bare letter: ``"A"``, ``" (a) "`` and ``"a)"`` are ``"a"``."""
    text = plain_str(value)
    return text.strip().strip("().").strip().lower() if text is not None else None


def word(value) -> str | None:
    """A one-word answer without quotes or case: ``" 'KM_XX' "`` is ``"km_xx"``."""
    text = plain_str(value)
    return text.strip().strip("'`" + '"').strip().lower() if text is not None else None


def digest(value) -> str:
    """A short fingerprint of a plain answer (str, bool or None): a visible test compares it with
    the right answer's to say right or wrong without printing the answer."""
    import hashlib

    if type(value) not in (str, bool, type(None)):
        return ""
    return hashlib.sha256(f"identify-lab:{type(value).__name__}:{value}".encode()).hexdigest()[:16]
