"""The honest grading corpus: learner snippets and the checks each must fail.

Every check not listed under ``fails`` must pass. Correct snippets come in
several styles; each classic mistake fails what it should and nothing else.
"""

CORE = ["anonymous-before-login", "identify-after-login", "identity-across-pages", "identity-across-sessions",
        "distinct-people", "anonymous-linked", "no-cookie-writes", "no-page-errors"]
BONUS = ["canonical-email", "shared-computer"]

CORPUS = {
    # -- correct, several styles (the shared-computer bonus needs a log-out rule)
    "correct-if-guard": (
        "if (window.acme.customer) {\n  _kmq.push(['identify', window.acme.customer.email]);\n}",
        {"shared-computer"},
    ),
    "correct-optional-chaining": (
        "const email = window.acme?.customer?.email;\nif (email) _kmq.push(['identify', email]);",
        {"shared-computer"},
    ),
    "correct-function-push": (
        "_kmq.push(function () {\n  if (window.acme.customer) KM.identify(window.acme.customer.email);\n});",
        {"shared-computer"},
    ),
    "correct-explicit-alias-first": (
        "_kmq.push(function () {\n  var c = window.acme.customer;\n  if (!c) return;\n"
        "  KM.alias(KM.i(), c.email);\n  KM.identify(c.email);\n});",
        {"shared-computer"},
    ),
    "correct-with-bonus": (
        "if (window.acme.justLoggedOut) { _kmq.push(['clearIdentity']); }\n"
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }",
        set(),
    ),
    "correct-on-a-page-that-replaces-dom-methods": (
        # Other scripts on a page may replace the DOM's methods: people still type and click.
        "Document.prototype.querySelector = function () { return null; };\n"
        "HTMLElement.prototype.click = function () {};\nHTMLElement.prototype.focus = function () {};\n"
        "EventTarget.prototype.dispatchEvent = function () { return true; };\n"
        "Object.defineProperty(HTMLInputElement.prototype, 'value', {get: function () { return ''; }, "
        "set: function () {}});\n"
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }",
        {"shared-computer"},
    ),
    # -- classic mistakes
    "constant-customer": (
        "_kmq.push(['identify', 'customer']);",
        {"anonymous-before-login", "identify-after-login", "distinct-people", "canonical-email", "shared-computer"},
    ),
    "constant-guest-when-known": (
        "if (window.acme.customer) { _kmq.push(['identify', 'guest']); }",
        {"identify-after-login", "distinct-people", "canonical-email", "shared-computer"},
    ),
    "display-name": (
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.name]); }",
        {"identify-after-login", "distinct-people", "canonical-email", "shared-computer"},
    ),
    "customer-id": (
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.id]); }",
        {"identify-after-login", "canonical-email", "shared-computer"},
    ),
    "no-guard": (
        "_kmq.push(['identify', window.acme.customer.email]);",
        {"no-page-errors", "shared-computer"},
    ),
    "km-directly-before-load": (
        "if (window.acme.customer) { KM.identify(window.acme.customer.email); }",
        {"identify-after-login", "identity-across-pages", "identity-across-sessions", "anonymous-linked",
         "no-page-errors", "canonical-email", "shared-computer"},
    ),
    # Every anonymous visitor becomes the person "undefined". After a log-out the next
    # visitor is "undefined" too, not the previous customer, so shared-computer holds.
    "string-of-undefined": (
        "_kmq.push(['identify', String((window.acme.customer || {}).email)]);",
        {"anonymous-before-login", "identity-across-pages", "identity-across-sessions", "distinct-people",
         "anonymous-linked", "canonical-email"},
    ),
    "clears-where-unknown": (
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }\n"
        "else { _kmq.push(['identify', '']); }",
        {"identity-across-pages", "identity-across-sessions", "canonical-email"},
    ),
    "writes-km-ai-with-expiry": (
        "if (window.acme.customer) {\n  document.cookie = 'km_ai=' + encodeURIComponent(window.acme.customer.email)"
        " + '; path=/; max-age=157680000';\n}",
        {"identify-after-login", "identity-across-pages", "identity-across-sessions", "anonymous-linked",
         "no-cookie-writes", "canonical-email", "shared-computer"},
    ),
    "writes-km-ai-session-cookie": (
        "if (window.acme.customer) {\n  document.cookie = 'km_ai=' + encodeURIComponent(window.acme.customer.email)"
        " + '; path=/; domain=.acme.test';\n}",
        {"identity-across-sessions", "anonymous-linked", "no-cookie-writes", "shared-computer"},
    ),
    "typed-login-email": (
        "document.addEventListener('submit', function () {\n"
        "  var field = document.getElementById('email');\n"
        "  if (field) localStorage.setItem('typedEmail', field.value);\n});\n"
        "var typed = localStorage.getItem('typedEmail');\n"
        "if (window.acme.customer && typed) { _kmq.push(['identify', typed]); }",
        {"canonical-email", "shared-computer"},
    ),
    "no-identify": (
        "// TODO: identify the customer\n",
        {"identify-after-login", "identity-across-pages", "identity-across-sessions", "anonymous-linked",
         "canonical-email", "shared-computer"},
    ),
    "syntax-error": (
        "if (window.acme.customer { _kmq.push(['identify', window.acme.customer.email]); }",
        {"identify-after-login", "identity-across-pages", "identity-across-sessions", "anonymous-linked",
         "no-page-errors", "canonical-email", "shared-computer"},
    ),
    "endless-loop": (
        "while (true) {}",
        set(CORE) | set(BONUS),
    ),
}
