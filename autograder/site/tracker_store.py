"""What the tracker accepts and keeps: validation of tracking requests and
their storage in SQLite, in arrival order."""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from .people import Person, build_people

log = logging.getLogger(__name__)

# The course's API key: 40 hex characters like a real Kissmetrics key.
COURSE_KEY = "7f3a1c9e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f01"
MAX_PERSON_CHARS = 255
MAX_QUERY_BYTES = 8192
KINDS = {"e": "event", "s": "set", "a": "alias"}
RESERVED = {"_k", "_p", "_n", "_t", "_d"}
_BAD_ESCAPE = re.compile(rb"%(?![0-9A-Fa-f]{2})")


class BadTrackingRequest(ValueError):
    """The tracker refuses a request; the message is the reason given back."""


@dataclass(frozen=True)
class TrackedRequest:
    kind: str
    person: str
    name: str | None
    props: dict[str, str]
    t: int
    run: str = ""

    def to_json(self) -> dict:
        return {"kind": self.kind, "person": self.person, "name": self.name, "props": self.props, "t": self.t}


def _decode(part: bytes) -> str:
    try:
        return unquote_to_bytes(part.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as err:
        raise BadTrackingRequest("malformed encoding: not UTF-8 after URL-decoding") from err


def parse_query(raw: bytes) -> dict[str, str]:
    """Strictly decode a query string: a bad %-escape or non-UTF-8 is refused."""
    if len(raw) > MAX_QUERY_BYTES:
        raise BadTrackingRequest(f"query too large: {len(raw)} bytes, at most {MAX_QUERY_BYTES}")
    if _BAD_ESCAPE.search(raw):
        raise BadTrackingRequest("malformed encoding: '%' not followed by two hex digits")
    params: dict[str, str] = {}
    for pair in filter(None, raw.split(b"&")):
        key, _, value = pair.partition(b"=")
        params[_decode(key)] = _decode(value)
    return params


def validate(kind: str, params: dict[str, str], *, key: str = COURSE_KEY, run: str = "") -> TrackedRequest:
    """Turn decoded parameters into a request the tracker keeps, or refuse them."""
    if kind not in KINDS:
        raise BadTrackingRequest(f"unknown path /{kind}: use /e, /s or /a")
    if not params.get("_k"):
        raise BadTrackingRequest("missing _k (API key)")
    if params["_k"] != key:
        raise BadTrackingRequest("wrong API key in _k")
    person = params.get("_p", "")
    if not person:
        raise BadTrackingRequest("missing _p (person)")
    if len(person) > MAX_PERSON_CHARS:
        raise BadTrackingRequest(f"_p longer than {MAX_PERSON_CHARS} characters")
    name = params.get("_n")
    if kind in ("e", "a") and not name:
        raise BadTrackingRequest("missing _n (" + ("event name" if kind == "e" else "the other ID") + ")")
    if kind == "a" and len(name) > MAX_PERSON_CHARS:
        raise BadTrackingRequest(f"_n longer than {MAX_PERSON_CHARS} characters")
    use_t = params.get("_d") == "1" and params.get("_t", "").isdigit()
    t = int(params["_t"]) if use_t else int(time.time())
    props = {k: v for k, v in params.items() if k not in RESERVED}
    return TrackedRequest(kind=kind, person=person, name=name if kind != "s" else None, props=props, t=t, run=run)


class TrackerStore:
    """Accepted requests in SQLite (arrival order) and a log of refused ones.

    ``run`` tags let concurrent scenarios share one tracker without seeing each
    other's data; an empty run filter means everything.
    """

    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; no fsync per beacon
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS tracked (seq INTEGER PRIMARY KEY AUTOINCREMENT, run TEXT NOT NULL,"
            " kind TEXT NOT NULL, person TEXT NOT NULL, name TEXT, props TEXT NOT NULL, t INTEGER NOT NULL,"
            " received REAL NOT NULL)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS tracked_by_person ON tracked (run, person, t)")
        self.rejected: list[dict] = []

    def add(self, request: TrackedRequest) -> bool:
        """Keep a request; False when it repeats one already kept.

        The library re-sends from km_uq whatever it did not see arrive, so the
        same request (same ``_t`` included) may come twice: it counts once.
        """
        props = json.dumps(request.props, sort_keys=True)
        with self._lock:
            seen = self._db.execute(
                "SELECT 1 FROM tracked WHERE run = ? AND kind = ? AND person = ? AND name IS ? AND props = ? AND t = ?",
                (request.run, request.kind, request.person, request.name, props, request.t),
            ).fetchone()
            if seen:
                return False
            self._db.execute(
                "INSERT INTO tracked (run, kind, person, name, props, t, received) VALUES (?,?,?,?,?,?,?)",
                (request.run, request.kind, request.person, request.name, props, request.t, time.time()),
            )
        return True

    def reject(self, reason: str, path: str, run: str = "") -> None:
        log.warning("tracker refused %s: %s", path[:200], reason)
        with self._lock:
            self.rejected.append({"path": path[:500], "reason": reason, "run": run})
            del self.rejected[:-1000]  # keep the log bounded

    def requests(self, run: str | None = None) -> list[dict]:
        query = "SELECT kind, person, name, props, t, seq FROM tracked"
        args: tuple = ()
        if run:
            query, args = query + " WHERE run = ?", (run,)
        with self._lock:
            rows = self._db.execute(query + " ORDER BY seq", args).fetchall()
        return [
            {"kind": k, "person": p, "name": n, "props": json.loads(props), "t": t, "seq": seq}
            for k, p, n, props, t, seq in rows
        ]

    def people(self, run: str | None = None) -> list[Person]:
        return build_people(self.requests(run))

    def close(self) -> None:
        with self._lock:
            self._db.close()
