"""One checking service for a whole JupyterHub, both ends of it.

On a hub, every learner's server can run the checks in a Chromium of its own
(about 350 MB more per learner while checking: docs/jupyterhub). A big class on
one machine can instead run this service once, as a JupyterHub service: it judges
the snippets of every learner's kernel in one browser, a few at a time, the rest
queued, each learner at most one run at a time. The kernels find it through
``AUTOGRADER_CHECK_SERVICE_URL`` and prove who they are with their server's hub
token; the hub says whether that learner may use the service.

The service: ``python -m autograder check-service`` (``serve``), a Starlette app
(``make_app``). The kernel's end: ``check_remotely``. Judging is the same
``run_checks``: learners' snippets never share a browser context, as in grading.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Awaitable, Callable

from .errors import AutograderError
from .snippet import MAX_SNIPPET_BYTES

SERVICE_URL_ENV = "AUTOGRADER_CHECK_SERVICE_URL"  # set for learners' servers (c.Spawner.environment)
HUB_TOKEN_ENV = "JUPYTERHUB_API_TOKEN"  # a learner's server has its own; the service has its own
MAX_BODY_BYTES = MAX_SNIPPET_BYTES * 2 + 1024  # the snippet as JSON (escapes double it at worst) and a seed
CLIENT_WAIT_S = 300.0  # a queue of a class pressing at once, then a checklist; never forever

Authenticate = Callable[[str], Awaitable["str | None"]]  # a hub token -> the learner's name, or None


class ServiceUnavailable(AutograderError):
    """The shared checking service did not answer with a report: the reason, in one line for the learner."""


@dataclass(frozen=True)
class Limits:
    parallel: int = max(1, (os.cpu_count() or 2) // 2)  # checklists at once: each keeps about two cores busy
    queue: int = 50  # waiting checklists beyond these are refused at once (503), not kept waiting for ever
    queue_wait_s: float = 240.0  # a checklist not started by then is refused, below the client's own wait


def hub_authenticator() -> Authenticate:
    """The hub decides: a token is a learner's if the hub names them and grants them this service."""
    from jupyterhub.services.auth import HubAuth

    auth = HubAuth()  # JUPYTERHUB_API_URL, JUPYTERHUB_API_TOKEN, JUPYTERHUB_SERVICE_NAME: set by the hub

    async def learner(token: str) -> str | None:
        model = await auth.user_for_token(token, sync=False, use_cache=True)
        if not model or not auth.check_scopes(auth.access_scopes, model):
            return None
        return model.get("name")

    return learner


def _inline_screenshots(report_json: dict) -> dict:
    """A screenshot is a file on the service's disk: send its bytes instead."""
    for check in report_json["checks"]:
        path = check.get("evidence", {}).pop("screenshot", None)
        if path and Path(path).is_file():
            check["evidence"]["screenshot_png"] = base64.b64encode(Path(path).read_bytes()).decode()
    return report_json


def make_app(*, authenticate: Authenticate, limits: Limits | None = None, checker=None):
    """The service's web app. ``checker(snippet, seed, screenshots_dir)`` is the checklist (``run_checks_async``
    by default)."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    limits = limits or Limits()
    if checker is None:
        from .checks import run_checks_async

        async def checker(snippet, seed, screenshots_dir):
            return await run_checks_async(snippet, seed=seed, screenshots_dir=screenshots_dir)

    slots = asyncio.Semaphore(limits.parallel)
    state = {"waiting": 0, "running": 0}
    busy_learners: set[str] = set()

    def refuse(status: int, why: str, **headers) -> JSONResponse:
        return JSONResponse({"error": why}, status_code=status, headers=headers)

    async def check(request: Request) -> JSONResponse:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        learner = await authenticate(token.strip()) if scheme.lower() in ("token", "bearer") and token else None
        if learner is None:
            return refuse(403, "the hub did not accept this server's token for the checking service")
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return refuse(413, f"the snippet is over {MAX_SNIPPET_BYTES // 1024} KiB; a few lines are enough")
        try:
            data = json.loads(body)
            snippet, seed = data["snippet"], data.get("seed")
            if not isinstance(snippet, str) or not (seed is None or isinstance(seed, int)):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return refuse(400, 'send JSON: {"snippet": "...", "seed": 7 or null}')
        if learner in busy_learners:
            return refuse(429, "your previous check is still running: wait for its checklist", **{"Retry-After": "5"})
        if state["waiting"] >= limits.queue:
            return refuse(503, f"the checking service is busy ({state['waiting']} checks waiting): press again in "
                               "a minute", **{"Retry-After": "60"})
        busy_learners.add(learner)
        state["waiting"] += 1
        shots = tempfile.mkdtemp(prefix="identify-lab-service-")
        try:
            try:
                await asyncio.wait_for(slots.acquire(), limits.queue_wait_s)
            except asyncio.TimeoutError:
                return refuse(503, "the checking service is busy: press again in a minute", **{"Retry-After": "60"})
            finally:
                state["waiting"] -= 1
            state["running"] += 1
            try:
                report = await checker(snippet, seed, shots)
            except AutograderError as err:  # an unusable snippet, a run that could not finish: the learner's line
                return refuse(422, str(err))
            finally:
                state["running"] -= 1
                slots.release()
            return JSONResponse(_inline_screenshots(report.to_json()))
        finally:
            busy_learners.discard(learner)
            shutil.rmtree(shots, ignore_errors=True)

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"parallel": limits.parallel, "waiting": state["waiting"], "running": state["running"]})

    base = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/").rstrip("/")  # the hub's proxy keeps the prefix
    routes = [Route(f"{base}/check", check, methods=["POST"]), Route(f"{base}/health", health)]
    if base:
        routes += [Route("/check", check, methods=["POST"]), Route("/health", health)]
    return Starlette(routes=routes)


def serve(*, port: int | None = None, parallel: int = Limits.parallel, queue: int = Limits.queue) -> None:
    """Run the service on loopback, on ``port`` or the port of the URL the hub gave it."""
    import uvicorn
    from urllib.parse import urlsplit

    url = os.environ.get("JUPYTERHUB_SERVICE_URL", "")
    port = port if port is not None else urlsplit(url).port
    if not port:
        raise AutograderError("give --port, or run the service from JupyterHub with a url (c.JupyterHub.services)")
    if parallel < 1 or queue < 0:
        raise AutograderError("--parallel must be at least 1 and --queue at least 0")
    uvicorn.run(make_app(authenticate=hub_authenticator(), limits=Limits(parallel=parallel, queue=queue)), host="127.0.0.1", port=port,
                log_level="warning")


def check_remotely(snippet: str, seed: int | None, *, url: str | None = None, token: str | None = None,
                   timeout_s: float = CLIENT_WAIT_S):
    """The kernel's end: the service's report for ``snippet``, its screenshots written to a local folder. ``url``
    and ``token`` default to what the learner's server was given (the kernel inherits its environment)."""
    from .checks import Report
    from .checks.runner import new_shots_dir

    url = (url or os.environ.get(SERVICE_URL_ENV, "")).rstrip("/")
    token = token if token is not None else os.environ.get(HUB_TOKEN_ENV, "")
    request = urllib.request.Request(f"{url}/check", data=json.dumps({"snippet": snippet, "seed": seed}).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:
            data = json.load(answer)
    except urllib.error.HTTPError as err:
        try:
            why = json.load(err).get("error") or err.reason
        except ValueError:
            why = err.reason
        raise ServiceUnavailable(f"the checking service said: {why}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise ServiceUnavailable(f"the checking service at {url} did not answer ({reason}); ask your instructor "
                                 f"whether it runs (or unset {SERVICE_URL_ENV} to check in your own browser)") from None
    shots = None
    for number, check in enumerate(data["checks"]):
        png = check.get("evidence", {}).pop("screenshot_png", None)
        if png:
            shots = shots or new_shots_dir()
            path = shots / f"{number}-{check['id']}.png"
            path.write_bytes(base64.b64decode(png))
            check["evidence"]["screenshot"] = str(path)
    return Report.from_json(data)


def remote_checks_configured() -> bool:
    return bool(os.environ.get(SERVICE_URL_ENV))
