"""The learner's side of the re-check, in a confined process of its own that holds
nothing of the grader's: no test, no hidden test, no verdict, nothing to write
a verdict to. It runs the learner's cells, lists what they defined, then
answers the grader's calls to their functions, one line of JSON each way.

Only plain values cross (None, bool, int, float, str, bytes, and lists, tuples
and dicts of them), tagged by their exact type; anything else crosses as
"opaque", which the grader's side rebuilds as an object equal to nothing.
The learner's code can tamper with this side at will (it runs here): the worst
it can do is answer wrongly, which costs only its own points.

Run as a file (``python -I -S recheck_runner.py``): standard library only until
the grader's first message gives the module path; the grader imports
``encode``/``decode`` from here, so both sides speak one format.
"""

from __future__ import annotations

import base64
import builtins
import json
import os
import sys

MAX_DEPTH = 32
MAX_MESSAGE_CHARS = 300
MAX_NAME_CHARS = 256 * 1024  # a bigger value crosses as opaque: a learner's big data set cannot drown the rest


def encode(value, depth: int = 0):
    """A value as JSON data tagged by its exact type (subclasses and proxies are not plain)."""
    kind = type(value)
    if value is None or kind in (bool, int, float, str):
        return value
    if depth < MAX_DEPTH:
        if kind is list:
            return [encode(item, depth + 1) for item in value]
        if kind is tuple:
            return {"tuple": [encode(item, depth + 1) for item in value]}
        if kind is dict:
            return {"dict": [[encode(k, depth + 1), encode(v, depth + 1)] for k, v in value.items()]}
        if kind is bytes:
            return {"bytes": base64.b64encode(value).decode("ascii")}
    if callable(value):
        return {"callable": True}
    name = kind.__name__
    return {"opaque": name[:60] if type(name) is str else "object"}


def _refuse(tag: str, body) -> None:
    raise ValueError(f"not a plain value ({tag})")


def decode(data, opaque=_refuse):
    """The plain value that ``encode`` wrote, rebuilt from JSON data (exact types only).
    Tagged values that are not plain become ``opaque(tag, body)``."""
    kind = type(data)
    if data is None or kind in (bool, int, float, str):
        return data
    if kind is list:
        return [decode(item, opaque) for item in data]
    if kind is dict and len(data) == 1:
        ((tag, body),) = data.items()
        if tag == "tuple" and type(body) is list:
            return tuple(decode(item, opaque) for item in body)
        if tag == "dict" and type(body) is list:
            return {decode(k, opaque): decode(v, opaque) for k, v in body}
        if tag == "bytes" and type(body) is str:
            return base64.b64decode(body, validate=True)
        if tag in ("opaque", "callable"):
            return opaque(tag, body)
    raise ValueError("not an encoded value")


def _describe(err: BaseException) -> list[str]:
    try:
        message = str(err)
    except BaseException:  # noqa: BLE001 - a learner's exception may refuse even that
        message = ""
    name = type(err).__name__
    return [name if type(name) is str else "Exception", message[:MAX_MESSAGE_CHARS] if type(message) is str else ""]


def _bounded(value):
    try:
        data = encode(value)
        return data if len(json.dumps(data)) <= MAX_NAME_CHARS else {"opaque": "value too large"}
    except (ValueError, TypeError, RecursionError):
        return {"opaque": "value"}


def main() -> None:
    # The grader's pipes, taken before any learner code runs; fds 0-2 then lead nowhere,
    # so a learner's prints (or reads) cannot touch the conversation by accident.
    inbox, outbox = os.fdopen(os.dup(0), "rb"), os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdin = sys.stdout = sys.stderr = open(os.devnull, "r+")

    def send(message: dict) -> None:
        outbox.write(json.dumps(message).encode() + b"\n")
        outbox.flush()

    send({"ready": True})  # before any learner code: the grader knows the process itself started
    first = json.loads(inbox.readline())
    sys.path.extend(first["path"])  # started with -S: the grader's own module path, without its .pth cost
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    for source in first["cells"]:
        try:  # like a notebook: a failing cell does not stop the next ones
            exec(compile(source, "<learner cell>", "exec"), namespace)
        except BaseException:  # noqa: BLE001 - anything a learner cell raises
            pass
    send({"names": {name: _bounded(value) for name, value in list(namespace.items()) if not name.startswith("__")}})
    for line in inbox:
        request = json.loads(line)
        try:
            args = decode(request["args"])
            kwargs = decode(request["kwargs"])
            value = namespace[request["call"]](*args, **kwargs)
            answer = {"value": encode(value)}
        except BaseException as err:  # noqa: BLE001 - the learner's function raised: that is its answer
            answer = {"raised": _describe(err)}
        send(answer)
    os._exit(0)


if __name__ == "__main__":
    main()
