"""The graded notebook's page, readable by everyone (WCAG 2.1 AA): nbconvert's and nbgrader's
templates leave light syntax colours and terminal colours below a 4.5:1 contrast, links told
apart by colour only, no page language, and output blocks that scroll sideways with no way to
reach them by keyboard. One stylesheet, added after the templates' own, and a ``lang``."""

from __future__ import annotations

import re
from functools import lru_cache

from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES

# Code sits on #f5f5f5 and error outputs on #fdd in these templates: every colour must reach
# AA on the darkest of them (with a margin: browsers round).
BACKGROUNDS = ("#ffffff", "#f5f5f5", "#f7f7f7", "#ffdddd")
MIN_CONTRAST = 4.6
_HTML_TAG = re.compile(r"<html\b([^>]*)>", re.IGNORECASE)
_LANG = re.compile(r"\blang\s*=", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
# 256-colour and true-colour terminal output: nbconvert writes these as inline styles.
# (A literal start keeps the search fast on a large page; background colours are left as they are.)
_INLINE_RGB = re.compile(r"color: rgb\((\d{1,3}),(\d{1,3}),(\d{1,3})\)")
ANSI = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: str) -> str:
    """``colour`` darkened, keeping its hue, until it reaches AA on every background."""
    colour = colour if len(colour) == 7 else "#" + "".join(c * 2 for c in colour[1:])
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    while min(contrast(colour, bg) for bg in BACKGROUNDS) < MIN_CONTRAST:
        rgb = [int(c * 0.92) for c in rgb]
        colour = "#%02x%02x%02x" % tuple(rgb)
    return colour


@lru_cache(maxsize=1)
def stylesheet() -> str:
    style = get_style_by_name("default")  # the colours nbconvert's templates use, made darker where needed
    rules = []
    for token, spec in style:
        name = STANDARD_TYPES.get(token)
        if name and spec["color"]:
            rules.append(f".highlight .{name}{{color:{readable('#' + spec['color'])}}}")
    # Terminal colours of tracebacks (nbconvert's ansi2html classes); JupyterLab's own rules for
    # them are more specific than any selector of ours could be without naming its markup.
    base = {"black": "#3e424d", "red": "#e75c58", "green": "#00a250", "yellow": "#ddb62b", "blue": "#208ffb",
            "magenta": "#d160c4", "cyan": "#60c6c8", "white": "#5e6470"}
    for name in ANSI:
        rules.append(f".ansi-{name}-fg,.ansi-{name}-intense-fg{{color:{readable(base[name])}!important}}")
    link = readable("#337ab7")
    return ("<style>/* accessibility: AA contrast, links underlined, outputs wrap instead of scrolling */"
            f"a,a:visited,.jp-RenderedHTMLCommon a,.jp-RenderedHTMLCommon a:visited"
            f"{{color:{link}!important;text-decoration:underline!important}}"
            f".jp-InputPrompt,.jp-OutputPrompt,.prompt{{color:{readable('#b0b0b0')}!important;opacity:1!important}}"
            "div.nbgrader_cell .panel-heading a{color:#ffffff!important}"  # on the panel's #337ab7: 4.5:1 only in white
            "pre{white-space:pre-wrap;overflow-wrap:anywhere}"
            + "".join(rules) + "</style>")


def _inline(match: re.Match) -> str:
    if match.string[match.start() - 1:match.start()] == "-":  # background-color
        return match.group(0)
    rgb = [min(int(c), 255) for c in match.groups()]
    return f"color: {readable('#%02x%02x%02x' % tuple(rgb))}"


def make_accessible(html: str) -> str:
    """The page with a language, the stylesheet last in its head (so it wins), and terminal
    colours of outputs darkened to AA."""
    if "color: rgb(" in html:
        html = _INLINE_RGB.sub(_inline, html)
    tag = _HTML_TAG.search(html)
    if tag is not None and not _LANG.search(tag.group(1)):
        html = html[:tag.start()] + f'<html lang="en"{tag.group(1)}>' + html[tag.end():]
    end = _HEAD_END.search(html)
    if end is None:
        return stylesheet() + html
    return html[:end.start()] + stylesheet() + html[end.start():]
