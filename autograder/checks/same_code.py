"""The code the checks judge: the snippet without its comments, its whitespace in one form.

Two learners' snippets that differ only in comments and layout are one program,
so one verdict serves both (a class pastes the lesson's line with comments of its
own). JavaScript's grammar makes that exact: a comment is whitespace (one that
spans lines is a line break, which matters to automatic semicolon insertion), and
between two tokens any run of whitespace, or none, means what one space does, or
one line break if it holds one; and a line break after ";", "{" or "," or before
"}" means a space too (so a block on one line or on three is one code). So the
tokens, in order, joined by a space or a line break as the original gaps were,
are the same program; equal forms are equal code, byte for byte, and a snippet
is judged in that form.

Tokens come from tree-sitter's JavaScript grammar; strings, template literals
and regular expressions stay whole. Where the proof would rest on a guess the
snippet is judged exactly as written: a parse with errors, JSX, HTML-like
comments (``<!--``), or a gap holding anything but comments and whitespace.

What differs from judging the text as written: code that reads its own source
(``fn.toString()``, the page's script element) sees it without comments. The
verdict is the same for every such pair, and no honest snippet reads its comments.
"""

from __future__ import annotations

from functools import lru_cache

import tree_sitter_javascript
from tree_sitter import Language, Node, Parser

WHOLE = frozenset({"string", "template_string", "regex", "comment", "html_comment", "number"})
REFUSED = ("jsx", "html_comment")  # node types (prefixes) whose layout may mean something
LINE_BREAKS = frozenset("\n\r\u2028\u2029")
# A line break after these tokens, or before "}", means what a space does: no "[no LineTerminator
# here]" of the grammar follows ";", "{" or "," or comes before "}", and a semicolon is never
# inserted where it would be an empty statement or follow a comma (ECMAScript, 12.10).
QUIET_BEFORE = frozenset({";", "{", ","})
# ECMAScript's WhiteSpace: tab, vertical tab, form feed, no-break space, and every Zs space
SPACES = frozenset("\t\v\f \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                   "\u202f\u205f\u3000")


@lru_cache(maxsize=1)
def _parser() -> Parser:
    return Parser(Language(tree_sitter_javascript.language()))


def _tokens(root: Node) -> list[Node] | None:
    """The leaves in source order, with WHOLE nodes as one; None if the layout may matter."""
    leaves, stack = [], [root]
    while stack:  # not recursion: a hostile snippet may nest deeply
        node = stack.pop()
        if node.type.startswith(REFUSED):
            return None
        if node.type in WHOLE or node.child_count == 0:
            if node.end_byte > node.start_byte:  # tree-sitter's MISSING nodes are empty (has_error says so too)
                leaves.append(node)
            continue
        stack.extend(reversed(node.children))
    return leaves


def _gap(text: str) -> str | None:
    """One form of a gap between tokens (comments already taken out): a space or a line break."""
    if any(ch not in SPACES and ch not in LINE_BREAKS for ch in text):
        return None
    return "\n" if any(ch in LINE_BREAKS for ch in text) else " "


def canonical_code(snippet: str) -> str | None:
    """The snippet in its one form, or None when it must be judged as written."""
    source = snippet.encode("utf-8", "surrogatepass")
    tree = _parser().parse(source)
    if tree.root_node.has_error:
        return None
    tokens = _tokens(tree.root_node)
    if tokens is None:
        return None
    parts: list[str] = []
    gap, end, last = "", None, ""  # the gap since the last token that is not a comment, and that token
    for node in tokens:
        between = source[node.start_byte if end is None else end:node.start_byte].decode("utf-8", "surrogatepass")
        end = node.end_byte
        text = node.text.decode("utf-8", "surrogatepass")
        if node.type == "comment":
            gap += between + ("\n" if any(ch in LINE_BREAKS for ch in text) else " ")
            continue
        form = _gap(gap + between)
        if form is None:
            return None
        if form == "\n" and (last in QUIET_BEFORE or text == "}"):
            form = " "
        parts.append((form if parts else "") + text)  # what comes before the first token means nothing
        gap, last = "", text
    if source[end or 0:].decode("utf-8", "surrogatepass").strip("".join(SPACES | LINE_BREAKS)):
        return None  # something after the last token that is not whitespace or comments
    return "".join(parts)


@lru_cache(maxsize=64)  # one snippet is keyed, looked up and judged in turn: parse it once
def judged_code(snippet: str) -> str:
    """What the checks judge: the one form where it is proven the same program, else the text as written."""
    canonical = canonical_code(snippet)
    return snippet if canonical is None else canonical
