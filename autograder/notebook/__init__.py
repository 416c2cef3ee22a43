"""What learners use inside Jupyter: the ``%%identify_snippet`` cell magic, the
live shop with its inspector, the "Check my work" button, the crowd simulation,
and the helpers the graded cells call. Load with ``%load_ext autograder.notebook``.

Importing this package stays light (no browser, no widgets): the graded cells
import ``autograder.notebook.grading`` in kernels that never draw anything.
"""


def load_ipython_extension(ipython) -> None:
    from . import guard, progress
    from .magic import identify_snippet

    ipython.register_magic_function(identify_snippet, magic_kind="cell", magic_name="identify_snippet")
    guard.install(ipython)
    progress.install(ipython)


def unload_ipython_extension(ipython) -> None:
    from . import guard, progress

    guard.uninstall(ipython)
    progress.uninstall(ipython)
