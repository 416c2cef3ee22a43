"""The crowd picture tells the lesson's warning truthfully: every page view is
traced to the person the tracker credited it to."""

import pytest

from autograder.checks.visitor import Step
from autograder.notebook.crowd import (
    CONSTANT,
    CROWD_SIZE,
    DISPLAY_NAME,
    NO_IDENTIFY,
    CrowdResult,
    simulate_crowd,
    tally,
)
from autograder.notebook.crowd_plot import crowd_html, plot_crowd
from autograder.site.people import build_people

WITH_BONUS = ("if (window.acme.justLoggedOut) { _kmq.push(['clearIdentity']); }\n"
              "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }")
ANON_A, ANON_B = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "BBBBBBBBBBBBBBBBBBBBBBBBBBB="


def view(person: str, view_id: str) -> dict:
    return {"kind": "e", "person": person, "name": "Viewed page", "props": {"view": view_id}, "t": 1}


def test_tally_counts_real_people_in_one_tracker_person():
    steps = [Step("a", "", None, None, None, visitor="ann", view="v1"),
             Step("b", "", None, None, None, visitor="bob", view="v2"),
             Step("c", "", None, None, None, visitor="cat", view="v3")]
    requests = [view(ANON_A, "v1"), view(ANON_B, "v2"), view("customer", "v3"),
                {"kind": "a", "person": ANON_A, "name": "customer", "props": {}, "t": 1},
                {"kind": "a", "person": ANON_B, "name": "customer", "props": {}, "t": 1}]
    result = tally("constant", steps, requests, build_people(requests))
    assert (result.tracker_people, result.named_people, result.merged) == (1, 1, [("customer", 3)])
    assert "the visits of 3 real people went to one person (customer)" in result.summary()


def test_the_picture_is_a_png():
    results = [CrowdResult("yours", 7, 7, 6), CrowdResult("identify('customer')", 7, 1, 1, [("customer", 7)])]
    assert plot_crowd(results).startswith(b"\x89PNG")


@pytest.mark.browser
@pytest.mark.slow
def test_the_picture_says_in_words_what_it_shows():
    """Its text alternative gives every bar's numbers; named and anonymous are told apart in the
    picture by more than a shade (the anonymous part of a bar is hatched, each part labelled)."""
    results = [CrowdResult("your snippet", 6, 6, 6), CrowdResult("no identify", 6, 6, 0)]
    page = crowd_html(results)
    assert page.startswith("<img") and "src='data:image/png;base64," in page
    assert ("alt='Bar chart, who visited vs. who the tracker thinks visited. your snippet: 6 real people, in the "
            "report 6 named and 0 anonymous; no identify: 6 real people, in the report 0 named and 6 anonymous.'"
            in page)


def test_the_crowd_for_four_snippets():
    yours, constant, name, nobody = simulate_crowd({"yours": WITH_BONUS, "constant": CONSTANT,
                                                    "name": DISPLAY_NAME, "none": NO_IDENTIFY})
    assert (yours.tracker_people, yours.named_people, yours.merged) == (CROWD_SIZE, 6, [])
    assert (constant.tracker_people, constant.merged) == (1, [("customer", CROWD_SIZE)])
    assert any(count == 2 and " " in who for who, count in name.merged)  # the two customers sharing a name
    assert nobody.named_people == 0 and nobody.tracker_people < CROWD_SIZE  # the shared computer is one person
