"""Where the shop, the blog and the tracker live.

Driven by the project's Chromium, they get realistic hosts (shop and blog share
``.acme.test`` cookies; the tracker is a third party), all mapped to loopback by
``HOST_RESOLVER_RULES``, with every other host failing to resolve. Opened at
``http://127.0.0.1:PORT/`` in any browser, the same app serves the blog under
``/blog`` and the tracker under ``/trk`` instead.
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
class Origins:
    shop: str
    blog: str
    tracker: str  # protocol-relative, as the install snippet uses it
    cookie_domain: str | None


def origins_for(host_header: str) -> Origins:
    hostname, _, port = host_header.partition(":")
    if hostname.endswith(".acme.test") or hostname.endswith(".kmtrack.test"):
        suffix = f":{port}" if port else ""
        return Origins(
            shop=f"http://{SHOP_HOST}{suffix}",
            blog=f"http://{BLOG_HOST}{suffix}",
            tracker=f"//{TRACKER_HOST}{suffix}",
            cookie_domain=COOKIE_DOMAIN,
        )
    return Origins(shop=f"http://{host_header}", blog=f"http://{host_header}/blog",
                   tracker=f"//{host_header}/trk", cookie_domain=None)


class HostRouter:
    """ASGI middleware: serve the blog and tracker hosts from their path prefixes."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1").partition(":")[0]
            prefix = "/blog" if host == BLOG_HOST else "/trk" if host.endswith(".kmtrack.test") else ""
            if prefix:
                scope = dict(scope, path=prefix + scope["path"], raw_path=prefix.encode() + scope.get("raw_path", b""))
        await self.app(scope, receive, send)
