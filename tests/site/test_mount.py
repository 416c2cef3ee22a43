"""A shop mounted under a path, as behind jupyter-server-proxy (which strips its own
prefix): links, the tracker, redirects and cookies stay under the public path; the
realistic hosts the checks use are unchanged; other people's cookies never reach it."""

import httpx
import pytest

from autograder.site import SimulatedSite
from autograder.site.hosts import own_cookies_only

PUBLIC = "/user/ann/proxy/{port}/s-abc"


@pytest.fixture
def mounted():
    with SimulatedSite() as site:
        site.serve_under("/s-abc", proxy_prefix=f"/user/ann/proxy/{site.port}")
        yield site


def test_pages_link_under_the_public_path(mounted):
    public = PUBLIC.format(port=mounted.port)
    assert mounted.public_url == public
    page = httpx.get(mounted.local_url + "/s-abc/", timeout=5)  # what the proxy passes on
    assert page.status_code == 200 and 'window.acme = {"page": "home"' in page.text
    assert f'href="{public}/pricing"' in page.text and f'href="{public}/blog/"' in page.text
    assert f"_kms('{public}/trk/i.js')" in page.text and f'var KM_COOKIE_PATH = "{public}";' in page.text
    assert "KM_COOKIE_DOMAIN" not in page.text  # host-only cookies
    library = httpx.get(mounted.local_url + "/s-abc/trk/course-key.2.js", timeout=5).text
    assert f"var TRACKER = '{public}/trk';" in library


def test_log_in_redirects_relatively_and_scopes_the_cookie_to_the_path(mounted):
    public = PUBLIC.format(port=mounted.port)
    with httpx.Client(base_url=mounted.local_url, timeout=5) as client:
        answer = client.post("/s-abc/login", data={"email": "alice.martin@example.com", "password": "identify-me"})
        assert answer.status_code == 303 and answer.headers["location"] == "account"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("acme_session=") and f"Path={public}" in cookie and "Domain" not in cookie
        token = cookie.split(";")[0].partition("=")[2]
        account = client.get("/s-abc/account", headers={"cookie": f"_xsrf=2|jupyter; acme_session={token}"})
        assert account.status_code == 200 and "Welcome back, Alice Martin" in account.text
        out = client.post("/s-abc/logout", headers={"cookie": f"acme_session={token}"})
        assert out.headers["location"] == "./" and f"Path={public}" in out.headers["set-cookie"]


def test_the_realistic_hosts_are_not_mounted(mounted):
    page = httpx.get(mounted.local_url + "/", headers={"host": f"www.acme.test:{mounted.port}"}, timeout=5)
    assert f'href="http://www.acme.test:{mounted.port}/pricing"' in page.text
    assert "KM_COOKIE_DOMAIN = '.acme.test'" in page.text and "KM_COOKIE_PATH" not in page.text


def test_a_user_name_in_the_path_cannot_break_out_of_the_page():
    """Hubs escape user names in their prefix, but the shop must not rely on it."""
    with SimulatedSite() as site:
        site.serve_under("/s-abc", proxy_prefix="/user/a'\"</script><b>x/proxy/1")
        page = httpx.get(site.local_url + "/s-abc/", timeout=5).text
        assert "<b>x" not in page and "a'" not in page
        assert 'href="/user/a%27%22%3C/script%3E%3Cb%3Ex/proxy/1/s-abc/pricing"' in page


def test_only_the_shops_own_cookies_pass():
    headers = [(b"host", b"127.0.0.1:8888"),
               (b"cookie", b"_xsrf=2|abc; username-127-0-0-1-8888=2|xyz; acme_session=t0k; km_ai=ann"),
               (b"cookie", b"jupyterhub-session-id=s")]
    assert own_cookies_only(headers) == [(b"host", b"127.0.0.1:8888"), (b"cookie", b"acme_session=t0k")]
