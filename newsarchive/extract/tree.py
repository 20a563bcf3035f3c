"""The parsed page: lxml.etree on the hot path (no per-element Python class lookup), CSS via cssselect.

A page controls its own depth: libxml2 drops whatever is nested deeper than 256 elements (2,048
with huge_tree), and code that walks a tree recursively stops at Python's recursion limit. So
the page is parsed with huge_tree, a page deeper than even that is parsed again with its
nesting-only tags (div, span, …) left out, and elements deeper than MAX_TREE_DEPTH are read as
one run of text: their text is kept, their inner structure is not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.cssselect import CSSSelector

from newsarchive.defaults import MAX_TREE_DEPTH

_SPACES = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
#: Tags that only nest: what a page nested deeper than libxml2 reads is parsed again without them.
_NESTING_TAGS = re.compile(
    r"</?(?:div|span|section|article|main|aside|header|footer|nav|font|b|i|u|s|em|strong|small|big|center|"
    r"blockquote|table|tbody|thead|tfoot|tr|td|th|ul|ol|li|dl|dt|dd|figure|figcaption|label|form|sup|sub|"
    r"q|cite|abbr|code|pre|mark|ins|del|strike|tt|var|kbd|samp|details|summary)\b[^>]*>",
    re.I,
)
#: Elements whose text is no text of the page.
_NOT_TEXT = ("script", "style", "noscript", "template")


def _parser():
    return etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=True)


def parse_tree(text: str):
    """The root <html> element of a page, tolerant of the markup found in the wild, of any depth."""
    text = _XML_DECLARATION.sub("", text, count=1)
    parser = _parser()
    try:
        root = etree.fromstring(text, parser)
    except (ValueError, etree.ParserError):
        root = None
    if root is not None and any("Excessive depth" in error.message for error in parser.error_log):
        try:  # deeper than libxml2 goes: the text below its limit would be lost
            root = etree.fromstring(_NESTING_TAGS.sub(" ", text), _parser())
        except (ValueError, etree.ParserError):
            pass
    if root is None:
        root = etree.fromstring("<html><body></body></html>", _parser())
    flatten_deep(root)
    return root


def flatten_deep(root, max_depth: int = MAX_TREE_DEPTH) -> int:
    """Read every element deeper than `max_depth` below `root` as one run of text (scripts and
    styles left out), in place; returns how many subtrees were flattened."""
    deep = root.xpath("/".join(["*"] * max_depth))
    for element in deep:
        etree.strip_elements(element, *_NOT_TEXT, with_tail=False)
        text = " ".join(element.itertext())
        for child in list(element):
            element.remove(child)
        element.text = text
    return len(deep)


def text_of(el) -> str:
    """All text inside `el`, white space collapsed."""
    return _SPACES.sub(" ", "".join(el.itertext())).strip()


@lru_cache(maxsize=512)
def _compiled(selector: str):
    return CSSSelector(selector, translator="html")


def select(root, selector: str | None) -> list:
    """Elements matching a CSS selector; none for an empty or invalid selector (site entries are data)."""
    if not selector:
        return []
    try:
        return _compiled(selector)(root)
    except Exception:  # cssselect raises several error types for bad selectors
        return []
