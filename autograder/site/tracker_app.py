"""The tracker's HTTP face: tracking endpoints, the library's scripts, a JSON
API and a People report a person can read."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .hosts import RUN_HEADER, origins_for
from .pages import templates
from .tracker_store import BadTrackingRequest, TrackerStore, parse_query, validate

GIF_1X1 = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
           b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
KM_JS = (Path(__file__).parent / "static" / "km.js").read_text(encoding="utf-8")
NO_STORE = {"cache-control": "no-store"}


def _store(request: Request) -> TrackerStore:
    return request.app.state.tracker


async def track(request: Request):
    kind = request.path_params["kind"]
    run = request.headers.get(RUN_HEADER, "")
    try:
        params = parse_query(request.scope.get("query_string", b""))
        if request.method == "POST":
            params.update(parse_query(await request.body()))
        tracked = validate(kind, params, run=run)
    except BadTrackingRequest as err:
        _store(request).reject(str(err), request.url.path + "?" + request.url.query, run)
        return Response(f"400 Bad Request: {err}\n", status_code=400, media_type="text/plain", headers=NO_STORE)
    _store(request).add(tracked)
    if tracked.kind == "e" and tracked.props.get("view"):
        request.app.state.view_arrivals.arrived(tracked.props["view"])
    return Response(GIF_1X1, media_type="image/gif", headers=NO_STORE)


async def library(request: Request):
    tracker = origins_for(request.headers.get("host", ""), request.app.state.mount).tracker
    # Cacheable like the real CDN-served library: later pages load it from cache.
    return Response(KM_JS.replace("__TRACKER__", tracker), media_type="text/javascript",
                    headers={"cache-control": "public, max-age=300"})


async def loader(request: Request):
    # The real i.js only bootstraps; the simulated library needs nothing from it.
    return Response("/* i.js: the library loads from <key>.2.js */\n", media_type="text/javascript",
                    headers={"cache-control": "public, max-age=300"})


def _run_filter(request: Request) -> str | None:
    return request.query_params.get("run") or None


async def api_requests(request: Request):
    return JSONResponse(_store(request).requests(_run_filter(request)))


async def api_people(request: Request):
    people = _store(request).people(_run_filter(request))
    return JSONResponse({"count": len(people), "people": [p.to_json() for p in people]})


async def api_rejected(request: Request):
    return JSONResponse(_store(request).rejected)


async def report(request: Request):
    people = _store(request).people(_run_filter(request))
    response = templates.TemplateResponse(request, "people.html", {"people": people})
    response.headers["cache-control"] = "no-store"
    return response


# Order matters: the fixed paths must win over /trk/{kind}.
routes = [
    Route("/trk/i.js", loader),
    Route("/trk/{key:str}.2.js", library),
    Route("/trk/api/requests", api_requests),
    Route("/trk/api/people", api_people),
    Route("/trk/api/rejected", api_rejected),
    Route("/trk/", report),
    Route("/trk/people", report),
    Route("/trk/{kind:str}", track, methods=["GET", "POST"]),
]
