"""A class on a real JupyterHub, through nbgrader's exchange: the instructor releases
to a shared exchange folder; two learners, each in their own server behind the hub,
fetch through nbgrader's server extension (what the Assignments list calls), write
their snippet (one right, one wrong) and submit; the instructor collects and grades
the collected submitted/ folder with `autograder grade`. The two grades are right and
different. Then the instructor releases feedback with nbgrader, and each learner's
fetch_feedback brings them their own page: their checklist, not the other learner's.
One learner clicks the buttons of nbgrader's Assignments list in JupyterLab, in Chromium
through the hub; the other's server is called as those buttons call it."""

import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest
from playwright.sync_api import expect, sync_playwright

from autograder.browser import LAUNCH_ARGS, find_chromium
from autograder.notebook.course import COURSE_ID
from autograder.notebook_paths import ASSIGNMENT

from .conftest import PASSWORD, free_port, jupyterhub, listening_addresses
from .exchange import (RIGHT, WRONG, assert_each_has_their_own_feedback, assignments, feedback_page, fetch_feedback,
                       grade, nbgrader, release, start_server, tools_env, write_snippet)

pytestmark = [pytest.mark.slow, pytest.mark.browser]
# On this test's hub every learner's server runs as one OS user, so nbgrader is told who submits
# (it would take the OS user's name); a hub with an OS user per learner needs no such line.
LEARNER_CONFIG = """c = get_config()  # noqa: F821
import os
c.CourseDirectory.course_id = {course!r}
c.Exchange.root = {exchange!r}
c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
"""

# nbgrader's recipe for the formgrader on a hub: a Jupyter server run by the hub as a service named
# after the course, in the course folder; an instructor reaches it at /services/<course>/formgrader.
# Here the instructor's script (the course-admin service's token) reads it through the hub.
FORMGRADER_SERVICE = """
c.JupyterHub.services.append({{"name": {course!r}, "url": "http://127.0.0.1:{port}", "cwd": {course_dir!r},
    "command": [{singleuser!r}, "--allow-root"],
    "environment": {{"HOME": {course_dir!r}, "JUPYTER_RUNTIME_DIR": {runtime!r}, "PATH": {path!r}}}}})
c.JupyterHub.load_roles[0]["scopes"].append("access:services!service={course}")
"""


class AssignmentsList:
    """A learner's JupyterLab, logged in through the hub in Chromium, with nbgrader's Assignments list
    open: its buttons clicked as the learner clicks them, and what the list then shows."""

    def __init__(self, browser, hub, name: str) -> None:
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.set_default_timeout(60_000)
        self.page.goto(f"{hub.url}/hub/login")
        self.page.locator("#username_input").fill(name)
        self.page.locator("#password_input").fill(PASSWORD)
        self.page.locator("#login_submit").click()
        self.page.wait_for_url(f"**/user/{name}/lab**", timeout=90_000)
        self.page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
        self.page.locator('#jp-mainmenu-nbgrader li[data-command="nbgrader:open-assignment-list"]').click()

    def rows(self, status: str):
        return self.page.locator(f"#{status}_assignments_list > .list_item")

    def fetch(self) -> None:
        released = self.rows("released")
        expect(released).to_have_count(1)
        expect(released.locator(".item_name")).to_have_text(ASSIGNMENT)
        released.locator(".item_status button", has_text="Fetch").click()
        expect(self.rows("fetched")).to_have_count(1)

    def submit(self) -> None:
        self.rows("fetched").locator(".item_status button", has_text="Submit").click()
        expect(self.rows("submitted")).to_have_count(1)

    def fetch_feedback(self) -> None:
        """Refresh, Fetch Feedback, then follow the "(view feedback)" link to the folder it names."""
        self.page.locator("#refresh_assignments_list").click()
        self.rows("submitted").locator(".item_status button", has_text="Fetch Feedback").click()
        self.page.get_by_text("(view feedback)").click()
        listing = self.page.locator(".jp-DirListing-item", has_text=f"{ASSIGNMENT}.html")
        expect(listing).to_have_count(1)  # the file browser shows the folder with the page


def test_release_fetch_submit_collect_grade_on_a_hub(tmp_path):
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    release(course, exchange)

    answers = {"ann": RIGHT, "bob": WRONG}
    formgrader = FORMGRADER_SERVICE.format(course=COURSE_ID, port=free_port(), course_dir=str(course),
                                           runtime=str(tmp_path / "formgrader-runtime"), path=tools_env()["PATH"],
                                           singleuser=str(Path(sys.executable).parent / "jupyterhub-singleuser"))
    with jupyterhub(tmp_path, extra_config=formgrader) as hub, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
        clicked = None  # ann's Assignments list, in JupyterLab
        for name, snippet in answers.items():
            home = hub.root / "home" / name
            home.mkdir(parents=True)
            (home / "nbgrader_config.py").write_text(LEARNER_CONFIG.format(course=COURSE_ID, exchange=str(exchange)))
            start_server(hub, name)
            if name == "ann":
                clicked = AssignmentsList(browser, hub, name)
                clicked.fetch()
            else:
                listed = assignments(hub, name)
                assert listed["success"] and [a["status"] for a in listed["value"]] == ["released"], listed
                assert assignments(hub, name, "fetch")["success"]
            write_snippet(home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", snippet)  # as typed in JupyterLab
            if name == "ann":
                clicked.submit()
            else:
                assert assignments(hub, name, "submit")["success"]
            after = assignments(hub, name)["value"]
            assert [(a["status"], len(a.get("submissions", []))) for a in after] == [("fetched", 0), ("submitted", 1)]
        assert listening_addresses(psutil.Process(hub.proc.pid)) <= {"127.0.0.1"}  # hub, proxy, both servers

        nbgrader("collect", ASSIGNMENT, f"--Exchange.root={exchange}", cwd=course)
        assert sorted(p.name for p in (course / "submitted").iterdir()) == ["ann", "bob"]
        grades, _ = grade(course, tmp_path)
        assert set(grades) == {"ann", "bob"}
        ann, bob = (float(grades[n]["total"]) + float(grades[n]["bonus"]) for n in ("ann", "bob"))
        print(f"\nhub exchange: ann {ann}, bob {bob} (of {grades['ann']['max_total']} + {grades['ann']['max_bonus']})")
        assert ann == 24  # the snippet's 20 + 4 bonus; person_id and the quiz were left unanswered
        assert bob < 20  # identify('customer') names everyone alike

        shown = formgrader_scores(hub)
        print(f"formgrader: {shown}")
        assert shown == {name: (float(grades[name]["total"]) + float(grades[name]["bonus"]),
                                float(grades[name]["max_total"]) + float(grades[name]["max_bonus"])) for name in answers}

        nbgrader("release_feedback", ASSIGNMENT, f"--Exchange.root={exchange}", cwd=course)
        clicked.fetch_feedback()
        pages = {"ann": feedback_page(hub, "ann", hub.root / "home" / "ann"),
                 "bob": fetch_feedback(hub, "bob", hub.root / "home" / "bob")}
        browser.close()

    assert_each_has_their_own_feedback(pages, answers)


def formgrader_scores(hub, timeout_s: float = 60) -> dict[str, tuple[float, float]]:
    """Each learner's score and maximum, as the formgrader's own API gives them to its pages."""
    url = f"{hub.url}/services/{COURSE_ID}/formgrader/api/submissions/{ASSIGNMENT}"
    deadline = time.monotonic() + timeout_s
    while True:  # the hub starts its service beside itself: it may still be coming up
        answer = httpx.get(url, headers={"Authorization": f"token {hub.api_token}"}, timeout=30)
        if answer.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert answer.status_code == 200, (answer.status_code, answer.text[-500:],
                                       (hub.root / "hub.log").read_text()[-3000:])
    return {row["student"]: (row["score"], row["max_score"]) for row in answer.json()}


