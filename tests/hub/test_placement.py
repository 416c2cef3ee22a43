"""Where the kernel thinks the learner's browser is, and what it says when the shop
cannot reach that browser: one line, and the rest of the lesson keeps working."""

import httpx

from autograder.notebook.live import start_shop
from autograder.notebook.proxy import Placement, placement
from autograder.notebook.shop_view import ShopView

from .conftest import free_port


def test_on_this_machine_by_default():
    assert placement({}) == Placement() and not placement({}).proxied


def test_a_hub_is_detected_from_its_prefix():
    env = {"JUPYTERHUB_SERVICE_PREFIX": "/user/ann/", "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:41234/user/ann/"}
    where = placement(env)
    assert where.prefix == "/user/ann/" and where.server_url == "http://127.0.0.1:41234/user/ann/"
    assert where.proxy_prefix(8123) == "/user/ann/proxy/8123"
    assert placement({"JUPYTERHUB_SERVICE_PREFIX": "/user/ann"}).prefix == "/user/ann/"


def test_an_explicit_server_url_wins():
    env = {"AUTOGRADER_JUPYTER_URL": "http://127.0.0.1:8888/base", "JUPYTERHUB_SERVICE_PREFIX": "/user/ann/"}
    assert placement(env) == Placement(prefix="/base/", server_url="http://127.0.0.1:8888/base/")


def test_the_local_shop_keeps_its_address_and_gets_a_path_of_its_own():
    first, second = start_shop(), start_shop()
    try:
        for shop in (first, second):
            assert shop.public_url.startswith(shop.local_url + "/s-")
            assert httpx.get(shop.public_url + "/", timeout=5).status_code == 200
        assert first.public_url.rpartition("/")[2] != second.public_url.rpartition("/")[2]
        frame = ShopView(site=first, env={}).iframe()
        assert frame.src == first.public_url + "/"
        assert 'title="The simulated shop' in frame._repr_html_()  # a frame's name for screen readers
    finally:
        first.stop()
        second.stop()


def test_on_a_hub_the_frame_goes_through_the_learners_server():
    env = {"JUPYTERHUB_SERVICE_PREFIX": "/user/ann/"}
    shop = start_shop(env=env)
    try:
        assert shop.public_url.startswith(f"/user/ann/proxy/{shop.port}/s-")
        view = ShopView(site=shop, env=env)
        assert view.problem is None and view.iframe().src == shop.public_url + "/"
    finally:
        shop.stop()


def test_a_server_that_does_not_answer_is_said_in_one_line():
    env = {"AUTOGRADER_JUPYTER_URL": f"http://127.0.0.1:{free_port()}/"}  # nothing listens there
    shop = start_shop(env=env)
    try:
        view = ShopView(site=shop, env=env)
        assert view.problem is not None and "\n" not in view.problem
        assert "does not answer" in view.problem and "reload this page" in view.problem
        frame = view.iframe()._repr_html_()
        assert "<iframe" not in frame and 'role="alert"' in frame and "Check my work still run" in frame
        # The kernel side of the lesson does not need the proxy.
        assert httpx.get(shop.local_url + "/trk/api/people", timeout=5).status_code == 200
    finally:
        shop.stop()


def test_the_lessons_links_give_way_to_the_same_line(monkeypatch):
    from autograder.notebook import lesson, live

    monkeypatch.setenv("AUTOGRADER_JUPYTER_URL", f"http://127.0.0.1:{free_port()}/")
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setattr(live, "_site", None)
    shown = []
    monkeypatch.setattr(lesson, "display", lambda *objs: shown.extend(objs))
    try:
        lesson.start()
    finally:
        if live._site is not None:
            live._site.stop()
    assert len(shown) == 1 and "does not answer" in shown[0].data and "href" not in shown[0].data
