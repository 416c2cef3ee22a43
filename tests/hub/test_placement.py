"""Where the kernel thinks the learner's browser is, and where it shows the shop."""

import httpx

from autograder.notebook.live import start_shop
from autograder.notebook.proxy import Placement, placement
from autograder.notebook.shop_view import ShopView


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
        assert ShopView(site=first, env={}).iframe().src == first.public_url + "/"
    finally:
        first.stop()
        second.stop()


def test_on_a_hub_the_frame_goes_through_the_learners_server():
    env = {"JUPYTERHUB_SERVICE_PREFIX": "/user/ann/"}
    shop = start_shop(env=env)
    try:
        assert shop.public_url.startswith(f"/user/ann/proxy/{shop.port}/s-")
        view = ShopView(site=shop, env=env)
        assert view.iframe().src == shop.public_url + "/"
    finally:
        shop.stop()
