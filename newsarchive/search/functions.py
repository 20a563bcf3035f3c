"""The archive's SQL functions, registered once on every connection: by
newsarchive.store.schema.connect for newsarchive's own, by the datasette plugin for datasette's.
The browser and the CLI therefore give the same answers.

    na_fold(text)                     lower case, ё→е, spaces collapsed
    na_fold_tag(tag)                  a tag as tags are matched
    na_words(text)                    the tokens the word index holds for text (lemmas, stems)
    na_fts(query)                     the MATCH expression of a query for a year table of the word index
    na_article_id(key)                the article id of a word-index rowid
    na_match(title, lead, body, q)    1 when the text satisfies the query (exact phrases included)
    na_snippet(title, lead, body, q)  a snippet with the matched words in [brackets]
    na_period(published_utc, by)      its Kazakhstan day, ISO week or month label
    na_search(q[, limit])             JSON list of article ids, as `newsarchive search` orders them
    na_trend(q[, by])                 JSON list of [period, count], as `newsarchive trend` gives them

Datasette stops a query after its time limit (sql_time_limit_ms) between SQLite's steps; a Python
function runs in one step, so each one is bounded by its input: text beyond READ_CHARS is not
read (stored text is cut far below that; an archive written before the limits may hold more),
and the queries na_search and na_trend run are SQLite's, which the time limit interrupts.
"""

from __future__ import annotations

import json
from functools import lru_cache

from newsarchive.clock import local_date
from newsarchive.search.articles import SEARCH_LIMIT, search_ids
from newsarchive.search.dates import period_label
from newsarchive.search.querylang import Query, QueryError, compile_fts, matches, parse
from newsarchive.search.reports import trend
from newsarchive.search.snippets import snippet
from newsarchive.search.sql import text_match
from newsarchive.store.wordindex import ID_MASK
from newsarchive.textnorm import fold, fold_tag, index_text

#: Characters of one text argument a function reads at most.
READ_CHARS = 1_000_000


def _bounded(func):
    """`func` with every str argument cut to READ_CHARS characters."""
    def call(*args):
        return func(*(a[:READ_CHARS] if isinstance(a, str) else a for a in args))
    call.__name__ = func.__name__
    return call


def register_functions(conn) -> None:
    """Register the na_* functions on a new sqlite3 connection."""
    for name, arity, func in (
        ("na_fold", 1, fold), ("na_fold_tag", 1, fold_tag), ("na_words", 1, index_text),
        ("na_fts", 1, _fts), ("na_match", 4, _match), ("na_snippet", 4, _snippet),
        ("na_period", 2, _period), ("na_article_id", 1, _article_id),
    ):
        conn.create_function(name, arity, _bounded(func), deterministic=True)

    def sql_search(text, limit=SEARCH_LIMIT):
        try:
            return json.dumps(search_ids(conn, text, limit=limit if isinstance(limit, int) else SEARCH_LIMIT))
        except QueryError:
            return "[]"

    def sql_trend(text, by="day"):
        try:
            return json.dumps(trend(conn, text, by=by if isinstance(by, str) else "day"))
        except QueryError:
            return "[]"

    for arity in (1, 2):
        conn.create_function("na_search", arity, sql_search)
        conn.create_function("na_trend", arity, sql_trend)


@lru_cache(maxsize=256)
def _parsed(text: str | None) -> Query | None:
    """A query parsed once per text; None when it has nothing to search (no error in SQL)."""
    try:
        return parse(text)
    except QueryError:
        return None


def _match(title, lead, body, text):
    parsed = _parsed(text)
    return 0 if parsed is None else int(matches(parsed, [title, lead, body]))


def _snippet(title, lead, body, text):
    return snippet(_parsed(text) or Query(), title, lead, body)


def _fts(text):
    parsed = _parsed(text)
    fts = None if parsed is None else compile_fts(parsed)
    return None if fts is None else text_match(fts, parsed.tags)


def _period(published_utc, by):
    day = local_date(published_utc)
    try:
        return period_label(day, by or "day") if day else None
    except QueryError:
        return None


def _article_id(key):
    return int(key) & ID_MASK if isinstance(key, int) else None
