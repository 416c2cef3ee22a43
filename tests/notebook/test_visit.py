"""The scripted visit and the live shop: real cookies, step by step, say what a
snippet did; the inspector shows what the live shop's tracker received."""

import asyncio

import pytest

from autograder.notebook import live, state
from autograder.notebook.shop_view import ShopView
from autograder.notebook.visit import VisitResult, findings, scripted_visit

REFERENCE = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
WITH_BONUS = "if (window.acme.justLoggedOut) { _kmq.push(['clearIdentity']); }\n" + REFERENCE
ANON = "y75Fe33597qBqkR4obZZYV+wF3Y="
LABELS = ["open /", "open /pricing", "sign up", "blog", "next day", "log out", "someone else"]


def fake_visit(km_ai: list[str], people: list[list[str]]) -> VisitResult:
    timeline = [{"label": label, "url": "", "km_ai": value, "km_ni": None, "ki": value, "visitor": "v"}
                for label, value in zip(LABELS, km_ai)]
    return VisitResult("ann@example.com", timeline, people, "")


def test_findings_of_a_right_snippet_without_the_bonus():
    visit = fake_visit([ANON, ANON] + ["ann@example.com"] * 5, [[ANON, "ann@example.com"]])
    marks = [ok for ok, _ in findings(visit)]
    assert marks == [True, True, True, True, True, False]
    assert "the bonus exercise fixes this" in findings(visit)[-1][1]


def test_findings_of_identify_customer_for_everyone():
    visit = fake_visit(["customer"] * 7, [[ANON, "customer"]])
    found = findings(visit)
    assert "already 'customer'" in found[0][1] and not any(ok for ok, _ in found)


def test_findings_charge_a_visitor_named_before_sign_up_once():
    """Named 'undefined' before sign-up, the e-mail after: the early name is the one mistake (the checks charge
    it to anonymous-before-login alone), so the visits it took are not called unlinked as a second one."""
    visit = fake_visit(["undefined", "undefined"] + ["ann@example.com"] * 5, [[ANON, "undefined"], ["ann@example.com"]])
    found = findings(visit)
    assert found[0] == (False, "Before sign-up km_ai is already 'undefined': nobody is known yet, so nobody should be "
                               "named yet (what they do now is counted for that name, for good).")
    assert [ok for ok, _ in found[1:]] == [True, True, True, False]  # sign-up, blog, next day, the next person
    assert not any("At the tracker" in sentence for _, sentence in found)


def test_findings_charge_a_visitor_named_while_typing_the_sign_up_once():
    """Named from the form's keystrokes before the sign-up was sent: said once, as the checks charge it to
    anonymous-before-login alone, and the visits that half-typed name took are not called unlinked too."""
    visit = fake_visit([ANON, ANON] + ["ann@example.com"] * 5, [[ANON, "a", "an"], ["ann@example.com"]])
    visit.timeline[2]["named_before_submit"] = "ann@example.com"
    found = findings(visit)
    assert found[0][0] is True  # the pages before the form: anonymous
    assert found[1] == (False, "While the sign-up form was typed, before it was sent, km_ai was already "
                               "'ann@example.com': the snippet named the visitor from what they typed, before the "
                               "shop knew them.")
    assert not any("At the tracker" in sentence for _, sentence in found)


def test_findings_say_where_a_visit_stopped():
    visit = fake_visit([ANON, ANON], [[ANON]])
    visit.problem = "your code did not finish within 3 s on /signup"
    assert findings(visit)[-1] == (False, "The visit stopped early: your code did not finish within 3 s on /signup")


@pytest.mark.browser
@pytest.mark.parametrize("snippet, marks", [(WITH_BONUS, [True] * 6), ("", [True, False, False, False, False])])
def test_a_real_visit(site, snippet, marks):
    visit = scripted_visit(snippet, site=site, seed=5)
    assert [ok for ok, _ in findings(visit)] == marks
    assert visit.problem is None and len(visit.timeline) == 7
    if snippet:  # the last page's cookies: a new anonymous visitor after the log-out
        assert "km_ai=" in visit.cookie_header and "%3D" in visit.cookie_header and "km_ni" not in visit.cookie_header


@pytest.mark.browser
def test_a_real_visit_sees_a_visitor_named_while_typing_the_sign_up(site):
    """On each keystroke of the e-mail field: the sign-up step records the name given before the form was
    sent, and the findings say so once, as the checks do, instead of calling the visits unlinked."""
    keystrokes = ("document.addEventListener('input', function (e) {\n"
                  "  if (e.target.id === 'email') _kmq.push(['identify', e.target.value]);\n});")
    visit = scripted_visit(keystrokes, site=site, seed=5)
    assert visit.timeline[2]["named_before_submit"] == visit.email
    assert [step.get("named_before_submit") for step in visit.timeline[:2]] == [None, None]  # no forms there
    found = findings(visit)
    assert any(not ok and sentence.startswith("While the sign-up form was typed") for ok, sentence in found), found
    assert not any("At the tracker" in sentence for _, sentence in found), found
    right = scripted_visit(REFERENCE, site=site, seed=5)
    assert right.timeline[2]["named_before_submit"] is None


@pytest.mark.browser
def test_a_visit_with_a_throwing_snippet_says_so(site):
    visit = scripted_visit("window.acme.nobody.email.length;", site=site, seed=5)
    assert any("threw an error on /: Cannot read properties of undefined" in sentence for ok, sentence in findings(visit))


@pytest.mark.browser
def test_the_shop_view_runs_a_visit_and_the_inspector_follows(site, monkeypatch):
    monkeypatch.setattr(state, "_snippet", REFERENCE)
    view = ShopView(site=site)
    assert view.iframe().src == site.local_url + "/"
    asyncio.run(asyncio.wait_for(view.visit(), 60))
    assert "the cookie remembers" in view.visit_output.value
    assert "alias" in view.inspector.value and "distinct" in view.inspector.value
    assert not view.visit_button.disabled


def test_the_shop_view_before_the_snippet_cell(site, monkeypatch):
    monkeypatch.setattr(state, "_snippet", None)
    view = ShopView(site=site)
    asyncio.run(view.visit())
    assert "Run the <code>%%identify_snippet</code> cell first" in view.visit_output.value


def test_the_live_shop_serves_every_new_snippet(monkeypatch):
    """Re-running the snippet cell changes the pages of the shop in the notebook, with no other step."""
    monkeypatch.setattr(state, "_snippet", None)
    site = live.live_site()
    state.store("// first")
    assert site.snippet == "// first"
    state.store(REFERENCE)
    assert live.live_site() is site and site.snippet == REFERENCE


def test_findings_agree_with_the_checks_for_a_display_name_and_a_customer_number():
    """The display name is linked (anonymous-linked passes) but is no unique ID; a number is a right ID,
    only not the e-mail (identified-by-email)."""
    name = fake_visit([ANON, ANON] + ["Ann Lee"] * 5, [[ANON, "Ann Lee"]])
    found = dict((text.split(":")[0], ok) for ok, text in findings(name))
    assert found["At the tracker, the anonymous ID and the customer's ID are one person"] is True
    number = fake_visit([ANON, ANON] + ["7"] * 5, [[ANON, "7"]])
    marks = findings(number)
    assert marks[1][0] is True and "'7'" in marks[1][1]
    assert marks[2] == (False, marks[2][1]) and "not the customer's e-mail" in marks[2][1]


def test_the_live_shops_note_follows_the_snippet_cell(site, monkeypatch):
    """Shown before the snippet cell ran, the note must not keep saying so once the snippet is stored."""
    monkeypatch.setattr(state, "_snippet", None)
    monkeypatch.setattr(state, "_refused", None)
    view = ShopView(site=site)
    assert "Run your snippet cell first" in view.note.value
    state.store(REFERENCE)
    assert "Your snippet runs on every page below" in view.note.value
