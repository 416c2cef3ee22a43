"""Kernels forked from a template process that has already imported ipykernel.

A kernel spends most of its start-up importing ipykernel, IPython, ZeroMQ and
jupyter_client: about two thirds of the CPU a graded notebook's kernel uses.
Each grading worker starts one template process, confined like a kernel (by
the sandbox launcher, in bubblewrap where possible), that imports all that
once and then forks a kernel per notebook. The worker's kernel manager launches
kernels through it (``ForkingProvisioner``) and holds each kernel by a pidfd,
so it can poll and kill a process that is not its own child.

Learners stay apart. The template's sandbox shows only the runtime and one
writable folder, the worker's slot for kernel folders; the grader keeps at most
one kernel folder in it. Before a kernel folder is made, the grader asks the
template to sweep (``KernelTemplate.sweep``): it kills every process left in its
sandbox (a previous learner's background processes, listening sockets with them)
and empties /dev/shm, and answers only when they are gone. Then the grader, outside
the sandbox, empties the slot and makes a new folder under an unpredictable name,
and the template forks the kernel into it. So a kernel sees exactly its own folder,
and no earlier learner can have written to it. This is simpler than a mount
namespace per fork (which would need mount privileges inside the sandbox, which
learner code would then hold too). The template is not dumpable: a kernel cannot
ptrace it or write its memory to take over the kernels forked after it.
Where forking is not possible (no pidfd), kernels start the usual way; a template
that died is rebuilt by the kernel reserve (``kernels``).
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from jupyter_client.provisioning import LocalProvisioner

from .sandbox import KERNEL_MAIN, OWN_PID_NAMESPACE_ENV, sandbox_launcher

# The template's own code: run by ``python -c`` inside the sandbox (see ``serve``).
TEMPLATE_MAIN = ("import sys\nif sys.path[0] == '': del sys.path[0]\nsys.modules['debugpy'] = None\n"
                 "from autograder.grading.kernel_forks import serve\nserve()")
PRELOADED = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "IPython.core.interactiveshell",
             "IPython.core.completer", "autograder.notebook.grading", "autograder.grading.trusted")
READY_TIMEOUT_S = 60.0  # its imports, on a busy machine
FORK_TIMEOUT_S = 10.0
SWEEP_TIMEOUT_S = 10.0
PR_SET_DUMPABLE = 4


class KernelForkError(RuntimeError):
    """The template could not fork a kernel; start one the usual way."""


class ForkedKernel:
    """A forked kernel, held by a pidfd: the ``subprocess.Popen`` calls jupyter_client makes."""

    stdin = stdout = stderr = None

    def __init__(self, pidfd: int) -> None:
        self.pidfd = pidfd
        self.pid = _pid_of(pidfd)  # as this process sees it (the kernel may live in another PID namespace)
        self.returncode: int | None = None
        self._killed = False

    def poll(self) -> int | None:
        if self.returncode is None and select.select([self.pidfd], [], [], 0)[0]:
            # Not our child: its exit status is the template's to collect; killed or ended is what counts.
            self.returncode = -signal.SIGKILL if self._killed else 0
            os.close(self.pidfd)
        return self.returncode

    def __del__(self) -> None:
        if self.returncode is None:
            os.close(self.pidfd)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired("forked kernel", timeout)
            select.select([self.pidfd], [], [], left)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            if signum == signal.SIGKILL:
                self._killed = True
            signal.pidfd_send_signal(self.pidfd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _pid_of(pidfd: int) -> int:
    for line in Path(f"/proc/self/fdinfo/{pidfd}").read_text().splitlines():
        if line.startswith("Pid:"):
            return int(line.split()[1])
    raise KernelForkError("no PID for the forked kernel")


class KernelTemplate:
    """One worker's template process, started by the sandbox launcher. It imports while
    the worker goes on; the first fork waits for it. Any failure closes it for good:
    kernels then start the usual way."""

    def __init__(self, folder: Path, *, log: Path) -> None:
        if not hasattr(os, "pidfd_open"):
            raise KernelForkError("this system cannot hold a process by a pidfd")
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.log = log
        self._lock = threading.Lock()
        self._ready = False
        self._closed = False
        self._socket, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        command = [*sandbox_launcher("forks"), sys.executable, "-c", TEMPLATE_MAIN]
        # Requests come on its standard input. Its kernels print nowhere (their output reaches
        # the grader over ZeroMQ); its own errors go to the log, for the instructor who asks why.
        with theirs, open(log, "ab") as errors:
            self.process = subprocess.Popen(command, stdin=theirs, stdout=subprocess.DEVNULL, stderr=errors,
                                            cwd=folder)

    def alive(self) -> bool:
        return not self._closed and self.process.poll() is None

    def rebuilt(self) -> "KernelTemplate":
        """A new template like this one (this one closed): for a worker whose template died."""
        self.close()
        return KernelTemplate(self.folder, log=self.log)

    def sweep(self) -> None:
        """End everything earlier kernels left in the sandbox; returns once it is gone."""
        with self._lock:
            self._exchange(b'{"sweep": true}\n', SWEEP_TIMEOUT_S, expect=b"swept\n")

    def _exchange(self, request: bytes, timeout_s: float, *, expect: bytes) -> None:
        if self._closed:
            raise KernelForkError("the kernel template is closed")
        try:
            self._wait_ready()
            self._socket.settimeout(timeout_s)
            self._socket.sendall(request)
            if self._socket.recv(len(expect)) != expect:
                raise OSError("it ended")
        except OSError as err:  # a late answer would pair with the next request: no more requests
            self._close()
            raise KernelForkError(f"the kernel template failed: {err}; see {self.log}") from err

    def _wait_ready(self) -> None:
        if not self._ready:
            self._socket.settimeout(READY_TIMEOUT_S)
            if self._socket.recv(16) != b"ready\n":
                raise OSError("it ended while importing")
            self._ready = True

    def fork(self, args: list[str], *, cwd: str, env: dict[str, str]) -> ForkedKernel:
        request = {"args": args, "cwd": cwd, "env": env}
        if "-f" in args:  # the runtime folder it lies in is not in the sandbox: its content goes along
            try:
                request["connection"] = Path(args[args.index("-f") + 1]).read_text()
            except (OSError, IndexError):  # none: the kernel fails as one started the usual way would
                pass
        request = json.dumps(request).encode() + b"\n"
        with self._lock:
            if self._closed:
                raise KernelForkError("the kernel template is closed")
            try:
                self._wait_ready()
                self._socket.settimeout(FORK_TIMEOUT_S)
                self._socket.sendall(request)
                message, fds, _, _ = socket.recv_fds(self._socket, 64, 1)
                if not fds:
                    raise OSError(f"no kernel came back ({message.decode(errors='replace').strip() or 'it ended'})")
            except OSError as err:  # a late answer would pair with the next request: no more forks
                self._close()
                raise KernelForkError(f"the kernel template failed: {err}; see {self.log}") from err
        return ForkedKernel(fds[0])

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._socket.close()  # the template ends when its requests end; its sandbox ends with it
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class ForkingProvisioner(LocalProvisioner):
    """Launches kernels of the sandboxed kernelspec by forking them from the worker's template."""

    template: KernelTemplate | None = None  # set by the grading worker

    async def launch_kernel(self, cmd: list[str], **kwargs):
        template = type(self).template
        if template is None or KERNEL_MAIN not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            self.process = template.fork(cmd[cmd.index(KERNEL_MAIN) + 1:], cwd=cwd,
                                         env=dict(kwargs.get("env") or os.environ))
        except KernelForkError:
            return await super().launch_kernel(cmd, **kwargs)
        # It leads its own session: killing the group ends what it started too.
        self.pid = self.pgid = self.process.pid
        self.cwd = cwd
        return self.connection_info

    async def wait(self) -> int | None:
        if isinstance(self.process, ForkedKernel):  # a killed kernel is gone in milliseconds: no 0.1 s naps
            while self.process.poll() is None:
                await asyncio.sleep(0.005)
            code, self.process = self.process.returncode, None
            return code
        return await super().wait()


# -- the template process

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
        from . import sandbox

        sandbox.prepare_kernel_folder(Path.cwd())
        args = request["args"]
        if "connection" in request:  # its own copy, in its own folder
            connection = Path.cwd() / ".connection.json"
            connection.write_text(request["connection"])
            args = [str(connection) if i and args[i - 1] == "-f" else arg for i, arg in enumerate(args)]
        # The template watches nothing; the kernel quits if the template (its parent) dies.
        os.environ["JPY_PARENT_PID"] = str(os.getppid())
        sandbox.apply_limits(sandbox.rlimits(sandbox.Policy.from_env()), lower_only=True)
        import random

        random.seed()  # not the template's random state, shared by every fork
        from ipykernel import kernelapp

        sys.argv = [sys.executable, *args]
        kernelapp.launch_new_instance(argv=args)
        code = 0
    finally:
        os._exit(code)
