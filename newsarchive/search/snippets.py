"""Search snippets: the window of an article's lead and body with the most matched words, the
matched word forms marked — matched as search matches them (newsarchive.search.querylang)."""

from __future__ import annotations

import re

from newsarchive.search.querylang import Query, QueryError, parse, term_positions

#: Words of the lead and body a snippet is looked for in.
SNIPPET_SCAN_WORDS = 300
#: Words in a snippet.
SNIPPET_WORDS = 32
#: How a matched word form is marked in a snippet.
HIGHLIGHT = ("[", "]")

_WORD = re.compile(r"\w+")


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
    """A window of `size` words of the lead/body with the most matched words, matched forms marked."""
    if size < 1:
        raise ValueError(f"a snippet has at least one word, not {size}")
    text = snippet_text(title, lead, body)
    terms = as_query(query).terms()
    if not terms:
        return opening(text, size)
    spans, folded = _scanned_words(text)
    if not spans:
        return ""
    hit = [False] * len(spans)
    for term in terms:
        for start in term_positions(term, folded):
            for k in range(len(term.words)):
                hit[start + k] = True
    first = best_window(hit, size)
    last = min(len(spans), first + size)
    pieces, cursor = [], spans[first][0]
    for i in range(first, last):
        start, end = spans[i]
        pieces.append(text[cursor:start])
        pieces.append(f"{highlight[0]}{text[start:end]}{highlight[1]}" if hit[i] else text[start:end])
        cursor = end
    out = " ".join("".join(pieces).split())
    if first > 0:
        out = "… " + out
    if last < len(spans) or spans[-1][1] < len(text.rstrip(" .")):
        out += " …"
    return out


def _scanned_words(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    """The spans of the first SNIPPET_SCAN_WORDS words of `text` and each word folded (as
    textnorm.fold folds one word). The text is folded at once when folding keeps every
    character's place (it does for Cyrillic and Latin news; «ß» → «ss» does not)."""
    folded_text = text.casefold().replace("ё", "е")
    if len(folded_text) == len(text):
        spans = [match.span() for _, match in zip(range(SNIPPET_SCAN_WORDS), _WORD.finditer(folded_text))]
        return spans, [folded_text[start:end] for start, end in spans]
    spans = [match.span() for _, match in zip(range(SNIPPET_SCAN_WORDS), _WORD.finditer(text))]
    return spans, [text[start:end].casefold().replace("ё", "е") for start, end in spans]


def best_window(hit: list[bool], size: int) -> int:
    """Start of the window of `size` words with the most hits, a few words before its first hit;
    the first such window on a tie."""
    if not any(hit):
        return 0
    best_start, best_count = 0, -1
    count = sum(hit[:size])
    for start in range(max(1, len(hit) - size + 1)):
        if start:
            count += hit[start + size - 1] - hit[start - 1]
        if count > best_count:
            best_start, best_count = start, count
    first_hit = hit.index(True, best_start)
    return max(0, min(best_start, first_hit - 3))
