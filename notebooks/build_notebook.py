"""Builds the instructor version of the course notebook (solutions and hidden
tests included). ``python notebooks/build_notebook.py`` rewrites it; a test
checks the committed notebook is what this script makes."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # autograder: the quiz's fingerprints, the markers
from autograder.checks import CHECKS  # noqa: E402
from autograder.notebook import progress  # noqa: E402

CHECK_TITLES = {c.id: c.title for c in CHECKS}


def marker(grade_id: str, points: float, title: str, *, bonus: bool = False) -> str:
    """A test cell's first line: the wrap-up counts what passed by it."""
    return "\n" + progress.marker(grade_id, points, title, bonus=bonus)

HERE = Path(__file__).resolve().parent
ASSIGNMENT = "step07-identifying-customers"
TARGET = HERE / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
VISIBLE_SEED, HIDDEN_SEED = 7, 1913  # the grader judges snippets for exactly these seeds

CHECK_POINTS = [  # (check id, points, bonus): as in autograder.checks.CHECKS
    ("anonymous-before-login", 2, False), ("identify-after-login", 3, False), ("identified-by-email", 1, False),
    ("identity-across-pages", 3, False), ("identity-across-sessions", 2, False), ("distinct-people", 3, False),
    ("anonymous-linked", 2, False),
    ("no-cookie-writes", 2, False), ("no-page-errors", 2, False), ("canonical-email", 2, True),
    ("shared-computer", 2, True),
]

LESSON = "https://oldsupport.kissmetrics.com/learn/identifying-people.html"
GIST = "https://gist.github.com/eskfung/6767977"
PERSON_OR_ACCOUNT = "https://oldsupport.kissmetrics.com/how-tos/person-or-account.html"
REUSE = "https://support.kissmetrics.io/docs/reusing-the-identities-set-by-the-javascript-library"
IDENTITIES = "https://support.kissmetrics.io/docs/understanding-identities"

cells: list = []


def md(grade_id: str, text: str) -> None:
    cell = nbformat.v4.new_markdown_cell(text.strip())
    cell.id = grade_id
    cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "grade_id": grade_id,
                                 "schema_version": 3}
    cells.append(cell)


def code(grade_id: str, source: str, *, solution=False, grade=False, points=None, locked=None) -> None:
    cell = nbformat.v4.new_code_cell(source.strip())
    cell.id = grade_id
    meta = {"grade": grade, "solution": solution, "locked": (not solution) if locked is None else locked,
            "grade_id": grade_id, "schema_version": 3}
    if points is not None:
        meta["points"] = points
    cell.metadata["nbgrader"] = meta
    cells.append(cell)


md("intro", f"""
# Step 7 – Identifying Customers

*This notebook teaches Kissmetrics University's lesson [Step 7 – Identifying Customers]({LESSON}), in its own
words, by letting you watch each point happen.*

Kissmetrics counts **people**, not page views. In this lesson you tell it *who* a visitor is, on a real
(simulated) shop — **Acme Insights** — running a faithful simulation of the Kissmetrics JavaScript library,
and a real headless browser shows you what your code did.

You will:
1. see what an identity is (an anonymous placeholder, then a named person),
2. see why the lesson says *e-mail* (an integration's events, the People report by Customer ID),
3. write the `identify` call for the shop (JavaScript, graded by real visits), after seeing why "logged out"
   is not the same as "this page cannot know",
4. see why *one* mistake with `identify` merges your customers for good, and what to do for accounts,
5. read a person's ID back from the `km_ai` cookie (Python, graded), and answer a short quiz.

| part | points |
|---|---|
| Exercise 1 – the snippet, judged by 9 checks in a real browser | 20 |
| Exercise 2 – `person_id` | 6 |
| Exercise 3 – the quiz (five answers) | 4 |
| **Total** | **30** |
| Bonus – the shared computer, and the typed e-mail | + 4 |

Run the cells in order (Shift+Enter). The first code cell starts everything the others need.
""")
code("setup", """
%load_ext autograder.notebook
from autograder.notebook import lesson
lesson.start()  # starts the shop, the blog and the tracker for this notebook
""")
md("identities", f"""
## 1. What is an identity?

Every visitor gets an **anonymous ID** the first time the library loads: 28 characters of base64 (a SHA-1 of
random data), saved in the first-party cookie `km_ai`. Until you say who they are, the tracker only knows this
placeholder ([Understanding identities]({IDENTITIES})). Run the cell: a headless browser opens two pages of the shop as a new visitor, then signs up, on
a shop where nobody calls `identify` yet.
""")
code("show_anonymous", """
lesson.show_anonymous_visit()
""")
md("why_email", """
## 2. Naming a person: `identify`, and why by e-mail

When you know who the visitor is — after every *successful* sign-up or log-in, on whatever device — call
`_kmq.push(['identify', '...'])` with a **unique** value. **Any unique string or integer is allowed**: the
customer's number works, and the check *identify-after-login* accepts it. The lesson still says **e-mail works
best**, for two reasons you can watch below (and a separate 1-point check, *identified-by-email*, asks for the
e-mail). Names are *not* unique (two of the shop's demo customers are both called "Sam Lee"). A visitor whose
log-in failed is still unknown: naming them then, with what they typed, would merge them with someone else.

**Reason 1: integrations.** Tools such as a newsletter or a support desk know your customers by e-mail address
only, and record their events to that address. Below, three customers sign up on a shop that identifies them by
e-mail, three on one that identifies them by their customer number; then a newsletter tool sends an
"Opened newsletter" event for each of them, by e-mail, to the same tracker (over HTTP, as an integration does).

**Reason 2: reports.** The tables are the People report *segmented by Customer ID*: a column of e-mail
addresses reads at a glance; a column of numbers needs your database beside it.
""")
code("show_why_email", """
lesson.why_email()
""")
md("identify_where", f"""
## 3. Where you know who the customer is

`identify` saves the ID in the cookie `km_ai`, so the visitor **stays identified on pages where you do not call
it** and **in later sessions**. It also **links the anonymous ID** to the person (an *alias*), so what they did
before logging in counts for them.

The lesson's example ([a gist]({GIST}), from a Rails layout) calls it only where the app knows the user;
abridged, in its spirit:

```erb
<script type="text/javascript">
  var _kmq = _kmq || [];
  <% if current_user %>
    _kmq.push(['identify', '<%= current_user.login %>']);
  <% end %>
</script>
```

The example also says `_kmq.push(['identify', ''])` is "safe if the person is unknown" — but an empty name, like
`null`, *clears* the identity. Kissmetrics' advice for shared computers is to call `identify(current_user || null)`
on **every** page: right on a site where every page knows the session. This shop's **blog runs on another host and
never knows the customer**: there "logged out" and "this page cannot know" look the same. Watch that pattern,
translated to this shop, on a scripted visit:

```js
_kmq.push(['identify', window.acme.customer ? window.acme.customer.email : null]);
```
""")
code("show_logged_out_pattern", """
lesson.logged_out_pattern()
""")
md("exercise_snippet", """
The blog step turned anonymous: the customer was forgotten on a page that simply could not know them. The
cookie already remembers who they are; where the page does not know, say nothing.

The shop tells your code who is logged in. Every page defines, before your snippet:

```js
window.acme = {page: "account", customer: {id: 7, email: "Ann@Example.com", name: "Ann Lee", plan: "pro"},
               justLoggedOut: false}
```

`customer` is `null` when nobody is logged in, and always on the blog. The Kissmetrics library loads **after**
your snippet, so use `_kmq.push([...])`, never `KM...` directly.

### Exercise 1 (20 points + 4 bonus): the snippet
Translate the example to this shop: write the JavaScript that runs on every page of the shop and the blog and
identifies the customer where the page knows them. Keep the first line (`%%identify_snippet`).

*Bonus:* (1) after a log-out (`window.acme.justLoggedOut`), the next person on the same computer must not be
counted as the previous customer — `_kmq.push(['clearIdentity'])`, where the shop *knows* someone logged out;
(2) customers who type their e-mail in other case or with spaces at log-in must still be identified by the e-mail
**as the shop stored it**.

*If Jupyter answers "Cell magic `%%identify_snippet` not found", run the first code cell of the notebook, then
this one again.* Write JavaScript only: no `<script>` tags, no template code such as `<% if current_user %>`.
""")
code("identify_snippet", """
%%identify_snippet
### BEGIN SOLUTION
if (window.acme.justLoggedOut) {
  _kmq.push(['clearIdentity']);
}
if (window.acme.customer) {
  _kmq.push(['identify', window.acme.customer.email]);
}
### END SOLUTION
""", solution=True)
md("see_it", """
### See what your snippet does
A headless browser visits the shop with your snippet on every page: a new visitor browses, signs up, reads the
blog (which never knows the customer), comes back the next day, logs out, and someone else uses the computer.
Watch `km_ai` and `km_ni` at each step: `identify` saves the ID in the cookie `km_ai`, so pages **without**
the call, and **later sessions**, still know the person; and the tracker **links the anonymous ID** to them.
""")
code("scripted_visit", """
lesson.scripted_visit()
""")
md("check_my_work", """
Press **Check my work**: a headless Chromium signs up, logs in, browses the shop and the blog, closes and reopens
the browser, shares a computer… with your snippet on every page, and shows what happened. Change the snippet, run
its cell again, and check again as often as you like (each press uses other customers).
""")
code("check_button", """
lesson.check_my_work()
""")
md("live_shop", """
### Try it yourself
The shop runs in this notebook, with your snippet on every page. Click around (log in as
`alice.martin@example.com`, password `identify-me`), or press **Run a scripted visit**, and watch what the
tracker receives below the shop. Your browser's developer tools (*Application → Cookies*) show `km_ai` and
`km_ni`.
""")
code("live_view", """
lesson.live_shop()
""")
md("warning", f"""
## 4. Never the same argument for several people

Calling `identify` with the same value for different people **merges them into one person, for good**: every
alias joins IDs irreversibly, and the only way out is a new API key (a new, empty account). The crowd below is
seven real people visiting the shop — signing up, coming back, reading the blog, two sharing a computer, two
with the same name. Compare the people the tracker sees with your snippet, with `identify('customer')` for
everyone, with the display name, and with no identify at all.
""")
code("crowd", """
lesson.crowd_picture()
""")
md("irreversible", """
### Fixing the snippet does not unmerge anyone
Four customers sign up on a shop with `identify('customer')`. The snippet is then corrected to
`identify(customer.email)` and the same people come back, in the same browsers, to the **same tracker**. Their
browsers are already named `customer`, and a named browser sends no alias when it is named again: their new
visits go to new people, and everything before stays in one. Then the same walk, with the corrected snippet from
the start, on a **fresh tracker** (a new site: what a new API key gives you, an empty account).
""")
code("show_comeback", """
lesson.comeback()
""")
md("person_or_account", f"""
### People or accounts?
The lesson's one exception is ["track accounts instead of people"]({PERSON_OR_ACCOUNT}). When the sales team
wants reports per *company account*, do not identify a company's people with the account's name (that is the
merge above, on purpose). Either keep identifying **people** and record the account as a **property** of each
person (`_kmq.push(['set', {{'Account': 'Acme Corp'}}])`), or track accounts in a **separate site with its own
API key**, usually from your server. Never put two Kissmetrics JavaScript installs on one page: they share the
same cookies, so one would overwrite the other's identity.
""")
md("reading_intro", f"""
## 5. Reading the person's ID: `km_ai`

The lesson says to [look up the `km_ai` cookie]({REUSE}) when you need a person's ID, and this course's shop
keeps the ID there, anonymous or named. To be honest about the real library: its cookie table calls `km_ai` the
*anonymous* ID and `km_ni` the *named* ID; the first `identify` writes `km_ni`, and server code usually reads
`km_ni` first, then `km_ai`. The simulation writes the named ID to both, so what you learn here reads correctly
either way; on a real site, read `km_ni` first.

In the page itself, the supported way is `KM.i()` (the current ID, named or anonymous) inside a function you
push onto `_kmq`: it runs once the library has loaded. Called straight from your snippet, `KM` does not exist yet.
""")
code("show_reading_the_id", """
lesson.reading_the_id()
""")
md("person_id_intro", """
Your server sees the same cookie in the request's `Cookie` header. It is URL-encoded (`ann%40example.com`;
anonymous IDs contain `+`, `/` and `=`, encoded as `%2B`, `%2F`, `%3D`).

### Exercise 2 (6 points)
Write `person_id(cookie_header)` that takes an HTTP `Cookie` header such as
`"session=abc; km_ai=ann%40example.com; km_lv=x"` and returns the decoded ID (`"ann@example.com"`), or `None`
when there is no `km_ai` cookie, when its value is empty, or when the argument is not a string at all.
Cookies are separated by `;` (with or without spaces); only a cookie named exactly `km_ai` counts; if there
are several, the first one wins, and the value is decoded as the library decodes it (JavaScript's
`decodeURIComponent`: `%xx` escapes only, a `+` stays a `+`).
""")
code("person_id", """
from urllib.parse import unquote


def person_id(cookie_header):
    ### BEGIN SOLUTION
    if not isinstance(cookie_header, str):
        return None
    for part in cookie_header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name.strip() == "km_ai":
            value = value.strip()
            return unquote(value) if value else None
    return None
    ### END SOLUTION
""", solution=True)
md("try_it", """
Try your function on the `Cookie` headers that real visits sent to the shop in this notebook (not graded):
""")
code("try_person_id", """
lesson.try_person_id(person_id)
""")
PLAIN_ANSWERS = """
# same(answer, expected): the very value, as a plain str (not an object that only claims to be equal)
from autograder.notebook.answers import same
"""
code("test_person_id_visible", marker("test_person_id_visible", 2, "person_id, the visible cases") + PLAIN_ANSWERS + """
assert same(person_id("km_ai=ann%40example.com"), "ann@example.com")
assert same(person_id("session=abc; km_ai=ann%40example.com; km_lv=x"), "ann@example.com")
assert person_id("session=abc") is None
assert same(person_id("km_lv=x;km_ai=carol%40example.net"), "carol@example.net"), "cookies may be joined by ';' alone"
assert same(person_id("my_km_ai=wrong; km_ai=dan%40example.com"), "dan@example.com"), "only a cookie named km_ai"
assert person_id(42) is None, "not a string, so no header at all: return None (do not crash)"
""", grade=True, points=2)
code("test_person_id_hidden", marker("test_person_id_hidden", 4, "person_id, more cases (hidden ones too)")
     + PLAIN_ANSWERS + """
assert same(person_id("km_ai=ann%40example.com"), "ann@example.com")
### BEGIN HIDDEN TESTS
assert person_id("") is None, "an empty header has no km_ai"
assert same(person_id("km_ai=y75Fe33597qBqkR4obZZYV%2BwF3Y%3D"), "y75Fe33597qBqkR4obZZYV+wF3Y="), "decode %2B and %3D"
assert same(person_id("km_ai=a%2Fb%2Bc%3D"), "a/b+c="), "decode %2F too"
assert same(person_id("km_ai=a+b%2Bc"), "a+b+c"), "in a cookie, + is a plus sign, not a space"
assert same(person_id("xkm_ai=wrong; km_ai=right"), "right"), "xkm_ai is another cookie"
assert person_id("xkm_ai=wrong") is None, "xkm_ai is not km_ai"
assert same(person_id("km_aix=wrong; km_ai=right"), "right"), "km_aix is another cookie"
assert same(person_id("  km_lv=x ;   km_ai=bob%40example.org  "), "bob@example.org"), "spaces around cookies"
assert same(person_id("km_lv=x;km_ai=bob%40example.org"), "bob@example.org"), "no space after ';'"
assert person_id("km_ai") is None, "a cookie without '=' is malformed"
assert person_id("km_ai=") is None, "an empty km_ai is no ID"
assert person_id(";;;") is None
assert same(person_id("km_ai=first%40example.com; km_ai=second"), "first@example.com"), "the first one wins"
assert person_id(None) is None, "not a header at all"
assert person_id(b"km_ai=ann%40example.com") is None, "bytes are not a header string"
### END HIDDEN TESTS
""", grade=True, points=4)
QUIZ = [  # (variable, grade id of its test cell, points, the right answer, its hint in the visible test, why)
    ("same_id_for_many", "test_quiz", 1, "a", "section 4 shows what happens",
     "same argument for many people: they become one person"),
    ("can_be_undone", "test_quiz_undo", 1, False, "section 4 brings the same people back",
     "an alias cannot be undone: only a new API key starts clean"),
    ("cookie_name", "test_quiz_cookie", 0.5, "km_ai", "section 5 reads it back",
     "the course's answer is km_ai: it holds the ID whether the person is anonymous or named. km_ni holds only the "
     "named ID (the real library's cookie table calls km_ai the anonymous ID and km_ni the named one, and server "
     "code usually reads km_ni first, then km_ai)"),
    ("best_identifier", "test_quiz_identifier", 1, "b", "section 2 shows why",
     "e-mail addresses are unique, join integrations' data and read well"),
    ("person_or_account", "test_quiz_account", 0.5, "c", "section 4, people or accounts",
     "accounts are a property of people (or a separate site, with its own API key, tracked from the server)"),
]
md("quiz_intro", """
## 6. Quiz (4 points)
Answer by replacing `None` in the cell below (and delete the `raise` line). Letters may be written `"a"`, `"A"` or
`"(a)"`; `True`/`False` as Python booleans. Each answer earns its own points (1, 1, ½, 1, ½), and the cell under
the quiz tells you, answer by answer, whether it is right.

1. `same_id_for_many`: what happens when you call `identify` with the same value for many people?
   `"a"` they become one person at the tracker · `"b"` nothing, each stays separate · `"c"` only the last one counts
2. `can_be_undone`: can that be undone, on the same API key? `True` or `False`
3. `cookie_name`: in this course, which cookie holds the person's ID, anonymous or named, the one the lesson
   tells you to read? (its name, as a string)
4. `best_identifier`: the best value to identify customers by? `"a"` display name · `"b"` e-mail address ·
   `"c"` the word "customer" · `"d"` the page title
5. `person_or_account`: the sales team wants reports per *company account*, not per person. What do you do?
   `"a"` identify everyone of a company with the company's name · `"b"` add a second Kissmetrics install on every
   page, with the account as its ID · `"c"` keep identifying people, and record the account as a property of each
   person (or track accounts in a separate site, with its own API key, from the server)
""")
code("quiz", """
same_id_for_many = None  # "a", "b" or "c"
can_be_undone = None  # True or False
cookie_name = None  # the cookie's name, e.g. "km_xx"
best_identifier = None  # "a", "b", "c" or "d"
person_or_account = None  # "a", "b" or "c"
### BEGIN SOLUTION
same_id_for_many = "a"
can_be_undone = False
cookie_name = "km_ai"
best_identifier = "b"
person_or_account = "c"
### END SOLUTION
""", solution=True)


def quiz_test(grade_id: str, points: float, variable: str, right, hint: str, why: str) -> str:
    """One answer's test: visibly right or wrong (by fingerprint, so the answer is not printed), hidden: why."""
    from autograder.notebook.answers import digest

    if isinstance(right, bool):
        normalise, form = variable, (f'type({variable}) is bool', f"{variable}: answer True or False")
    elif variable == "cookie_name":
        normalise, form = f"word({variable})", (f"word({variable})", f"{variable}: the cookie's name, as a string")
    else:
        letters = {"best_identifier": "abcd"}.get(variable, "abc")
        normalise = f"letter({variable})"
        form = (f'{normalise} in set("{letters}")', f"{variable}: answer with a letter: {', '.join(letters)}")
    helper = "word" if variable == "cookie_name" else "letter"
    return marker(grade_id, points, f"quiz answer {variable}") + f"""
# plain text only (objects posing as text do not count); digest: the answer's fingerprint, not the answer
from autograder.notebook.answers import digest, {helper}

assert {form[0]}, "{form[1]}"
assert digest({normalise}) == "{digest(right)}", "{variable}: not right yet ({hint})"
### BEGIN HIDDEN TESTS
assert {normalise} {"is" if isinstance(right, bool) else "=="} {right!r}, "{why}"
### END HIDDEN TESTS
"""


for variable, grade_id, points, right, hint, why in QUIZ:
    code(grade_id, quiz_test(grade_id, points, variable, right, hint, why), grade=True, points=points)
md("tests_intro", """
## 7. Graded: your snippet in the browser
Each cell below is one check of Exercise 1 (its points in the comment); the grader also runs them with other
customers.
They all share one run of the checks, so the first takes a few seconds. They come last so that *Run All*
shows you everything above even while a check still fails.
""")
for check_id, points, bonus in CHECK_POINTS:
    grade_id = "test_" + check_id.replace("-", "_")
    code(grade_id, marker(grade_id, points, CHECK_TITLES[check_id], bonus=bonus) + f"""
from autograder.notebook.grading import assert_check
assert_check("{check_id}", seed={VISIBLE_SEED})  # {points} points{" (bonus)" if bonus else ""}
### BEGIN HIDDEN TESTS
assert_check("{check_id}", seed={HIDDEN_SEED})  # other customers, other names
### END HIDDEN TESTS
""", grade=True, points=points)
md("wrap_up", """
## Done?
Run the cell below: it sums up what passed in this notebook and what is left. Then save the notebook and submit
it.
""")
code("summary", """
lesson.wrap_up(total=30, bonus=4)
""")


def build() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    return nb


if __name__ == "__main__":
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(build(), str(TARGET))
    print(f"wrote {TARGET}", file=sys.stderr)
