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
