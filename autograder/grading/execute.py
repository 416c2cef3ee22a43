"""nbgrader's Execute with a bound on the whole notebook, not only per cell.

When the bound passes, the kernel is killed; every code cell that did not run
gets an error output, so nbgrader scores its tests 0 instead of full marks for
a cell without errors.
"""

from __future__ import annotations

import threading

import nbformat
from nbgrader.preprocessors import Execute
from traitlets import Float

TIMEOUT_ENAME = "NotebookTimeout"


class BoundedExecute(Execute):
    notebook_timeout_s = Float(120.0, help="bound on executing the whole notebook").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self.timed_out = False
        timer = threading.Timer(self.notebook_timeout_s, self._kill)
        timer.daemon = True
        timer.start()
        try:
            return super().preprocess(nb, resources, km)
        except Exception:
            if not self.timed_out:
                raise
            self._mark_unfinished(nb)
            return nb, resources
        finally:
            timer.cancel()

    def _kill(self) -> None:
        self.timed_out = True
        process = getattr(getattr(getattr(self, "km", None), "provisioner", None), "process", None)
        if process is not None:
            try:
                process.kill()
            except OSError:
                pass

    def _mark_unfinished(self, nb) -> None:
        message = f"the notebook did not finish within {self.notebook_timeout_s:g} s"
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.get("execution_count") is None:
                cell.outputs = [nbformat.v4.new_output("error", ename=TIMEOUT_ENAME, evalue=message,
                                                       traceback=[f"{TIMEOUT_ENAME}: {message}"])]
