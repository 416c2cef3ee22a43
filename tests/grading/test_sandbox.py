"""Learner code runs under the policy's limits, in a kernel and in a re-check,
confined or not."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager

import autograder
from autograder.grading.sandbox import (POLICY_ENV, Policy, install_kernelspec, run_confined, sandbox_available,
                                        sandbox_launcher)

POLICY = dict(cpu_s=17, memory_bytes=900 * 2**20, file_bytes=3 * 2**20)
READ_LIMITS = ("import resource, json; print(json.dumps([resource.getrlimit(r)[0] for r in "
               "(resource.RLIMIT_CPU, resource.RLIMIT_AS, resource.RLIMIT_FSIZE)]))")
CONFINED = [pytest.param(True, marks=pytest.mark.skipif(not sandbox_available(), reason="needs bubblewrap")), False]


@pytest.mark.parametrize("confine", CONFINED)
def test_a_confined_command_runs_under_the_limits(tmp_path, confine):
    done = run_confined([sys.executable, "-c", READ_LIMITS], workdir=tmp_path,
                        policy=Policy(**POLICY, confine=confine), timeout_s=30)
    assert json.loads(done.stdout) == [POLICY["cpu_s"], POLICY["memory_bytes"], POLICY["file_bytes"]], done.stderr


@pytest.mark.parametrize("confine", CONFINED)
def test_a_kernel_runs_under_the_limits_in_its_own_folder(tmp_path, monkeypatch, confine):
    name = install_kernelspec(tmp_path)
    work, ipc = tmp_path / "work", tmp_path / "ipc"
    work.mkdir()
    ipc.mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    # As in a grading worker: no network in the sandbox, so the kernel talks over sockets in a folder.
    monkeypatch.setenv(POLICY_ENV, Policy(**POLICY, writable=[str(ipc)], confine=confine).to_env())
    km = KernelManager(kernel_name=name, transport="ipc", ip=str(ipc / "kernel"))
    km.start_kernel(cwd=str(work))
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        seen = []
        kc.execute_interactive(READ_LIMITS + "; import os; print(os.getcwd()); print(os.environ.get('JPY_PARENT_PID'))",
                               timeout=30,
                               output_hook=lambda msg: seen.append(msg["content"]["text"] if msg["content"].get("name") == "stdout" else ""))
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    limits, cwd, parent = "".join(seen).splitlines()
    assert json.loads(limits) == [POLICY["cpu_s"], POLICY["memory_bytes"], POLICY["file_bytes"]]
    assert cwd == str(work)
    # Unconfined, the kernel watches the grader's process and quits with it; confined, bubblewrap
    # ends it with its parent (a PID from outside its PID namespace would mean nothing there).
    assert parent == ("1" if confine else str(os.getpid()))


@pytest.mark.skipif(not sandbox_available(), reason="needs bubblewrap")
def test_a_confined_command_sees_the_runtime_and_its_folder_only(tmp_path):
    """Folders the grader does not name (a submissions folder beside the work folder, /home,
    /root) are not in the sandbox at all; the runtime is, read-only."""
    work, beside = tmp_path / "work", tmp_path / "submissions"
    work.mkdir()
    beside.mkdir()
    (beside / "other_learner.ipynb").write_text("{}")
    look = ("import json, os, sys\n"
            f"print(json.dumps([os.path.exists({str(beside)!r}), os.path.exists('/root/.bashrc'), "
            "os.path.exists('/home'), os.listdir('/tmp'), os.access(sys.prefix, os.W_OK), "
            "os.access('/usr/bin', os.W_OK), sorted(os.listdir('.'))]))")
    done = run_confined([sys.executable, "-c", look], workdir=work, policy=Policy(), timeout_s=30)
    # /tmp holds only the ways to the work folder and to the runtime (when they lie in it: a clone
    # of the project under /tmp has its venv there)
    bound = [work, Path(sys.prefix).resolve(), Path(sys.prefix), Path(autograder.__file__).resolve().parent]
    ways = {path.parts[2] for path in bound if len(path.parts) > 2 and path.parts[1] == "tmp"}
    seen = json.loads(done.stdout)
    assert seen[:3] + seen[4:] == [False, False, False, False, False, [".tmp"]], done.stderr
    assert set(seen[3]) <= ways and work.parts[2] in seen[3] or work.parts[1] != "tmp", (seen[3], ways)


def _package_calls() -> list[tuple[str, ast.Call]]:
    package = Path(autograder.__file__).resolve().parent
    return [(str(path.relative_to(package)), node) for path in sorted(package.rglob("*.py"))
            for node in ast.walk(ast.parse(path.read_text(), str(path))) if isinstance(node, ast.Call)]


def test_learner_code_starts_only_through_the_launcher():
    """No ``preexec_fn`` (code between fork and exec is unsafe in a grader with threads), and
    bubblewrap's command line is built by the launcher alone, so every learner process is
    confined and limited one way."""
    calls = _package_calls()
    assert calls  # the package was read
    preexec = [where for where, call in calls if any(kw.arg == "preexec_fn" for kw in call.keywords)]
    bwrap = [where for where, call in calls if isinstance(call.func, ast.Name) and call.func.id == "bwrap_argv"]
    assert preexec == []
    assert bwrap == ["grading/launcher.py"]


@pytest.mark.parametrize("mode", ["kernel", "forks", "run"])
def test_a_launcher_asked_to_confine_never_runs_the_command_unconfined(tmp_path, mode):
    """The grader asks for bubblewrap only where it works; should it fail all the same (here:
    not on the PATH), the learner's command does not start rather than start with the grader's rights."""
    env = {"PATH": str(tmp_path), POLICY_ENV: Policy(confine=True).to_env()}
    done = subprocess.run([*sandbox_launcher(mode), sys.executable, "-c", "print('RAN')"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "RAN" not in done.stdout
    assert "cannot start bwrap" in done.stderr
