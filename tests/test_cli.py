"""The command line: exit codes and one-line errors."""

import json
import subprocess
import sys

import pytest


def cli(*args, timeout_s=120):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True,
                          timeout=timeout_s)


@pytest.mark.parametrize("args, message", [
    (["site", "--snippet", "/nonexistent/snippet.js", "--port", "0"], "no such file"),
    (["check", "/nonexistent/x.js"], "no such file"),
    (["check", "/nonexistent/x.js", "--only", "nope"], "unknown check id"),
])
def test_unusable_input_exits_2_with_one_line(args, message):
    result = cli(*args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]


def test_binary_snippet_for_site_exits_2(tmp_path):
    path = tmp_path / "s.js"
    path.write_bytes(b"\x00\x01\x02")
    result = cli("site", "--snippet", str(path), "--port", "0")
    assert result.returncode == 2 and "binary" in result.stderr


def test_site_prints_the_urls_and_serves(tmp_path):
    snippet = tmp_path / "s.js"
    snippet.write_text("console.log('hello');")
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "site", "--port", "0", "--snippet", str(snippet)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        assert "running" in first
        shop_line = proc.stdout.readline()
        url = shop_line.split()[-1]
        import httpx

        assert "console.log('hello');" in httpx.get(url, timeout=5).text
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.browser
def test_check_json_and_text(tmp_path):
    snippet = tmp_path / "s.js"
    snippet.write_text("_kmq.push(['identify', 'customer']);")
    result = cli("check", str(snippet), "--json", "--seed", "8", "--only", "distinct-people,no-page-errors")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {c["id"]: c["passed"] for c in data["checks"]} == {"distinct-people": False, "no-page-errors": True}
    assert data["score"] == 2 and data["max_score"] == 5
    text = cli("check", str(snippet), "--seed", "8", "--only", "distinct-people")
    assert text.returncode == 0
    assert "✘ distinct-people" in text.stdout and "→" in text.stdout and "--seed 8" in text.stdout
