"""Each submission runs in a kernel of its own, even though a worker starts the
next kernel before it knows whose notebook it will run: nothing one learner's
code leaves behind (files, module state) reaches the next learner's kernel, and
the kernel has the environment nbgrader gives the kernels it starts."""

import json
from pathlib import Path

import nbformat
import pytest

from autograder.grading.batch import grade_batch

from .mini_course import ASSIGNMENT, learner_notebook, make_course

pytestmark = [pytest.mark.browser, pytest.mark.slow]
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
LEAVE = """import builtins, os
open("left-behind.txt", "w").write("from the learner before")
builtins.LEFT_BEHIND = os.getcwd()
print("LEFT", os.getcwd())
print("EXECUTION", os.environ.get("NBGRADER_EXECUTION"))"""
LOOK = """import builtins, os
print("FOUND" if hasattr(builtins, "LEFT_BEHIND") or os.path.exists("left-behind.txt") else "NOTHING", os.getcwd())
print("EXECUTION", os.environ.get("NBGRADER_EXECUTION"))"""


def outputs(path: str) -> str:
    nb = json.loads(Path(path).read_text())
    texts = (out.get("text", "") for cell in nb["cells"] for out in cell.get("outputs", []))
    return "".join(text if isinstance(text, str) else "".join(text) for text in texts)


def test_a_kernel_started_ahead_sees_nothing_of_the_learner_before(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, code in (("a_leaves", LEAVE), ("b_looks", LOOK), ("c_looks", LOOK)):
        nb = learner_notebook(GOOD, "return 2 * x")
        nb.cells.insert(4, nbformat.v4.new_code_cell(code))
        nbformat.write(nb, str(subs / f"{name}.ipynb"))
    # One worker: the three run one after the other, each in the kernel started at the end of the one before.
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1,
                        timeout_s=20, seeds=(7,))
    left = outputs(batch.results["a_leaves"]["autograded"])
    assert "LEFT" in left and "EXECUTION autograde" in left
    for name in ("b_looks", "c_looks"):
        seen = outputs(batch.results[name]["autograded"])
        assert "NOTHING" in seen and "FOUND" not in seen, seen
        assert left.split()[1] not in seen, "a kernel ran in the folder of the one before"
        assert "EXECUTION autograde" in seen, "started ahead, without the environment nbgrader gives its kernels"
    assert all(r["cells"]["test_double"][0] == 2 for r in batch.results.values())


NAMES = ("learner_quokka", "learner_wombat", "learner_axolotl")
# A hostile learner looks for the batch: other notebooks, other learners' names, anything of the
# grader's folders beyond its own kernel's (bounded: where batches usually lie first, then all of /).
SEARCH = """import os, sys, time
others, batch, own = {others!r}, {batch!r}, os.getcwd()
runtime = tuple(path + "/" for path in {{sys.prefix, sys.base_prefix}})
found, seen, started = set(), 0, time.monotonic()
for top in ("/tmp", "/home", "/work", "/srv", "/var", "/root", "/"):
    for root, dirs, files in os.walk(top):
        if root.startswith(("/proc", "/sys", "/dev", own)):
            dirs[:] = []
            continue
        for name in dirs + files:
            path, seen = os.path.join(root, name), seen + 1
            if any(other in path for other in others) or (name.endswith(".ipynb") and not path.startswith(runtime)) \\
                    or (path.startswith(batch) and os.path.isfile(path)):
                found.add(path)
        if seen > 300_000 or time.monotonic() - started > 8:
            break
print("SEARCHED", seen, "FOUND", sorted(found)[:10])
print("ENV", sorted(name for name in os.environ if "SECRET" in name))"""


def test_a_learner_finds_nothing_of_the_batch_on_the_whole_file_system(tmp_path, monkeypatch):
    """A kernel sees its own folder and the runtime: no other submission, no learner's name, no
    file of the course, the outputs, the verdict cache or another kernel's folder."""
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in NAMES:
        nb = learner_notebook(GOOD, "return 2 * x")
        others = [other for other in NAMES if other != name]
        nb.cells.insert(4, nbformat.v4.new_code_cell(SEARCH.format(others=others, batch=str(tmp_path))))
        nbformat.write(nb, str(subs / f"{name}.ipynb"))
    monkeypatch.setenv("INSTRUCTOR_SECRET_TOKEN", "not for learners")
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1,
                        timeout_s=60, seeds=(7,))
    for name in NAMES:
        seen = outputs(batch.results[name]["autograded"])
        assert "SEARCHED" in seen, seen
        assert "FOUND []" in seen, f"{name} found: {seen}"
        assert "ENV []" in seen, "the instructor's environment reached the kernel"
        assert int(seen.split("SEARCHED")[1].split()[0]) > 1000  # it did search (the runtime at least)
        assert batch.results[name]["cells"] == batch.results[NAMES[0]]["cells"]
        # its check cells read the grader's verdicts on its own snippet, handed to its folder
        graded = json.loads(Path(batch.results[name]["autograded"]).read_text())
        assert not [out for cell in graded["cells"] for out in cell.get("outputs", []) if out.get("evalue")]
        assert batch.results[name]["cells"]["test_double"][0] == 2


# The learner before does what it can to spoil the next learners' runs on the same worker: it
# pre-creates the folders the next kernels would get, leaves a process that listens on a port and
# a Unix socket and spoils every folder that appears beside its own, and fills its folder.
SABOTAGE = """import os, subprocess, sys
slot = os.path.dirname(os.getcwd())
for i in range(1, 60):
    os.makedirs(os.path.join(slot, f"kernel-{i}"), exist_ok=True)
LEFT = '''import os, socket, time
slot = %r
tcp = socket.socket(); tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", 8765)); tcp.listen()
unix = socket.socket(socket.AF_UNIX); unix.bind(os.path.join(slot, "listening.sock")); unix.listen()
while True:
    for name in os.listdir(slot):
        path = os.path.join(slot, name)
        if os.path.isdir(path) and not os.path.exists(os.path.join(path, "spoiled")):
            try:
                open(os.path.join(path, "spoiled"), "w").write("x")
                os.makedirs(os.path.join(path, ".home"), exist_ok=True)
                os.chmod(os.path.join(path, ".home"), 0)
                os.chmod(path, 0o500)
            except OSError:
                pass
    time.sleep(0.005)
''' % slot
left = subprocess.Popen([sys.executable, "-c", LEFT], start_new_session=True)
for i in range(40):
    open(f"fill-{i}.bin", "wb").write(os.urandom(2**20))
print("SABOTAGED", left.pid)"""
NEXT = """import os, socket
tcp = socket.socket(); tcp.bind(("127.0.0.1", 8765)); tcp.listen(); tcp.close()
print("BOUND", sorted(name for name in os.listdir(".") if not name.startswith(".")),
      os.listdir(os.path.dirname(os.getcwd())))"""


def test_nothing_a_learner_leaves_behind_changes_the_next_learners_run(tmp_path):
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, code in (("a_sabotages", SABOTAGE), ("b_next", NEXT), ("c_next", NEXT)):
        nb = learner_notebook(GOOD, "return 2 * x")
        nb.cells.insert(4, nbformat.v4.new_code_cell(code))
        nbformat.write(nb, str(subs / f"{name}.ipynb"))
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1,
                        timeout_s=60, seeds=(7,))
    assert "SABOTAGED" in outputs(batch.results["a_sabotages"]["autograded"])
    for name in ("b_next", "c_next"):
        result = batch.results[name]
        assert result["graded"], result["reason"]
        seen = outputs(result["autograded"])
        # the port is free, its own folder holds its notebook only, and it is alone in the slot
        assert "BOUND ['mini.ipynb']" in seen, seen
        assert "spoiled" not in seen and "kernel-1'" not in seen and "listening.sock" not in seen, seen
        assert result["cells"] == batch.results["a_sabotages"]["cells"]  # the same work, the same score
        assert result["cells"]["test_double"][0] == 2
        assert result["reason"] == "", result["reason"]


KILL_TEMPLATE = """import os, signal
os.kill(os.getppid(), signal.SIGKILL)  # a forked kernel's parent: the worker's kernel template
import time; time.sleep(5)"""


def test_a_learner_who_kills_the_kernel_template_spoils_only_their_own_run(tmp_path):
    """The worker rebuilds its kernel template, regrades the learner whose run it cut short, and
    the reason says what happened; the next learner is graded as usual."""
    course = make_course(tmp_path / "course")
    subs = tmp_path / "subs"
    subs.mkdir()
    for name, code in (("a_kills", KILL_TEMPLATE), ("b_next", "print('fine')")):
        nb = learner_notebook(GOOD, "return 2 * x")
        nb.cells.insert(4, nbformat.v4.new_code_cell(code))
        nbformat.write(nb, str(subs / f"{name}.ipynb"))
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=tmp_path / "out", workers=1,
                        timeout_s=60, seeds=(7,))
    killer, nxt = batch.results["a_kills"], batch.results["b_next"]
    assert killer["graded"]
    assert "kernel template" in killer["reason"] and "again" in killer["reason"], killer["reason"]
    assert "at cell 5" in killer["reason"] and "kernel died (" not in killer["reason"]  # said once, with its cell
    assert nxt["graded"] and nxt["reason"] == "", nxt["reason"]
    assert nxt["cells"]["test_double"][0] == 2
    assert nxt["cells"]["test_identify_after_login"] == killer["cells"]["test_identify_after_login"]  # trusted
