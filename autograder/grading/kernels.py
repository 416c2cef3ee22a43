"""The grading kernels' manager and client: no idle waits around a kernel's life,
and the next submission's kernel started ahead (``KernelReserve``).

Three waits in jupyter_client are idle time for every submission:
- ``wait_for_ready`` ends by draining IOPub until 0.2 s pass without a message.
  The client here keeps its checks (the kernel answers kernel_info, and a message
  arrives on IOPub, so that channel is connected) and drains only what has
  already arrived: what is left are start-up status messages, and nbclient reads
  only replies to its own requests.
- After killing a kernel, the manager polls for its end every 0.1 s; a killed
  process is gone within milliseconds, so it polls every 5 ms.
- Sockets connecting before the kernel has bound its own retry every 0.1 s
  (ZeroMQ's default); here every 10 ms.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
import uuid
from pathlib import Path
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from traitlets import DottedObjectName, Type, default

from .trusted import TRUSTED_REPORTS_ENV

REBUILDS = 3  # a template that keeps dying is given up: kernels then start the usual way
# What of the grader's environment a kernel gets: the instructor's own variables (tokens,
# paths of the batch) stay out.
KERNEL_ENV = ("PATH", "LANG", "LANGUAGE", "TERM", "TZ", "LD_LIBRARY_PATH", "USER", "LOGNAME")
KERNEL_ENV_PREFIXES = ("LC_", "JUPYTER", "JPY_", "NBGRADER", "AUTOGRADER", "PYTHON", "MPL", "OMP_", "OPENBLAS_",
                       "MKL_")


class ReadyKernelClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # IOPub connected? (a subscriber misses what was sent before it joined)
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel didn't respond before it died")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")
        while True:  # what already arrived, without waiting for more
            try:
                await self.iopub_channel.get_msg(timeout=0)
            except Empty:
                break


class GradingKernelManager(AsyncKernelManager):
    client_class = DottedObjectName("autograder.grading.kernels.ReadyKernelClient")
    client_factory = Type(klass=ReadyKernelClient)

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, 10)
        return context

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, 0.005))

    async def _async_pre_start_kernel(self, **kw):
        from .kernel_forks import ForkingProvisioner

        if self.provisioner is None and ForkingProvisioner.template is not None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkingProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


class KernelReserve:
    """The next submission's kernel, started while the worker finishes the last one.

    A kernel needs about half a second to start; its worker used to wait for it
    with nothing to do. Now the worker starts the next kernel as soon as the last
    one is stopped, and it boots while the worker writes the feedback, re-checks
    the exercises and judges the next snippet. Each kernel still runs exactly one
    notebook, in a new folder of its own (the learner's files are copied in, as
    nbgrader would have run the kernel among them, and the grader's verdicts on
    the learner's snippet, ``verdicts``), and is killed after it.

    Each kernel's folder is made here, outside the sandbox, after the kernel before
    it and everything that kernel started are gone (the template's sweep): the slot
    it lies in (``folder``) and the kernels' IPC folder are emptied first, and its
    name is unpredictable, so no learner can have prepared it for the next.
    Kernels are started only at the end of a notebook, inside nbgrader's autograde
    step, so they have the environment nbgrader gives its kernels
    (``NBGRADER_EXECUTION``); a worker's first notebook starts one there and then.
    """

    def __init__(self, folder: Path, kernel_name: str, config) -> None:
        self.folder = folder
        self.kernel_name = kernel_name
        self.config = config
        self._next: tuple[GradingKernelManager, Path] | None = None
        self.verdicts: list[Path] = []  # set by the worker: the next learner's trusted reports
        self.rebuilds = 0  # kernel templates rebuilt after the one before died

    def start_next(self) -> None:
        """Start a kernel for the next notebook (nothing if one is waiting)."""
        if self._next is not None:
            return
        self._sweep()
        for folder in self._scratch_folders():
            _empty(folder)
        cwd = Path(tempfile.mkdtemp(prefix="kernel-", dir=self.folder))
        km = GradingKernelManager(kernel_name=self.kernel_name, config=self.config)
        env = {name: value for name, value in os.environ.items()
               if name in KERNEL_ENV or name.startswith(KERNEL_ENV_PREFIXES)}
        env[TRUSTED_REPORTS_ENV] = str(cwd / ".verdicts")
        try:
            # As nbclient starts its kernels: IPython's history in memory, not in a file.
            run_sync(km.start_kernel)(cwd=str(cwd), env=env, extra_arguments=["--HistoryManager.hist_file=:memory:"])
        except Exception:  # the next notebook starts its kernel the usual way and reports why it cannot
            shutil.rmtree(cwd, ignore_errors=True)
            return
        self._next = (km, cwd)

    def _sweep(self) -> None:
        """Nothing of earlier kernels left running; a template that died (or stopped answering) is rebuilt."""
        from .kernel_forks import ForkingProvisioner, KernelForkError

        template = ForkingProvisioner.template
        if template is None:
            return
        try:
            if not template.alive():
                raise KernelForkError("the kernel template ended")
            template.sweep()
            return
        except KernelForkError:
            if self.rebuilds >= REBUILDS:
                template.close()
                ForkingProvisioner.template = None
                return
            self.rebuilds += 1
        try:
            ForkingProvisioner.template = template.rebuilt()
        except KernelForkError:
            ForkingProvisioner.template = None

    def _scratch_folders(self) -> list[Path]:
        folders = [self.folder]
        ip = self.config.KernelManager.get("ip") if self.config.KernelManager.get("transport") == "ipc" else None
        if ip:
            folders.append(Path(str(ip)).parent)
        return folders

    def take(self, files_from: str | None) -> tuple[GradingKernelManager, Path] | None:
        """The waiting kernel, if it is still alive, with the files of ``files_from``
        copied into its folder; None: start one the usual way."""
        taken, self._next = self._next, None
        if taken is None:
            return None
        km, cwd = taken
        if not run_sync(km.is_alive)():
            self.discard(km, cwd)
            return None
        if files_from:
            shutil.copytree(files_from, cwd, dirs_exist_ok=True)
        (cwd / ".verdicts").mkdir(exist_ok=True)
        for report in self.verdicts:  # only this learner's: the cache holds every snippet of the batch
            if report.exists():
                shutil.copy(report, cwd / ".verdicts" / report.name)
        return km, cwd

    @staticmethod
    def discard(km: GradingKernelManager, cwd: Path) -> None:
        """Stop a kernel (if it still runs) and remove its folder."""
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
        shutil.rmtree(cwd, ignore_errors=True)

    def close(self) -> None:
        if self._next is not None:
            self.discard(*self._next)
            self._next = None


def _empty(folder: Path) -> None:
    """Remove everything in ``folder``, whatever a learner made of it (folders without rights)."""
    def allow_and_retry(function, path, _):
        try:
            os.chmod(os.path.dirname(path), stat.S_IRWXU)
            os.chmod(path, stat.S_IRWXU)
            function(path)
        except OSError:
            pass

    for entry in list(folder.iterdir()) if folder.is_dir() else []:
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, onerror=allow_and_retry)
        else:
            try:
                entry.unlink()
            except OSError:
                pass
