"""Kernels forked from a worker's template: a kernel like one started the usual way,
in its own folder and under the limits, and nothing of one learner's kernel left
running when the next one starts."""

import json
import os
import signal

import pytest
from jupyter_core.utils import run_sync

from autograder.grading import kernel_forks
from autograder.grading.kernel_forks import ForkedKernel, ForkingProvisioner, KernelForkError, KernelTemplate
from autograder.grading.kernels import GradingKernelManager
from autograder.grading.learner_process import LearnerProcess
from autograder.grading.sandbox import POLICY_ENV, Policy, install_kernelspec, sandbox_available

CONFINED = [pytest.param(True, marks=pytest.mark.skipif(not sandbox_available(), reason="needs bubblewrap")), False]
REPORT = ("import json, os, random, resource, sys\n"
          "print(json.dumps({'cwd': os.getcwd(), 'tmp': os.environ.get('TMPDIR'), 'ppid': os.getppid(),\n"
          "  'parent': os.environ.get('JPY_PARENT_PID'), 'cpu': resource.getrlimit(resource.RLIMIT_CPU)[0],\n"
          "  'processes': resource.getrlimit(resource.RLIMIT_NPROC)[0],\n"
          "  'random': random.random(), 'modules': 'ipykernel' in sys.modules}))")
# Two processes that outlive the kernel: one in its session, one that left it.
LEAVE_BEHIND = ("import json, subprocess, sys\n"
                "sleep = [sys.executable, '-c', 'import time; time.sleep(600)']\n"
                "stay = subprocess.Popen(sleep)\n"
                "escape = subprocess.Popen(sleep, start_new_session=True)\n"
                "print(json.dumps([stay.pid, escape.pid]))")


@pytest.fixture
def forking(tmp_path, monkeypatch, request):
    """A worker's set-up: the sandboxed kernelspec, the policy, and a kernel template."""
    confine = request.param
    name = install_kernelspec(tmp_path)
    ipc = tmp_path / "ipc"
    ipc.mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    monkeypatch.setenv(POLICY_ENV, Policy(cpu_s=23, writable=[str(ipc)], confine=confine).to_env())
    template = KernelTemplate(tmp_path / "kernels", log=tmp_path / "template.log")
    monkeypatch.setattr(ForkingProvisioner, "template", template)

    def run(code: str, folder: str) -> tuple[str, GradingKernelManager]:
        cwd = tmp_path / "kernels" / folder
        cwd.mkdir(parents=True)
        km = GradingKernelManager(kernel_name=name, transport="ipc", ip=str(ipc / "kernel"))
        run_sync(km.start_kernel)(cwd=str(cwd))
        kc = km.client()
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=60)
            seen = []
            run_sync(kc.execute_interactive)(code, timeout=30, output_hook=lambda msg: seen.append(
                msg["content"]["text"] if msg["content"].get("name") == "stdout" else ""))
        finally:
            kc.stop_channels()
        return "".join(seen), km

    yield run, template, confine
    template.close()


@pytest.mark.parametrize("forking", CONFINED, indirect=True)
def test_a_forked_kernel_is_a_kernel_of_its_own_folder_under_the_limits(forking):
    run, template, confine = forking
    reports = []
    for folder in ("first", "second"):
        out, km = run(REPORT, folder)
        assert isinstance(km.provisioner.process, ForkedKernel)  # forked, not started the usual way
        run_sync(km.shutdown_kernel)(now=True)
        reports.append(json.loads(out))
    first, second = reports
    assert first["cwd"].endswith("/kernels/first") and second["cwd"].endswith("/kernels/second")
    assert first["tmp"] == first["cwd"] + "/.tmp"
    assert first["cpu"] == 23
    # counted when the kernel starts: what runs on the machine then, plus the policy's margin
    assert 256 < first["processes"] < 256 + 5000
    assert first["modules"]
    # It watches the template, its parent, and quits if the template dies.
    assert first["parent"] == str(first["ppid"])
    # Each kernel has its own random state, not a copy of the template's.
    assert first["random"] != second["random"]


@pytest.mark.parametrize("forking", CONFINED, indirect=True)
def test_nothing_a_kernel_left_running_survives_into_the_next_kernel(forking):
    run, template, confine = forking
    out, km = run(LEAVE_BEHIND, "learner-a")
    stay, escape = json.loads(out)
    run_sync(km.shutdown_kernel)(now=True)
    check = ("import json\n"
             f"pids = {[stay, escape]}\n"
             "alive = []\n"
             "for pid in pids:\n"
             "    try:  # running or sleeping, not a zombie waiting to be reaped\n"
             "        if open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()[0] != 'Z':\n"
             "            alive.append(pid)\n"
             "    except OSError:\n"
             "        pass\n"
             "print(json.dumps(alive))")
    out, km = run(check, "learner-b")
    run_sync(km.shutdown_kernel)(now=True)
    alive = json.loads(out)
    if confine:  # the sandbox's PID namespace is swept: both are gone
        assert alive == []
    else:  # unconfined, the kernel's session is ended; what left it is beyond reach (README: Sandbox)
        assert stay not in alive
        if escape in alive:
            os.kill(escape, signal.SIGKILL)


@pytest.mark.parametrize("forking", [False], indirect=True)
def test_without_its_template_a_kernel_starts_the_usual_way(forking):
    run, template, _ = forking
    template.close()  # as if the template died
    out, km = run("print(6 * 7)", "after")
    assert out.strip() == "42"
    assert not isinstance(km.provisioner.process, ForkedKernel)
    run_sync(km.shutdown_kernel)(now=True)


def test_a_template_that_cannot_start_says_why_and_forks_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(POLICY_ENV, Policy(confine=False).to_env())
    monkeypatch.setattr(kernel_forks, "TEMPLATE_MAIN", "import sys; sys.exit('no ipykernel here')")
    template = KernelTemplate(tmp_path / "kernels", log=tmp_path / "template.log")
    with pytest.raises(KernelForkError, match="template.log"):
        template.fork(["-f", "x.json"], cwd=str(tmp_path), env={})
    assert "no ipykernel here" in (tmp_path / "template.log").read_text()
    with pytest.raises(KernelForkError, match="closed"):  # once failed, never again
        template.fork(["-f", "x.json"], cwd=str(tmp_path), env={})


@pytest.mark.parametrize("forking", CONFINED[:1], indirect=True)  # unconfined, as root, it has every right
def test_a_kernel_cannot_reach_into_its_template(forking):
    """The template forks every later learner's kernel: a kernel that could write its memory
    (same user, ptrace rules) would own them all."""
    run, template, confine = forking
    out, km = run("import os\ntry:\n    open(f'/proc/{os.getppid()}/mem', 'rb').close(); print('OPENED')\n"
                  "except OSError as err:\n    print('REFUSED', type(err).__name__)", "learner")
    run_sync(km.shutdown_kernel)(now=True)
    assert out.startswith("REFUSED"), out


# What confines a process, seen from inside it: its namespaces (as the grader's differ from
# them), limits, capabilities, network, and what of the machine it can see or write.
CONFINEMENT = """
import os, resource, socket, sys
def _status(field):
    return next(line.split()[1] for line in open('/proc/self/status') if line.startswith(field + ':'))
def _namespace(kind):
    return os.readlink(f'/proc/self/ns/{kind}')
confinement = {
    'namespaces': [kind for kind in KINDS if _namespace(kind) != GRADERS[kind]],
    'limits': [list(resource.getrlimit(getattr(resource, name))) for name in ('RLIMIT_CPU', 'RLIMIT_AS', 'RLIMIT_FSIZE')],
    'processes': resource.getrlimit(resource.RLIMIT_NPROC)[0],
    'capabilities': [_status('CapEff'), _status('CapBnd'), _status('NoNewPrivs')],
    'network': sorted(name for _, name in socket.if_nameindex()),
    'sees': [os.path.exists(path) for path in SEEN],
    'writes': [os.access(path, os.W_OK) for path in ['/', sys.prefix, os.getcwd()]],
}
"""
NAMESPACE_KINDS = ("cgroup", "ipc", "mnt", "net", "pid", "user", "uts")


@pytest.mark.parametrize("forking", CONFINED, indirect=True)
def test_a_recheck_runs_confined_as_a_forked_kernel_does(forking, tmp_path):
    """Both start through the sandbox launcher: the same namespaces, limits and view of the machine."""
    run, template, confine = forking
    beside = tmp_path / "submissions"  # a folder of the grader's that neither may see
    beside.mkdir()
    graders = {kind: os.readlink(f"/proc/self/ns/{kind}") for kind in NAMESPACE_KINDS}
    code = (f"KINDS, GRADERS = {NAMESPACE_KINDS!r}, {graders!r}\n"
            f"SEEN = [{str(beside)!r}, '/root', '/home', {str(tmp_path / 'template.log')!r}]\n" + CONFINEMENT)
    out, km = run(code + "import json\nprint(json.dumps(confinement))", "kernel")
    run_sync(km.shutdown_kernel)(now=True)
    kernel = json.loads(out)
    with LearnerProcess(workdir=tmp_path / "recheck", policy=Policy.from_env(), timeout_s=20) as learner:
        recheck = learner.start([code])["confinement"]
    for seen in (kernel, recheck):  # counted when each starts: what runs on the machine then, plus the margin
        assert 256 < seen.pop("processes") < 256 + 5000
    assert recheck == kernel
    assert kernel["limits"][0] == [23, 28]
    assert kernel["namespaces"] == (["ipc", "mnt", "net", "pid", "user", "uts"] if confine else [])
