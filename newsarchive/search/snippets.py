"""Search snippets: the window of an article's lead and body with the most matched words, the
matched word forms marked — matched as search matches them (newsarchive.search.querylang)."""

from __future__ import annotations

import re
from itertools import accumulate, islice
from operator import sub

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
    scanned, folded = _scanned_words(text)
    if not folded:
        return ""
    hit = [False] * len(folded)
    for term in terms:
        for start in term_positions(term, folded):
            for k in range(len(term.words)):
                hit[start + k] = True
    first = best_window(hit, size)
    last = min(len(folded), first + size)
    spans = [match.span() for match in islice(_WORD.finditer(scanned), last)]
    pieces, cursor = [], spans[first][0]
    for i in range(first, last):
        start, end = spans[i]
        pieces.append(text[cursor:start])
        pieces.append(f"{highlight[0]}{text[start:end]}{highlight[1]}" if hit[i] else text[start:end])
        cursor = end
    out = " ".join("".join(pieces).split())
    if first > 0:
        out = "… " + out
    if last < len(folded) or spans[-1][1] < len(text.rstrip(" .")):
        out += " …"
    return out


def _scanned_words(text: str) -> tuple[str, list[str]]:
    """(`text` or its folded form where the words sit at the same places, the first
    SNIPPET_SCAN_WORDS words folded as textnorm.fold folds one word). The text is folded at once
    when folding keeps every character's place (it does for Cyrillic and Latin news; «ß» → «ss»
    does not); the words' places are found only for the window shown."""
    folded_text = text.casefold().replace("ё", "е")
    if len(folded_text) == len(text):
        return folded_text, _WORD.findall(folded_text)[:SNIPPET_SCAN_WORDS]
    return text, [word.casefold().replace("ё", "е") for word in _WORD.findall(text)[:SNIPPET_SCAN_WORDS]]


def best_window(hit: list[bool], size: int) -> int:
    """Start of the window of `size` words with the most hits, a few words before its first hit;
    the first such window on a tie."""
    if not any(hit) or len(hit) <= size:  # the whole text is the window
        return 0
    hits_before = [0, *accumulate(hit)]  # hits_before[i]: hits among the first i words
    starts = len(hit) - size + 1
    counts = list(map(sub, hits_before[size:size + starts], hits_before[:starts]))  # hits in each window
    best_start = counts.index(max(counts))
    first_hit = hit.index(True, best_start)
    return max(0, min(best_start, first_hit - 3))
