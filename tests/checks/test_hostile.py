"""Hostile and broken snippets: a check may fail, but the run always finishes,
says why, and reaches no host but the simulated ones."""

import http.server
import os
import re
import threading

import pytest

from autograder.checks import run_checks
from autograder.checks.catalog import CHECKS

from ..conftest import busy_loops

pytestmark = pytest.mark.browser
TIMEOUT_S = 20.0


@pytest.fixture(scope="module")
def canary():
    """A server on another loopback port: learner code must never reach it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], hits
    server.shutdown()


HOSTILE = {
    "endless loop": "while (true) {}",
    "endless loop only when logged in": "if (window.acme.customer) { while (true) {} }",
    "timer that spins forever": "setTimeout(function () { for (;;) {} }, 0);",
    "timer that spins forever while the visitor reads": "setTimeout(function () { for (;;) {} }, 2500);",
    "interval that floods the tracker": "setInterval(function () { _kmq.push(['record', 'tick']); }, 1);",
    "throws": "throw new Error('boom');",
    "redirects to another host": "location.href = 'http://evil.example.com/';",
    "redirect loop on the shop": "if (location.pathname !== '/pricing') location.href = '/pricing'; else location.href = '/';",
    "closes the window": "window.close();",
    "dialogs": "alert('hi'); confirm('sure?'); prompt('name?');",
    "overrides _kmq and KM": "window._kmq = {push: function () {}}; window.KM = null;",
    "deletes cookies": ("document.cookie.split(';').forEach(function (c) { document.cookie = c.split('=')[0].trim()"
                        " + '=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/; domain=.acme.test'; });"),
    "floods cookies": "for (var i = 0; i < 400; i++) document.cookie = 'flood' + i + '=' + 'x'.repeat(3000) + '; path=/';",
    "huge allocation": "var a = []; for (;;) a.push(new Array(1e7).fill(1));",
    "opens popups": "for (var i = 0; i < 20; i++) window.open('http://www.acme.test/');",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_run_finishes_with_a_message_per_failed_check(name):
    report = run_checks(HOSTILE[name], seed=5, timeout_s=TIMEOUT_S)
    assert len(report.checks) == len(CHECKS)
    assert report.duration_s <= TIMEOUT_S + 1
    for check in report.checks:
        if not check.passed:
            assert check.message and "internal error" not in check.message, (check.id, check.message)


def test_endless_loop_message_says_where():
    report = run_checks("if (window.acme.customer) { while (true) {} }", seed=5, only="identify-after-login")
    message = report.result("identify-after-login").message
    assert "did not finish within" in message and "/account" in message


@pytest.fixture
def every_core_taken():
    """Busy loops on every core, as another worker of a batch or a neighbour on a shared host."""
    with busy_loops(os.cpu_count() or 2):
        yield


@pytest.mark.parametrize("name", ["endless loop", "endless loop only when logged in", "timer that spins forever"])
def test_a_loop_is_named_a_loop_where_it_runs_with_every_core_taken(name, every_core_taken):
    """The page's own time decides, not the share of a core the loop gets: with every core taken, the
    checks that fail say the code did not finish on the page where it loops, as on a quiet machine."""
    report = run_checks(HOSTILE[name], seed=5, timeout_s=TIMEOUT_S)
    failed = [check for check in report.checks if not check.passed]
    assert failed and report.duration_s <= TIMEOUT_S + 1
    for check in failed:
        if check.cause == "endless-loop":
            assert re.search(r"did not finish within [0-9.]+ s on /", check.message), (check.id, check.message)
    assert any(check.cause == "endless-loop" for check in failed)


def test_a_form_field_removed_by_the_snippet_is_named_in_the_message():
    snippet = ("document.addEventListener('DOMContentLoaded', function () {\n"
               "  var field = document.getElementById('email'); if (field) field.remove();\n});")
    report = run_checks(snippet, seed=5, only="identify-after-login")
    message = report.result("identify-after-login").message
    assert "could not fill the form on /signup" in message and "#email not found" in message


def test_no_request_reaches_another_loopback_port(canary):
    port, hits = canary
    snippet = (f"fetch('http://127.0.0.1:{port}/fetch').catch(function () {{}});"
               f"new Image().src = 'http://www.acme.test:{port}/img';"
               f"navigator.sendBeacon('http://trk.kmtrack.test:{port}/beacon', 'x');")
    report = run_checks(snippet, seed=5, only="no-page-errors,identify-after-login")
    assert report.result("identify-after-login").passed is False  # it never identifies
    assert hits == []


def test_one_learner_leaves_nothing_behind_for_the_next():
    """Cookies, accounts and tracker data of one run never leak into the next."""
    hostile = run_checks("_kmq.push(['identify', 'customer']); localStorage.setItem('x', 'y');", seed=9)
    assert not hostile.result("distinct-people").passed
    fine = run_checks("if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
                      "if (localStorage.getItem('x')) throw new Error('leaked storage');", seed=9)
    failed = {c.id for c in fine.checks if not c.passed}
    assert failed == {"shared-computer"}, [c.message for c in fine.checks if not c.passed]
    people = fine.result("distinct-people").evidence["people"]
    assert all("customer" not in ids for ids in people)
