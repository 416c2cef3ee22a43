"""What the hub's exchange tests share: the course released to an exchange folder, learners' servers
called as nbgrader's Assignments list calls them, the collected class graded with `autograder grade`, and
the feedback page a learner fetches."""

import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nbformat
from bs4 import BeautifulSoup

from autograder.checks import CHECKS
from autograder.notebook.course import COURSE_ID, release_course
from autograder.notebook_paths import ASSIGNMENT

from .conftest import REPO

RIGHT = ("%%identify_snippet\nif (window.acme.justLoggedOut) { _kmq.push(['clearIdentity']); }\n"
         "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }")
WRONG = "%%identify_snippet\n_kmq.push(['identify', 'customer']);"


def release(course: Path, exchange: Path) -> None:
    """The instructor's course folder made from the repository's, and the assignment released to ``exchange``."""
    shutil.copytree(REPO / "notebooks", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "exchange", "learner"))
    exchange.mkdir(exist_ok=True)
    release_course(course_dir=course)
    nbgrader("release_assignment", ASSIGNMENT, f"--Exchange.root={exchange}", "--force", cwd=course)


def grade(course: Path, tmp_path: Path) -> tuple[dict[str, dict], str]:
    """`autograder grade` on the collected submitted/ folder: each learner's row of grades.csv, and what the
    command printed (its summary says what it graded now and what it kept from the last run)."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(course / "submitted"), "--course",
                           str(course), "--out", str(out)], env=tools_env() | {"HOME": str(tmp_path)},
                          capture_output=True, text=True, timeout=400)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    grades = {row["learner"]: row for row in csv.DictReader((out / "grades.csv").open(encoding="utf-8"))}
    return grades, " ".join(done.stdout.split())


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


def fetch_feedback(hub, name: str, home: Path) -> BeautifulSoup:
    """What the Assignments list's "Fetch Feedback" button asks the learner's server, then their page."""
    assert assignments(hub, name, "fetch_feedback")["success"]
    return feedback_page(hub, name, home)


def feedback_page(hub, name: str, home: Path) -> BeautifulSoup:
    """The feedback page in the learner's home, where the Assignments list's "view feedback" link leads."""
    submissions = next(a for a in assignments(hub, name)["value"] if a["status"] == "submitted")["submissions"]
    latest = max(submissions, key=lambda s: s["timestamp"])  # the one graded (nbgrader collects the latest)
    assert [s["has_local_feedback"] for s in submissions] == [s is latest for s in submissions], submissions
    folder = home / latest["local_feedback_path"]
    return BeautifulSoup((folder / f"{ASSIGNMENT}.html").read_text(encoding="utf-8"), "html.parser")


def checklist(page: BeautifulSoup) -> dict[str, bool]:
    """The page's checklist: each check's title, and whether it shows as passed."""
    table = next(t for t in page.find_all("table") if t.find("th") and t.find("th").get_text() == "result")
    rows = [row.find_all("td") for row in table.find_all("tr")[1:]]
    return {cells[1].get_text().replace("(bonus)", "").strip(): "ok" in cells[0]["class"] for cells in rows}


def assert_each_has_their_own_feedback(pages: dict[str, BeautifulSoup], answers: dict[str, str]) -> None:
    """Each learner's fetched page is theirs (their name, their snippet in nbgrader's page inside it), the right
    snippet passes every core check, a wrong one (any other) fails the e-mail check with its screenshot inline."""
    core = {check.title for check in CHECKS if not check.bonus}
    for name, page in pages.items():
        other = next(n for n in answers if n != name)
        assert page.find("code").get_text() == name and f"<code>{other}</code>" not in str(page)
    for name, snippet in answers.items():
        if snippet == RIGHT:
            assert {title for title, passed in checklist(pages[name]).items() if passed} >= core
            continue
        failed = {title for title, passed in checklist(pages[name]).items() if not passed}
        assert "That ID is the customer's e-mail, as the shop stored it" in failed, failed
        assert pages[name].find("img", src=lambda src: src.startswith("data:image/png;base64,")), \
            "the screenshot of the failing step travels inside the page"
    for name, page in pages.items():  # nbgrader's page of the graded notebook rides inside, with their snippet
        notebook = BeautifulSoup(page.find("iframe")["srcdoc"], "html.parser").get_text()
        for learner, snippet in answers.items():
            assert (snippet.splitlines()[1] in notebook) == (learner == name), (name, learner)
