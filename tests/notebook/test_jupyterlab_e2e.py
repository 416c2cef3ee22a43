"""End to end in real JupyterLab, driven by Playwright in headless Chromium: a
learner opens the released notebook, runs everything, presses Check my work and
sees the checklist pass; nbgrader's Validate passes on the saved notebook.

The reference solution is written into the snippet cell of the notebook file
before JupyterLab opens it: typing into the code editor through the browser
fights auto-indentation and bracket closing, which is not what is tested here.
"""

import asyncio
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import nbformat
import pytest
from playwright.async_api import async_playwright

from autograder.browser import LAUNCH_ARGS, find_chromium
from autograder.grading.synthetic import PERSON_ID, QUIZ, SNIPPETS, answered
from autograder.notebook.course import release_course
from autograder.notebook_paths import ASSIGNMENT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(REPO / "notebooks", course, ignore=shutil.ignore_patterns("release", "gradebook.db"))
    release = release_course(course_dir=course)
    work = tmp_path / "learner"
    shutil.copytree(release, work)
    notebook = work / f"{ASSIGNMENT}.ipynb"
    solved = answered(nbformat.read(str(notebook), as_version=4), snippet=SNIPPETS["with-bonus"],
                      person_id_body=PERSON_ID["parses-cookies"], quiz=QUIZ["right"])
    nbformat.write(solved, str(notebook))
    port, token = free_port(), secrets.token_hex(16)
    tools = str(Path(sys.executable).parent)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.token={token}", f"--notebook-dir={work}", "--allow-root"],
        env=dict(os.environ, PATH=tools + os.pathsep + os.environ["PATH"], JUPYTER_CONFIG_DIR=str(tmp_path / "cfg")),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/api/status?token={token}", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield base, token, notebook, course
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


async def learner_session(base: str, token: str) -> str:
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS))
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(120_000)
        await page.goto(f"{base}/lab/tree/{ASSIGNMENT}.ipynb?token={token}")
        await page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        await page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000) \
            if await page.query_selector(".jp-Notebook-ExecutionIndicator") else asyncio.sleep(3)
        await page.get_by_role("menuitem", name="Run").click()
        await page.get_by_text("Run All Cells", exact=True).click()
        button = page.get_by_role("button", name="Check my work")
        await button.wait_for(timeout=120_000)
        # all cells finished: the last test cell got its execution count
        await page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-InputPrompt')].every(p => !p.textContent.includes('*'))",
            timeout=180_000)
        await button.click()
        checklist = page.locator("text=20/20").first
        await checklist.wait_for(timeout=60_000)
        text = await page.locator(".jp-Notebook").inner_text()
        await page.keyboard.press("Control+s")
        await asyncio.sleep(1.5)
        await browser.close()
        return text


def test_learner_runs_everything_checks_and_validates(lab):
    base, token, notebook, course = lab
    text = asyncio.run(learner_session(base, token))
    assert "20/20 points + bonus 4/4" in text
    assert "✘" not in text.split("20/20 points")[1].split("Try it yourself")[0]
    tools = str(Path(sys.executable).parent)
    done = subprocess.run([str(Path(tools) / "nbgrader"), "validate", str(notebook)],
                          capture_output=True, text=True, timeout=600, cwd=notebook.parent,
                          env=dict(os.environ, PATH=tools + os.pathsep + os.environ["PATH"]))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Success! Your notebook passes all the tests." in done.stdout, done.stdout[-2000:]
