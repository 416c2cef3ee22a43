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
