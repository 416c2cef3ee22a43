"""The code the checks judge: snippets that differ only in comments and layout are one
program and get one form; anything that may mean something stays as written."""

import pytest

from autograder.checks.same_code import canonical_code, judged_code
from autograder.grading.trusted import report_key

from .corpus import CORPUS

LESSON = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
SAME_AS_LESSON = [
    "// Ann Lee: identify the customer\n" + LESSON,
    LESSON + "  // done\n\n",
    "if(window.acme.customer){_kmq.push(['identify',window.acme.customer.email]);}",
    "if (window.acme.customer) { /* the logged-in customer */ _kmq.push(['identify', window.acme.customer.email]); }",
    "if (window.acme.customer)\t{ _kmq.push( [ 'identify' , window.acme.customer.email ] ); }",
]


@pytest.mark.parametrize("variant", SAME_AS_LESSON)
def test_comments_and_spacing_on_one_line_are_the_same_code(variant):
    assert canonical_code(variant) == canonical_code(LESSON)
    assert report_key(variant, 7) == report_key(LESSON, 7)
    assert report_key(variant, 7) != report_key(variant, 1913)


def test_indentation_and_blank_lines_are_the_same_code():
    a = "if (window.acme.customer) {\n  _kmq.push(['identify', window.acme.customer.email]);\n}"
    b = "\n\nif (window.acme.customer) {\n\n\t\t_kmq.push(['identify', window.acme.customer.email]); // the e-mail\n}\n"
    assert canonical_code(a) == canonical_code(b)


@pytest.mark.parametrize("a, b", [
    ("return\nx", "return x"),  # a line break ends the statement (automatic semicolons)
    ("a\n++b", "a++\nb"),
    ("return /* a\nb */ x", "return /* a b */ x"),  # a comment that spans lines is a line break
    ("x = 'a b'", "x = 'a  b'"),  # inside strings, template literals and regular expressions, spaces are data
    ("x = `a ${b} c`", "x = `a ${b}  c`"),
    ("x = /a b/", "x = /a  b/"),
    ("x = 'a'", 'x = "a"'),  # another token, even if the same value
    ("_kmq.push(['identify', email])", "_kmq.push(['identify', mail])"),
])
def test_what_can_change_the_program_keeps_the_code_apart(a, b):
    assert canonical_code(a) is not None and canonical_code(b) is not None
    assert canonical_code(a) != canonical_code(b)
    assert report_key(a, 7) != report_key(b, 7)


def test_a_line_break_is_kept_as_one_where_it_may_end_a_statement():
    assert canonical_code("a = 1 // one\n\n\nb = 2") == "a = 1\nb = 2"  # without it: a syntax error
    assert canonical_code("return /* a\nb */ x") == "return\nx"
    assert canonical_code("f = () => {}\n(x)") == "f = ( ) => { }\n( x )"  # a line break after "}" stays


def test_a_block_on_one_line_or_on_several_is_the_same_code():
    one_line = "if (window.acme.customer) { _kmq.push(['identify', window.acme.customer.email]); }"
    several = "if (window.acme.customer) {\n    _kmq.push(['identify', window.acme.customer.email]);\n}"
    assert canonical_code(one_line) == canonical_code(several)
    assert canonical_code("a(1,\n  2);\nb()") == canonical_code("a(1, 2); b()")


@pytest.mark.parametrize("snippet", [
    "if (window.acme.customer { _kmq.push(['identify', window.acme.customer.email]); }",  # does not parse
    "x = <b> hi </b>",  # JSX: text whose spaces are data
    "x = 1\n--> a comment in a browser's script",  # HTML-like comments
    "<!-- hidden\nx = 1",
])
def test_what_the_tokenizer_cannot_prove_is_judged_as_written(snippet):
    assert canonical_code(snippet) is None
    assert judged_code(snippet) == snippet
    assert report_key(snippet + " ", 7) != report_key(snippet, 7)


def test_a_snippet_of_comments_alone_is_empty_code():
    assert judged_code("// I will do this later") == ""
    assert report_key("// I will do this later", 7) == report_key("/* later */", 7)


def test_a_hostile_snippet_costs_little():
    assert canonical_code("(" * 30000 + "1" + ")" * 30000) is not None  # deep, yet no recursion limit
    assert canonical_code("[" * 30000) is None


@pytest.mark.parametrize("name", CORPUS)
def test_every_corpus_snippet_has_one_form(name):
    """The form is its own form, with no layout but single spaces and line breaks. (That it is
    judged as the snippet would be is test_corpus's: the corpus is judged in this form.)"""
    form = canonical_code(CORPUS[name][0])
    if form is None:
        return
    assert canonical_code(form) == form
    assert "\n\n" not in form and "  " not in form


# Reads its own source through the page (its script element's text), and names nobody when that
# text holds the word built below: judged as written, the comment alone would decide the verdict.
READS_ITS_SOURCE = ("if (window.acme.customer && document.currentScript.text.indexOf('NO' + 'PE') < 0) "
                    "{ _kmq.push(['identify', window.acme.customer.email]); }")


@pytest.mark.browser
def test_in_the_browser_a_comment_never_decides_the_verdict():
    from autograder.checks import run_checks

    plain = run_checks(READS_ITS_SOURCE, seed=5, only="identify-after-login")
    commented = run_checks("// NOPE\n" + READS_ITS_SOURCE, seed=5, only="identify-after-login")
    assert plain.result("identify-after-login").passed
    assert commented.result("identify-after-login").passed
