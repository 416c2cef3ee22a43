"""The tracker over real HTTP: what it accepts, what it refuses and why."""

import httpx
import pytest

from autograder.site import COURSE_KEY

GOOD = f"_k={COURSE_KEY}&_p=anon%2B1%3D&_n=Visited%20Site&_t=1700000000&_d=1"


@pytest.fixture
def http(site):
    with httpx.Client(base_url=site.local_url + "/trk", timeout=5) as client:
        yield client


def test_event_is_stored_and_answered_with_a_gif(site, http):
    before = len(site.requests())
    response = http.get(f"/e?{GOOD}&plan=pro")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    stored = site.requests()[before:]
    assert stored[0]["kind"] == "e" and stored[0]["person"] == "anon+1=" and stored[0]["name"] == "Visited Site"
    assert stored[0]["props"] == {"plan": "pro"} and stored[0]["t"] == 1700000000


def test_post_is_accepted_like_get(site, http):
    before = len(site.requests())
    response = http.post("/s", content=f"_k={COURSE_KEY}&_p=bob&plan=starter",
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    assert site.requests()[before:][0]["props"] == {"plan": "starter"}


def test_alias_joins_people_in_the_api(site, http):
    http.get(f"/e?_k={COURSE_KEY}&_p=anon-zz&_n=Viewed")
    http.get(f"/a?_k={COURSE_KEY}&_p=anon-zz&_n=zz%40example.com")
    people = http.get("/api/people").json()
    person = next(p for p in people["people"] if "anon-zz" in p["ids"])
    assert "zz@example.com" in person["ids"]
    assert [e["name"] for e in person["events"]] == ["Viewed"]
    assert people["count"] == len(people["people"])


def test_a_resent_request_counts_once(site, http):
    """The library re-sends from km_uq what it did not see arrive: same _t, same request."""
    query = f"_k={COURSE_KEY}&_p=dup&_n=Once&_t=1700000001&_d=1"
    http.get(f"/e?{query}")
    http.get(f"/e?{query}")
    assert [r["name"] for r in site.requests() if r["person"] == "dup"] == ["Once"]


@pytest.mark.parametrize("query, reason", [
    ("_p=a&_n=b", "missing _k"),
    ("_k=0000&_p=a&_n=b", "wrong API key"),
    (f"_k={COURSE_KEY}&_n=b", "missing _p"),
    (f"_k={COURSE_KEY}&_p=a", "missing _n"),
    (f"_k={COURSE_KEY}&_p={'x' * 256}&_n=b", "_p longer than 255"),
    (f"_k={COURSE_KEY}&_p=a%ZZ&_n=b", "malformed encoding"),
    (f"_k={COURSE_KEY}&_p=a%FF%FE&_n=b", "not UTF-8"),
    (f"_k={COURSE_KEY}&_p=a&_n=b&junk={'y' * 9000}", "query too large"),
])
def test_bad_requests_get_400_with_a_reason_and_are_not_stored(site, http, query, reason):
    before = len(site.requests())
    response = http.get(f"/e?{query}")
    assert response.status_code == 400
    assert reason in response.text
    assert len(site.requests()) == before
    assert reason in site.rejected[-1]["reason"]


def test_unknown_path_is_refused(http):
    response = http.get(f"/x?{GOOD}")
    assert response.status_code == 400 and "unknown path" in response.text


def test_server_survives_garbage(site, http):
    for raw in ("/e?%", "/e?&&&=&", "/e?_k", "/a?" + "%" * 50):
        assert http.get(raw).status_code == 400
    assert http.get(f"/e?{GOOD}").status_code == 200


def test_people_report_page_counts_people(site, http):
    http.get(f"/e?_k={COURSE_KEY}&_p=report-person&_n=Viewed")
    page = http.get("/people")
    assert page.status_code == 200
    count = len(site.people())
    assert f'<span class="count" id="people-count">{count}</span>' in page.text
    assert "report-person" in page.text


def test_library_is_served_with_the_tracker_url_filled_in(site, http):
    js = http.get(f"/{COURSE_KEY}.2.js").text
    assert "__TRACKER__" not in js
    assert f"//127.0.0.1:{site.port}/trk" in js
