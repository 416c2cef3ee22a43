"""When a page's load event may fire: after the library has started, as on a real shop.

A real shop's pages load more than the Kissmetrics library (images, a chat
widget, other tags), and those take longer than the cached library, which the
install snippet starts 1 ms after the head's scripts; the library is inserted
before ``load``, which then waits for it, so a ``load`` handler finds ``KM``
ready. A bare page on loopback would race that timer (and lose it on most
loads), making the same snippet pass or fail by chance. So every page loads the
shop's support-chat widget (an empty asynchronous script here), and the widget
is answered once the page's own page view has reached the tracker (the library
has started), or after ``WIDGET_WAIT_S`` when it never does (a snippet that broke
the library). A script, not an image: nothing to decode, lay out or paint, so
holding ``load`` costs a page one small request and nothing more.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from starlette.requests import Request
from starlette.responses import Response

WIDGET_WAIT_S = 0.3
WIDGET_JS = b"/* the shop's support chat: nothing to show in the simulation */\n"


class ViewArrivals:
    """The page views the tracker has seen lately, and the widgets waiting for theirs."""

    def __init__(self, remember: int = 4096) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._waiting: dict[str, asyncio.Event] = {}
        self._remember = remember

    def arrived(self, view: str) -> None:
        self._seen[view] = None
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)
        if view in self._waiting:
            self._waiting[view].set()

    async def wait(self, view: str, timeout_s: float) -> None:
        if view in self._seen:
            return
        event = self._waiting.setdefault(view, asyncio.Event())
        try:
            await asyncio.wait_for(event.wait(), timeout_s)
        except asyncio.TimeoutError:
            pass
        finally:
            self._waiting.pop(view, None)


async def chat_widget(request: Request) -> Response:
    view = request.query_params.get("view", "")[:32]
    if view:
        await request.app.state.view_arrivals.wait(view, WIDGET_WAIT_S)
    return Response(WIDGET_JS, media_type="text/javascript", headers={"cache-control": "no-store"})
