"""Search snippets: the window of an article's lead and body with the most matched words,
matched word forms marked. The output is that of matching word by word with
`querylang.term_positions`; the text is folded in one pass (through a single-byte code page
when its word characters fit one) and only the words that can match a query stem are stemmed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from itertools import islice

from newsarchive.search.querylang import Query, QueryError, Term, parse, stem_matches
from newsarchive.textnorm import fold, stem

#: Words of the lead and body a snippet is looked for in.
SNIPPET_SCAN_WORDS = 300
#: Words in a snippet.
SNIPPET_WORDS = 32
#: How a matched word form is marked in a snippet.
HIGHLIGHT = ("[", "]")

_WORD = re.compile(r"\w+")
_RUN = re.compile(rb"[^ ]+")
_ASCII_RUN = re.compile(rb"[0-9a-z_]+")
_SPACE = ord(" ")
_WORD_MASK = bytes(b if b == _SPACE else ord("w") for b in range(256))
#: Code pages tried in turn; Russian text fits cp1251, Kazakh letters kz1048.
_CODE_PAGES = ("cp1251", "kz1048")


def _fold_table(code_page: str) -> bytes:
    """bytes.translate table: a word character's byte → the byte of its lower-case,
    ё-folded form (one character of the same code page); any other byte → a space."""
    table = bytearray(b" " * 256)
    for byte in range(256):
        try:
            char = bytes([byte]).decode(code_page)
        except UnicodeDecodeError:
            continue
        if _WORD.fullmatch(char):
            (table[byte],) = char.lower().replace("ё", "е").encode(code_page)
    return bytes(table)


def _encode(text: str, page: str) -> bytes | None:
    """`text` in a single-byte code page, one byte a character: characters the page lacks become
    spaces when they are no word characters; None when a word character is missing (the text
    needs another code page)."""
    encoded = text.encode(page, "replace")  # a lacking character becomes one b"?"
    lacking = []
    at = encoded.find(b"?")
    while at >= 0:
        if text[at] != "?":
            if _WORD.match(text[at]):
                return None
            lacking.append(at)
        at = encoded.find(b"?", at + 1)
    if not lacking:
        return encoded
    spaced = bytearray(encoded)
    for at in lacking:
        spaced[at] = _SPACE
    return bytes(spaced)


_TABLES = [(page, _fold_table(page)) for page in _CODE_PAGES]


def as_query(query: Query | str | None) -> Query:
    """The parsed query; an empty Query for nothing, or for text that does not parse."""
    if isinstance(query, Query):
        return query
    try:
        return parse(query) if query and query.strip() else Query()
    except QueryError:
        return Query()


def snippet_text(title: str | None, lead: str | None, body: str | None) -> str:
    """What a snippet is cut from: the lead and body, else the title."""
    return "\n".join(t for t in (lead, body) if t) or title or ""


def opening(text: str, size: int) -> str:
    """The first `size` words: the snippet when there is nothing to mark."""
    words = text.split(maxsplit=size)
    return " ".join(words[:size]) + (" …" if len(words) > size else "")


def snippet(query: Query | str | None, title: str | None, lead: str | None, body: str | None,
            *, size: int = SNIPPET_WORDS, highlight: tuple[str, str] = HIGHLIGHT) -> str:
    """A window of the lead/body with the most matched words, matched word forms marked."""
    if size < 1:
        raise ValueError(f"a snippet has at least one word, not {size}")
    text = snippet_text(title, lead, body)
    terms = as_query(query).terms()
    if not terms:
        return opening(text, size)

    scan = _scan(text)
    if scan is None:
        return ""
    hay, codec, spans = scan
    starts = b" " + hay.translate(_WORD_MASK)  # b" w" where a word starts
    marked = _marked(terms, hay, starts, codec)  # word index → its span in hay
    hits = sorted(marked)
    first = _best_window(hits, size)
    count = max(0, min(size, SNIPPET_SCAN_WORDS - first))
    if not count:
        last = first
    elif spans is not None:
        last = min(len(spans), first + count)
        start, end = spans[first][0], spans[last - 1][1]
        marked = {i: spans[i] for i in marked}
    else:
        window = hay.split(None, first)[-1]
        start = len(hay) - len(window)
        words = window.split(None, count)
        if len(words) > count:
            last, end = first + count, len(hay[:len(hay) - len(words[-1])].rstrip())
        else:
            last, end = first + len(words), len(hay.rstrip())

    pieces = []
    if last > first:
        cursor = start
        for i in hits[bisect_left(hits, first):bisect_left(hits, last)]:
            s, e = marked[i]
            pieces += (text[cursor:s], highlight[0], text[s:e], highlight[1])
            cursor = e
        pieces.append(text[cursor:end])
    out = " ".join("".join(pieces).split())
    if first > 0:
        out = "… " + out
    # A word after the window is never stripped, so this also covers "more words follow".
    if last == first or end < len(text.rstrip(" .")):
        out += " …"
    return out


def _scan(text: str) -> tuple[bytes, str, list[tuple[int, int]] | None] | None:
    """The words the snippet is looked for in, folded, as bytes separated by spaces, their
    encoding, and their spans in `text` (None: the same offsets as in the bytes); None when
    `text` has no words."""
    for page, table in _TABLES:
        encoded = _encode(text, page)
        if encoded is None:
            continue
        hay = encoded.translate(table)
        return (hay, page, None) if hay.strip(b" ") else None
    spans = [m.span() for m in islice(_WORD.finditer(text), SNIPPET_SCAN_WORDS)]
    if not spans:
        return None
    lowered = text.lower().replace("ё", "е")
    if len(lowered) == len(text):
        words = [lowered[s:e] for s, e in spans]
    else:
        words = [fold(text[s:e]) for s, e in spans]
    return " ".join(words).encode(), "utf-8", spans


def _marked(terms: list[Term], hay: bytes, starts: bytes, codec: str) -> dict[int, tuple[int, int]]:
    """The scanned words matched by a term (every word of a phrase occurrence): index → span."""
    marked: dict[int, tuple[int, int]] = {}
    stems = list(dict.fromkeys(s for t in terms if not t.exact for s in t.stems))
    found, spans = _stem_positions(stems, hay, starts, codec) if stems else ({}, {})
    for term in terms:
        n = len(term.words)
        if term.exact:
            phrase = _phrase(term.words, codec)
            match = phrase and phrase.search(hay)
            index = previous = 0
            while match:
                p = match.start()
                index += starts.count(b" w", previous, p + 1)
                previous = p
                if index + n > SNIPPET_SCAN_WORDS:
                    break
                for k in range(n):
                    marked[index + k] = match.span(k + 1)
                match = phrase.search(hay, p + 1)
        elif n == 1:
            for i in found[term.stems[0]]:
                marked[i] = spans[i]
        else:
            rest = [found[s] for s in term.stems[1:]]
            for i in found[term.stems[0]]:
                if all(i + k in positions for k, positions in enumerate(rest, 1)):
                    for k in range(i, i + n):
                        marked[k] = spans[k]
    return marked


def _stem_positions(stems: list[str], hay: bytes, starts: bytes,
                    codec: str) -> tuple[dict[str, set[int]], dict[int, tuple[int, int]]]:
    """For each query stem, the indices of the scanned words whose stems it matches; and
    the spans of those words."""
    found: dict[str, set[int]] = {s: set() for s in stems}
    spans: dict[int, tuple[int, int]] = {}
    verdicts: dict[bytes, list[str]] = {}
    for pattern, whole_words in _candidates(tuple(stems), codec):
        index = previous = 0
        for match in pattern.finditer(hay):
            p, e = match.span()
            if not whole_words and ((p and hay[p - 1] != _SPACE) or (e < len(hay) and hay[e] != _SPACE)):
                continue
            word = match.group()
            matching = verdicts.get(word)
            if matching is None:
                word_stem = stem(word.decode(codec))
                matching = verdicts[word] = [s for s in stems if stem_matches(s, word_stem)]
            if matching:
                index += starts.count(b" w", previous, p + 1)
                previous = p
                if index >= SNIPPET_SCAN_WORDS:
                    break
                spans[index] = p, e
                for s in matching:
                    found[s].add(index)
    return found, spans


@lru_cache(maxsize=1024)
def _candidates(stems: tuple[str, ...], codec: str) -> list[tuple[re.Pattern, bool]]:
    """Patterns of the words (in the scanned bytes) that may have a stem matching one of
    `stems`, each with whether its matches are whole words.

    The Russian stemmer only cuts endings off, so a word whose stem starts with (or is) a
    query stem starts with it too; the English one (for ASCII words) also rewrites endings
    ("dying" → "die"), so with an ASCII query stem every ASCII word is a candidate.
    """
    if "" in stems:
        return [(_RUN, True)]
    patterns = []
    alternatives = []
    for s in stems:
        try:
            alternatives.append(_word_start(s.encode(codec)))
        except UnicodeEncodeError:
            pass  # no word of this text starts with it
    if alternatives:
        patterns.append((re.compile(b"(?:" + b"|".join(alternatives) + b")[^ ]*", re.DOTALL), True))
    if any(s.isascii() for s in stems):
        patterns.append((_ASCII_RUN, False))
    return patterns


@lru_cache(maxsize=1024)
def _phrase(words: tuple[str, ...], codec: str) -> re.Pattern | None:
    """An exact phrase, as whole words (a group each), in the scanned bytes (None: it
    cannot occur there)."""
    try:
        first, *rest = (w.encode(codec) for w in words)
    except UnicodeEncodeError:
        return None
    pattern = b"(%s)" % _word_start(first) + b"".join(b" +(%s)" % re.escape(w) for w in rest)
    return re.compile(pattern + b"(?![^ ])", re.DOTALL)


def _word_start(literal: bytes) -> bytes:
    """A regex of `literal` at the start of a word. The check comes after the literal so
    that the regex engine can look for the literal first."""
    return b"%s(?<![^ ].{%d})" % (re.escape(literal), len(literal))


def _best_window(hits: list[int], size: int) -> int:
    """Start of the window of `size` (1 or more) words with the most hits (sorted word
    indices), a few words before its first hit; the first such window on a tie."""
    if not hits:
        return 0
    best_start, best_count = 0, bisect_left(hits, size)
    # The count only grows where a window's last word is a hit: those starts are enough
    # (and each of those windows fits in the text, ending at its hit).
    for j, p in enumerate(hits):
        start = p - size + 1
        if start >= 1:
            count = j + 1 - bisect_left(hits, start)
            if count > best_count:
                best_start, best_count = start, count
    first_hit = hits[bisect_left(hits, best_start)]
    return max(0, min(best_start, first_hit - 3))
