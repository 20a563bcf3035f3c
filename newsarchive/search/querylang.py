"""The search query language: what a person types, parsed into terms and filters.

    пенсия выплаты          both words (any inflection: the stemmed index)
    "единовременная выплата" the exact phrase (word forms as typed; case and ё/е ignored)
    пенсия OR пособие       either word
    пенсия -алименты        without the word (or -"a phrase")
    site:kt.kz  tag:"Пенсия 2026"  region:ВКО  lang:ru   filters

Anything else is text: punctuation splits words ("пенсия-2026" is the two words
"пенсия 2026" next to each other), stray quotes, brackets, `*`, `AND`/`NOT` are harmless.
Nothing here ever reaches SQLite unquoted; `compile_fts` builds the MATCH expression
from folded, stemmed words only. Input with nothing to search for is a `QueryError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from newsarchive.defaults import MAX_QUERY_CHARS
from newsarchive.textnorm import stem, words

#: Stems shorter than this are matched whole; longer ones also as prefixes
#: ("пенсия" → "пенс"* finds "пенсионный"; "рост"* would find "Ростов").
MIN_PREFIX_STEM = 4

#: More terms than this is not a search but an accident (a pasted article).
MAX_TERMS = 64

FILTER_FIELDS = {
    "site": "sites",
    "tag": "tags",
    "region": "regions",
    "lang": "languages",
    "language": "languages",
}

# One lexical token: an optional "-", an optional "field:", then a "quoted run" or a bare run.
_TOKEN = re.compile(
    r"""
    (?P<neg>-)?
    (?:(?P<field>[A-Za-z]+):)?
    (?:
        "(?P<quoted>[^"]*)"?        # a phrase; an unclosed quote runs to the end
      | (?P<bare>[^\s"()]+)
    )
    """,
    re.VERBOSE,
)


class QueryError(ValueError):
    """The query cannot be searched; the message says why, in words a user understands."""


@dataclass(frozen=True)
class Term:
    """One searchable unit: folded words that must appear next to each other.

    `exact` terms (typed in quotes) match those word forms only; other terms match any
    inflection through the stems (and stem prefixes of 4+ letters).
    """

    words: tuple[str, ...]
    exact: bool = False

    @cached_property
    def stems(self) -> tuple[str, ...]:
        return tuple(stem(w) for w in self.words)

    def __str__(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.exact or len(self.words) > 1 else text


@dataclass
class Query:
    """A parsed query: groups of alternatives (all groups must match, any term within
    a group), excluded terms, and filters."""

    text: str = ""
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        """True when the full-text index has something to match."""
        return bool(self.groups)

    @property
    def has_exact(self) -> bool:
        """True when some term needs checking against the raw text (phrases in quotes)."""
        return any(t.exact for g in self.groups for t in g) or any(t.exact for t in self.excluded)

    @property
    def has_filters(self) -> bool:
        return bool(self.sites or self.tags or self.regions or self.languages)

    def terms(self) -> list[Term]:
        return [t for g in self.groups for t in g]


def parse(text: str | None) -> Query:
    """Parse a query string; never fails on odd input, only on input with nothing in it."""
    query = Query(text=text or "")
    if not text or not text.strip():
        return query
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is too long ({len(text)} characters, at most {MAX_QUERY_CHARS})")
    pending_or = False
    negate_next = False
    position = 0
    while position < len(text):
        if text[position].isspace() or text[position] in "()":
            position += 1
            continue
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:  # a lone quote or similar: skip it
            position += 1
            continue
        position = match.end()
        negative = bool(match["neg"]) or negate_next
        negate_next = False
        field_name = (match["field"] or "").lower()
        value = match["quoted"] if match["quoted"] is not None else match["bare"]
        quoted = match["quoted"] is not None

        if field_name in FILTER_FIELDS:
            if negative:
                raise QueryError(f"-{field_name}: is not supported; filter with {field_name}: and exclude words with -word")
            if value.strip():
                getattr(query, FILTER_FIELDS[field_name]).append(value.strip())
            continue
        if not quoted and not match["neg"] and not match["field"]:
            if value in ("OR", "|"):
                pending_or = bool(query.groups)
                continue
            if value in ("AND", "&"):
                continue
            if value == "NOT":
                negate_next = True
                continue
        if match["field"] and field_name not in FILTER_FIELDS:
            value = f"{match['field']} {value}"  # "foo:bar" is just text
        term_words = tuple(words(value))
        if not term_words:
            continue
        term = Term(term_words, exact=quoted)
        if negative:
            query.excluded.append(term)
        elif pending_or:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or = False

    if len(query.terms()) + len(query.excluded) > MAX_TERMS:
        raise QueryError(f"too many words in the query (at most {MAX_TERMS})")
    if not query.has_text and not query.excluded and not query.has_filters:
        raise QueryError(
            f"nothing to search for in {text.strip()!r:.100}: use words, \"an exact phrase\", "
            "OR, -word, site:, tag:, region:, lang:"
        )
    return query


#: A prefix that expands to more indexed terms than this stays an FTS5 prefix query.
MAX_EXPANSION = 48


def _quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts_term(term: Term, expand=None) -> str:
    """One term as an FTS5 expression over the stemmed index; every token is quoted.

    `expand(stem)` → the indexed terms that start with the stem (or None: unknown); a
    one-word term's prefix is then the OR of those exact terms — the same documents as
    `stem*`, but FTS5 reads OR-ed terms lazily (newest first) where a prefix query merges
    the whole doclist of every term with the prefix first.
    """
    if term.exact:
        # Same word forms have the same stems: the stemmed phrase finds every exact
        # occurrence (and a few inflected ones, which the exact check then drops).
        return '"' + " ".join(term.stems) + '"'
    if expand is not None and len(term.stems) == 1 and len(term.stems[0]) >= MIN_PREFIX_STEM:
        terms = expand(term.stems[0])
        if terms is not None and len(terms) <= MAX_EXPANSION:
            if not terms:
                return _quote(term.stems[0])  # in no document
            if len(terms) == 1:
                return _quote(terms[0])
            return "(" + " OR ".join(_quote(t) for t in terms) + ")"
    parts = []
    for s in term.stems:
        parts.append(f'"{s}"' + (" *" if len(s) >= MIN_PREFIX_STEM else ""))
    return " + ".join(parts)


def _fts_group(group: list[Term], expand=None) -> str:
    alternatives = [_fts_term(t, expand) for t in group]
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def compile_fts(query: Query, expand=None) -> str | None:
    """The MATCH expression for the stemmed index, or None when there are no positive terms.

    Excluded words are in it (as NOT); excluded exact phrases are not (an inflected form
    of the phrase must not exclude an article), they are left to `matches`. `expand`: see
    `_fts_term` (without it, stems of 4+ letters are FTS5 prefix queries).
    """
    if not query.has_text:
        return None
    expression = " AND ".join(_fts_group(g, expand) for g in query.groups)
    excluded = [_fts_term(t, expand) for t in query.excluded if not t.exact]
    if excluded:
        expression = f"({expression}) NOT ({' OR '.join(excluded)})"
    return expression


def compile_excluded_fts(query: Query, expand=None) -> str | None:
    """MATCH expression of the excluded words, for queries that have nothing positive."""
    excluded = [_fts_term(t, expand) for t in query.excluded if not t.exact]
    return " OR ".join(excluded) if excluded else None


# --- the same semantics over plain text, for exact phrases, snippets and checks ---


def stem_matches(query_stem: str, word_stem: str) -> bool:
    """Does a word with stem `word_stem` match the query stem (as a prefix when it is long enough)?"""
    if len(query_stem) >= MIN_PREFIX_STEM:
        return word_stem.startswith(query_stem)
    return word_stem == query_stem


def term_positions(term: Term, folded_words: list[str], word_stems: list[str]) -> list[int]:
    """Start positions where `term` occurs in a field given as folded words and their stems."""
    n = len(term.words)
    if n == 1 and not term.exact:
        (query_stem,) = term.stems
        return [i for i, s in enumerate(word_stems) if stem_matches(query_stem, s)]
    found = []
    for i in range(len(folded_words) - n + 1):
        if term.exact:
            if tuple(folded_words[i:i + n]) == term.words:
                found.append(i)
        elif all(stem_matches(q, word_stems[i + k]) for k, q in enumerate(term.stems)):
            found.append(i)
    return found


def matches(query: Query, fields: list[str | None]) -> bool:
    """True when the article text (its fields) satisfies the query's text part."""
    analysed = []
    for text in fields:
        folded = words(text)
        analysed.append((folded, [stem(w) for w in folded]))

    def occurs(term: Term) -> bool:
        return any(term_positions(term, f, s) for f, s in analysed)

    if any(occurs(t) for t in query.excluded):
        return False
    return all(any(occurs(t) for t in group) for group in query.groups)
