"""``SimulatedSite``: the shop, blog and tracker running in-process on a free port."""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import uvicorn

from ..errors import AutograderError
from .accounts import AccountStore
from .app import create_app
from .hosts import BLOG_HOST, BROWSER_ARGS, SHOP_HOST, TRACKER_HOST, Mount
from .people import Person
from .tracker_store import TrackerStore


class SimulatedSite:
    """Context manager running the simulated world in a background thread.

    ``shop_url``/``blog_url``/``tracker_url`` are the realistic hosts for the
    project's Chromium (launch it with ``browser_args``); ``local_url`` works in
    any browser. Tracker data can be filtered by the run tag of a scenario.
    """

    def __init__(self, snippet: str = "", *, port: int = 0, bind: str = "127.0.0.1",
                 data_dir: str | Path | None = None, seed_demo: bool = True, start_timeout_s: float = 10.0) -> None:
        self._requested_port = port
        self._bind = bind
        self._data_dir = data_dir
        self._seed_demo = seed_demo
        self._start_timeout_s = start_timeout_s
        self._initial_snippet = snippet
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- life cycle
    def start(self) -> "SimulatedSite":
        if self._data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="identify-lab-site-")
            data_dir = Path(self._tmp.name)
        else:
            data_dir = Path(self._data_dir)
            data_dir.mkdir(parents=True, exist_ok=True)
        db = str(data_dir / "site.sqlite")
        self.accounts = AccountStore(db, seed_demo=self._seed_demo)
        self.tracker = TrackerStore(db)
        self._app = create_app(accounts=self.accounts, tracker=self.tracker, snippet=self._initial_snippet)

        # IPPROTO_TCP explicitly: asyncio only turns Nagle off (TCP_NODELAY) on
        # sockets that say they are TCP; without it every keep-alive response
        # waits ~40 ms for a delayed ACK.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self._bind, self._requested_port))
        except OSError as err:
            sock.close()
            raise AutograderError(f"cannot listen on {self._bind}:{self._requested_port}: {err.strerror}; "
                                  "choose another --port") from err
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self._app, log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]},
                                        name=f"simulated-site-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self._start_timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise AutograderError(f"the simulated site did not start within {self._start_timeout_s} s")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        for store in (getattr(self, "accounts", None), getattr(self, "tracker", None)):
            if store is not None:
                store.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None
        self._server = self._thread = None

    def __enter__(self) -> "SimulatedSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the learner's snippet
    @property
    def snippet(self) -> str:
        return self._app.app.state.snippet

    @snippet.setter
    def snippet(self, code: str) -> None:
        self._app.app.state.snippet = code

    def register_run(self, run: str, snippet: str) -> None:
        """Serve ``snippet`` to browser contexts that send this run tag."""
        self._app.app.state.snippets[run] = snippet

    def forget_run(self, run: str) -> None:
        self._app.app.state.snippets.pop(run, None)

    # -- where things are
    def serve_under(self, path: str, *, proxy_prefix: str = "") -> None:
        """Serve local and proxied browsers under ``path`` (e.g. ``/s-1a2b``): links, redirects and
        cookies stay under it. ``proxy_prefix`` is what a proxy that strips its own prefix puts in
        front (``/user/ann/proxy/PORT``); the realistic hosts keep serving from ``/``."""
        # Percent-quoted: a user name in a hub's prefix may hold quotes or '<', and the path is
        # written into attributes, JavaScript strings and cookie paths.
        path, proxy_prefix = (quote(part, safe="/%-._~") for part in ("/" + path.strip("/"), proxy_prefix.rstrip("/")))
        self._app.app.state.mount = Mount(arriving=path, public=proxy_prefix + path)

    @property
    def public_url(self) -> str:
        """Where a person's browser opens the shop: ``local_url`` plus the mount, or, behind a
        proxy, a root-relative path that takes the scheme and host of the page it is on."""
        mount = self._app.app.state.mount
        if mount is None:
            return self.local_url
        return mount.public if mount.public != mount.arriving else self.local_url + mount.public

    @property
    def shop_url(self) -> str:
        return f"http://{SHOP_HOST}:{self.port}"

    @property
    def blog_url(self) -> str:
        return f"http://{BLOG_HOST}:{self.port}"

    @property
    def tracker_url(self) -> str:
        return f"http://{TRACKER_HOST}:{self.port}"

    @property
    def local_url(self) -> str:
        host = "127.0.0.1" if self._bind in ("0.0.0.0", "") else self._bind
        return f"http://{host}:{self.port}"

    @property
    def browser_args(self) -> list[str]:
        """Chromium flags that resolve the simulated hosts and, by default, reach nothing;
        a context opens its site with ``hosts.context_proxy(port)``."""
        return list(BROWSER_ARGS)

    # -- what the tracker saw
    def requests(self, run: str | None = None) -> list[dict]:
        return self.tracker.requests(run)

    def people(self, run: str | None = None) -> list[Person]:
        return self.tracker.people(run)

    @property
    def rejected(self) -> list[dict]:
        return list(self.tracker.rejected)
