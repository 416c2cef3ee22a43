"""Learners as separate OS users, as on The Littlest JupyterHub: the hub's local-process spawner starts each
learner's server as their own Unix user, from the package installed from its wheel in a Python every user can
run; nbgrader's exchange is one
world-writable folder (the recipe's `chmod 777`) and each learner is recorded under their own user name, with
no `student_id` setting. The instructor (root) releases, collects, grades with `autograder grade` and releases
feedback; each learner fetches their own page, and one learner cannot find the other's submission (nbgrader's
inbound folder lets learners write but not list, and names each submission with a random part)."""

import os
import pwd
import secrets
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import psutil
import pytest

from autograder.notebook.course import COURSE_ID
from autograder.notebook_paths import ASSIGNMENT

from ..conftest import folder_every_user_can_enter, runnable_by_everyone
from .conftest import jupyterhub, listening_addresses
from .exchange import (RIGHT, WRONG, assert_each_has_their_own_feedback, assignments, fetch_feedback, grade, nbgrader,
                       release, start_server, write_snippet)

pytestmark = pytest.mark.slow
GUEST = "%%identify_snippet\nif (window.acme.customer) { _kmq.push(['identify', 'guest']); }"  # still wrong
LEARNER_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course!r}
c.Exchange.root = {exchange!r}
"""
SPAWN_AS_USERS = """
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = []
c.Spawner.environment = {{"PATH": "{bin}:/usr/bin:/bin"}}
"""


def learners_python(installed_package: Path) -> Path:
    """The package as installed from its wheel, in a Python every user can run, plus the hub's single-user
    server (as on The Littlest JupyterHub's user environment)."""
    if not runnable_by_everyone(installed_package / "python"):
        pytest.skip("no Python that every user can run (the system has no Python 3.11+, and this one is private)")
    installed = subprocess.run([str(installed_package / "pip"), "install", "-q", f"jupyterhub=={version('jupyterhub')}"],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr[-2000:]
    return installed_package


def add_user(name: str, home: Path) -> None:
    done = subprocess.run(["useradd", "--home-dir", str(home), "--create-home", "--shell", "/bin/sh", name],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def can_as(user: str, *command: str) -> bool:
    return subprocess.run(["runuser", "-u", user, "--", *command], capture_output=True, timeout=30).returncode == 0


@pytest.fixture
def place():
    if os.geteuid() != 0 or not shutil.which("useradd") or not shutil.which("runuser"):
        pytest.skip("learners as OS users need root, useradd and runuser")
    place = folder_every_user_can_enter("identify-lab-os-users-")
    users: list[str] = []
    yield place, users
    for user in users:
        subprocess.run(["userdel", "--remove", user], capture_output=True, timeout=30)
    shutil.rmtree(place, ignore_errors=True)


def test_learners_as_their_own_os_users_fetch_submit_and_get_their_own_feedback(tmp_path, place, installed_package):
    place, users = place
    course, exchange = tmp_path / "course", place / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # the Littlest JupyterHub recipe's exchange folder
    release(course, exchange)
    bin_dir = learners_python(installed_package)

    tag = secrets.token_hex(2)
    ann, bob = learners = (f"ilann{tag}", f"ilbob{tag}")
    homes = {name: place / "home" / name for name in learners}
    (place / "home").mkdir(mode=0o755)
    for name, home in homes.items():
        add_user(name, home)
        users.append(name)
        config = home / "nbgrader_config.py"
        config.write_text(LEARNER_CONFIG.format(course=COURSE_ID, exchange=str(exchange)))
        os.chown(config, pwd.getpwnam(name).pw_uid, pwd.getpwnam(name).pw_gid)

    spawn = SPAWN_AS_USERS.format(singleuser=str(bin_dir / "jupyterhub-singleuser"), bin=str(bin_dir))
    with jupyterhub(tmp_path, extra_config=spawn) as hub:
        for name in learners:
            start_server(hub, name)
            listed = assignments(hub, name)
            assert listed["success"] and [a["status"] for a in listed["value"]] == ["released"], listed
            assert assignments(hub, name, "fetch")["success"]
            notebook = homes[name] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            assert notebook.stat().st_uid == pwd.getpwnam(name).pw_uid, "fetched by the learner's own server"
        # ann deletes her fetched folder: fetching again brings it back
        assert can_as(ann, "rm", "-r", str(homes[ann] / ASSIGNMENT))
        assert assignments(hub, ann, "fetch")["success"] and (homes[ann] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
        # bob submits the right snippet, then the wrong one: the latest is what counts
        for name, snippets in ((ann, [RIGHT]), (bob, [RIGHT, WRONG])):
            for snippet in snippets:
                write_snippet(homes[name] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", snippet)  # the file stays theirs
                assert assignments(hub, name, "submit")["success"]
        servers = [p for p in psutil.Process(hub.proc.pid).children(recursive=True)
                   if "jupyterhub-singleuser" in " ".join(p.cmdline())]
        assert sorted(p.username() for p in servers) == sorted(learners)
        assert listening_addresses(psutil.Process(hub.proc.pid)) <= {"127.0.0.1"}

        inbound = exchange / COURSE_ID / "inbound"
        assert sorted(p.name.split("+")[0] for p in inbound.iterdir()) == sorted([ann, bob, bob]), \
            "each under their own user name"
        assert not can_as(bob, "ls", str(inbound)), "a learner can list the submissions"
        assert can_as(bob, "ls", str(exchange / COURSE_ID / "outbound" / ASSIGNMENT)), "the release is readable"

        nbgrader("collect", ASSIGNMENT, f"--Exchange.root={exchange}", cwd=course)
        grades, _ = grade(course, tmp_path)
        scores = {n: float(grades[n]["total"]) + float(grades[n]["bonus"]) for n in learners}
        print(f"\nOS users: {scores}")
        assert scores == {ann: 24, bob: 11}, "the right snippet 20 + 4 bonus; bob's latest, identify('customer')"

        # bob submits once more, a different snippet; collected again, only his is graded again
        write_snippet(homes[bob] / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", GUEST)
        assert assignments(hub, bob, "submit")["success"]
        nbgrader("collect", ASSIGNMENT, "--update", f"--Exchange.root={exchange}", cwd=course)
        grades, printed = grade(course, tmp_path)
        assert "1 graded now" in printed and "1 unchanged since the last run" in printed, printed[-1500:]
        assert float(grades[ann]["total"]) + float(grades[ann]["bonus"]) == 24
        assert float(grades[bob]["total"]) != scores[bob], "bob's newest snippet was graded"

        nbgrader("release_feedback", ASSIGNMENT, f"--Exchange.root={exchange}", cwd=course)
        pages = {name: fetch_feedback(hub, name, homes[name]) for name in learners}
    assert_each_has_their_own_feedback(pages, {ann: RIGHT, bob: GUEST})
