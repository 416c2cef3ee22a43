"""Shared fixtures: a running simulated site, the warm browser engine, and the package installed from its
wheel outside the repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from autograder.checks.engine import BrowserEngine
from autograder.checks.visitor import Timeouts, Visitor
from autograder.site import SimulatedSite


@pytest.fixture(scope="session")
def site():
    with SimulatedSite() as running:
        yield running


@pytest.fixture(scope="session")
def engine():
    """The process-wide warm Chromium (and its own simulated site)."""
    return BrowserEngine.shared()


class Browse:
    """Runs a test's async walk on the engine loop with fresh visitors."""

    def __init__(self, engine: BrowserEngine) -> None:
        self.engine = engine
        self.site = engine.ensure_site()

    def run(self, walk, *, snippet: str = "", timeout_s: float = 60):
        run_tag = f"test-{uuid.uuid4().hex[:10]}"
        self.site.register_run(run_tag, snippet)

        async def go():
            browser = await self.engine.browser()
            timeline: list = []
            visitors: list[Visitor] = []

            async def new_visitor(name: str = "visitor") -> Visitor:
                visitor = Visitor(browser, self.site, run=run_tag, name=name, timeline=timeline, timeouts=Timeouts())
                visitors.append(visitor)
                return await visitor.open()

            try:
                return await walk(new_visitor, run_tag)
            finally:
                for visitor in visitors:
                    await visitor.close()

        try:
            return self.engine.run(go, timeout_s=timeout_s)
        finally:
            self.site.forget_run(run_tag)


@pytest.fixture
def browse(engine):
    return Browse(engine)


REPO = Path(__file__).resolve().parents[1]


def outside_repository_env() -> dict:
    """This process's environment without what would make a child Python see the repository's packages."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def folder_every_user_can_enter(prefix: str) -> Path:
    """A new folder in the system's temporary folder that other users can enter (pytest's tmp_path is root's
    alone)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o755)
    return folder


def python_every_user_can_run() -> Path:
    """The system's Python 3.11+ if it has one (this one may sit in root's home, which no other user can enter:
    learners on a hub run the package as their own users), else the one running the tests."""
    system = Path("/usr/bin/python3")
    if system.exists() and subprocess.run([str(system), "-c", "import sys, venv, ensurepip; "
                                           "assert sys.version_info >= (3, 11)"], capture_output=True).returncode == 0:
        return system
    return Path(sys._base_executable)


def runnable_by_everyone(path: Path) -> bool:
    """Others may execute ``path`` and enter every folder above it."""
    real = path.resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [real, *real.parents])


@pytest.fixture(scope="session")
def installed_package():
    """The package's wheel, built from the repository and installed into a fresh virtual environment outside
    it, in a folder every user can enter: its bin/ folder. Tests that add to it say so."""
    place = folder_every_user_can_enter("identify-lab-installed-")
    env = outside_repository_env()
    try:
        built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "-q", "-w",
                                str(place / "dist")], cwd=place, env=env, capture_output=True, text=True, timeout=600)
        assert built.returncode == 0, built.stderr[-2000:]
        wheel = next((place / "dist").glob("autograder-*.whl"))
        made = subprocess.run([str(python_every_user_can_run()), "-m", "venv", str(place / "env")], env=env,
                              capture_output=True, text=True, timeout=120)
        assert made.returncode == 0, made.stderr[-2000:]
        installed = subprocess.run([str(place / "env" / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                                   cwd=place, env=env, capture_output=True, text=True, timeout=1200)
        assert installed.returncode == 0, installed.stderr[-2000:]
        yield place / "env" / "bin"
    finally:
        shutil.rmtree(place, ignore_errors=True)


@contextmanager
def busy_loops(count: int):
    """``count`` processes that spin forever (another worker of a batch, a neighbour on a shared host)."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
    try:
        yield hogs
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()

# make test runs two workers, each file whole on one (pytest-xdist's --dist loadfile), so module fixtures
# (a batch graded once for all its tests) are built once. The longest files start first, so that no worker
# is left alone with one of them at the end.
LONGEST_FIRST = ("hub", "test_wheel.py", "grading/test_adversarial.py", "grading/test_batch.py",
                 "notebook/test_jupyterlab_e2e.py")


def pytest_collection_modifyitems(config, items):
    def long(item) -> bool:
        if not item.path.is_relative_to(REPO / "tests"):
            return False
        path = item.path.relative_to(REPO / "tests")
        return any(path.as_posix() == name or path.parts[0] == name for name in LONGEST_FIRST)

    items.sort(key=lambda item: not long(item))  # stable: the order within each part stays
