"""The run_checks API: contract of the report, determinism, selection, and use
from inside a running event loop and under nbclient."""

import asyncio
import json
import os
import tempfile
import time

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.checks import CHECKS, MAX_SCORE, run_checks, run_checks_async
from autograder.checks.engine import BrowserEngine
from autograder.checks.runner import _walk
from autograder.checks.visitor import Timeouts
from autograder.errors import UnusableInput

pytestmark = pytest.mark.browser
GOOD = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"


def test_report_json_follows_the_contract(tmp_path):
    report = run_checks("_kmq.push(['identify', 'customer']);", seed=3, screenshots_dir=tmp_path)
    data = json.loads(report.to_json_text())
    assert set(data) >= {"checks", "score", "max_score"}
    assert [c["id"] for c in data["checks"]] == [c.id for c in CHECKS]
    for check in data["checks"]:
        assert set(check) >= {"id", "title", "passed", "points", "max_points", "message", "evidence"}
        assert set(check["evidence"]) >= {"timeline", "tracker_requests", "page_errors", "screenshot"}
    assert data["max_score"] == MAX_SCORE == 20
    failed = [c for c in data["checks"] if not c["passed"]]
    shots = [c["evidence"]["screenshot"] for c in failed if c["evidence"]["screenshot"]]
    assert shots and all(path.startswith(str(tmp_path)) for path in shots)
    assert open(shots[0], "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    step = data["checks"][0]["evidence"]["timeline"][0]
    assert set(step) >= {"url", "km_ai", "km_ni", "ki"}


def test_same_seed_same_customers_and_verdicts():
    first = run_checks(GOOD, seed=42, only="identify-after-login")
    second = run_checks(GOOD, seed=42, only="identify-after-login")
    labels = lambda r: [s["label"] for s in r.result("identify-after-login").evidence["timeline"]]  # noqa: E731
    assert labels(first) == labels(second)
    assert run_checks(GOOD, seed=43, only="identify-after-login").result("identify-after-login").evidence[
        "timeline"] != first.result("identify-after-login").evidence["timeline"]


def test_fewer_scenarios_at_a_time_same_verdicts():
    """Graders run fewer scenarios at once to save memory; the verdicts must not change."""
    snippet = "_kmq.push(['identify', (window.acme.customer || {}).name || 'guest']);"
    verdicts = lambda r: {c.id: c.passed for c in r.checks}  # noqa: E731
    all_at_once, one_at_a_time = run_checks(snippet, seed=8), run_checks(snippet, seed=8, parallel=1)
    assert verdicts(one_at_a_time) == verdicts(all_at_once)
    assert not all(verdicts(all_at_once).values())


def test_each_check_is_told_as_soon_as_its_scenarios_are_done():
    """on_check hears every check once, before the report, with the verdict the report gives;
    the quick checks come before the whole run is over."""
    heard: list = []
    started = time.perf_counter()

    def on_check(result):
        heard.append((result, time.perf_counter() - started))
        if len(heard) == 1:
            raise RuntimeError("a listener that fails costs the run nothing")

    report = run_checks(GOOD, seed=5, parallel=2, on_check=on_check)
    assert sorted(r.id for r, _ in heard) == sorted(c.id for c in report.checks)
    assert {r.id: r.passed for r, _ in heard} == {c.id: c.passed for c in report.checks}
    assert heard[0][1] < max(t for _, t in heard)  # told as they finish, not all at the end


def test_without_a_seed_one_is_chosen_and_reported():
    report = run_checks(GOOD, only="anonymous-before-login")
    assert isinstance(report.seed, int) and report.to_json()["seed"] == report.seed


def test_only_runs_the_named_checks():
    report = run_checks(GOOD, seed=1, only="distinct-people,no-page-errors")
    assert [c.id for c in report.checks] == ["distinct-people", "no-page-errors"]


def test_unknown_check_id_is_unusable_input():
    with pytest.raises(UnusableInput, match="unknown check id nope"):
        run_checks(GOOD, only="nope")


def test_too_large_or_non_text_snippets_are_refused():
    with pytest.raises(UnusableInput, match="over 64 KiB"):
        run_checks("x" * (65 * 1024))
    with pytest.raises(UnusableInput, match="must be text"):
        run_checks(b"bytes")


def test_works_inside_a_running_event_loop():
    async def inside():
        sync_report = run_checks(GOOD, seed=2, only="identify-after-login")  # blocks this loop, works
        async_report = await run_checks_async(GOOD, seed=2, only="identify-after-login")
        return sync_report, async_report

    sync_report, async_report = asyncio.run(inside())
    assert sync_report.result("identify-after-login").passed
    assert async_report.result("identify-after-login").passed


@pytest.mark.slow
def test_works_under_nbclient(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("from autograder.checks import run_checks, run_checks_async"),
        nbformat.v4.new_code_cell(f"r = run_checks({GOOD!r}, seed=4, only='identify-after-login')\n"
                                  "print('sync', r.result('identify-after-login').passed)"),
        nbformat.v4.new_code_cell(f"r = await run_checks_async({GOOD!r}, seed=4, only='identify-after-login')\n"
                                  "print('async', r.result('identify-after-login').passed)"),
    ]
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}},
                   ).execute()
    outputs = "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))
    assert "sync True" in outputs and "async True" in outputs


def _shots_folders(root) -> set:
    return {p.name for p in root.glob("identify-lab-shots-*")}


def test_screenshot_folders_of_a_day_ago_go_and_a_run_that_failed_nothing_leaves_none(tmp_path, monkeypatch):
    """A kernel or the command line makes a screenshot folder per checklist: those over a day old (this
    user's own folders, nothing else) are removed at the next run, and a run with no failure keeps no
    empty folder; a failing run's screenshots stay where its report says."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, recent = tmp_path / "identify-lab-shots-old", tmp_path / "identify-lab-shots-recent"
    for folder in (old, recent):
        folder.mkdir()
        (folder / "journey-identify-after-login.png").write_bytes(b"png")
    a_file = tmp_path / "identify-lab-shots-a-file"
    a_file.write_text("not a folder")
    a_link = tmp_path / "identify-lab-shots-a-link"
    a_link.symlink_to(recent)
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (old, a_file):
        os.utime(path, (two_days_ago, two_days_ago))
    os.utime(a_link, (two_days_ago, two_days_ago), follow_symlinks=False)

    run_checks(GOOD, seed=3, only="identity-across-pages")
    assert _shots_folders(tmp_path) == {"identify-lab-shots-recent", "identify-lab-shots-a-file",
                                        "identify-lab-shots-a-link"}
    assert (recent / "journey-identify-after-login.png").exists()

    report = run_checks("", seed=3, only="identity-across-pages")
    shot = report.result("identity-across-pages").evidence["screenshot"]
    assert shot and os.path.exists(shot) and os.path.dirname(shot).startswith(str(tmp_path / "identify-lab-shots-"))


def _journey_within(snippet: str, budget_s: float, timeouts: Timeouts, shots_dir):
    """Walk the journey with ``budget_s`` for all of it, as a run near its end would."""
    engine = BrowserEngine.shared()
    checks = [c for c in CHECKS if "journey" in c.scenarios]
    return engine.run(lambda: _walk("journey", checks, engine=engine, snippet=snippet, seed=5, shots_dir=shots_dir,
                                    budget_s=budget_s, timeouts=timeouts, virtual_time=True), timeout_s=30)


def test_a_run_out_of_time_while_no_page_runs_a_script_is_not_the_learners_doing(tmp_path):
    """A right snippet whose scenario ran out of time (a machine too busy to walk it in time) is not failed
    as an endless loop: its checks end as the grader's error, and the run counts as one to judge again."""
    sc = _journey_within(GOOD, 0.2, Timeouts(), tmp_path)
    assert sc.host_too_slow
    assert {v.cause for v in sc.verdicts.values()} == {"grader-error"}
    assert all("not your code" in v.message and not v.passed for v in sc.verdicts.values())


def test_a_run_out_of_time_while_a_page_loops_is_an_endless_loop(tmp_path):
    """The same bound reached while the snippet's loop runs (patience long enough that no step looks first)."""
    sc = _journey_within("while (true) {}", 2.0, Timeouts(patience_s=30.0), tmp_path)
    assert not sc.host_too_slow
    assert {v.cause for v in sc.verdicts.values()} == {"endless-loop"}
    assert all("kept the browser busy" in v.message for v in sc.verdicts.values())


def test_a_run_out_of_time_while_a_page_keeps_redirecting_is_the_learners_doing(tmp_path):
    """A redirect loop runs no script for long, yet the pages never stop moving: the snippet's doing."""
    redirect = "if (location.pathname !== '/pricing') location.href = '/pricing'; else location.href = '/';"
    sc = _journey_within(redirect, 2.0, Timeouts(patience_s=30.0), tmp_path)
    assert not sc.host_too_slow
    assert {v.cause for v in sc.verdicts.values()} == {"endless-loop"}
    assert all("a redirect that never ends" in v.message for v in sc.verdicts.values())
