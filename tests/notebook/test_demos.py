"""The lesson's demonstrations show what they claim, on a real browser and tracker,
and the wrap-up sums up what passed instead of congratulating everyone."""

import pytest
from IPython.testing.globalipapp import start_ipython

import IPython
from autograder.notebook import lesson, progress


@pytest.fixture
def ip(monkeypatch):
    shell = start_ipython() or IPython.get_ipython()
    shell.run_line_magic("load_ext", "autograder.notebook")
    monkeypatch.setattr(progress, "_outcomes", {})
    return shell


def test_the_wrap_up_counts_what_passed_and_names_what_failed(ip, monkeypatch):
    shown = []
    monkeypatch.setattr(lesson, "display", lambda *objs: shown.extend(objs))
    ip.run_cell(progress.marker("test_a", 2, "the first part") + "\nassert True")
    ip.run_cell(progress.marker("test_b", 3, "the second part") + "\nassert False, 'no'")
    ip.run_cell(progress.marker("test_c", 2, "a bonus part", bonus=True) + "\nassert True")
    lesson.wrap_up(total=10, bonus=2)
    text = shown[-1].data
    assert "2 of 10 points" in text and "2 of 2 bonus points" in text
    assert "the second part" in text and "the first part" not in text
    assert "worth 5 points have not run" in text and "Congratulations" not in text


def test_a_cell_without_the_marker_is_not_counted(ip):
    ip.run_cell("# test: this is only a comment\nx = 1")
    assert progress.outcomes() == []


@pytest.mark.browser
def test_integration_events_join_only_customers_identified_by_email():
    from autograder.notebook.why_email import compare

    by_email, by_number = compare(seed=11)
    assert by_email.people == 3 and all(r.web_events and r.newsletter_events == 1 for r in by_email.rows)
    assert by_number.people == 6
    assert sum(r.customer_id.isdigit() and r.newsletter_events == 0 for r in by_number.rows) == 3
    assert sum("@" in r.customer_id and r.web_events == 0 for r in by_number.rows) == 3


@pytest.mark.browser
def test_a_merge_survives_the_fix_and_only_a_fresh_tracker_is_clean():
    from autograder.notebook.comeback import PEOPLE, comeback

    merged, back, clean = comeback(seed=12)
    assert (merged.tracker_people, merged.merged) == (1, [("customer", PEOPLE)])
    assert back.tracker_people == PEOPLE + 1 and ("customer", PEOPLE) in back.merged  # still one, plus new people
    assert (clean.tracker_people, clean.merged) == (PEOPLE, [])


@pytest.mark.browser
def test_km_i_answers_inside_a_pushed_function_and_throws_straight_from_the_snippet():
    from autograder.notebook.reading_id import read_ids

    pushed, early = read_ids(seed=13)
    assert [r.from_page for r in pushed.readings] == [r.km_ai for r in pushed.readings]
    assert "@" in pushed.readings[-1].from_page and not pushed.page_errors
    assert all(r.from_page is None for r in early.readings)
    assert "KM is not defined" in early.page_errors[0]["message"]


@pytest.mark.browser
def test_the_shared_browser_pattern_forgets_the_customer_on_the_blog(site):
    from autograder.notebook.visit import BLOG, scripted_visit
    from autograder.checks.visitor import is_anonymous_id

    visit = scripted_visit(lesson.LOGGED_OUT_PATTERN, site=site, seed=14)
    assert visit.timeline[BLOG - 1]["km_ai"] == visit.email  # named on the account page
    assert is_anonymous_id(visit.timeline[BLOG]["km_ai"])  # null on the blog cleared the identity
