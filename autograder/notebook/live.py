"""The shop this kernel shows the learner: its own server, apart from the one the
checks use, so what the inspector shows is only the learner's clicks and the
scripted visits, never the checks' many visitors. It serves the stored snippet
and follows every later run of the snippet cell.

Each shop lives under a path of its own (``/s-<random>``), also behind a Jupyter
server's proxy (``proxy.py``): its cookies are scoped to that path, so they never
mix with JupyterLab's, and a restarted kernel's new shop starts from a clean browser
state (the old shop's log-in and ``km_ai`` stay with the old path).
"""

from __future__ import annotations

import atexit
import secrets
import threading
from collections.abc import Mapping

from ..site import SimulatedSite
from . import proxy, state

_site: SimulatedSite | None = None
_lock = threading.Lock()


def _follow(snippet: str) -> None:
    if _site is not None:
        _site.snippet = snippet


def start_shop(snippet: str = "", *, env: Mapping[str, str] | None = None) -> SimulatedSite:
    """A running shop mounted where the learner's browser can reach it (the caller stops it)."""
    where = proxy.placement(env)
    site = SimulatedSite(snippet).start()
    site.serve_under(f"/s-{secrets.token_hex(6)}",
                     proxy_prefix=where.proxy_prefix(site.port) if where.proxied else "")
    return site


def shop_problem(site: SimulatedSite, *, env: Mapping[str, str] | None = None) -> str | None:
    """One line saying why the learner's browser cannot reach ``site``, or None."""
    return proxy.problem(proxy.placement(env), site.public_url)


def live_site() -> SimulatedSite:
    """Started on first use, stopped when the kernel exits."""
    global _site
    with _lock:
        if _site is None:
            _site = start_shop(state.stored() or "")
            state.on_store(_follow)
            atexit.register(_site.stop)
        return _site
