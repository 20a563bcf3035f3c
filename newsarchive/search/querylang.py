"""The search query language: what a person types, parsed into terms and filters.

    пенсия выплаты          both words, in any form of the same dictionary word (the word index)
    "единовременная выплата" the exact phrase (word forms as typed; case and ё/е ignored)
    пенсия OR пособие       either word
    пенсия -алименты        without the word (or -"a phrase")
    пенс*                   any word whose dictionary form (or stem) starts with «пенс»
    site:kt.kz  tag:"Пенсия 2026"  region:ВКО  lang:ru   filters

A word matches the forms of its dictionary lemma, of each one when the form is ambiguous
(«стали»: сталь, стать), never its neighbours («правил» does not find «правительство»); a word
the dictionary does not know matches by its stem (newsarchive.textnorm.word_tokens). Anything
else is text: punctuation splits words ("пенсия-2026" is the two words "пенсия 2026" next to
each other), stray quotes, brackets, a lone `*`, `AND`/`NOT` are harmless. Nothing here ever
reaches SQLite unquoted; `compile_fts` builds the MATCH expression from analysed tokens only.
Input with nothing to search for is a `QueryError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from newsarchive.defaults import MAX_QUERY_CHARS
from newsarchive.textnorm import token_openings, word_tokens, words

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

    `exact` terms (typed in quotes) match those word forms only; other terms match any form of
    each word's dictionary lemmas (`tokens`); a `prefix` term (one word typed with a trailing `*`)
    matches every word whose tokens start with it.
    """

    words: tuple[str, ...]
    exact: bool = False
    prefix: bool = False

    @cached_property
    def tokens(self) -> tuple[frozenset[str], ...]:
        """Per word, the index tokens any of which it matches."""
        return tuple(frozenset(word_tokens(w)) for w in self.words)

    @cached_property
    def openings(self) -> tuple[frozenset[str] | None, ...]:
        """Per word, the first two letters of every form that can match it (None: any form can),
        so that a text's other words are passed over without being analysed."""
        if self.exact or self.prefix:
            return (None,) * len(self.words)
        return tuple(_union(token_openings(token) for token in tokens) for tokens in self.tokens)

    @property
    def needs_check(self) -> bool:
        """True when the index alone cannot settle it: word order, or the exact forms."""
        return self.exact or len(self.words) > 1

    def __str__(self) -> str:
        text = " ".join(self.words)
        if self.prefix:
            return text + "*"
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
        """True when some term needs checking against the article's text (phrases, word order)."""
        return any(t.needs_check for t in self.terms()) or any(t.needs_check for t in self.excluded)

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
        prefix = not quoted and value.endswith("*") and len(term_words) == 1
        term = Term(term_words, exact=quoted, prefix=prefix)
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


def _any_of(tokens) -> str:
    alternatives = sorted(_quote(token) for token in tokens)
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def _fts_term(term: Term, expand=None) -> str:
    """One term as an FTS5 expression over the word index; every token is quoted.

    A word is the OR of its tokens; a term of several words (or an exact one) is the AND of
    its words, its order and forms checked on the text afterwards (`matches`). A prefix is the
    OR of the indexed terms `expand(prefix)` gives (None: unknown, or too many: an FTS5 prefix
    query) — the same documents as `prefix*`, but FTS5 reads OR-ed terms lazily, newest first,
    where a prefix query merges the doclist of every term with the prefix first.
    """
    if term.prefix:
        (prefix,) = term.words
        terms = expand(prefix) if expand is not None else None
        if terms is not None and len(terms) <= MAX_EXPANSION:
            return _any_of(terms) if terms else _quote(prefix)  # in no document
        return _quote(prefix) + " *"
    groups = [_any_of(tokens) for tokens in term.tokens]
    return groups[0] if len(groups) == 1 else "(" + " AND ".join(groups) + ")"


def _fts_group(group: list[Term], expand=None) -> str:
    alternatives = [_fts_term(t, expand) for t in group]
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"


def compile_fts(query: Query, expand=None) -> str | None:
    """The MATCH expression for the word index, or None when there are no positive terms.

    Excluded words are in it (as NOT); excluded phrases and word sequences are not (an article
    holding the words apart must not be excluded), they are left to `matches`. `expand`: see
    `_fts_term`.
    """
    if not query.has_text:
        return None
    expression = " AND ".join(_fts_group(g, expand) for g in query.groups)
    excluded = [_fts_term(t, expand) for t in query.excluded if not t.needs_check]
    if excluded:
        expression = f"({expression}) NOT ({' OR '.join(excluded)})"
    return expression


def compile_excluded_fts(query: Query, expand=None) -> str | None:
    """MATCH expression of the excluded words, for queries that have nothing positive."""
    excluded = [_fts_term(t, expand) for t in query.excluded if not t.needs_check]
    return " OR ".join(excluded) if excluded else None


# --- the same semantics over plain text, for phrases, snippets and checks ---


def _union(sets) -> frozenset[str] | None:
    found: set[str] = set()
    for one in sets:
        if one is None:
            return None
        found |= one
    return frozenset(found)


def word_matches(term: Term, k: int, word: str) -> bool:
    """Does the folded text word `word` match the term's `k`-th word?"""
    if term.exact:
        return word == term.words[k]
    openings = term.openings[k]
    if openings is not None and word[:2] not in openings:
        return False
    tokens = word_tokens(word)
    if term.prefix:
        return any(token.startswith(term.words[0]) for token in tokens)
    return not term.tokens[k].isdisjoint(tokens)


def term_positions(term: Term, folded_words: list[str]) -> list[int]:
    """Start positions where `term` occurs in a field given as folded words."""
    n = len(term.words)
    if n == 1 and not term.exact and not term.prefix:  # the common case, word by word without calls
        openings, tokens = term.openings[0], term.tokens[0]
        return [i for i, word in enumerate(folded_words)
                if (openings is None or word[:2] in openings) and not tokens.isdisjoint(word_tokens(word))]
    return [i for i in range(len(folded_words) - n + 1)
            if all(word_matches(term, k, folded_words[i + k]) for k in range(n))]


def matches(query: Query, fields: list[str | None]) -> bool:
    """True when the article text (its fields) satisfies the query's text part."""
    analysed = [words(text) for text in fields]

    def occurs(term: Term) -> bool:
        return any(term_positions(term, folded) for folded in analysed)

    if any(occurs(t) for t in query.excluded):
        return False
    return all(any(occurs(t) for t in group) for group in query.groups)
