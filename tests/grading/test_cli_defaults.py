"""The command line's defaults are the library's keyword defaults, read from there (one
place): a changed default in the library is the command line's default, in --help too."""

from autograder.cli import build_parser, parse_args
from autograder.demo import run_demo
from autograder.grading.batch import grade_batch


def test_the_command_lines_defaults_are_read_from_the_library(monkeypatch):
    assert parse_args(["grade", "subs"]).timeout_s == grade_batch.__kwdefaults__["timeout_s"]
    monkeypatch.setitem(grade_batch.__kwdefaults__, "timeout_s", 77.0)
    monkeypatch.setitem(run_demo.__kwdefaults__, "size", 12)
    assert parse_args(["grade", "subs"]).timeout_s == 77.0
    assert parse_args(["grade", "subs", "--timeout-s", "5"]).timeout_s == 5.0  # what is given wins
    assert parse_args(["demo"]).size == 12
    grade = build_parser()._subparsers._group_actions[0].choices["grade"]
    assert "bound per notebook (default 77)" in " ".join(grade.format_help().split())
