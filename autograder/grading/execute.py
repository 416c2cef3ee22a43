"""nbgrader's Execute with a bound on the whole notebook, not only per cell.

When the bound passes, the kernel is killed; the cell that was running and
every code cell after it get an error output, so nbgrader scores their tests 0
instead of full marks for a cell without errors.
"""

from __future__ import annotations

import threading

import nbformat
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Float

from .kernels import KernelReserve

TIMEOUT_ENAME = "NotebookTimeout"
DEAD_KERNEL_ENAME = "KernelDied"


class BoundedExecute(Execute):
    notebook_timeout_s = Float(120.0, help="bound on executing the whole notebook").tag(config=True)
    # Set by a grading worker: notebooks run in kernels it started ahead, and each
    # notebook's end starts the next one.
    reserve: KernelReserve | None = None

    def preprocess_cell(self, cell, resources, index):
        self.running_index = index  # the cell a kill would interrupt
        return super().preprocess_cell(cell, resources, index)

    def preprocess(self, nb, resources=None, km=None):
        self.timed_out = False
        self.running_index = 0
        reserved = None
        if km is None and self.reserve is not None:
            files_from = ((resources or {}).get("metadata") or {}).get("path")
            reserved = self.reserve.take(files_from)
            if reserved is None:  # a worker's first notebook: its kernel starts now, the same way
                self.reserve.start_next()
                reserved = self.reserve.take(files_from)
            if reserved is not None:
                km = reserved[0]
        timer = threading.Timer(self.notebook_timeout_s, self._kill)
        timer.daemon = True
        timer.start()
        try:
            return self._execute(nb, resources, km)
        finally:
            timer.cancel()
            if reserved is not None:  # nbclient stops only the kernels it started
                if getattr(self, "km", None) is not None:
                    self._cleanup_kernel()
                KernelReserve.discard(*reserved)
            if self.reserve is not None:
                self.reserve.start_next()

    def _execute(self, nb, resources, km):
        try:
            return super().preprocess(nb, resources, km)
        except DeadKernelError:
            # killed by our timer, or died by itself (os._exit, out of memory): grade what ran
            reason = (f"the notebook did not finish within {self.notebook_timeout_s:g} s" if self.timed_out
                      else "the kernel died (the code crashed it or used too much memory)")
            self._mark_unfinished(nb, reason)
            return nb, resources
        except Exception:
            if not self.timed_out:
                raise
            self._mark_unfinished(nb, f"the notebook did not finish within {self.notebook_timeout_s:g} s")
            return nb, resources

    def _kill(self) -> None:
        self.timed_out = True
        process = getattr(getattr(getattr(self, "km", None), "provisioner", None), "process", None)
        if process is not None:
            try:
                process.kill()
            except OSError:
                pass

    def _mark_unfinished(self, nb, message: str) -> None:
        ename = TIMEOUT_ENAME if self.timed_out else DEAD_KERNEL_ENAME
        for cell in nb.cells[self.running_index:]:
            if cell.cell_type == "code":
                cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=message,
                                                       traceback=[f"{ename}: {message}"])]
