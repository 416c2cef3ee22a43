"""The kernel template's own process (``kernel_forks`` is the grader's side of it).

Started by the launcher (``forks`` mode), it imports what kernels need
once, says ready, then answers requests on its standard input, one line of JSON
each: a sweep, or a kernel to fork. Before each it ends whatever earlier kernels
left running in its sandbox (with them their listening sockets) and empties
/dev/shm, so a new learner's kernel meets nothing of the last one. A forked
kernel sets its own limits (CPU time and the process count, afresh) and goes
back to the grader as a pidfd. The process is not dumpable: a kernel cannot
ptrace it or write its memory to take over the kernels forked after it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
from pathlib import Path

from . import launcher
from .launcher import OWN_PID_NAMESPACE_ENV

PRELOADED = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython.core.interactiveshell",
             "IPython.core.completer", "autograder.notebook.grading", "autograder.grading.trusted")
SWEEP_TIMEOUT_S = 10.0  # the grader waits as long for the answer (kernel_forks)
PR_SET_DUMPABLE = 4


def serve() -> None:
    """Import what kernels need, say ready, then fork a kernel per request on stdin."""
    import importlib

    for module in PRELOADED:
        importlib.import_module(module)
    _not_dumpable()
    requests = socket.socket(fileno=0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended kernels are reaped by the system
    own_namespace = os.environ.get(OWN_PID_NAMESPACE_ENV) == "1"
    sessions: list[int] = []
    requests.sendall(b"ready\n")
    for line in requests.makefile("rb"):
        request = json.loads(line)
        _end_leftovers(sessions, own_namespace)
        if request.get("sweep"):
            requests.sendall(b"swept\n")
            continue
        pid = os.fork()
        if pid == 0:
            _become_kernel(request, requests)
        sessions.append(pid)
        pidfd = os.pidfd_open(pid)
        socket.send_fds(requests, [b"%d\n" % pid], [pidfd])
        os.close(pidfd)


def _not_dumpable() -> None:
    """Kernels run as the template's user: without this, one could ptrace the template."""
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _end_leftovers(sessions: list[int], own_namespace: bool) -> None:
    """Kill what earlier kernels left running, before a new learner's kernel starts."""
    for session in sessions:  # each kernel leads its own session, with what it started
        try:
            os.killpg(session, signal.SIGKILL)
        except OSError:
            pass
    sessions.clear()
    if not own_namespace:  # unconfined, what left its session is beyond reach (README: Sandbox)
        return
    # Whatever escaped its session: in a PID namespace of our own, every process but its init
    # and us. kill(-1) signals them all at once, so a fork bomb cannot outrun a scan of /proc.
    deadline = time.monotonic() + SWEEP_TIMEOUT_S / 2
    while _others_running() and time.monotonic() < deadline:
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        time.sleep(0.002)
    for entry in _entries("/dev/shm"):  # shared memory outlives its processes; the root itself is read-only
        _remove(entry)


def _others_running() -> bool:
    for entry in _entries("/proc"):
        if entry.isdigit() and int(entry) not in (1, os.getpid()):
            try:  # a zombie is gone for good, only not yet reaped
                if Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    return True
            except (OSError, IndexError):
                pass
    return False


def _entries(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _remove(name: str) -> None:
    import shutil

    path = os.path.join("/dev/shm", name)
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def _become_kernel(request: dict, requests: socket.socket) -> None:
    """In the forked child: become a kernel started as the sandbox launcher would, then exit."""
    code = 1
    try:
        requests.close()
        os.setsid()
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        launcher.prepare_kernel_folder(os.getcwd())
        args = request["args"]
        if "connection" in request:  # its own copy, in its own folder
            connection = Path.cwd() / ".connection.json"
            connection.write_text(request["connection"])
            args = [str(connection) if i and args[i - 1] == "-f" else arg for i, arg in enumerate(args)]
        # The template watches nothing; the kernel quits if the template (its parent) dies.
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        launcher.apply_limits(launcher.rlimits(launcher.policy_from_env()), lower_only=True)
        import random

        random.seed()  # not the template's random state, shared by every fork
        from ipykernel import kernelapp

        sys.argv = [sys.executable, *args]
        kernelapp.launch_new_instance(argv=args)
        code = 0
    finally:
        os._exit(code)
