"""The graded notebook page's WCAG touches, without a browser (the axe-core scan in
tests/test_accessibility.py is the judge): a language only where none is given, terminal
colours darkened to AA and backgrounds left alone, every colour of the stylesheet at AA."""

import re

from autograder.grading.accessible_page import BACKGROUNDS, MIN_CONTRAST, contrast, make_accessible, stylesheet


def test_a_language_only_where_the_page_has_none():
    assert make_accessible("<html><head></head><body></body></html>").startswith('<html lang="en">')
    assert make_accessible('<html lang="fr"><head></head></html>').startswith('<html lang="fr">')


def test_terminal_colours_are_darkened_and_backgrounds_kept():
    page = make_accessible('<html><head></head><body><span style="color: rgb(95,135,135)">a</span>'
                           '<span style="background-color: rgb(95,135,135)">b</span></body></html>')
    darker = re.search(r'style="color: (#[0-9a-f]{6})"', page).group(1)
    assert all(contrast(darker, bg) >= MIN_CONTRAST for bg in BACKGROUNDS)
    assert 'style="background-color: rgb(95,135,135)"' in page
    assert page.index(stylesheet()) < page.index("</head>")


def test_every_colour_of_the_stylesheet_reaches_aa():
    colours = set(re.findall(r"color:(#[0-9a-fA-F]{6})", stylesheet()))
    assert len(colours) > 20
    assert all(contrast(c, bg) >= 4.5 for c in colours for bg in BACKGROUNDS if c.lower() != "#ffffff")
