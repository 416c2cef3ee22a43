"""Page scripts cannot tell the judging browser from a person's desktop Chrome by the usual
tells, and a snippet that behaves only when it sees a grader is judged on what it does for
real visitors."""

import pytest

from autograder.checks import run_checks

pytestmark = pytest.mark.browser

TELLS = """() => ({webdriver: navigator.webdriver, ua: navigator.userAgent, plugins: navigator.plugins.length,
  pluginsAreReal: navigator.plugins instanceof PluginArray, mimes: navigator.mimeTypes.length,
  chrome: typeof window.chrome, outer: outerHeight > innerHeight, screen: screen.width > innerWidth,
  languages: navigator.languages.length, notifications: Notification.permission,
  timers: String(setTimeout).includes('[native code]') && String(Date.now).includes('[native code]'),
  toString: Function.prototype.toString.toString().includes('[native code]'),
  globals: Object.keys(window).filter((k) => /pw|playwright|identify|clock/i.test(k))})"""


def test_the_usual_headless_tells_look_like_a_desktop_chrome(browse):
    async def walk(visitor, run):
        v = await visitor()
        await v.visit("shop", "/")
        return await v.page.evaluate(TELLS)

    seen = browse.run(walk)
    assert seen["webdriver"] is False
    assert "Headless" not in seen["ua"] and "Chrome/" in seen["ua"]
    assert seen["plugins"] == 5 and seen["pluginsAreReal"] and seen["mimes"] == 2
    assert seen["chrome"] == "object" and seen["outer"] and seen["screen"] and seen["languages"] >= 1
    assert seen["notifications"] == "default"
    assert seen["timers"] and seen["toString"]
    assert seen["globals"] == []


def test_a_snippet_that_is_right_only_for_graders_is_judged_as_real_visitors_see_it():
    snippet = ("var grader = navigator.webdriver || /Headless/.test(navigator.userAgent) || !window.chrome ||\n"
               "  navigator.plugins.length === 0;\n"
               "if (window.acme.customer) _kmq.push(['identify', grader ? window.acme.customer.email : 'customer']);")
    report = run_checks(snippet, seed=3, only="distinct-people,identify-after-login")
    assert not report.result("distinct-people").passed and not report.result("identify-after-login").passed
