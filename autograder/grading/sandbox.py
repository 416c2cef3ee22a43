"""Running learner code confined, where the OS allows it: the grader's side of the launcher.

With bubblewrap (Debian's ``bubblewrap``), learner kernels and re-checks run
with no network, no capabilities, limits on CPU time, memory, file size and
processes, and a file system of their own: the read-only runtime (system
folders, the interpreter, the venv, this package) and their own writable folder,
nothing else of the machine (no submissions, course, outputs, other kernels'
folders). Without it, grading still works, unconfined, and says so.

Every process that runs learner code starts through one launcher (``launcher``):
a sandboxed kernelspec's kernels (``install_kernelspec``), a worker's kernel
template (``sandbox_launcher("forks")``) and a re-check's process (``launch``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from . import launcher
from .launcher import DEFAULT_POLICY, POLICY_ENV

KERNEL_NAME = "identify-lab-sandboxed"
UNCONFINED_WARNING = ("no sandbox available (bubblewrap missing or not permitted): learner code runs unconfined, "
                      "with the grader's rights")


@dataclass
class Policy:
    hidden: list[str] = field(default_factory=list)  # empty even where they lie inside the runtime
    readable: list[str] = field(default_factory=list)  # shown read-only, besides the runtime
    writable: list[str] = field(default_factory=list)  # besides the working folder
    cpu_s: int = DEFAULT_POLICY["cpu_s"]
    memory_bytes: int = DEFAULT_POLICY["memory_bytes"]
    file_bytes: int = DEFAULT_POLICY["file_bytes"]
    extra_processes: int = DEFAULT_POLICY["extra_processes"]
    # False: limits only, even where bubblewrap works. True: in bubblewrap, or not at all (the launcher
    # takes the grader's word that it works: ``launch`` and the grading runtime ask only where it does).
    confine: bool = True

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls) -> "Policy":
        return cls(**launcher.policy_from_env())


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


def sandbox_launcher(mode: str) -> list[str]:
    """The command that runs what follows it confined: ``[*sandbox_launcher("kernel"), CMD...]``."""
    # The launcher needs only the standard library: run as a file, without site-packages
    # (-S), it starts in half the time.
    return [sys.executable, "-I", "-S", str(Path(launcher.__file__).resolve()), mode, "--"]


def launch(command: list[str], *, policy: Policy, env: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    """The argv and environment that run ``command`` through the launcher, confined by
    ``policy`` where bubblewrap works (else with its limits only). The command gets ``env`` only."""
    policy = dataclasses.replace(policy, confine=policy.confine and sandbox_available())
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


def install_kernelspec(folder: Path) -> str:
    """A kernelspec (in ``folder``/kernels) whose kernels start through the launcher."""
    spec = folder / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True, exist_ok=True)
    argv = [*sandbox_launcher("kernel"), sys.executable, "-c", KERNEL_MAIN, "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "Python 3 (sandboxed)",
                                                  "language": "python"}))
    return KERNEL_NAME
