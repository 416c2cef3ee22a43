"""End to end in real JupyterLab, driven by Playwright in headless Chromium: the
workspace `autograder lab` prepares (the learner version fetched from a local
nbgrader exchange), a learner types the reference solution into the snippet cell
and answers the exercises, runs all cells, presses "Check my work" and sees the
whole checklist pass, then presses nbgrader's Validate button and sees success.
Then a wrong quiz answer, run with its visible test cell, turns that test red with
its hint, and only that one.

Answers go in with Playwright's insert_text (one input event, like a paste), so
the editor's auto-indentation and bracket closing do not rewrite them.
"""

import asyncio
import re
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import nbformat
import pytest
from playwright.async_api import async_playwright

from autograder.browser import LAUNCH_ARGS, find_chromium
from autograder.checks.catalog import CHECKS
from autograder.notebook.course import COURSE_ID, lab_command, lab_env, prepare_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]
SNIPPET = ("%%identify_snippet\nif (window.acme.justLoggedOut) { _kmq.push(['clearIdentity']); }\n"
           "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }")
PERSON_ID = '''from urllib.parse import unquote


def person_id(cookie_header):
    if not isinstance(cookie_header, str):
        return None
    for part in cookie_header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name == "km_ai":
            return unquote(value.strip()) or None
    return None'''
QUIZ = ('same_id_for_many = "a"\ncan_be_undone = False\ncookie_name = "km_ai"\nbest_identifier = "B"\n'
        'person_or_account = "c"')
# JupyterLab shows an error output with the stderr renderer (its data-mime-type), on a red ground.
ERRORS = """cells => cells.map(cell => [...cell.querySelectorAll(
  ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")]
  .filter(o => /Error|Traceback/.test(o.textContent))
  .map(o => ({text: o.textContent, background: getComputedStyle(o).backgroundColor})))"""
ALL_RAN = """() => {
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(REPO / "notebooks", course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "exchange", "learner"))
    workspace = prepare_lab(course_dir=course)
    port, token = free_port(), secrets.token_hex(16)
    env = dict(lab_env(), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "run"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "lab-workspaces"))
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(lab_command(workspace, port=port, token=token), env=env, cwd=workspace.root,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/status?token={token}", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    assert proc.poll() is None, (tmp_path / "lab.log").read_text()[-2000:]
    yield base, token, workspace
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


async def replace_cell(page, cell, text: str) -> None:
    await cell.locator(".cm-content").click()
    await page.keyboard.press("Control+a")
    await page.keyboard.insert_text(text)
    await page.keyboard.press("Escape")  # back to command mode


async def learner_session(base: str, token: str, workspace) -> dict:
    seen = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_chromium(), args=list(LAUNCH_ARGS), timeout=30_000)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            await page.goto(f"{base}{workspace.notebook_url_path}?token={token}")
            await page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
            await page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
            code = page.locator(".jp-Notebook .jp-CodeCell")
            await replace_cell(page, code.filter(has_text="%%identify_snippet").first, SNIPPET)
            await replace_cell(page, code.filter(has_text="def person_id(cookie_header):").first, PERSON_ID)
            await replace_cell(page, code.filter(has_text="# YOUR CODE HERE").first, QUIZ)
            await page.get_by_role("menuitem", name="Run").click()
            await page.get_by_text("Run All Cells", exact=True).click()
            await page.wait_for_function(ALL_RAN, timeout=180_000, polling=500)
            seen["errors"] = sum(map(len, await code.evaluate_all(ERRORS)))

            button = page.get_by_role("button", name="Check my work")
            await button.scroll_into_view_if_needed()
            started = time.perf_counter()
            await button.click()
            await page.get_by_text("20/20 points + bonus 4/4").first.wait_for(timeout=60_000)
            seen["check_answer_s"] = time.perf_counter() - started
            checklist = button.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
            seen["checklist"] = await checklist.inner_text()

            await page.locator(".validate-button").first.click()  # saves, then runs nbgrader validate
            dialog = page.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog").first
            await dialog.wait_for(timeout=240_000)
            seen["validate"] = await dialog.inner_text()
            await page.keyboard.press("Escape")  # the dialog's own close
            await dialog.wait_for(state="hidden", timeout=10_000)  # else it takes the keys meant for cells
            await wrong_quiz_answer(page, code, seen)
        finally:
            await browser.close()
    return seen


async def run_cell(page, cell) -> None:
    await cell.locator(".jp-InputArea-prompt").click()  # selects the cell, in command mode
    await page.keyboard.press("Control+Enter")


async def wrong_quiz_answer(page, code, seen: dict) -> None:
    """can_be_undone answered True: its visible test cell, run again, fails with the hint; the one
    before it, run again, still passes."""
    quiz = code.filter(has_text="same_id_for_many =").first
    await replace_cell(page, quiz, QUIZ.replace("can_be_undone = False", "can_be_undone = True"))
    await run_cell(page, quiz)
    undo = code.filter(has_text="# test: test_quiz_undo").first
    same = code.filter(has_text="# test: test_quiz (").first
    for cell in (same, undo):  # in this order: a failing cell makes the kernel drop the requests queued after it
        await run_cell(page, cell)
    await undo.locator(".jp-OutputArea-output").first.wait_for(timeout=60_000)
    await page.wait_for_function(ALL_RAN, timeout=60_000, polling=250)
    seen["undo_errors"] = (await undo.evaluate_all(ERRORS))[0]
    seen["same_errors"] = (await same.evaluate_all(ERRORS))[0]


def test_learner_types_runs_checks_and_validates(lab):
    base, token, workspace = lab
    listed = httpx.get(f"{base}/assignments?course_id={COURSE_ID}&token={token}", timeout=30).json()
    assert listed["success"] and [a["status"] for a in listed["value"]] == ["fetched"]  # nbgrader's Assignments

    seen = asyncio.run(asyncio.wait_for(learner_session(base, token, workspace), 600))
    print(f"\nCheck my work answered in {seen['check_answer_s']:.2f} s (warm, in JupyterLab)")
    assert seen["errors"] == 0
    assert "✘" not in seen["checklist"] and seen["checklist"].count("✔") == len(CHECKS)
    assert "Success! Your notebook passes all the tests." in seen["validate"], seen["validate"]
    saved = nbformat.read(str(workspace.notebook), as_version=4)
    snippet = next(c for c in saved.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "identify_snippet")
    assert snippet.source == SNIPPET  # what was typed is what was saved and validated
    [wrong] = seen["undo_errors"]
    assert "can_be_undone: not right yet" in wrong["text"], wrong
    red, green, blue = (int(c) for c in re.findall(r"\d+", wrong["background"])[:3])
    assert red > 200 and red > green + 20 and red > blue + 20, wrong["background"]  # a red ground
    assert seen["same_errors"] == []
