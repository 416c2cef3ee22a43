"""The resume fingerprint changes with everything that can change a grade, and a
result whose browser checks the grader could not finish is graded again."""

import shutil

from autograder.grading.ledger import PACKAGE, Ledger, code_fingerprint, fingerprint


def prints(tmp_path, **options):
    notebook, source = tmp_path / "ada.ipynb", tmp_path / "source"
    if not notebook.exists():
        notebook.write_text("{}")
        source.mkdir()
        (source / "hw.ipynb").write_text("{}")
    return fingerprint(notebook, assignment_source=source, seeds=(7,), **options)


def test_the_fingerprint_changes_with_the_grading_rules_the_course_settings_and_the_options(tmp_path):
    package = tmp_path / "autograder"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = prints(tmp_path, package=package)
    assert prints(tmp_path, package=package) == before  # nothing changed: the result is reused
    rules = package / "grading" / "scoring_rules.py"
    rules.write_text(rules.read_text().replace("points = float(max_points) if passed else 0.0",
                                               "points = float(max_points)"))
    code_fingerprint.cache_clear()
    assert prints(tmp_path, package=package) != before
    assert prints(tmp_path, course_config=b"c.LimitOutput.max_lines = 3") != prints(tmp_path)
    assert prints(tmp_path, options=(60.0, True)) != prints(tmp_path, options=(120.0, True))


def test_a_result_the_browser_could_not_finish_is_not_taken_from_the_ledger(tmp_path):
    ledger = Ledger(tmp_path / "state")
    def result(cause):
        return {"checks": {"7": {"checks": [{"id": "identify-after-login", "passed": False, "cause": cause}]}}}

    judged, cut_short = result("nobody-identified"), result("grader-error")
    ledger.record("ada", "print", judged)
    ledger.record("bob", "print", cut_short)
    assert ledger.finished("ada", "print") == judged
    assert ledger.finished("ada", "other print") is None
    assert ledger.finished("bob", "print") is None
    assert ledger.previous("bob") == cut_short  # still the learner's last result, for --learner runs
