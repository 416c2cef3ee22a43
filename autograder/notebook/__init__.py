"""What learners use inside Jupyter: the ``%%identify_snippet`` cell magic, the
shop with its inspector, the "Check my work" button, the crowd simulation, and
the helpers the graded cells call. Load with ``%load_ext autograder.notebook``."""


def load_ipython_extension(ipython) -> None:
    from .magic import identify_snippet

    ipython.register_magic_function(identify_snippet, magic_kind="cell", magic_name="identify_snippet")
