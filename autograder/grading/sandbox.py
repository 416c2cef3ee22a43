"""Running learner code confined, where the OS allows it.

With bubblewrap (Debian's ``bubblewrap``), learner kernels and re-checks run
with no network, no capabilities, limits on CPU time, memory, file size and
processes, and a file system of their own: the read-only runtime (system
folders, the interpreter, the venv, this package) and their own writable folder,
nothing else of the machine (no submissions, course, outputs, other kernels'
folders). Without it, grading still works, unconfined, and says so.

``python -I -S .../sandbox.py kernel -- CMD...`` is the launcher a sandboxed
kernelspec uses (``install_kernelspec``): it reads what to hide and what may be written from
the environment and the kernel's working folder, sets the limits on itself
(bubblewrap and the kernel inherit them), then execs bubblewrap. ``forks`` mode
starts a grading worker's kernel template the same way (``kernel_forks``), and
``run`` mode any other command that runs learner code (a re-check's process,
``launch``). Every learner process starts through it: the limits are set by the
launcher on itself, never by a ``preexec_fn`` in the grader, whose threads make
code between fork and exec unsafe.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

POLICY_ENV = "AUTOGRADER_SANDBOX_POLICY"
OWN_PID_NAMESPACE_ENV = "AUTOGRADER_OWN_PID_NAMESPACE"  # "1": confined in a PID namespace of its own
KERNEL_NAME = "identify-lab-sandboxed"
UNCONFINED_WARNING = ("no sandbox available (bubblewrap missing or not permitted): learner code runs unconfined, "
                      "with the grader's rights")


@dataclass
class Policy:
    hidden: list[str] = field(default_factory=list)  # empty even where they lie inside the runtime
    readable: list[str] = field(default_factory=list)  # shown read-only, besides the runtime
    writable: list[str] = field(default_factory=list)  # besides the working folder
    cpu_s: int = 60
    memory_bytes: int = 1536 * 1024 * 1024
    file_bytes: int = 64 * 1024 * 1024
    extra_processes: int = 256
    confine: bool = True  # False: limits only, even where bubblewrap works

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> "Policy":
        raw = os.environ.get(POLICY_ENV)
        return cls(**json.loads(raw)) if raw else cls()


@lru_cache(maxsize=1)
def sandbox_available() -> bool:
    """bubblewrap is installed and allowed to make namespaces here."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    probe = [bwrap, "--ro-bind", "/", "/", "--unshare-net", "--unshare-user", "--die-with-parent", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


# The system's read-only runtime: everything a Python kernel needs that is not the
# interpreter's own folders (added by ``runtime_paths``).
SYSTEM_PATHS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")


def runtime_paths() -> list[str]:
    """The folders a kernel reads: the system's, the interpreter's, the venv's and this package's.
    Nothing else of the machine (the submissions, wherever they lie, the course, the outputs) exists
    in the sandbox."""
    package = Path(__file__).resolve().parents[1]  # autograder/, wherever it is installed
    venv = Path(sys.executable).parent.parent  # sys.prefix is not the venv in the launcher (python -S)
    paths = [*SYSTEM_PATHS, sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix,
             *([str(venv)] if (venv / "pyvenv.cfg").exists() else []),
             str(Path(sys.executable).resolve().parent.parent), str(package)]
    return list(dict.fromkeys(os.path.abspath(path) for path in paths))


def _inside(path: str, folders: list[str]) -> bool:
    return any(path == folder or path.startswith(folder.rstrip("/") + "/") for folder in folders)


def bwrap_argv(command: list[str], *, workdir: Path, policy: Policy) -> list[str]:
    argv = [shutil.which("bwrap") or "bwrap", "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
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
    for path in policy.hidden:  # in case the course or the outputs lie inside the runtime (a venv in the course)
        if Path(path).is_dir() and _inside(os.path.realpath(path), [os.path.realpath(p) for p in runtime] + runtime):
            argv += ["--tmpfs", path]
    for path in policy.readable:
        if Path(path).exists():
            argv += ["--ro-bind", path, path]
    for path in [str(workdir), *policy.writable]:
        if Path(path).exists():
            argv += ["--bind", path, path]
    tmp = workdir / ".tmp"
    tmp.mkdir(exist_ok=True)
    # The root (and /tmp in it) read-only: what a kernel writes is in its own folder, which the
    # grader removes; a kernel template's kernels share this root, so nothing may linger in it.
    argv += ["--remount-ro", "/", "--chdir", str(workdir), "--setenv", "TMPDIR", str(tmp)]
    return [*argv, "--", *command]


def _processes() -> int:
    return sum(1 for entry in os.listdir("/proc") if entry.isdigit())


def rlimits(policy: Policy) -> list[tuple[int, tuple[int, int]]]:
    """The limits for a confined command, set before it starts (they pass to its children)."""
    # Processes are counted per user across the machine: allow what runs now plus a
    # margin, so a fork bomb stops there.
    processes = _processes() + policy.extra_processes
    return [(resource.RLIMIT_CPU, (policy.cpu_s, policy.cpu_s + 5)),
            (resource.RLIMIT_AS, (policy.memory_bytes, policy.memory_bytes)),
            (resource.RLIMIT_FSIZE, (policy.file_bytes, policy.file_bytes)),
            (resource.RLIMIT_NPROC, (processes, processes))]


def apply_limits(limits: list[tuple[int, tuple[int, int]]], *, lower_only: bool = False) -> None:
    """Set the limits. ``lower_only``: never above the limits already set (a process
    without privileges cannot raise them)."""
    # Only system calls: safe between fork and exec, even in a process with threads.
    for which, values in limits:
        if lower_only:
            _, hard = resource.getrlimit(which)
            if hard != resource.RLIM_INFINITY:
                values = (min(values[0], hard), min(values[1], hard))
        resource.setrlimit(which, values)


def launch(command: list[str], *, policy: Policy, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The argv and environment that run ``command`` through the launcher, confined by
    ``policy`` where possible (else with its limits only). The command gets ``env`` only."""
    return [*sandbox_launcher("run"), *command], {**env, POLICY_ENV: policy.to_env()}


def run_confined(command: list[str], *, workdir: Path, policy: Policy, timeout_s: float,
                 env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run a command through the launcher, bounded in time."""
    argv, full_env = launch(command, policy=policy, env=dict(os.environ if env is None else env))
    return subprocess.run(argv, cwd=workdir, env=full_env, capture_output=True, text=True, timeout=timeout_s,
                          input=input)


# ipykernel_launcher's own lines, after making debugpy unimportable: ipykernel then
# starts without its debugger (nobody debugs a kernel that grades), and without
# importing debugpy, a fifth of a kernel's start-up.
KERNEL_MAIN = ("import sys\nif sys.path[0] == '': del sys.path[0]\nsys.modules['debugpy'] = None\n"
               "from ipykernel import kernelapp\nkernelapp.launch_new_instance()")


def sandbox_launcher(mode: str) -> list[str]:
    """The command that runs what follows it confined: ``[*sandbox_launcher("kernel"), CMD...]``."""
    # The launcher needs only the standard library: run as a file, without site-packages
    # (-S), it starts in half the time.
    return [sys.executable, "-I", "-S", str(Path(__file__).resolve()), mode, "--"]


def install_kernelspec(folder: Path) -> str:
    """A kernelspec (in ``folder``/kernels) whose kernels start through this launcher."""
    spec = folder / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    argv = [*sandbox_launcher("kernel"), sys.executable, "-c", KERNEL_MAIN, "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "Python 3 (sandboxed)",
                                                  "language": "python"}))
    return KERNEL_NAME


def prepare_kernel_folder(folder: Path) -> None:
    """A kernel's environment for its folder: IPython, matplotlib and friends write caches
    under HOME, and temporary files go to TMPDIR: both inside the kernel's own folder."""
    home, tmp = folder / ".home", folder / ".tmp"
    home.mkdir(exist_ok=True)
    tmp.mkdir(exist_ok=True)
    os.environ.update(HOME=str(home), IPYTHONDIR=str(home / ".ipython"), MPLCONFIGDIR=str(home / ".mpl"),
                      TMPDIR=str(tmp))


LAUNCHER_MODES = ("kernel", "forks", "run")


def main(argv: list[str]) -> None:
    """``kernel -- CMD...``: start a kernel confined, in the current folder.
    ``forks -- CMD...``: start a kernel template so (its kernels set their own limits).
    ``run -- CMD...``: run any other command confined, in the current folder."""
    mode, command = argv[0], argv[argv.index("--") + 1:]
    if mode not in LAUNCHER_MODES:
        sys.exit(f"sandbox launcher: unknown mode {mode!r} (expected one of {', '.join(LAUNCHER_MODES)})")
    policy = Policy.from_env()
    if mode == "kernel":
        prepare_kernel_folder(Path.cwd())
    if mode != "run" and "-f" in command:
        connection_file = command[command.index("-f") + 1]
        if not Path(connection_file).exists():
            # A kernel without its file would invent one nobody can reach: fail now, visibly.
            sys.exit(f"kernel launcher: connection file {connection_file} is missing")
        # Its own connection file, read-only: the folder it lies in holds other kernels' keys.
        policy.readable.append(os.path.abspath(connection_file))
    limits = rlimits(policy)
    if mode == "forks":
        # The template lives for the whole batch: CPU time and the process count (counted across
        # the machine, so stale by the next kernel) are bounded in each kernel it forks, afresh.
        limits = [(which, values) for which, values in limits
                  if which not in (resource.RLIMIT_CPU, resource.RLIMIT_NPROC)]
    apply_limits(limits)
    os.environ.pop(OWN_PID_NAMESPACE_ENV, None)
    confine = policy.confine and sandbox_available()
    if mode == "run":  # the command gets the environment it was given, not the launcher's instructions
        os.environ.pop(POLICY_ENV, None)
    elif confine:
        # The parent's PID means nothing inside a new PID namespace; "1" tells ipykernel
        # there is no parent to watch (nor a terminal to greet): bubblewrap ends the kernel
        # with its parent. Unconfined, the kernel keeps watching its parent and quits when it dies.
        os.environ["JPY_PARENT_PID"] = "1"
        os.environ[OWN_PID_NAMESPACE_ENV] = "1"
    if confine:
        command = bwrap_argv(command, workdir=Path.cwd(), policy=policy)
    os.execvp(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
