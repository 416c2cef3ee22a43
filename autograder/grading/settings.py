"""The nbgrader configuration a grading worker runs with: the course's own
``nbgrader_config.py``, and on top of it what the grader must set itself (its
private course copy, nbgrader's own pipeline with the project's steps in place
of some, bounded execution, kernels over IPC started through the sandbox
launcher). Where the grader's setting replaces one the instructor made,
``overridden`` says so, for a notice.

Only a traitlets ``Config`` is built here; nothing changes in the process
(that is ``runtime.grading_runtime``'s job).
"""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from ..errors import UnusableInput
from .feedback_exporter import FeedbackExporter
from .gradebook import gradebook_url
from .jobs import WorkerConfig


COURSE_CONFIG = "nbgrader_config.py"
# Why the grader's own value wins, for the settings an instructor is likely to have made.
WHY = {"Execute.timeout": "the bound per cell while grading: --timeout-s, at most 30 s",
       "BoundedExecute.timeout": "the bound per cell while grading: --timeout-s, at most 30 s",
       "CourseDirectory.root": "each worker grades a private copy of the course",
       "CourseDirectory.db_url": "each worker writes a private copy of the gradebook",
       "Execute.kernel_name": "learner kernels start through the grader's sandbox"}


def course_settings(path: Path) -> Config:
    """The course's own nbgrader configuration (empty when the course has none)."""
    loader = PyFileConfigLoader(path.name, path=str(path.parent))
    try:
        return loader.load_config()
    except ConfigFileNotFound:
        return Config()
    except Exception as err:  # the instructor's Python: any error at all
        raise UnusableInput(f"{path}: nbgrader could not read this configuration ({type(err).__name__}: "
                            f"{err}); fix it (nbgrader's own commands read it too) and grade again") from err


def worker_settings(config: WorkerConfig, root: Path, *, ipc_dir: Path, kernel_name: str) -> Config:
    """nbgrader's configuration for the worker whose course copy is ``root``: the course's
    own, with the grader's on top."""
    nbconfig = course_settings(root / COURSE_CONFIG)
    nbconfig.merge(grader_settings(config, root, ipc_dir=ipc_dir, kernel_name=kernel_name))
    return nbconfig


def overridden(course: Config, config: WorkerConfig) -> list[str]:
    """The notices for the course's settings that the grader replaces with its own."""
    ours = grader_settings(config, Path("/worker"), ipc_dir=Path("/worker-ipc"), kernel_name="sandboxed")
    notices = []
    for section, values in ours.items():
        for key, value in values.items():
            if section not in course or key not in course[section] or course[section][key] == value:
                continue
            name = f"{section}.{key}"
            theirs = course[section][key]
            # Paths and classes say nothing to an instructor: the reason does.
            shown = f" = {theirs!r}; grading uses {value!r}" if isinstance(value, (int, float)) else ""
            notices.append(f"{COURSE_CONFIG} of the course sets {name}{shown}: the grader's own setting replaces "
                           f"it ({WHY.get(name, 'the grader needs its own')})")
    return notices


def grader_settings(config: WorkerConfig, root: Path, *, ipc_dir: Path, kernel_name: str) -> Config:
    """What the grader sets itself, whatever the course says."""
    nbconfig = Config()
    nbconfig.CourseDirectory.root = str(root)
    nbconfig.CourseDirectory.db_url = gradebook_url(root)
    nbconfig.Autograde.sanitize_preprocessors = quick_preprocessors("sanitize_preprocessors")
    nbconfig.Autograde.autograde_preprocessors = quick_preprocessors("autograde_preprocessors")
    nbconfig.BoundedExecute.timeout = int(config.cell_timeout_s)
    nbconfig.BoundedExecute.notebook_timeout_s = config.notebook_timeout_s
    nbconfig.Execute.timeout = int(config.cell_timeout_s)
    # nbconvert validates the notebook after each preprocessor (16 times per submission);
    # once, after the last, is enough to refuse a broken one (-8 ms of CPU per submission).
    nbconfig.Exporter.optimistic_validation = True
    nbconfig.GenerateFeedback.preprocessors = feedback_preprocessors()
    nbconfig.GenerateFeedback.exporter_class = FeedbackExporter
    nbconfig.FeedbackExporter.template_cache_dir = str(root / "template-cache")
    # Kernels talk over IPC sockets in the worker's own short folder: no TCP ports, no network needed.
    nbconfig.KernelManager.transport = "ipc"
    nbconfig.KernelManager.ip = str(ipc_dir / "kernel")
    nbconfig.BoundedExecute.kernel_manager_class = "autograder.grading.kernels.GradingKernelManager"
    # The graded notebook is saved from the client's side: a kernel's own clean-up
    # (history, atexit hooks) only costs time, so it is stopped, not asked to stop.
    nbconfig.BoundedExecute.shutdown_kernel = "immediate"
    # Every kernel starts through the sandbox launcher: confined by bubblewrap where
    # possible, with CPU, memory, file-size and process limits in any case.
    nbconfig.Execute.kernel_name = kernel_name
    return nbconfig


def quick_preprocessors(step: str) -> list:
    """nbgrader's preprocessors for an autograde step, with ours in place of two of them:
    Execute bounded in time for the whole notebook, CheckCellMetadata checking its
    schema once."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import CheckCellMetadata, Execute

    from .cell_metadata import CheckCellMetadataOnce
    from .execute import BoundedExecute

    ours = {Execute: BoundedExecute, CheckCellMetadata: CheckCellMetadataOnce}
    return [ours.get(each, each) for each in Autograde.class_traits()[step].default()]


def feedback_preprocessors() -> list:
    from nbgrader.converters import GenerateFeedback

    from .conceal import ConcealHiddenTests

    return [ConcealHiddenTests, *GenerateFeedback.class_traits()["preprocessors"].default()]
