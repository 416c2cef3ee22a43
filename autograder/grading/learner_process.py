"""The learner's code during a re-check, seen from the grader: a confined process
(``recheck_runner``) that runs their cells and answers calls to their functions.

Everything that comes back is data, read within the re-check's deadline and a
size bound, and rebuilt here as plain values: the learner's objects never reach
the grader's process, so their ``__eq__``, ``__repr__`` or ``__del__`` never run
here. The process gets a minimal environment and no file descriptors but its
two pipes; it is killed, with everything it started, when the re-check ends.
"""

from __future__ import annotations

import builtins
import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .recheck_runner import MAX_MESSAGE_CHARS, decode, encode
from .sandbox import Policy, launch

RUNNER = str(Path(__file__).resolve().with_name("recheck_runner.py"))
MAX_LINE_BYTES = 4 << 20  # an answer longer than this is no answer
OUT_OF_CPU = {-signal.SIGXCPU, 128 + signal.SIGXCPU}  # unconfined, and through bubblewrap


class OutOfTime(BaseException):
    """The re-check's time is up: what is left cannot be judged. A BaseException, so a
    test's own ``except Exception`` cannot turn it into a verdict."""


class LearnerCodeEnded(Exception):
    """The learner's process ended (their code exited, crashed or garbled its answers)."""


class LearnerError(Exception):
    """A learner's function raised an exception that is not one of Python's own."""


class Opaque:
    """A learner's value that is not plain: equal to nothing but itself, whatever it claimed."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<a {self.type_name} object>"


def _opaque(tag: str, body) -> Opaque:
    return Opaque(body if tag == "opaque" and type(body) is str else "function")


# Python's own exceptions are raised again as themselves (a test may expect a ValueError);
# the message is the learner's text, a plain str.
_BUILTIN_ERRORS = {name: cls for name, cls in vars(builtins).items()
                   if isinstance(cls, type) and issubclass(cls, Exception)}


def _error(name: str, message: str) -> Exception:
    cls = _BUILTIN_ERRORS.get(name)
    try:
        return cls(message) if cls else LearnerError(f"{name}: {message}")
    except TypeError:  # e.g. UnicodeDecodeError wants five arguments
        return LearnerError(f"{name}: {message}")


class LearnerFunction:
    """What a test calls in place of the learner's function: the call runs in their process."""

    def __init__(self, process: "LearnerProcess", name: str) -> None:
        self._process, self.__name__ = process, name

    def __call__(self, *args, **kwargs):
        return self._process.call(self.__name__, args, kwargs)

    def __repr__(self) -> str:
        return f"<the learner's {self.__name__}>"


class LearnerProcess:
    """``with LearnerProcess(...) as learner: names = learner.start(cells)``; then tests
    call ``names[...]``. The learner's code and the calls get ``timeout_s`` in all, counted
    from the moment the process is ready: starting a process is the grader's cost (bounded
    apart, by ``start_timeout_s``), not the learner's."""

    def __init__(self, *, workdir: Path, policy: Policy, timeout_s: float, start_timeout_s: float = 10.0) -> None:
        self.timeout_s = timeout_s
        self.deadline = time.monotonic() + start_timeout_s
        self.out_of_time = False
        self.ended: str = ""  # why the learner's process is no longer usable
        workdir.mkdir(parents=True, exist_ok=True)
        self.folder = Path(tempfile.mkdtemp(prefix="run-", dir=workdir))  # nothing left over from the last learner
        (self.folder / ".tmp").mkdir()
        # Through the launcher the kernels start through: confined and limited as they are.
        argv, env = launch([sys.executable, "-I", "-S", RUNNER], policy=policy, env={
            "PATH": os.environ.get("PATH", os.defpath), "HOME": str(self.folder),
            "TMPDIR": str(self.folder / ".tmp"), "LANG": "C.UTF-8"})  # nothing of the grader's
        self.proc = subprocess.Popen(argv, cwd=self.folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        for pipe in (self.proc.stdin, self.proc.stdout):
            os.set_blocking(pipe.fileno(), False)
        self.buffer = bytearray()

    def __enter__(self) -> "LearnerProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:  # the whole session: unconfined, what the learner's code started goes too
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                self.proc.kill()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- the conversation
    def start(self, cells: list[str]) -> dict[str, object]:
        """Run the learner's cells; what they defined, as a test's namespace sees it.
        A process that cannot even start is the grader's trouble: OutOfTime, not judged."""
        try:
            ready = self._receive()
        except LearnerCodeEnded as err:
            raise OutOfTime(f"the re-check could not start ({err})") from None
        if ready != {"ready": True}:
            raise OutOfTime("the re-check could not start")
        self.deadline = time.monotonic() + self.timeout_s
        self._send({"path": [p for p in sys.path if p], "cells": cells})
        names = self._receive().get("names")
        if type(names) is not dict:
            raise self._broken("its answer was not a list of names")
        return {name: LearnerFunction(self, name) if type(value) is dict and "callable" in value
                else self._decode(value) for name, value in names.items() if type(name) is str}

    def call(self, name: str, args: tuple, kwargs: dict):
        try:
            request = {"call": name, "args": encode(list(args)), "kwargs": encode(dict(kwargs))}
        except RecursionError:
            raise TypeError("arguments too deep for the re-check") from None
        self._send(request)
        answer = self._receive()
        if "value" in answer:
            return self._decode(answer["value"])
        raised = answer.get("raised")
        if type(raised) is list and len(raised) == 2 and all(type(part) is str for part in raised):
            raise _error(raised[0][:60], raised[1][:MAX_MESSAGE_CHARS])
        raise self._broken("it answered something else")

    def _decode(self, data):
        try:
            return decode(data, _opaque)
        except (ValueError, TypeError, RecursionError):  # e.g. an unhashable dict key, bad base64
            raise self._broken("its answer was not a value") from None

    def _broken(self, why: str) -> LearnerCodeEnded:
        self.ended = self.ended or why
        return LearnerCodeEnded(f"the learner's code stopped answering: {why}")

    def _check(self) -> None:
        if self.out_of_time:
            raise OutOfTime("the re-check ran out of time")
        if self.ended:
            raise LearnerCodeEnded(f"the learner's code stopped answering: {self.ended}")

    def _wait(self, fileobj, event: int) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining > 0:
            with selectors.DefaultSelector() as selector:
                selector.register(fileobj, event)
                if selector.select(remaining):
                    return
        self.out_of_time = True
        raise OutOfTime("the re-check ran out of time")

    def _send(self, message: dict) -> None:
        self._check()
        data = memoryview(json.dumps(message).encode() + b"\n")
        while data:
            self._wait(self.proc.stdin, selectors.EVENT_WRITE)
            try:
                written = os.write(self.proc.stdin.fileno(), data)
            except BlockingIOError:
                continue
            except OSError:  # the other end is gone
                raise self._ended() from None
            data = data[written:]

    def _receive(self) -> dict:
        self._check()
        while b"\n" not in self.buffer:
            if len(self.buffer) > MAX_LINE_BYTES:
                raise self._broken("its answer was too long")
            self._wait(self.proc.stdout, selectors.EVENT_READ)
            try:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
            except BlockingIOError:
                continue
            if not chunk:
                raise self._ended()
            self.buffer += chunk
        line, _, rest = bytes(self.buffer).partition(b"\n")
        self.buffer = bytearray(rest)
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            raise self._broken("its answer was not JSON") from None
        if type(message) is not dict:
            raise self._broken("its answer was not a message")
        return message

    def _ended(self) -> BaseException:
        """The process closed its pipes: its time limit (not judged), or the learner's doing."""
        try:
            code = self.proc.wait(timeout=max(0.0, min(1.0, self.deadline - time.monotonic())))
        except subprocess.TimeoutExpired:
            code = None
        if code in OUT_OF_CPU:
            self.out_of_time = True
            return OutOfTime("the re-check ran out of CPU time")
        return self._broken("its process ended" + (f" (exit status {code})" if code is not None else ""))
