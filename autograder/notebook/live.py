"""The shop this kernel shows the learner: its own server, apart from the one the
checks use, so what the inspector shows is only the learner's clicks and the
scripted visits, never the checks' many visitors. It serves the stored snippet
and follows every later run of the snippet cell."""

from __future__ import annotations

import atexit
import threading

from ..site import SimulatedSite
from . import state

_site: SimulatedSite | None = None
_lock = threading.Lock()


def _follow(snippet: str) -> None:
    if _site is not None:
        _site.snippet = snippet


def live_site() -> SimulatedSite:
    """Started on first use, stopped when the kernel exits."""
    global _site
    with _lock:
        if _site is None:
            _site = SimulatedSite(state.stored() or "").start()
            state.on_store(_follow)
            atexit.register(_site.stop)
        return _site
