"""Learners who try to fake their grade, or to harm the grader or each other,
end with the right (low) grade; everyone else keeps theirs; the batch finishes."""

import csv
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.grading.batch import grade_batch
from autograder.grading.sandbox import sandbox_available

from .mini_course import ASSIGNMENT, learner_notebook, make_course

# Without a sandbox, learner code runs with the grader's rights (README): these attacks would succeed.
pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not sandbox_available(), reason="needs bubblewrap (make installs it)")]
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
CONSTANT = "_kmq.push(['identify', 'customer']);"
WRONG = "return x + 2"  # passes the visible test (double(2) == 4), fails the hidden one

ATTACKS = {
    "fakes-trusted-reports": """
import autograder.grading.trusted as t
from autograder.checks.report import Report
real = t.kernel_report
def fake(snippet, seed):
    report = real(snippet, seed)
    for check in report.checks:
        check.passed = True
    return report
t.kernel_report = fake
kernel_report = fake""",
    "silences-tracebacks": """
ip = get_ipython()
ip.showtraceback = lambda *args, **kwargs: None
ip._showtraceback = lambda *args, **kwargs: None""",
    "overrides-excepthook": "import sys\nsys.excepthook = lambda *args: None",
    "prints-fake-results": 'print("All tests passed! 6/6 points")',
    "grading-aware": """
import os
if os.environ.get("NBGRADER_EXECUTION"):
    def double(x):
        return 2 * x""",
    "reads-hidden-tests": """
import glob
stolen = [open(p).read() for p in glob.glob("{course}/**/*.ipynb", recursive=True)]
print("STOLEN", len(stolen), "negative numbers double too" in "".join(stolen))""",
    "writes-gradebook-and-others": """
for path in ["{course}/gradebook.db", "{course}/submitted/honest/{assignment}/{assignment}.ipynb"]:
    try:
        open(path, "w").write("vandalised")
    except OSError as err:
        print("refused", type(err).__name__)""",
    "fork-bomb": """
import os
for _ in range(100000):
    try:
        if os.fork() == 0:
            import time; time.sleep(30); os._exit(0)
    except OSError:
        break""",
    "fills-the-disk": """
with open("big.bin", "wb") as handle:
    for _ in range(4096):
        handle.write(b"x" * (1 << 20))""",
    "eats-memory": "hog = bytearray(8 * 1024 ** 3)",
    "sleeps-forever": "import time\ntime.sleep(10 ** 6)",
    "opens-network": """
import socket
socket.create_connection(("127.0.0.1", 22), timeout=2)""",
    # In the re-check: finds the grader's secrets in the frames above, writes "all passed"
    # to the result pipe and leaves (in the kernel it finds nothing and does nothing).
    "forges-the-recheck": """
import json, os, sys
frame = sys._getframe()
while frame is not None and not any(isinstance(v, dict) and "nonce" in v for v in frame.f_locals.values()):
    frame = frame.f_back
if frame is not None:
    payload = next(v for v in frame.f_locals.values() if isinstance(v, dict) and "nonce" in v)
    os.write(1, json.dumps({"nonce": payload["nonce"], "results": {g: [True, ""] for g in payload["tests"]}}).encode())
    os._exit(0)""",
    "always-equal": """
class Four:
    def __eq__(self, other):
        return True
    def __hash__(self):
        return hash(4)
def double(x):
    return Four()""",
}
# Honest answers that are slow: in the learner's own code (6 s, within the 15 s bound, over
# the re-check's old 5 s of CPU), or only outside the kernel (the re-check cannot finish).
BUSY_DOUBLE = """def double(x):
    import time
    until = time.perf_counter() + 3
    while time.perf_counter() < until:
        pass
    return 2 * x"""
SLOW_OUTSIDE_THE_KERNEL = """
try:
    get_ipython()
except NameError:
    import time
    time.sleep(60)"""


def attacker(name: str, course) -> nbformat.NotebookNode:
    nb = learner_notebook(CONSTANT, WRONG)
    code = ATTACKS[name].replace("{course}", str(course)).replace("{assignment}", ASSIGNMENT)
    # their own cell: before the check cell for the report fake, else after their double()
    nb.cells.insert(2 if name == "fakes-trusted-reports" else 4, nbformat.v4.new_code_cell(code))
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("adversarial")
    course = make_course(root / "course")
    subs = root / "subs"
    subs.mkdir()
    nbformat.write(learner_notebook(GOOD, "return 2 * x"), str(subs / "honest.ipynb"))
    for name in ATTACKS:
        nbformat.write(attacker(name, course), str(subs / f"{name}.ipynb"))
    slow = learner_notebook(GOOD, "return 2 * x")
    slow.cells[3].source = BUSY_DOUBLE
    nbformat.write(slow, str(subs / "slow-honest.ipynb"))
    outside = learner_notebook(GOOD, "return 2 * x")
    outside.cells.insert(4, nbformat.v4.new_code_cell(SLOW_OUTSIDE_THE_KERNEL))
    nbformat.write(outside, str(subs / "slow-outside-the-kernel.ipynb"))
    batch = grade_batch(subs, course_dir=course, assignment=ASSIGNMENT, out_dir=root / "out", workers=2,
                        timeout_s=15, seeds=(7,))
    return root, course, batch


def test_every_attacker_ends_with_the_low_grade(graded):
    _, _, batch = graded
    for name in ATTACKS:
        cells = batch.results[name]["cells"]
        assert cells.get("test_identify_after_login", [0])[0] == 0, (name, batch.results[name])
        assert cells.get("test_double", [0])[0] == 0, (name, batch.results[name])


def test_the_honest_learner_keeps_full_marks(graded):
    root, course, batch = graded
    assert batch.results["honest"]["cells"] == {"test_identify_after_login": [4.0, 4.0], "test_double": [2.0, 2.0]}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(ASSIGNMENT, "honest").score == 6


def test_fakes_are_flagged_with_evidence(graded):
    _, _, batch = graded
    # (silencing tracebacks does not even fool the kernel run: nbgrader reads the execute reply)
    for name in ("fakes-trusted-reports", "grading-aware"):
        flags = " ".join(batch.results[name]["flags"])
        assert "tampering suspected" in flags, (name, batch.results[name])
    assert "test_identify_after_login scored 4 in the learner's kernel" in " ".join(
        batch.results["fakes-trusted-reports"]["flags"])


def test_sandbox_hides_instructor_files_and_keeps_others_safe(graded):
    root, course, batch = graded
    stolen = batch.results["reads-hidden-tests"]["autograded"]
    text = open(stolen).read()
    assert "STOLEN 0 False" in text
    assert "refused" in open(batch.results["writes-gradebook-and-others"]["autograded"]).read() or \
        (course / "gradebook.db").read_bytes()[:16] == b"SQLite format 3\x00"
    assert (course / "submitted" / "honest" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text() != "vandalised"


def test_the_batch_finished_and_the_csv_has_everyone(graded, tmp_path):
    root, _, batch = graded
    from autograder.grading.outputs import write_outputs

    outputs = write_outputs(batch, root / "out", workers=2)
    rows = {row["learner"] for row in csv.DictReader(open(outputs.grades_csv, encoding="utf-8"))}
    assert rows == {"honest", "slow-honest", "slow-outside-the-kernel", *ATTACKS}
    assert "tampering suspected" in outputs.report_html.read_text(encoding="utf-8")


def test_slow_is_not_cheating(graded):
    """An honest learner whose own code is slow keeps full marks, unflagged; a re-check
    that cannot finish says "could not re-check" in the CSV and the report, never
    "tampering suspected", and earns the learner nothing."""
    root, _, batch = graded
    slow, honest = batch.results["slow-honest"], batch.results["honest"]
    assert slow["cells"] == honest["cells"] and slow["cells"]["test_double"] == [2.0, 2.0], slow
    assert not [flag for flag in slow["flags"] if "test_double" in flag] and slow["reason"] == "", slow
    outside = batch.results["slow-outside-the-kernel"]
    assert not [flag for flag in outside["flags"] if "test_double" in flag], outside
    assert outside["cells"]["test_double"][0] == 0
    assert outside["cells"]["test_identify_after_login"] == honest["cells"]["test_identify_after_login"]
    # bounded by the notebook's own time (read from the verdict, not from a clock, so that a busy host cannot
    # change the outcome): twice the notebook's and 10 s more, never past the batch's 15 s
    bound = re.search(r"its bound: ([0-9.]+) s, twice as long as the notebook took", outside["reason"])
    expected = min(15.0, 2 * outside["timings_s"]["autograde"] + 10)
    assert bound and float(bound.group(1)) == pytest.approx(expected, abs=0.051), outside["reason"]
    from autograder.grading.outputs import write_outputs

    outputs = write_outputs(batch, root / "out-slow", workers=2)
    rows = {row["learner"]: row for row in csv.DictReader(open(outputs.grades_csv, encoding="utf-8"))}
    assert rows["slow-outside-the-kernel"]["status"] == "could not re-check", rows["slow-outside-the-kernel"]
    assert "test_double" in rows["slow-outside-the-kernel"]["reason"]
    assert rows["slow-honest"]["status"] == rows["honest"]["status"] == "graded"
    report = outputs.report_html.read_text(encoding="utf-8")
    assert "could not re-check" in report.lower() and "slow-outside-the-kernel" in report
