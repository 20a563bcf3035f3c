"""The parsed page: lxml.etree on the hot path (no per-element Python class lookup), CSS via cssselect."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree
from lxml.cssselect import CSSSelector

_SPACES = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")


def parse_tree(text: str):
    """The root <html> element of a page, tolerant of the markup found in the wild."""
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = etree.fromstring(_XML_DECLARATION.sub("", text, count=1), parser)
    except (ValueError, etree.ParserError):
        root = None
    if root is None:
        root = etree.fromstring("<html><body></body></html>", parser)
    return root


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
