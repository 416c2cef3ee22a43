"""nbgrader's Execute with a bound on the whole notebook, not only per cell.

When the bound passes, the kernel is killed; the cell that was running and
every code cell after it get an error output, so nbgrader scores their tests 0
instead of full marks for a cell without errors.

A forked kernel dies with the worker's kernel template (its parent). When the
template died during a notebook, the worker's state is damaged, not necessarily
by this learner: the reserve rebuilds the template and the notebook runs once
more, from the start, in a new kernel. What happened goes into the executed
notebook's metadata (``run_notes``), for the reason.
"""

from __future__ import annotations

import copy
import json
import threading

import nbformat
from nbclient.exceptions import DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets import Float

from .kernel_forks import ForkedKernel, ForkingProvisioner
from .kernels import KernelReserve

TIMEOUT_ENAME = "NotebookTimeout"
DEAD_KERNEL_ENAME = "KernelDied"
TEMPLATE_DIED_ENAME = "KernelTemplateDied"
NOTES_KEY = "autograder_run_notes"
TEMPLATE_DIED = "the worker's kernel template (the kernel's parent process) died while this notebook ran"


def run_notes(text: str) -> list[str]:
    """What went wrong with the worker while it ran the notebook (its executed JSON text)."""
    try:
        notes = json.loads(text).get("metadata", {}).get(NOTES_KEY, [])
    except (ValueError, AttributeError):
        return []
    return [note for note in notes if isinstance(note, str)] if isinstance(notes, list) else []


class BoundedExecute(Execute):
    notebook_timeout_s = Float(120.0, help="bound on executing the whole notebook").tag(config=True)
    # Set by a grading worker: notebooks run in kernels it started ahead, and each
    # notebook's end starts the next one.
    reserve: KernelReserve | None = None

    def preprocess_cell(self, cell, resources, index):
        self.running_index = index  # the cell a kill would interrupt
        return super().preprocess_cell(cell, resources, index)

    def preprocess(self, nb, resources=None, km=None):
        if km is not None or self.reserve is None:
            return self._run(nb, resources, km, None)
        original = copy.deepcopy(nb)
        nb, resources = self._run(nb, resources, None, self.reserve)
        if not self.template_died:
            return nb, resources
        first = self.running_index
        nb, resources = self._run(copy.deepcopy(original), resources, None, self.reserve)
        if self.template_died:
            note = (f"{TEMPLATE_DIED}, at cell {first + 1}, and again when graded a second time with a new one: "
                    "the code ends the processes around it or uses too much memory; points for what ran")
        else:
            note = f"{TEMPLATE_DIED}, at cell {first + 1}; it was rebuilt and the notebook graded again"
        nb.metadata[NOTES_KEY] = [note]
        return nb, resources

    def _run(self, nb, resources, km, reserve: KernelReserve | None):
        self.timed_out = self.template_died = False
        self.running_index = 0
        reserved = None
        if reserve is not None:
            files_from = ((resources or {}).get("metadata") or {}).get("path")
            reserved = reserve.take(files_from)
            if reserved is None:  # a worker's first notebook: its kernel starts now, the same way
                reserve.start_next()
                reserved = reserve.take(files_from)
            if reserved is not None:
                km = reserved[0]
        self._forked = isinstance(getattr(getattr(km, "provisioner", None), "process", None), ForkedKernel)
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
            if reserve is not None:
                reserve.start_next()

    def _execute(self, nb, resources, km):
        try:
            return super().preprocess(nb, resources, km)
        except DeadKernelError:
            # killed by our timer, or died by itself (os._exit, out of memory): grade what ran
            self.template_died = not self.timed_out and self._forked and self._template_died()
            reason = (f"the notebook did not finish within {self.notebook_timeout_s:g} s" if self.timed_out
                      else TEMPLATE_DIED if self.template_died
                      else "the kernel died (the code crashed it or used too much memory)")
            self._mark_unfinished(nb, reason)
            return nb, resources
        except Exception:
            if not self.timed_out:
                raise
            self._mark_unfinished(nb, f"the notebook did not finish within {self.notebook_timeout_s:g} s")
            return nb, resources

    @staticmethod
    def _template_died() -> bool:
        template = ForkingProvisioner.template
        if template is None:
            return False
        try:  # its sandbox ends a moment after it
            template.process.wait(timeout=2)
        except Exception:
            return False
        return True

    def _kill(self) -> None:
        self.timed_out = True
        process = getattr(getattr(getattr(self, "km", None), "provisioner", None), "process", None)
        if process is not None:
            try:
                process.kill()
            except OSError:
                pass

    def _mark_unfinished(self, nb, message: str) -> None:
        ename = TIMEOUT_ENAME if self.timed_out else TEMPLATE_DIED_ENAME if self.template_died else DEAD_KERNEL_ENAME
        for cell in nb.cells[self.running_index:]:
            if cell.cell_type == "code":
                cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=message,
                                                       traceback=[f"{ename}: {message}"])]
