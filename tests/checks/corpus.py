"""The honest grading corpus: learner snippets and the checks each must fail.

Every check not listed under ``fails`` must pass. Correct snippets come in
several styles (timers, events, pushed functions: visitors dwell on pages); each
classic mistake fails what it should and nothing else: one mistake costs points
in the check whose concern it is, not in every check downstream of it.
"""

# Every check that needs somebody named fails when nobody is.
UNNAMED = {"identify-after-login", "identified-by-email", "identity-across-pages", "identity-across-sessions",
           "anonymous-linked", "canonical-email", "shared-computer"}

CORE = ["anonymous-before-login", "identify-after-login", "identified-by-email", "identity-across-pages",
        "identity-across-sessions", "distinct-people", "anonymous-linked", "no-cookie-writes", "no-page-errors"]
BONUS = ["canonical-email", "shared-computer"]

# A learner's own string hash (djb2), as base 36: an ID that shows nothing of the e-mail.
HASH = ("function hash(text) {\n  var h = 5381;\n"
        "  for (var i = 0; i < text.length; i++) h = (h * 33 + text.charCodeAt(i)) >>> 0;\n"
        "  return h.toString(36);\n}\n")

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
    # People stay on pages: identify from a timer, on load, after a frame, from a pushed function.
    "correct-from-a-timer": (
        "setTimeout(function () {\n  if (window.acme.customer) _kmq.push(['identify', window.acme.customer.email]);\n"
        "}, 400);",
        {"shared-computer"},
    ),
    # A wait written as a loop on the clock, inside a timer: it ends in a person's browser, so it does here.
    "correct-after-a-busy-wait-in-a-timer": (
        "setTimeout(function () {\n  var until = Date.now() + 30;\n  while (Date.now() < until) {}\n"
        "  if (window.acme.customer) _kmq.push(['identify', window.acme.customer.email]);\n}, 400);",
        {"shared-computer"},
    ),
    # Other code on the page keeps it busy half the time: it is slow in a person's browser, not broken.
    "correct-beside-a-busy-interval": (
        "setInterval(function () { var until = Date.now() + 5; while (Date.now() < until) {} }, 10);\n"
        "if (window.acme.customer) _kmq.push(['identify', window.acme.customer.email]);",
        {"shared-computer"},
    ),
    "correct-on-load": (
        "window.addEventListener('load', function () {\n"
        "  if (window.acme.customer) _kmq.push(['identify', window.acme.customer.email]);\n});",
        {"shared-computer"},
    ),
    # A shop's page loads after its library (images take longer than the cached library): KM is ready on load.
    "correct-on-load-with-km": (
        "window.addEventListener('load', function () {\n"
        "  if (window.acme.customer) KM.identify(window.acme.customer.email);\n});",
        {"shared-computer"},
    ),
    "correct-after-a-frame-and-a-second": (
        "requestAnimationFrame(function () {\n  setTimeout(function () {\n"
        "    if (window.acme.customer) _kmq.push(['identify', window.acme.customer.email]);\n  }, 1000);\n});",
        {"shared-computer"},
    ),
    "correct-pushed-function-with-ki": (
        "_kmq.push(function () {\n  var c = window.acme.customer;\n"
        "  if (c && KM.i() !== c.email) KM.identify(c.email);\n});",
        {"shared-computer"},
    ),
    # -- classic mistakes
    "constant-customer": (
        "_kmq.push(['identify', 'customer']);",
        {"anonymous-before-login", "identify-after-login", "identified-by-email", "distinct-people",
         "canonical-email", "shared-computer"},
    ),
    "constant-guest-when-known": (
        "if (window.acme.customer) { _kmq.push(['identify', 'guest']); }",
        {"identify-after-login", "identified-by-email", "distinct-people", "canonical-email", "shared-computer"},
    ),
    # One mistake, one check: a name is not unique (distinct-people, identify-after-login), but it comes from the
    # shop's record, so typing the e-mail differently does not change it (canonical-email holds).
    "display-name": (
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.name]); }",
        {"identify-after-login", "identified-by-email", "distinct-people", "shared-computer"},
    ),
    # The part before the @ does not change with typing (canonical-email holds), but it is not unique: the two
    # customers of the same name are jsmith@ at two providers, in every seed.
    "local-part-of-email": (
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email.split('@')[0]]); }",
        {"identify-after-login", "identified-by-email", "distinct-people", "shared-computer"},
    ),
    # Named after log-in, but by the display name first: the visits before go to the name, not the customer.
    "name-then-email": (
        "if (window.acme.customer) {\n  _kmq.push(['identify', window.acme.customer.name]);\n"
        "  _kmq.push(['identify', window.acme.customer.email]);\n}",
        {"distinct-people", "anonymous-linked", "shared-computer"},
    ),
    # Any unique ID is right (the lesson); e-mail is the better one.
    "customer-id": (
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.id]); }",
        {"identified-by-email", "shared-computer"},
    ),
    # An ID that is nothing of the record can still come from it: a hash of the stored e-mail is unique, stable
    # and does not change with typing (only not the e-mail); a hash of the typed one does; a random one is not
    # stable (identify-after-login's concern alone: typing does not decide it).
    "hash-of-stored-email": (
        HASH + "if (window.acme.justLoggedOut) _kmq.push(['clearIdentity']);\n"
        "if (window.acme.customer) _kmq.push(['identify', 'h' + hash(window.acme.customer.email)]);",
        {"identified-by-email"},
    ),
    "hash-of-typed-email": (
        HASH + "document.addEventListener('submit', function () {\n"
        "  var field = document.getElementById('email');\n"
        "  if (field) sessionStorage.setItem('typed', field.value);\n});\n"
        "if (window.acme.justLoggedOut) _kmq.push(['clearIdentity']);\n"
        "var c = window.acme.customer;\n"
        "if (c) _kmq.push(['identify', 'h' + hash(sessionStorage.getItem('typed') || c.email)]);",
        {"identified-by-email", "canonical-email"},
    ),
    "random-id": (
        "if (window.acme.justLoggedOut) _kmq.push(['clearIdentity']);\n"
        "if (window.acme.customer) _kmq.push(['identify', 'r' + Math.random().toString(36).slice(2)]);",
        {"identify-after-login", "identified-by-email"},
    ),
    "lower-cased-email": (
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email.toLowerCase()]); }",
        {"identified-by-email", "shared-computer"},
    ),
    "no-guard": (
        "_kmq.push(['identify', window.acme.customer.email]);",
        {"no-page-errors", "shared-computer"},
    ),
    "km-directly-before-load": (
        "if (window.acme.customer) { KM.identify(window.acme.customer.email); }",
        UNNAMED | {"no-page-errors"},
    ),
    # Every anonymous visitor becomes the person "undefined" (their visits count for it, for good: charged to
    # anonymous-before-login alone). After a log-out the next visitor is "undefined" too, not the previous
    # customer, so shared-computer holds.
    "string-of-undefined": (
        "_kmq.push(['identify', String((window.acme.customer || {}).email)]);",
        {"anonymous-before-login", "identity-across-pages", "identity-across-sessions", "distinct-people"},
    ),
    "clears-where-unknown": (
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }\n"
        "else { _kmq.push(['identify', '']); }",
        {"identity-across-pages", "identity-across-sessions"},
    ),
    # The docs' pattern for shared browsers, on every page: the blog cannot know the session, so it forgets.
    "identify-or-null-on-every-page": (
        "_kmq.push(['identify', window.acme.customer ? window.acme.customer.email : null]);",
        {"identity-across-pages", "identity-across-sessions"},
    ),
    # Forgetting on every logged-out shop page: a returning customer lands on the shop before logging in.
    "clears-on-logged-out-shop-pages": (
        "if (window.acme.page !== 'blog') {\n"
        "  _kmq.push(['identify', window.acme.customer ? window.acme.customer.email : null]);\n}",
        {"identity-across-sessions"},
    ),
    # A cookie domain that splits the shop from the blog: the identity is not kept or linked there, but
    # nobody is named too early.
    "cookie-domain-splits-shop-and-blog": (
        "window.KM_COOKIE_DOMAIN = 'www.acme.test';\n"
        "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }",
        {"identity-across-pages", "identity-across-sessions", "anonymous-linked", "shared-computer"},
    ),
    "writes-km-ai-with-expiry": (
        "if (window.acme.customer) {\n  document.cookie = 'km_ai=' + encodeURIComponent(window.acme.customer.email)"
        " + '; path=/; max-age=157680000';\n}",
        UNNAMED | {"no-cookie-writes"},
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
    # People type: identifying on each keystroke names half-typed e-mails, which customers share. Named while
    # the form was typed, before it was sent (the successful sign-up's too), a visitor was named too early: that
    # is the mistake, charged to anonymous-before-login, not again to anonymous-linked for the visits it took.
    "identifies-on-each-keystroke": (
        "document.addEventListener('input', function (e) {\n"
        "  if (e.target.id === 'email') _kmq.push(['identify', e.target.value]);\n});",
        {"anonymous-before-login", "distinct-people", "canonical-email", "shared-computer"},
    ),
    # Named when the e-mail field changes (typing done, form not sent): still before the shop knows them.
    "identifies-when-the-email-field-changes": (
        "document.addEventListener('change', function (e) {\n"
        "  if (e.target.id === 'email') _kmq.push(['identify', e.target.value]);\n});\n"
        "if (window.acme.justLoggedOut) _kmq.push(['clearIdentity']);",
        {"anonymous-before-login", "canonical-email"},
    ),
    # Log-ins fail: the typed e-mail on submit names visitors whose log-in or sign-up was refused. Their visits
    # then count for the account they tried, for good: that is the one mistake, charged to anonymous-before-login.
    # (Naming the customer after log-in with another value first is a linking mistake: see name-then-email.)
    "identifies-typed-email-on-submit": (
        "document.addEventListener('submit', function () {\n  var field = document.getElementById('email');\n"
        "  if (field) _kmq.push(['identify', field.value]);\n});",
        {"anonymous-before-login", "canonical-email", "shared-computer"},
    ),
    # Customers have more than one device: the log-in on a new browser must identify too.
    "identifies-only-after-sign-up": (
        "if (window.acme.customer && document.referrer.indexOf('/signup') >= 0) {\n"
        "  _kmq.push(['identify', window.acme.customer.email]);\n}",
        {"identify-after-login", "identified-by-email", "anonymous-linked", "canonical-email", "shared-computer"},
    ),
    # The library's form tracking: an element ID or a .class, nothing else; it identifies while anonymous.
    "track-submit-with-a-tag": (
        "_kmq.push(['trackSubmit', 'form', 'Submitted a form']);",
        UNNAMED,
    ),
    "track-submit-with-an-id": (
        "_kmq.push(['trackSubmit', 'signup-form', 'Signed up']);\n_kmq.push(['trackSubmit', 'login-form', 'Logged in']);",
        {"anonymous-before-login", "identify-after-login", "identified-by-email", "canonical-email",
         "shared-computer"},
    ),
    "track-submit-with-a-class": (
        "_kmq.push(['trackSubmit', '.account-form', 'Submitted an account form']);",
        {"anonymous-before-login", "identify-after-login", "identified-by-email", "canonical-email",
         "shared-computer"},
    ),
    "no-identify": (
        "// TODO: identify the customer\n",
        UNNAMED,
    ),
    "syntax-error": (
        "if (window.acme.customer { _kmq.push(['identify', window.acme.customer.email]); }",
        UNNAMED | {"no-page-errors"},
    ),
    "endless-loop": (
        "while (true) {}",
        set(CORE) | set(BONUS),
    ),
}
