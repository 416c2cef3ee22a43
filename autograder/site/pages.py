"""Rendering shop and blog pages under the page contract of DESIGN.md:
``window.acme``, then the install snippet, then the learner's snippet, in the head."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from .accounts import DEMO_CUSTOMERS, DEMO_PASSWORD, Customer
from .hosts import RUN_HEADER, Mount, origins_for
from .tracker_store import COURSE_KEY

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

INSTALL_SNIPPET = """var _kmq = _kmq || [];
var _kmk = _kmk || '{key}';{cookie_domain}
function _kms(u){{
  setTimeout(function(){{
    var d = document, f = d.getElementsByTagName('script')[0],
    s = d.createElement('script');
    s.type = 'text/javascript'; s.async = true; s.src = u;
    f.parentNode.insertBefore(s, f);
  }}, 1);
}}
_kms('{tracker}/i.js');
_kms('{tracker}/' + _kmk + '.2.js');"""

_CLOSE_SCRIPT = re.compile(r"</(script)", re.IGNORECASE)


def embed_in_script(code: str) -> str:
    """Make text safe inside <script>...</script> without changing what it means
    to JavaScript (``<\\/`` reads as ``</`` inside strings)."""
    return _CLOSE_SCRIPT.sub(r"<\\/\1", code).replace("<!--", "<\\!--")


def install_snippet(host_header: str, mount: Mount | None = None) -> str:
    origins = origins_for(host_header, mount)
    cookie_domain = f"\nvar KM_COOKIE_DOMAIN = '{origins.cookie_domain}';" if origins.cookie_domain else ""
    if origins.cookie_path != "/":  # the mount's path comes from a user name: JSON-quote it
        cookie_domain += f"\nvar KM_COOKIE_PATH = {embed_in_script(json.dumps(origins.cookie_path))};"
    return INSTALL_SNIPPET.format(key=COURSE_KEY, tracker=origins.tracker, cookie_domain=cookie_domain)


def learner_snippet(request: Request) -> str:
    state = request.app.state
    run = request.headers.get(RUN_HEADER, "")
    return state.snippets.get(run, state.snippet) or ""


def render(request: Request, template: str, *, page: str, title: str, customer: Customer | None = None,
           just_logged_out: bool = False, status_code: int = 200, **context):
    host = request.headers.get("host", "127.0.0.1")
    mount = request.app.state.mount
    origins = origins_for(host, mount)
    on_blog = page == "blog"
    acme = {"page": page, "customer": customer.to_json() if customer else None, "justLoggedOut": just_logged_out}
    context.update(
        acme_json=json.dumps(acme).replace("<", "\\u003c"),
        install_snippet=install_snippet(host, mount),
        learner_snippet=embed_in_script(learner_snippet(request)),
        title=title,
        page=page,
        view=secrets.token_hex(6),  # lets checks find this page view's event at the tracker
        brand="The Acme blog" if on_blog else "Acme Insights",
        on_blog=on_blog,
        home_url=origins.blog if on_blog else origins.shop,
        shop_url=origins.shop,
        blog_url=origins.blog,
        customer=customer,
        just_logged_out=just_logged_out,
        demo_emails=[email for _, email, _ in DEMO_CUSTOMERS],
        demo_password=DEMO_PASSWORD,
    )
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["cache-control"] = "no-store"
    return response
