"""Learner-controlled HTML made inert for the pages an instructor opens.

A graded notebook is the learner's: its Markdown, its HTML, SVG and JavaScript
outputs, its attachments and its outputs' metadata are all theirs. What the
feedback page keeps of them is what reads as a document (text, formatting,
tables, links, raster images); what could run is removed: scripts, event
handlers, ``javascript:`` and ``data:`` links, frames, forms, ``<style>``
(a learner's CSS could restyle the instructor's page, e.g. hide a score).

The library is bleach: it is what nbconvert's own ``--sanitize-html`` and
``SanitizeHTML`` preprocessor are built on, so every machine that runs nbgrader
already has it, with its CSS sanitizer (tinycss2). nh3 is faster but would be
one more dependency for the same allowlist. nbconvert's own allowlist is not
used as is: it has no images, headings or paragraphs.
"""

from __future__ import annotations

import re

import bleach
import nbformat
from bleach.css_sanitizer import CSSSanitizer
from bs4 import BeautifulSoup

TAGS = frozenset({
    "a", "abbr", "acronym", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
    "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strike",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
})
# Elements whose content is code or CSS, not text: removed whole, not left as visible text.
_DROPPED_WITH_CONTENT = ("script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math")
# Images the page shows: raster data only (an SVG document can hold scripts; a URL would tell
# the learner when the instructor opened the page).
IMAGE_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.IGNORECASE)
_LINK = re.compile(r"^(?:https?:|mailto:|#|[^:]*$)", re.IGNORECASE)  # web, mail, in-page or relative
# No position, display, z-index or margins: a learner's box cannot cover or hide the page's own parts.
CSS = CSSSanitizer(allowed_css_properties=frozenset({
    "background-color", "border", "border-bottom", "border-collapse", "border-color", "border-left",
    "border-radius", "border-right", "border-spacing", "border-style", "border-top", "border-width", "color",
    "font-family", "font-size", "font-style", "font-weight", "height", "line-height", "list-style",
    "list-style-type", "max-height", "max-width", "padding", "padding-bottom", "padding-left", "padding-right",
    "padding-top", "text-align", "text-decoration", "vertical-align", "white-space", "width", "word-break",
}))
_COMMON = ("class", "id", "title", "style", "lang", "dir")
_CELL = ("colspan", "rowspan", "align", "valign", "scope")


def _attribute(tag: str, name: str, value: str) -> bool:
    if name in _COMMON:
        return True
    if tag == "a":
        return name == "href" and bool(_LINK.match(value.strip()))
    if tag == "img":
        return name in ("alt", "width", "height") or (name == "src" and bool(IMAGE_DATA.match(value.strip())))
    if tag in ("td", "th", "col", "colgroup"):
        return name in _CELL or name in ("span", "width")
    if tag in ("ol", "li"):
        return name in ("start", "type", "value")
    if tag == "details":
        return name == "open"
    if tag in ("table",):
        return name in ("border", "cellpadding", "cellspacing", "summary")
    return False


_CLEANER = bleach.Cleaner(tags=TAGS, attributes=_attribute, protocols=("http", "https", "mailto", "data"),
                          strip=True, strip_comments=True, css_sanitizer=CSS)


def clean_html(html: str) -> str:
    """``html`` with only the allowed tags, attributes, links and images; code-like elements removed whole."""
    if "<" not in html:
        return html  # plain text: nothing to parse
    # The pre-pass only decides what vanishes instead of showing as text: whatever it misses,
    # the cleaner still turns into inert text, so safety rests on bleach alone.
    soup = BeautifulSoup(html, features="html.parser")
    for element in soup.find_all(_DROPPED_WITH_CONTENT):
        element.decompose()
    return _CLEANER.clean(str(soup))


# What the page shows of an output; the rest is dropped. Scripts and widgets (which only
# scripts could draw) leave a marker, so the instructor knows something was there.
SHOWN = frozenset({"text/plain", "text/html", "text/markdown", "text/latex", "image/png", "image/jpeg",
                   "image/svg+xml"})
SCRIPTED = frozenset({"application/javascript", "text/javascript", "application/x-javascript",
                      "application/ecmascript", "application/vnd.jupyter.widget-view+json"})
SCRIPT_REMOVED = "[JavaScript output removed: the instructor's pages never run a learner's code]"


def _number(value):
    try:
        return int(float(value))
    except (TypeError, ValueError, OverflowError):
        return None


def _image_metadata(metadata: dict) -> dict:
    """What nbconvert's templates read of an output's metadata, in a form they cannot be
    tricked by: they write width and height unquoted, so '1 onerror=...' would add an attribute.
    'filenames' (an image by path) and 'isolated' (HTML in a data: frame) are dropped."""
    def kept(entry: dict) -> dict:
        out = {key: _number(entry[key]) for key in ("width", "height") if _number(entry.get(key)) is not None}
        if entry.get("needs_background") in ("light", "dark"):
            out["needs_background"] = entry["needs_background"]
        if entry.get("unconfined") is True:
            out["unconfined"] = True
        return out

    cleaned = kept(metadata)
    cleaned.update({mime: kept(entry) for mime, entry in metadata.items() if mime in SHOWN and isinstance(entry, dict)})
    return cleaned


def _clean_output(output: dict) -> list[dict]:
    if "data" not in output:  # streams and errors: the templates escape them
        return [output]
    data = output["data"]
    ran = [mime for mime in data if mime in SCRIPTED]
    shown = {mime: value for mime, value in data.items() if mime in SHOWN}
    if "text/html" in shown:
        shown["text/html"] = clean_html("".join(shown["text/html"]) if isinstance(shown["text/html"], list)
                                        else shown["text/html"])
    marker = [{"output_type": "display_data", "data": {"text/plain": SCRIPT_REMOVED}, "metadata": {}}] if ran else []
    if ran and set(shown) <= {"text/plain"}:
        return marker  # its text was only the script object's repr
    return marker + [{**output, "data": shown, "metadata": _image_metadata(output.get("metadata") or {})}]


def clean_outputs(nb) -> None:
    """Makes ``nb``'s outputs and raw cells inert, in place (Markdown is cleaned as it is rendered)."""
    nb.metadata.pop("widgets", None)  # widget state: only the widgets' scripts read it
    for cell in nb.cells:
        if cell.cell_type == "raw":
            cell.source = clean_html(cell.source)
        elif cell.cell_type == "code":
            cell.outputs = [nbformat.from_dict(each) for output in cell.get("outputs", [])
                            for each in _clean_output(output)]
