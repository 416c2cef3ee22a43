"""Where the learner's browser is, seen from the kernel: on this machine (the shop at
``http://127.0.0.1:PORT/``), or elsewhere, behind a Jupyter server (a JupyterHub, or any
server reached from another machine), where the shop must go through that server's
jupyter-server-proxy: ``<server prefix>proxy/<port>/``.

JupyterHub tells its single-user servers, and so their kernels, their prefix
(``JUPYTERHUB_SERVICE_PREFIX``) and, in recent releases, their own URL
(``JUPYTERHUB_SERVICE_URL``). Elsewhere ``AUTOGRADER_JUPYTER_URL`` says it: the Jupyter
server's URL as the kernel reaches it, e.g. ``http://127.0.0.1:8888/``.
"""

from __future__ import annotations

import importlib.util
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

EXPLICIT = "AUTOGRADER_JUPYTER_URL"
PROBE_TIMEOUT_S = 2.0
FIX_MISSING = ("install it where the Jupyter server runs (pip install jupyter-server-proxy), then restart "
               "the server (on a hub: File > Hub Control Panel > Stop My Server, then Start My Server)")


@dataclass(frozen=True)
class Placement:
    """``prefix`` is the Jupyter server's base path (``/user/ann/``) when the shop goes through
    its proxy, None when the browser is on this machine; ``server_url`` is where the kernel can
    reach that server to see whether the proxy answers (None when nobody said)."""
    prefix: str | None = None
    server_url: str | None = None

    @property
    def proxied(self) -> bool:
        return self.prefix is not None

    def proxy_prefix(self, port: int) -> str:
        """The path jupyter-server-proxy serves ``port`` under (it strips it before passing on)."""
        return f"{self.prefix}proxy/{port}"


def _with_slashes(path: str) -> str:
    return "/" + path.strip("/") + "/" if path.strip("/") else "/"


def placement(env: Mapping[str, str] | None = None) -> Placement:
    env = os.environ if env is None else env
    if env.get(EXPLICIT):
        url = env[EXPLICIT].rstrip("/") + "/"
        return Placement(prefix=_with_slashes(urllib.parse.urlsplit(url).path), server_url=url)
    if env.get("JUPYTERHUB_SERVICE_PREFIX"):
        url = env.get("JUPYTERHUB_SERVICE_URL")
        return Placement(prefix=_with_slashes(env["JUPYTERHUB_SERVICE_PREFIX"]),
                         server_url=url.rstrip("/") + "/" if url else None)
    return Placement()


def _status(url: str, timeout_s: float) -> int:
    """The HTTP status of an anonymous GET, without following redirects (a log-in page is an answer)."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=timeout_s) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def problem(where: Placement, public_path: str, *, timeout_s: float = PROBE_TIMEOUT_S) -> str | None:
    """One line saying why the learner's browser cannot reach the shop at ``public_path``
    and how to fix it, or None when nothing is known to be wrong. Bounded by ``timeout_s``."""
    if not where.proxied:
        return None
    if where.server_url is None:
        if importlib.util.find_spec("jupyter_server_proxy") is None:
            return f"The live shop needs jupyter-server-proxy, which is not installed: {FIX_MISSING}."
        return None
    # No trailing slash: Jupyter redirects any unknown "path/" to "path", which would pass for an answer.
    url = urllib.parse.urljoin(where.server_url, public_path.rstrip("/"))
    try:
        status = _status(url, timeout_s)
    except (OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        return (f"The live shop cannot be shown: your Jupyter server at {where.server_url} does not answer "
                f"({reason}); if you are on a hub, the hub or your server is down: reload this page, log in "
                "again and re-run this cell.")
    if status == 404:  # Jupyter answers, but no handler serves proxy/<port>/: the extension is not loaded
        return f"The live shop cannot be shown: your Jupyter server has no jupyter-server-proxy: {FIX_MISSING}."
    return None  # 200, or the server's log-in redirect / 403 for an anonymous probe: the proxy is there
