"""The shop and the blog over real HTTP: the page contract, forms, accounts."""

import json
import re

import httpx
import pytest

from autograder.site import SimulatedSite
from autograder.site.accounts import DEMO_CUSTOMERS, DEMO_PASSWORD

HEAD_SCRIPTS = re.compile(r"<script>(.*?)</script>", re.S)
SHOP_PAGES = ["/", "/pricing", "/signup", "/login"]
BLOG_PAGES = ["/blog/", "/blog/identities-101", "/blog/why-email", "/blog/one-person-many-devices"]


def head_scripts(html: str) -> list[str]:
    head = html.split("</head>")[0]
    return HEAD_SCRIPTS.findall(head)


def acme_of(html: str) -> dict:
    first = head_scripts(html)[0]
    assert first.startswith("window.acme = ")
    return json.loads(first[len("window.acme = "):].rstrip(";"))


@pytest.fixture
def shop():
    with SimulatedSite("/* learner */ console.log('hi');") as running:
        with httpx.Client(base_url=running.local_url, timeout=5, follow_redirects=True) as client:
            yield running, client


def test_every_page_follows_the_contract_in_order(shop):
    site, client = shop
    for path in SHOP_PAGES + BLOG_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        scripts = head_scripts(response.text)
        assert len(scripts) >= 3, path
        acme = acme_of(response.text)
        assert set(acme) == {"page", "customer", "justLoggedOut"}
        assert "_kmq = _kmq || []" in scripts[1] and "_kms(" in scripts[1], path
        assert scripts[2] == "/* learner */ console.log('hi');", path


def test_blog_pages_never_know_the_customer(shop):
    site, client = shop
    email, password = DEMO_CUSTOMERS[0][1], DEMO_PASSWORD
    client.post("/login", data={"email": email, "password": password})
    assert acme_of(client.get("/pricing").text)["customer"]["email"] == email
    for path in BLOG_PAGES:
        acme = acme_of(client.get(path).text)
        assert acme == {"page": "blog", "customer": None, "justLoggedOut": False}


def test_sign_up_keeps_the_email_as_typed_and_lands_on_account(shop):
    site, client = shop
    response = client.post("/signup", data={"name": "Ada Byron", "email": "Ada.Byron@Example.COM",
                                            "password": "analytical"})
    assert response.url.path == "/account"
    customer = acme_of(response.text)["customer"]
    assert customer["email"] == "Ada.Byron@Example.COM" and customer["name"] == "Ada Byron"
    assert set(customer) == {"id", "email", "name", "plan"}
    assert acme_of(response.text)["page"] == "account"


def test_log_in_ignores_case_and_spaces_but_shows_the_stored_email(shop):
    site, client = shop
    stored = DEMO_CUSTOMERS[1][1]  # has capitals
    response = client.post("/login", data={"email": f"  {stored.upper()} ", "password": DEMO_PASSWORD})
    assert response.url.path == "/account"
    assert acme_of(response.text)["customer"]["email"] == stored


def test_wrong_password_stays_on_login_with_a_message(shop):
    site, client = shop
    response = client.post("/login", data={"email": DEMO_CUSTOMERS[0][1], "password": "nope"})
    assert response.status_code == 401 and "do not match" in response.text
    assert acme_of(response.text)["customer"] is None


def test_duplicate_sign_up_is_refused(shop):
    site, client = shop
    response = client.post("/signup", data={"name": "X", "email": " ALICE.MARTIN@example.com",
                                            "password": "whatever1"})
    assert response.status_code == 400 and "already exists" in response.text


def test_two_demo_customers_share_a_display_name():
    names = [name for name, _, _ in DEMO_CUSTOMERS]
    assert len(set(names)) < len(names)


def test_session_cookie_is_httponly_and_not_km(shop):
    site, client = shop
    response = client.post("/login", data={"email": DEMO_CUSTOMERS[0][1], "password": DEMO_PASSWORD},
                           follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("acme_session=") and "HttpOnly" in cookie


def test_just_logged_out_only_on_the_first_page_after_log_out(shop):
    site, client = shop
    client.post("/login", data={"email": DEMO_CUSTOMERS[0][1], "password": DEMO_PASSWORD})
    landed = client.get("/logout")
    assert landed.url.path == "/"
    assert acme_of(landed.text) == {"page": "home", "customer": None, "justLoggedOut": True}
    assert acme_of(client.get("/pricing").text)["justLoggedOut"] is False
    assert client.get("/account").url.path == "/login"


def test_blog_and_tracker_hosts_are_served_by_host_name(shop):
    site, client = shop
    blog = client.get("/", headers={"host": f"blog.acme.test:{site.port}"})
    assert acme_of(blog.text)["page"] == "blog"
    assert f"//trk.kmtrack.test:{site.port}/i.js" in head_scripts(blog.text)[1]
    assert "KM_COOKIE_DOMAIN = '.acme.test'" in head_scripts(blog.text)[1]
    tracker = client.get("/people", headers={"host": f"trk.kmtrack.test:{site.port}"})
    assert "People" in tracker.text


def test_learner_snippet_cannot_break_out_of_its_script_tag():
    with SimulatedSite("var s = '</script><h1 id=pwn>'; <!-- x") as site:
        html = httpx.get(site.local_url + "/").text
    assert not _has_element(html, "h1", "pwn")
    assert "var s = '<\\/script><h1 id=pwn>'; <\\!-- x" in head_scripts(html)[2]


def _has_element(html: str, tag: str, element_id: str) -> bool:
    from html.parser import HTMLParser

    found = []

    class Finder(HTMLParser):
        def handle_starttag(self, name, attrs):
            if name == tag and ("id", element_id) in attrs:
                found.append(name)

    Finder().feed(html)
    return bool(found)


def test_snippet_can_be_changed_while_running(shop):
    site, client = shop
    site.snippet = "console.log('v2')"
    assert head_scripts(client.get("/").text)[2] == "console.log('v2')"


def test_port_in_use_gives_a_clear_error(shop):
    from autograder.errors import AutograderError

    site, _ = shop
    with pytest.raises(AutograderError, match="choose another --port"):
        SimulatedSite(port=site.port).start()
