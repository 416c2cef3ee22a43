"""The ASGI app that serves the shop, the blog and the tracker together."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from .accounts import AccountStore
from .hosts import HostRouter
from .page_load import ViewArrivals, chat_widget
from .shop import not_found
from .shop import routes as shop_routes
from .tracker_app import routes as tracker_routes
from .tracker_store import TrackerStore


def create_app(*, accounts: AccountStore, tracker: TrackerStore, snippet: str = "") -> HostRouter:
    # Browsers ask every host for a favicon; an empty answer keeps consoles clean.
    favicon = Route("/favicon.ico", lambda request: Response(status_code=204))
    blog_favicon = Route("/blog/favicon.ico", favicon.endpoint)
    tracker_favicon = Route("/trk/favicon.ico", favicon.endpoint)
    widgets = [Route("/chat-widget.js", chat_widget), Route("/blog/chat-widget.js", chat_widget)]
    app = Starlette(routes=[favicon, blog_favicon, tracker_favicon, *widgets, *tracker_routes, *shop_routes],
                    exception_handlers={404: not_found})
    app.state.accounts = accounts
    app.state.tracker = tracker
    app.state.snippet = snippet
    app.state.snippets = {}  # run tag -> snippet, for checks sharing the server
    app.state.view_arrivals = ViewArrivals()  # page_load.py: a page's load waits for its library
    app.state.mount = None  # hosts.Mount once the site is served under a path (server.serve_under)
    return HostRouter(app)
