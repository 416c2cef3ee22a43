"""Where the shop, the blog and the tracker live.

Driven by the project's Chromium, they get realistic hosts (shop and blog share
``.acme.test`` cookies; the tracker is a third party), all mapped to loopback by
``HOST_RESOLVER_RULES``, with every other host failing to resolve. Opened at
``http://127.0.0.1:PORT/`` in any browser, the same app serves the blog under
``/blog`` and the tracker under ``/trk`` instead.

A site can also be *mounted* under a path (``Mount``): then every link, redirect and
cookie of a browser that does not use the realistic hosts lives under that path, so
it can be reached through a Jupyter server's proxy (``/user/ann/proxy/PORT/...``)
and its cookies never mix with the server's own, nor with an earlier shop's.
"""

from __future__ import annotations

from dataclasses import dataclass

SHOP_HOST = "www.acme.test"
BLOG_HOST = "blog.acme.test"
TRACKER_HOST = "trk.kmtrack.test"
COOKIE_DOMAIN = ".acme.test"
# Chromium applies the first matching rule: the simulated hosts go to loopback,
# anything else fails to resolve, so learner code cannot reach the network.
HOST_RESOLVER_RULES = "MAP *.acme.test 127.0.0.1, MAP *.kmtrack.test 127.0.0.1, MAP * ~NOTFOUND"
# A proxy that cannot resolve. Everything the browser loads goes there and fails
# unless its context lets its own site through (``context_proxy``): this fences off
# other loopback ports too (IP literals skip the resolver rules), inside Chromium,
# with no per-request round trip to the test harness.
DEAD_PROXY = "http://proxy.invalid:9"
# <-loopback> drops Chromium's implicit bypass of localhost and 127.0.0.1.
BROWSER_ARGS = (f"--host-resolver-rules={HOST_RESOLVER_RULES}", f"--proxy-server={DEAD_PROXY}",
                "--proxy-bypass-list=<-loopback>")


def context_proxy(port: int) -> dict:
    """Playwright's ``proxy`` for a browser context whose pages may reach the simulated
    hosts on ``port`` and nothing else (one browser serves several sites: the checks'
    own, a notebook's live shop)."""
    return {"server": DEAD_PROXY,
            "bypass": ",".join(["<-loopback>", *(f"*.{domain}:{port}" for domain in ("acme.test", "kmtrack.test"))])}


# Checks tag each browser context with this header so concurrent scenarios keep
# their own snippet and tracker data on one shared server.
RUN_HEADER = "x-identify-lab-run"


@dataclass(frozen=True)
class Mount:
    """Where a mounted site lives: ``arriving`` is the path prefix its requests carry when
    they reach it, ``public`` the one the learner's browser sees. They differ behind a proxy
    that strips its own prefix (jupyter-server-proxy's ``proxy/PORT/`` does)."""
    arriving: str
    public: str


@dataclass(frozen=True)
class Origins:
    shop: str
    blog: str
    tracker: str  # protocol-relative or root-relative, as the install snippet uses it
    cookie_domain: str | None
    cookie_path: str = "/"

    @property
    def path_based(self) -> bool:
        """Links are root-relative paths: the browser's own scheme and host (a hub's HTTPS) apply."""
        return self.shop.startswith("/")


def is_realistic(hostname: str) -> bool:
    return hostname.endswith(".acme.test") or hostname.endswith(".kmtrack.test")


def origins_for(host_header: str, mount: Mount | None = None) -> Origins:
    hostname, _, port = host_header.partition(":")
    if is_realistic(hostname):
        suffix = f":{port}" if port else ""
        return Origins(
            shop=f"http://{SHOP_HOST}{suffix}",
            blog=f"http://{BLOG_HOST}{suffix}",
            tracker=f"//{TRACKER_HOST}{suffix}",
            cookie_domain=COOKIE_DOMAIN,
        )
    if mount is not None:
        # Host-only cookies (no domain) under the mount's path: they reach only this shop.
        return Origins(shop=mount.public, blog=f"{mount.public}/blog", tracker=f"{mount.public}/trk",
                       cookie_domain=None, cookie_path=mount.public)
    return Origins(shop=f"http://{host_header}", blog=f"http://{host_header}/blog",
                   tracker=f"//{host_header}/trk", cookie_domain=None)


def relative_location(from_path: str, to_path: str) -> str:
    """A redirect target relative to the page that asked: right whatever prefix a proxy put
    in front, whether or not the proxy rewrites root-relative ``Location`` headers (newer
    jupyter-server-proxy releases prepend their prefix to them, older ones do not)."""
    ups = "../" * max(from_path.count("/") - 1, 0)
    return (ups + to_path.lstrip("/")) or "./"


# The cookies the shop itself sets; anything else a browser sends on a local or proxied
# request belongs to someone else at that host (Jupyter's ``_xsrf`` and log-in cookies).
SESSION_COOKIE = "acme_session"
LOGGED_OUT_COOKIE = "acme_logged_out"
OWN_COOKIES = frozenset({SESSION_COOKIE, LOGGED_OUT_COOKIE})


def own_cookies_only(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The request headers with every cookie that is not the shop's own removed."""
    kept_headers = []
    for name, value in headers:
        if name.lower() != b"cookie":
            kept_headers.append((name, value))
            continue
        kept = [pair.strip() for pair in value.split(b";")
                if pair.strip().partition(b"=")[0].decode("latin-1") in OWN_COOKIES]
        if kept:
            kept_headers.append((name, b"; ".join(kept)))
    return kept_headers


def _strip_prefix(scope: dict, prefix: str) -> dict:
    path = scope["path"][len(prefix):] or "/"
    raw = scope.get("raw_path") or scope["path"].encode()
    return dict(scope, path=path, raw_path=raw[len(prefix.encode()):] or b"/")


class HostRouter:
    """ASGI middleware: serve the blog and tracker hosts from their path prefixes, and a
    mounted site's paths from under its mount."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").partition(":")[0]
            if is_realistic(host):
                prefix = "/blog" if host == BLOG_HOST else "/trk" if host.endswith(".kmtrack.test") else ""
                if prefix:
                    scope = dict(scope, path=prefix + scope["path"],
                                 raw_path=prefix.encode() + scope.get("raw_path", b""))
            else:
                scope = dict(scope, headers=own_cookies_only(scope["headers"]))
                mount: Mount | None = self.app.state.mount
                if mount is not None and (scope["path"] == mount.arriving
                                          or scope["path"].startswith(mount.arriving + "/")):
                    scope = _strip_prefix(scope, mount.arriving)
        await self.app(scope, receive, send)
