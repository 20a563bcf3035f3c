"""Bytes to text: BOMs, HTTP and <meta> declarations, and the Cyrillic code pages they get wrong."""

from __future__ import annotations

import codecs
import logging
import re

# UnicodeDammit (beautifulsoup4's, the last resort below) warns of every byte it replaced; what
# it decoded is ours to judge.
logging.getLogger("bs4.dammit").setLevel(logging.ERROR)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
# Single-byte code pages in which Russian and Kazakh pages are written; a declaration of one of them
# is often wrong about which one.
_CYRILLIC_PAGES = ("windows-1251", "koi8-r", "iso-8859-5")
_LOWER_CYR = re.compile("[а-яё]")
_UPPER_CYR = re.compile("[А-ЯЁ]")


def _normalise(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except LookupError:
        return None


def _cyrillic_score(text: str) -> float:
    """How much `text` looks like Cyrillic prose: lower-case letters dominate real text."""
    lower = len(_LOWER_CYR.findall(text))
    upper = len(_UPPER_CYR.findall(text))
    return lower - 3 * upper


#: A page is UTF-8 with a few broken bytes when at most this share of its non-ASCII bytes is invalid.
_UTF8_ERROR_SHARE = 0.01


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8 but for a few bytes (pages cut strings by bytes); a single-byte code page
    decoded as UTF-8 fails on nearly every non-ASCII byte instead."""
    high_bytes = sum(1 for b in data if b >= 0x80)
    if not high_bytes:
        return False
    errors = data.decode("utf-8", errors="replace").count("\ufffd")
    return errors <= max(1, _UTF8_ERROR_SHARE * high_bytes)


def declared_encoding(data: bytes) -> str | None:
    """The charset a page's <meta> declares, if any (looked for in its first 4 KB)."""
    match = _META_CHARSET.search(data[:4096])
    return _normalise(match.group(1).decode("ascii", "ignore")) if match else None


def _looks_wide(data: bytes) -> bool:
    """Do the bytes look like UTF-16 or UTF-32 (markup in them has a NUL beside every ASCII byte)?"""
    head = data[:2048]
    return len(head) >= 4 and head.count(0) >= len(head) // 4


def _readable(text: str) -> bool:
    """Did a decoding read the bytes (no more than a few replacement characters)?"""
    return text.count("\ufffd") <= max(1, _UTF8_ERROR_SHARE * len(text))


def decode_html(data: bytes | str, http_encoding: str | None = None) -> str:
    """Decode a fetched page: BOM, then valid UTF-8, then declarations checked against the text.

    The bytes have the last word: a byte-order mark followed by what that encoding cannot read is
    ignored, and so is a UTF-16 or UTF-32 declaration of bytes that are not (the HTML standard
    reads a page declaring utf-16 as UTF-8)."""
    if isinstance(data, str):
        return data
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(encoding, errors="replace")
            if _readable(text):
                return text
            data = data[len(bom):]  # a mark the bytes belie: decide by the bytes
            break
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):  # a cut multibyte character or a stray byte in a UTF-8 page
        return data.decode("utf-8", errors="replace")
    declared = [e for e in (_normalise(http_encoding), declared_encoding(data))
                if e and e != "utf-8" and (not e.startswith(("utf-16", "utf-32")) or _looks_wide(data))]
    high_bytes = sum(1 for b in data[:200_000] if b >= 0x80)
    if not declared or declared[0] in _CYRILLIC_SET:
        # A Cyrillic page with no or a possibly wrong declaration: pick the code page whose
        # decoding reads most like prose.
        candidates = {e: data.decode(e, errors="replace") for e in _CYRILLIC_SET}
        best = max(candidates, key=lambda e: _cyrillic_score(candidates[e]))
        if _cyrillic_score(candidates[best]) > 0.2 * high_bytes:
            return candidates[best]
    if declared:
        return data.decode(declared[0], errors="replace")
    from bs4.dammit import (
        UnicodeDammit,  # 12 MB with its detectors, for the rare page that needs it
    )

    dammit = UnicodeDammit(data, ["windows-1251"], is_html=True)
    if dammit.unicode_markup is not None:
        return dammit.unicode_markup
    return data.decode("utf-8", errors="replace")


_CYRILLIC_SET = tuple(dict.fromkeys(_normalise(e) for e in _CYRILLIC_PAGES if _normalise(e)))
