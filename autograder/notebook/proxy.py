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

import os
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass

EXPLICIT = "AUTOGRADER_JUPYTER_URL"


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
