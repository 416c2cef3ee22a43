"""Everything a grading worker changes in its process, in one context manager.

A worker needs process-wide state that nbgrader and jupyter_client offer no other
way to reach: environment variables (where kernelspecs are, the sandbox's policy,
where the trusted verdicts are), the gradebook engines nbgrader makes
(``engines.shared_engines``), class attributes its kernels are started through
(the kernel template, the reserve of started kernels), warning filters and the
garbage collector's frozen start-up objects. ``grading_runtime`` installs all of
it and undoes all of it on the way out, so a process can grade one course after
another (a Dask worker) and leaves as it was found.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import warnings
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from nbgrader.apps.api import NbGraderAPI
from nbgrader.coursedir import CourseDirectory

from .engines import shared_engines
from .execute import BoundedExecute
from .jobs import WorkerConfig
from .kernel_forks import ForkingProvisioner, KernelForkError, KernelTemplate
from .kernels import KernelReserve
from .sandbox import POLICY_ENV, Policy, install_kernelspec, sandbox_available
from .settings import worker_settings
from .trusted import TRUSTED_REPORTS_ENV


@dataclass
class Runtime:
    """What a worker grades with, valid inside ``grading_runtime``."""
    root: Path  # the worker's private copy of the course
    reports_dir: str
    api: NbGraderAPI
    kernels: KernelReserve
    sandboxed: bool
    recheck_policy: Policy


@contextmanager
def grading_runtime(config: WorkerConfig) -> Iterator[Runtime]:
    with ExitStack() as stack:
        work_dir = Path(config.work_dir or tempfile.mkdtemp(prefix="identify-lab-grader-"))
        root = _course_copy(config, work_dir / f"worker-{os.getpid()}")
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        reports_dir = config.reports_dir or str(work_dir / "check-reports")
        # Made now: the sandbox shows kernels only folders that exist when it starts.
        Path(reports_dir).mkdir(parents=True, exist_ok=True)
        # Kernels' sockets: a Unix socket's path may not pass 107 bytes, which a deep --out would
        # (kernels then never answer), so they live in a short folder of their own.
        ipc_dir = Path(tempfile.mkdtemp(prefix="il-ipc-", dir="/tmp" if os.path.isdir("/tmp") else None))
        stack.callback(shutil.rmtree, ipc_dir, ignore_errors=True)
        stack.enter_context(_quiet())
        stack.enter_context(shared_engines())
        sandboxed = config.sandbox and sandbox_available()
        nbconfig = worker_settings(config, root, ipc_dir=ipc_dir, kernel_name=install_kernelspec(root))
        policy = Policy(hidden=[*config.hidden], writable=[str(ipc_dir)],
                        cpu_s=int(config.notebook_timeout_s) + 5, confine=sandboxed)
        stack.enter_context(_environment({
            "JUPYTER_PATH": os.pathsep.join(filter(None, [str(root), os.environ.get("JUPYTER_PATH")])),
            POLICY_ENV: policy.to_env(),
        }))
        # Kernels are forked from a template that imported ipykernel once (else started the usual way);
        # the template is made first, so that it is closed last, after the reserve's kernel.
        stack.enter_context(_kernel_template(root))
        # Not in kernels/, where the kernelspec is: a kernel's slot is emptied and writable by learner code.
        kernels = KernelReserve(root / "kernel-slot", nbconfig.Execute.kernel_name, nbconfig)
        stack.callback(kernels.close)
        stack.enter_context(_class_attribute(BoundedExecute, "reserve", kernels))
        # Only now: the kernel template inherits this process's environment, and must not see
        # every learner's verdicts (each kernel gets its own learner's, see KernelReserve).
        stack.enter_context(_environment({TRUSTED_REPORTS_ENV: reports_dir}))
        api = NbGraderAPI(coursedir=CourseDirectory(config=nbconfig), config=nbconfig)
        recheck_policy = Policy(hidden=[*config.hidden], confine=sandboxed)  # CPU: the re-check's bound
        stack.enter_context(_frozen_start_up())
        yield Runtime(root=root, reports_dir=reports_dir, api=api, kernels=kernels, sandboxed=sandboxed,
                      recheck_policy=recheck_policy)


def _course_copy(config: WorkerConfig, root: Path) -> Path:
    if root.exists():
        shutil.rmtree(root)
    for relative, data in config.course_files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _class_attribute(owner: type, name: str, value) -> Iterator[None]:
    before = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, before)


@contextmanager
def _kernel_template(root: Path) -> Iterator[None]:
    """The worker's kernel template, as ``ForkingProvisioner.template``; whichever template is
    there at the end (the reserve rebuilds one that died) is closed."""
    before = ForkingProvisioner.template
    try:
        ForkingProvisioner.template = KernelTemplate(root / "kernel-slot", log=root / "kernel-template.log")
    except KernelForkError:
        ForkingProvisioner.template = None
    try:
        yield
    finally:
        if ForkingProvisioner.template is not None and ForkingProvisioner.template is not before:
            ForkingProvisioner.template.close()
        ForkingProvisioner.template = before


@contextmanager
def _quiet() -> Iterator[None]:
    """nbgrader's models trip a harmless SQLAlchemy warning on every submission, and
    nbformat warns at every read of a notebook with repeated cell ids (the result's
    reason says so once)."""
    from nbformat.warnings import DuplicateCellId
    from sqlalchemy.exc import SAWarning

    with warnings.catch_warnings():  # the filters as they were, afterwards
        warnings.filterwarnings("ignore", category=SAWarning)
        warnings.filterwarnings("ignore", category=DuplicateCellId)
        yield


@contextmanager
def _frozen_start_up() -> Iterator[None]:
    """The 300,000 objects a worker holds after start-up (modules, nbgrader, the
    course) live as long as it does: the garbage collector stops scanning them while
    grading (a third less GC time; the pool's worker freezes again at its exit, see
    ``entry``). Only when nothing else froze objects before:
    unfreezing afterwards would thaw theirs too."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
