"""The package as a wheel works outside the repository: it carries its templates and the
course, and the demo and the checks run from a fresh virtual environment."""

import json
import subprocess

import pytest

from .conftest import REPO, outside_repository_env

SNIPPET = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }\n"

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def run(cmd, cwd, timeout_s):
    return subprocess.run(cmd, cwd=cwd, env=outside_repository_env(), capture_output=True, text=True,
                          timeout=timeout_s)


def test_the_wheel_installs_and_runs_the_demo_and_the_checks_outside_the_repository(tmp_path, installed_package):
    python = str(installed_package / "python")
    where = run([python, "-c", "import autograder; print(autograder.__file__)"], tmp_path, 60)
    assert str(REPO) not in where.stdout and "site-packages" in where.stdout, where.stdout

    (tmp_path / "mine.js").write_text(SNIPPET)
    checked = run([python, "-m", "autograder", "check", "mine.js", "--seed", "3", "--json"], tmp_path, 300)
    assert checked.returncode == 0, checked.stderr[-2000:]
    report = json.loads(checked.stdout)
    core = sum(c["points"] for c in report["checks"] if not c["bonus"])
    assert core == report["max_score"] == 20, [c["message"] for c in report["checks"] if not c["passed"]]

    demo = run([python, "-m", "autograder", "demo", "--out", "out", "--size", "6", "--workers", "1"], tmp_path, 900)
    assert demo.returncode in (0, 1), demo.stdout[-2000:] + demo.stderr[-2000:]  # 1: some learners not gradable
    assert (tmp_path / "out" / "grading" / "report.html").is_file()
    assert list((tmp_path / "out" / "grading" / "feedback").glob("*.html"))

    course = run([python, "-m", "autograder", "course", "init", "course"], tmp_path, 60)
    assert course.returncode == 0 and (tmp_path / "course" / "nbgrader_config.py").is_file(), course.stderr
