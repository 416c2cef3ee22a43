"""nbgrader's feedback exporter: nbconvert's HTML page, made for less CPU per learner.

- nbgrader makes a new HTMLExporter for every learner, and every new exporter
  compiles nbconvert's Jinja templates again (about 70 ms of CPU per learner
  here). With a cache folder, compiled templates are kept there; Jinja compares
  each template's source with what it compiled, so an edited template is
  compiled anew.
- HTMLExporter then parses the whole page again with BeautifulSoup, only to
  add two accessibility touches: ``tabindex="0"`` on cell inputs and outputs,
  and an ``alt`` text on images without one (another 60-70 ms per learner, on
  a page of a thousand tags). The template's markup for those elements is
  fixed, so the same attributes are added to the same tags as the page is
  written, at the end of each tag as BeautifulSoup would. The rest of what
  WCAG 2.1 AA asks of the page (contrast, language, links) is ``accessible_page``'s.
- Most of a class's notebooks are the same lesson: the same Markdown cells and
  the same test cells. Their HTML (Markdown rendered, code highlighted, about
  50 ms of CPU per learner) is kept per worker and reused: the same source with
  the same settings gives the same HTML.

The notebook is the learner's, and an instructor opens the page. Before export
its outputs are cut to the bounds of ``output_bounds`` and made inert by
``sanitize``; Markdown is cleaned as it is rendered, before its HTML is kept,
so what is reused is the clean HTML. The page runs no script at all: the
template's own (require.js and MathJax from a CDN, Mermaid, widgets) only
serve what is removed here (JavaScript outputs, widgets) or what this course's
notebooks do not have (LaTeX, diagrams), so they are dropped and a
Content-Security-Policy forbids any other.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from pathlib import Path

from jinja2 import FileSystemBytecodeCache, pass_context
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.markdown_mistune import InvalidNotebook
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets import Unicode

from .accessible_page import make_accessible
from .output_bounds import bound_notebook
from .sanitize import clean_html, clean_outputs

NO_ALT = "No description has been provided for this image"
_START_TAG = re.compile(r"<(div|img)\b([^>]*?)(/?)>", re.IGNORECASE)
_CLASSES = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_FOCUSABLE = {"jp-Cell-inputWrapper", "jp-OutputArea-output"}
_ALT = re.compile(r"""\salt\s*=""", re.IGNORECASE)
# The page's inline <style> blocks are the template's; images are data: URLs; nothing is
# fetched, framed, submitted or run.
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
       "base-uri 'none'; form-action 'none'")
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
_ATTACHMENT = re.compile(r"attachment:", re.IGNORECASE)
_HEAD = re.compile(r"<head\b[^>]*>", re.IGNORECASE)
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>\s*", re.IGNORECASE | re.DOTALL)


def _no_scripts(html: str) -> str:
    """The page with its CSP first in the head and the template's scripts gone. Only the head
    is searched: learner content is all in the body, and there it is already clean."""
    head = _HEAD.search(html)
    if head is None:
        return CSP_META + html
    end = html.find("</head>", head.end())
    end = len(html) if end < 0 else end
    return html[:head.end()] + CSP_META + _SCRIPT.sub("", html[head.end():end]) + html[end:]


def _accessible(html: str) -> tuple[str, int]:
    """HTMLExporter's accessibility touches on the page as written; returns the page and
    how many images had no alt text."""
    missing_alt = 0

    def touch(match: re.Match) -> str:
        nonlocal missing_alt
        tag, attrs, slash = match.groups()
        if tag.lower() == "img":
            if _ALT.search(attrs):
                return match.group(0)
            missing_alt += 1
            return f'<{tag}{attrs} alt="{NO_ALT}"{slash}>'
        classes = _CLASSES.search(attrs)
        names = set((classes.group(1) or classes.group(2) or "").split()) if classes else set()
        if names & _FOCUSABLE and "tabindex" not in attrs.lower():
            return f'<{tag}{attrs} tabindex="0"{slash}>'
        return match.group(0)

    return _START_TAG.sub(touch, html), missing_alt


class _Kept:
    """What was made of a source, for the next learner with the same source: at most ``size``
    entries and ``chars`` characters (a learner's cell can be large)."""

    def __init__(self, size: int = 4096, chars: int = 64_000_000) -> None:
        self.size, self.chars, self.held = size, chars, 0
        self.made: OrderedDict[tuple, str] = OrderedDict()

    def get(self, key: tuple, make) -> str:
        if key in self.made:
            self.made.move_to_end(key)
            return self.made[key]
        value = self.made[key] = make()
        self.held += len(value)
        while len(self.made) > self.size or (self.held > self.chars and len(self.made) > 1):
            self.held -= len(self.made.popitem(last=False)[1])
        return value


_HTML = _Kept()


class _KeptHighlight:
    """nbconvert's ``highlight_code`` filter, reusing what it made of the same source."""

    def __init__(self, highlight: Highlight2HTML) -> None:
        self.highlight = highlight

    def __call__(self, source, language=None, metadata=None):
        # Of the cell's metadata, the highlighter reads only the magics' language.
        magics = (metadata or {}).get("magics_language")
        key = ("code", source, language, magics, self.highlight.pygments_lexer,
               repr(sorted(self.highlight.extra_formatter_options.items())))
        return _HTML.get(key, lambda: self.highlight(source, language, metadata))


class FeedbackExporter(HTMLExporter):
    template_cache_dir = Unicode("", help="folder for compiled templates; empty: compile every time").tag(config=True)

    def _create_environment(self):
        # nbconvert builds its Jinja environment here, once per exporter.
        environment = super()._create_environment()
        if self.template_cache_dir:
            Path(self.template_cache_dir).mkdir(parents=True, exist_ok=True)
            environment.bytecode_cache = FileSystemBytecodeCache(self.template_cache_dir)
        return environment

    @pass_context
    def markdown2html(self, context, source):
        # Cleaned here, before it is kept: every page that reuses it gets the clean HTML.
        cell = context.get("cell", {})
        if cell.get("attachments"):  # images of its own: made every time
            return clean_html(self._markdown(context, source))
        path = context.get("resources", {}).get("metadata", {}).get("path", "")
        key = ("markdown", source, path, self.embed_images, self.anchor_link_text, self.exclude_anchor_links,
               repr(sorted(self.lexer_options.items())))
        return _HTML.get(key, lambda: clean_html(self._markdown(context, source)))

    def _markdown(self, context, source: str) -> str:
        try:
            return HTMLExporter.markdown2html(self, context, source)
        except InvalidNotebook:
            # An image of an attachment the cell does not have (or that was cut): nbconvert gives
            # up on the whole page. The image is left out instead (its alt text stays).
            return HTMLExporter.markdown2html(self, context, _ATTACHMENT.sub("missing-attachment:", source))

    def from_notebook_node(self, nb, resources=None, **kw):
        nb, cut = bound_notebook(nb)
        if cut:
            self.log.warning("%s output(s) or cell(s) were cut to the feedback page's bounds.", cut)
        clean_outputs(nb)
        # SVG only ever as an <img>: an image runs no script and fetches nothing.
        self.skip_svg_encoding = False
        # HTMLExporter.from_notebook_node up to its BeautifulSoup pass (nbconvert 7)
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code",
                                          _KeptHighlight(Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html, missing_alt = _accessible(html)
        if missing_alt:
            self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
        return _no_scripts(make_accessible(html)), resources
