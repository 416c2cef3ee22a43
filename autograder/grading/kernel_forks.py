"""Kernels forked from a template process that has already imported ipykernel:
the grader's side (the template's own process is ``fork_server``).

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
sandbox and answers only when they are gone. Then the grader, outside the
sandbox, empties the slot and makes a new folder under an unpredictable name,
and the template forks the kernel into it. So a kernel sees exactly its own folder,
and no earlier learner can have written to it. This is simpler than a mount
namespace per fork (which would need mount privileges inside the sandbox, which
learner code would then hold too).
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

from .fork_server import SWEEP_TIMEOUT_S
from .sandbox import KERNEL_MAIN, sandbox_launcher

# The template's own code: run by ``python -c`` inside the sandbox (see ``fork_server.serve``).
TEMPLATE_MAIN = ("import sys\nif sys.path[0] == '': del sys.path[0]\nsys.modules['debugpy'] = None\n"
                 "from autograder.grading.fork_server import serve\nserve()")
READY_TIMEOUT_S = 60.0  # its imports, on a busy machine
FORK_TIMEOUT_S = 10.0


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
