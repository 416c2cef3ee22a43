"""The nbgrader configuration a grading worker runs with: its private course copy,
nbgrader's own pipeline with the project's steps in place of some, bounded
execution, kernels over IPC started through the sandbox launcher.

Only a traitlets ``Config`` is built here; nothing changes in the process
(that is ``runtime.grading_runtime``'s job).
"""

from __future__ import annotations

from pathlib import Path

from traitlets.config import Config

from .feedback_exporter import FeedbackExporter
from .gradebook import gradebook_url
from .jobs import WorkerConfig


def worker_settings(config: WorkerConfig, root: Path, *, kernel_name: str) -> Config:
    """nbgrader's configuration for the worker whose course copy is ``root``."""
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
    # Kernels talk over IPC sockets in the worker's folder: no TCP ports, no network needed.
    nbconfig.KernelManager.transport = "ipc"
    nbconfig.KernelManager.ip = str(root / "ipc" / "kernel")
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
