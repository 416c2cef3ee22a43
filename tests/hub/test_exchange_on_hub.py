"""A class on a real JupyterHub, through nbgrader's exchange: the instructor releases
to a shared exchange folder; two learners, each in their own server behind the hub,
fetch through nbgrader's server extension (what the Assignments list calls), write
their snippet (one right, one wrong) and submit; the instructor collects and grades
the collected submitted/ folder with `autograder grade`. The two grades are right and
different. (The learners' Lab UI is covered by test_jupyterhub_e2e.py; here their
servers are called as the Assignments list calls them.)"""

import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nbformat
import psutil
import pytest

from autograder.notebook.course import COURSE_ID, release_course
from autograder.notebook_paths import ASSIGNMENT

from .conftest import REPO, jupyterhub, listening_addresses

pytestmark = pytest.mark.slow
RIGHT = ("%%identify_snippet\nif (window.acme.justLoggedOut) { _kmq.push(['clearIdentity']); }\n"
         "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }")
WRONG = "%%identify_snippet\n_kmq.push(['identify', 'customer']);"
# On this test's hub every learner's server runs as one OS user, so nbgrader is told who submits
# (it would take the OS user's name); a hub with an OS user per learner needs no such line.
LEARNER_CONFIG = """c = get_config()  # noqa: F821
import os
c.CourseDirectory.course_id = {course!r}
c.Exchange.root = {exchange!r}
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
"""


def tools_env() -> dict:
    return {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": "/tmp"}


def nbgrader(*args: str, cwd: Path) -> None:
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=cwd, env=tools_env(),
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr


def start_server(hub, name: str, timeout_s: float = 90) -> None:
    assert hub.api("POST", f"/users/{name}").status_code in (201, 409)
    assert hub.api("POST", f"/users/{name}/server").status_code in (201, 202)
    deadline = time.monotonic() + timeout_s
    while not hub.api("GET", f"/users/{name}").json().get("servers", {}).get("", {}).get("ready"):
        assert time.monotonic() < deadline, f"{name}'s server did not start:\n" + (hub.root / "hub.log").read_text()[-3000:]
        time.sleep(0.3)


def assignments(hub, name: str, action: str = "") -> dict:
    """What nbgrader's Assignments list asks the learner's server, through the hub."""
    url = f"{hub.url}/user/{name}/assignments" + (f"/{action}" if action else "")
    params = {"course_id": COURSE_ID} | ({"assignment_id": ASSIGNMENT} if action else {})
    answer = httpx.request("POST" if action else "GET", url, params=params, timeout=120,
                           headers={"Authorization": f"token {hub.api_token}"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def write_snippet(notebook: Path, source: str) -> None:
    book = nbformat.read(str(notebook), as_version=4)
    cell = next(c for c in book.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "identify_snippet")
    cell.source = source
    nbformat.write(book, str(notebook))


def test_release_fetch_submit_collect_grade_on_a_hub(tmp_path):
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    shutil.copytree(REPO / "notebooks", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "exchange", "learner"))
    exchange.mkdir()
    release_course(course_dir=course)
    nbgrader("release_assignment", ASSIGNMENT, f"--Exchange.root={exchange}", "--force", cwd=course)

    answers = {"ann": RIGHT, "bob": WRONG}
    with jupyterhub(tmp_path) as hub:
        for name, snippet in answers.items():
            home = hub.root / "home" / name
            home.mkdir(parents=True)
            (home / "nbgrader_config.py").write_text(LEARNER_CONFIG.format(course=COURSE_ID, exchange=str(exchange)))
            start_server(hub, name)
            listed = assignments(hub, name)
            assert listed["success"] and [a["status"] for a in listed["value"]] == ["released"], listed
            assert assignments(hub, name, "fetch")["success"]
            write_snippet(home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", snippet)  # as typed in JupyterLab
            assert assignments(hub, name, "submit")["success"]
            after = assignments(hub, name)["value"]
            assert [(a["status"], len(a.get("submissions", []))) for a in after] == [("fetched", 0), ("submitted", 1)]
        assert listening_addresses(psutil.Process(hub.proc.pid)) <= {"127.0.0.1"}  # hub, proxy, both servers

    nbgrader("collect", ASSIGNMENT, f"--Exchange.root={exchange}", cwd=course)
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["ann", "bob"]
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(course / "submitted"), "--course",
                           str(course), "--out", str(out)], env=tools_env() | {"HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=400)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    grades = {row["learner"]: row for row in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))}
    assert set(grades) == {"ann", "bob"}, done.stdout
    ann, bob = (float(grades[n]["total"]) + float(grades[n]["bonus"]) for n in ("ann", "bob"))
    print(f"\nhub exchange: ann {ann}, bob {bob} (of {grades['ann']['max_total']} + {grades['ann']['max_bonus']})")
    assert ann == 24  # the snippet's 20 + 4 bonus; person_id and the quiz were left unanswered
    assert bob < 20  # identify('customer') names everyone alike
