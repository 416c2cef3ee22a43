"""The launcher every process that runs learner code starts through.

``python -I -S .../launcher.py MODE -- CMD...`` reads the policy (what to hide, what
may be written, the limits; ``sandbox.Policy``) from the environment, sets the limits
on itself (bubblewrap and the command inherit them), then execs bubblewrap, or the
command itself where the policy does not confine. Modes: ``kernel``, a sandboxed
kernelspec's kernel (``sandbox.install_kernelspec``); ``forks``, a grading worker's
kernel template (``kernel_forks``), whose kernels set their own CPU and process
limits; ``run``, any other command (a re-check's process, ``sandbox.launch``).

The limits are set here, in a process of its own with a single thread, never by a
``preexec_fn`` in the grader, whose threads make Python code between fork and exec
unsafe. Run as a file, without site-packages, importing only a few modules of the
standard library: it starts in a third of the time the grading package's modules
would take, and a re-check starts one per submission.
"""

from __future__ import annotations

import json
import os
import resource
import sys

POLICY_ENV = "AUTOGRADER_SANDBOX_POLICY"
OWN_PID_NAMESPACE_ENV = "AUTOGRADER_OWN_PID_NAMESPACE"  # "1": confined in a PID namespace of its own
DEFAULT_POLICY = {"hidden": [], "readable": [], "writable": [], "cpu_s": 60, "memory_bytes": 1536 * 1024 * 1024,
                  "file_bytes": 64 * 1024 * 1024, "extra_processes": 256, "confine": True}
MODES = ("kernel", "forks", "run")
# The system's read-only runtime: everything a Python kernel needs that is not the
# interpreter's own folders (added by ``runtime_paths``).
SYSTEM_PATHS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
BWRAP = "bwrap"


def policy_from_env() -> dict:
    raw = os.environ.get(POLICY_ENV)
    return {**DEFAULT_POLICY, **(json.loads(raw) if raw else {})}


def runtime_paths() -> list[str]:
    """The folders a kernel reads: the system's, the interpreter's, the venv's and this package's.
    Nothing else of the machine (the submissions, wherever they lie, the course, the outputs) exists
    in the sandbox."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # autograder/, wherever it is installed
    venv = os.path.dirname(os.path.dirname(sys.executable))  # sys.prefix is not the venv in the launcher (python -S)
    paths = [*SYSTEM_PATHS, sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
             *([venv] if os.path.exists(os.path.join(venv, "pyvenv.cfg")) else []),
             os.path.dirname(os.path.dirname(os.path.realpath(sys.executable))), package]
    return list(dict.fromkeys(os.path.abspath(path) for path in paths))


def _inside(path: str, folders: list[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


def bwrap_argv(command: list[str], *, workdir: str, policy: dict) -> list[str]:
    argv = [BWRAP, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--unshare-user", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    # An allow-list, not a deny-list: the root is an empty file system of bubblewrap's own, and
    # only the runtime, the working folder and the policy's folders are shown in it. Folders of the
    # batch the grader does not know about (the submissions given on the command line, a zip's
    # extraction folder, another worker's files) are then absent too, not only the ones it hides.
    runtime = runtime_paths()
    for path in runtime:
        if path in SYSTEM_PATHS and os.path.islink(path):  # merged /usr: /lib -> usr/lib
            argv += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):  # where it really is, and under the name it is known by (a venv behind a link)
            real = os.path.realpath(path)
            argv += ["--ro-bind", real, real] + (["--ro-bind", real, path] if real != path else [])
    argv += ["--dev", "/dev", "--proc", "/proc", "--dir", "/tmp"]
    for path in policy["hidden"]:  # in case the course or the outputs lie inside the runtime (a venv in the course)
        if os.path.isdir(path) and _inside(os.path.realpath(path), [os.path.realpath(p) for p in runtime] + runtime):
            argv += ["--tmpfs", path]
    for path in policy["readable"]:
        if os.path.exists(path):
            argv += ["--ro-bind", path, path]
    for path in [workdir, *policy["writable"]]:
        if os.path.exists(path):
            argv += ["--bind", path, path]
    tmp = os.path.join(workdir, ".tmp")
    os.makedirs(tmp, exist_ok=True)
    # The root (and /tmp in it) read-only: what a kernel writes is in its own folder, which the
    # grader removes; a kernel template's kernels share this root, so nothing may linger in it.
    argv += ["--remount-ro", "/", "--chdir", workdir, "--setenv", "TMPDIR", tmp]
    return [*argv, "--", *command]


def _processes() -> int:
    return sum(1 for entry in os.listdir("/proc") if entry.isdigit())


def rlimits(policy: dict) -> list[tuple[int, tuple[int, int]]]:
    """The limits for a confined command, set before it starts (they pass to its children)."""
    # Processes are counted per user across the machine: allow what runs now plus a
    # margin, so a fork bomb stops there.
    processes = _processes() + policy["extra_processes"]
    return [(resource.RLIMIT_CPU, (policy["cpu_s"], policy["cpu_s"] + 5)),
            (resource.RLIMIT_AS, (policy["memory_bytes"], policy["memory_bytes"])),
            (resource.RLIMIT_FSIZE, (policy["file_bytes"], policy["file_bytes"])),
            (resource.RLIMIT_NPROC, (processes, processes))]


def apply_limits(limits: list[tuple[int, tuple[int, int]]], *, lower_only: bool = False) -> None:
    """Set the limits. ``lower_only``: never above the limits already set (a process
    without privileges cannot raise them)."""
    for which, values in limits:
        if lower_only:
            _, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                values = (min(values[0], hard), min(values[1], hard))
        resource.setrlimit(which, values)


def prepare_kernel_folder(folder: str) -> None:
    """A kernel's environment for its folder: IPython, matplotlib and friends write caches
    under HOME, and temporary files go to TMPDIR: both inside the kernel's own folder."""
    home, tmp = os.path.join(folder, ".home"), os.path.join(folder, ".tmp")
    os.makedirs(home, exist_ok=True)
    os.makedirs(tmp, exist_ok=True)
    os.environ.update(HOME=home, IPYTHONDIR=os.path.join(home, ".ipython"), MPLCONFIGDIR=os.path.join(home, ".mpl"),
                      TMPDIR=tmp)


def main(argv: list[str]) -> None:
    mode, command = argv[0], argv[argv.index("--") + 1:]
    if mode not in MODES:
        sys.exit(f"sandbox launcher: unknown mode {mode!r} (expected one of {', '.join(MODES)})")
    policy, workdir = policy_from_env(), os.getcwd()
    if mode == "kernel":
        prepare_kernel_folder(workdir)
    if mode != "run" and "-f" in command:
        connection_file = command[command.index("-f") + 1]
        if not os.path.exists(connection_file):
            # A kernel without its file would invent one nobody can reach: fail now, visibly.
            sys.exit(f"kernel launcher: connection file {connection_file} is missing")
        # Its own connection file, read-only: the folder it lies in holds other kernels' keys.
        policy["readable"] = [*policy["readable"], os.path.abspath(connection_file)]
    limits = rlimits(policy)
    if mode == "forks":
        # The template lives for the whole batch: CPU time and the process count (counted across
        # the machine, so stale by the next kernel) are bounded in each kernel it forks, afresh.
        limits = [(which, values) for which, values in limits
                  if which not in (resource.RLIMIT_CPU, resource.RLIMIT_NPROC)]
    apply_limits(limits)
    os.environ.pop(OWN_PID_NAMESPACE_ENV, None)
    # The grader asks for confinement only where bubblewrap works (``sandbox.sandbox_available``);
    # should it fail all the same, the command does not start, rather than start unconfined.
    confine = policy["confine"]
    if mode == "run":  # the command gets the environment it was given, not the launcher's instructions
        os.environ.pop(POLICY_ENV, None)
    elif confine:
        # The parent's PID means nothing inside a new PID namespace; "1" tells ipykernel
        # there is no parent to watch (nor a terminal to greet): bubblewrap ends the kernel
        # with its parent. Unconfined, the kernel keeps watching its parent and quits when it dies.
        os.environ["JPY_PARENT_PID"] = "1"
        os.environ[OWN_PID_NAMESPACE_ENV] = "1"
    if confine:
        command = bwrap_argv(command, workdir=workdir, policy=policy)
    try:
        os.execvp(command[0], command)
    except OSError as err:  # e.g. bubblewrap gone since the grader looked: say so where the grader logs
        sys.exit(f"sandbox launcher: cannot start {command[0]}: {err}")


if __name__ == "__main__":
    main(sys.argv[1:])
