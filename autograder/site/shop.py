"""The shop's and the blog's pages and forms (see the page contract in DESIGN.md)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from .accounts import AccountStore, SignUpError
from .hosts import LOGGED_OUT_COOKIE, RUN_HEADER, SESSION_COOKIE, Origins, origins_for, relative_location
from .pages import render


BLOG_POSTS = {
    "identities-101": {
        "title": "Identities 101: from anonymous visitor to named customer",
        "body": ["Every visitor starts anonymous. The moment they sign up, you know who they are.",
                 "Tell your analytics, once, and every later visit counts for the same person."],
    },
    "why-email": {
        "title": "Why we identify customers by e-mail",
        "body": ["E-mail addresses are unique, readable in reports, and the key that joins your tools."],
    },
    "one-person-many-devices": {
        "title": "One person, many devices",
        "body": ["Your customer reads this post on a phone and buys on a laptop. Are they one person?"],
    },
}


def _store(request: Request) -> AccountStore:
    return request.app.state.accounts


def _realm(request: Request) -> str:
    return request.headers.get(RUN_HEADER, "")


def _customer(request: Request):
    return _store(request).customer_for(request.cookies.get(SESSION_COOKIE))


def _origins(request: Request) -> Origins:
    return origins_for(request.headers.get("host", ""), request.app.state.mount)


def _redirect(request: Request, path: str) -> RedirectResponse:
    origins = _origins(request)
    if origins.path_based:
        return RedirectResponse(relative_location(request.url.path, path), status_code=303)
    return RedirectResponse(origins.shop + path, status_code=303)


def _logged_in(request: Request, customer) -> RedirectResponse:
    response = _redirect(request, "/account")
    response.set_cookie(SESSION_COOKIE, _store(request).open_session(customer), httponly=True, samesite="lax",
                        path=_origins(request).cookie_path)
    return response


def _simple_page(page: str, template: str, title: str):
    async def endpoint(request: Request):
        just_logged_out = request.cookies.get(LOGGED_OUT_COOKIE) == "1"
        response = render(request, template, page=page, title=title, customer=_customer(request),
                          just_logged_out=just_logged_out)
        if just_logged_out:  # only the first page after a log-out says so
            response.delete_cookie(LOGGED_OUT_COOKIE, path=_origins(request).cookie_path)
        return response
    return endpoint


async def signup(request: Request):
    form = {"name": "", "email": ""}
    if request.method == "POST":
        data = await request.form()
        form = {"name": str(data.get("name", "")), "email": str(data.get("email", ""))}
        try:
            customer = _store(request).sign_up(form["name"], form["email"], str(data.get("password", "")),
                                               realm=_realm(request))
        except SignUpError as err:
            return render(request, "signup.html", page="signup", title="Sign up", form=form, error=str(err),
                          status_code=400)
        return _logged_in(request, customer)
    return render(request, "signup.html", page="signup", title="Sign up", customer=_customer(request), form=form)


async def login(request: Request):
    form = {"email": ""}
    if request.method == "POST":
        data = await request.form()
        form = {"email": str(data.get("email", ""))}
        customer = _store(request).authenticate(form["email"], str(data.get("password", "")), realm=_realm(request))
        if customer is not None:
            return _logged_in(request, customer)
        return render(request, "login.html", page="login", title="Log in", form=form,
                      error="That e-mail and password do not match an account.", status_code=401)
    return render(request, "login.html", page="login", title="Log in", customer=_customer(request), form=form)


async def account(request: Request):
    customer = _customer(request)
    if customer is None:
        return _redirect(request, "/login")
    return render(request, "account.html", page="account", title="Your account", customer=customer)


async def logout(request: Request):
    _store(request).close_session(request.cookies.get(SESSION_COOKIE))
    response = _redirect(request, "/")
    cookie_path = _origins(request).cookie_path
    response.delete_cookie(SESSION_COOKIE, path=cookie_path)
    response.set_cookie(LOGGED_OUT_COOKIE, "1", httponly=True, samesite="lax", path=cookie_path)
    return response


async def blog_index(request: Request):
    return render(request, "blog_index.html", page="blog", title="Blog", posts=BLOG_POSTS)


async def blog_post(request: Request):
    post = BLOG_POSTS.get(request.path_params["slug"])
    if post is None:
        return render(request, "not_found.html", page="blog", title="Not found", status_code=404)
    return render(request, "blog_post.html", page="blog", title=post["title"], post=post)


async def not_found(request: Request, exc=None):
    on_blog = request.url.path.startswith("/blog")
    return render(request, "not_found.html", page="blog" if on_blog else "not-found", title="Not found",
                  customer=None if on_blog else _customer(request), status_code=404)


routes = [
    Route("/", _simple_page("home", "home.html", "Home")),
    Route("/pricing", _simple_page("pricing", "pricing.html", "Pricing")),
    Route("/signup", signup, methods=["GET", "POST"]),
    Route("/login", login, methods=["GET", "POST"]),
    Route("/account", account),
    Route("/logout", logout, methods=["GET", "POST"]),
    Route("/blog", blog_index),
    Route("/blog/", blog_index),
    Route("/blog/{slug}", blog_post),
]
