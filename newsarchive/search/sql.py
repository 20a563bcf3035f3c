"""The SQL of a search: a parsed query (newsarchive.search.querylang) and its filters, compiled
into one statement over the word index (a table per quarter of publication, newsarchive.store.wordindex)
and the articles table. Every value is a bound parameter; every FTS5 token is quoted.
"""

from __future__ import annotations

import sqlite3

from newsarchive.regions import normalise_region
from newsarchive.safetext import clean
from newsarchive.search.dates import parse_bound
from newsarchive.search.querylang import (
    MAX_EXPANSION,
    Query,
    QueryError,
    compile_excluded_fts,
    compile_fts,
    parse,
)
from newsarchive.store import wordindex
from newsarchive.store.wordindex import ID_BITS, article_id_sql, key_range
from newsarchive.textnorm import fold, fold_tag

#: bm25 weights of the word index's columns: title, lead, body, and the tag tokens (which
#: filter, and never score).
RANK_WEIGHTS = (10.0, 4.0, 1.0, 0.0)
#: A text query whose filters are all in the word index (tags, dates) ranks (bm25) only the
#: RANK_WINDOW most recently published of its matches: exact for rarer words, and bounded work
#: (recent news first) for common words, within a popular tag or a long date range too. The
#: word index is in publication order (newsarchive.store.wordindex). bm25 costs ~1.2-1.7 µs a
#: row on top of its per-table count: 2,000 rows is ~3 ms; a common word within a popular tag
#: over 90 days of the 1,000,000-article benchmark matched 9,000 (~11 ms).
RANK_WINDOW = 2_000
SORTS = ("auto", "relevance", "newest", "oldest")
# --- regions ---


def _region_key(text: str) -> str:
    """A region as compared: the gazetteer's name when it knows it, folded."""
    return fold(normalise_region(text) or text)


# --- the search ---


def _as_list(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [clean(v) for v in values if isinstance(v, str) and clean(v)]


def _where(query: Query, *, since=None, until=None, text: bool = False) -> tuple[list[str], list[str], dict]:
    """SQL conditions for the query's filters: (on `a`, the articles row; on `{t}`, a table of
    the word index, for a text search), with their parameters.

    Without text, the first tag and the dates are conditions on `t0`, the first tag's
    article_tags row joined in (its index walks newest first). With text, the tags are in the
    MATCH expression (`text_match`) and the dates bound the index's key, so that FTS5 reads
    only the part of each doclist published in the range; the exact bounds are checked on the
    article's time only for rows of the two days the bounds fall in (`_exact_dates`).
    """
    conditions, params = [], {}
    if query.sites:
        names = []
        for i, site in enumerate(query.sites):
            params[f"site{i}"] = site.strip().lower().removeprefix("www.")
            names.append(f":site{i}")
        conditions.append(f"a.site IN ({', '.join(names)})")
    if query.languages:
        names = []
        for i, language in enumerate(query.languages):
            params[f"lang{i}"] = language.strip().lower()
            names.append(f":lang{i}")
        conditions.append(f"a.language IN ({', '.join(names)})")
    if query.regions:
        names = []
        for i, region in enumerate(query.regions):
            params[f"region{i}"] = _region_key(region)
            names.append(f":region{i}")
        listed = ", ".join(names)
        # The story's own region when the text names one; the outlet's region only when it does not.
        conditions.append(f"na_fold(COALESCE(a.story_region, a.region)) IN ({listed})")
    dates = []
    if since is not None:
        params["since"] = parse_bound(since)
        dates.append("published_utc >= :since")
    if until is not None:
        params["until"] = parse_bound(until, end=True)
        dates.append("published_utc < :until")
    if text:
        return conditions, _exact_dates(params), params
    for i, tag in enumerate(query.tags):
        params[f"tag{i}"] = fold_tag(tag)
        if i == 0:
            conditions.append("t0.tag_norm = :tag0")
            conditions.extend(f"t0.{d}" for d in dates)
            dates = []
        else:
            conditions.append(f"a.id IN (SELECT article_id FROM article_tags WHERE tag_norm = :tag{i})")
    conditions.extend(f"a.{d}" for d in dates)
    return conditions, [], params


def _exact_dates(params: dict) -> list[str]:
    """Conditions on a word-index table `{t}` for the dates in params (since, until): its key
    within the bounds' days, and the article's time checked (by its id) only where the day
    alone does not settle it — the bounds' own days, and day 0 (undated)."""
    since, until = params.get("since"), params.get("until")
    if since is None and until is None:
        return []
    low, high = key_range(since, until)
    conditions = []
    if low is not None:
        params["key_low"] = low
        conditions.append("{t}.rowid >= :key_low")
    if high is not None:
        params["key_high"] = high
        conditions.append("{t}.rowid < :key_high")
    inside, exact = [], []
    params["inner_low"] = max(low + (1 << ID_BITS) if low is not None else 0, 1 << ID_BITS)
    inside.append("{t}.rowid >= :inner_low")
    if since is not None:
        exact.append("x.published_utc >= :since")
    if high is not None:
        params["inner_high"] = high - (1 << ID_BITS)
        inside.append("{t}.rowid < :inner_high")
        exact.append("x.published_utc < :until")
    conditions.append(f"({' AND '.join(inside)} OR (SELECT {' AND '.join(exact)} FROM articles x "
                      f"WHERE x.id = {article_id_sql('{t}.rowid')}))")
    return conditions


def text_match(fts: str, tags: list[str]) -> str:
    """The MATCH expression: the query's words, and every tag."""
    return f"({fts}) AND {wordindex.tags_match(tags)}" if tags else fts


def _hits(conn, index_conditions: list[str], params: dict, *, match: str = "fts", rank: bool = True,
          window: bool = False) -> str:
    """A compound SELECT of the word index's rows matching :`match` (columns key and, with
    `rank`, bm25 rank) over the quarters' tables the key bounds in params reach, newest first.

    `window`: only the RANK_WINDOW newest rows; each quarter's table is read newest first
    and the compound stops at the limit, so older quarters are not read (nor counted by bm25)
    once the newer ones had enough.
    """
    weights = ", ".join(str(w) for w in RANK_WEIGHTS)
    arms = []
    for quarter in wordindex.quarters_between(conn, params.get("key_low"), params.get("key_high")):
        t = wordindex.table_name(quarter)
        columns = f"{t}.rowid AS key" + (f", bm25({t}, {weights}) AS rank" if rank else "")
        where = " AND ".join([f"{t} MATCH :{match}", *(c.format(t=t) for c in index_conditions)])
        arm = f"SELECT {columns} FROM {t} WHERE {where}"
        if window:
            arm = f"SELECT * FROM ({arm} ORDER BY {t}.rowid DESC LIMIT :window)"
        arms.append(arm)
    if not arms:  # an archive without articles
        arms.append("SELECT NULL AS key" + (", NULL AS rank" if rank else "") + " WHERE 0")
    compound = "\n  UNION ALL ".join(arms)
    if window:
        params["window"] = RANK_WINDOW
        compound += "\n  LIMIT :window"
    return compound


def build_query(query=None, *, tags=(), sites=(), regions=(), languages=()) -> Query:
    """The query text parsed, with the keyword filters added to its own filters."""
    query = clean(query) if isinstance(query, str) else None  # typed or pasted: no control characters, no lone surrogates
    parsed = parse(query) if query and query.strip() else Query()
    parsed.tags += _as_list(tags)
    parsed.sites += _as_list(sites)
    parsed.regions += _as_list(regions)
    parsed.languages += _as_list(languages)
    return parsed


def _expander(conn):
    """expand(prefix) → the word index's terms that start with `prefix` (None: no vocabulary)."""
    def expand(prefix: str) -> list[str] | None:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        try:
            rows = conn.execute("SELECT term FROM word_terms WHERE term >= ? AND term < ? LIMIT ?",
                                (prefix, upper, MAX_EXPANSION + 1)).fetchall()
        except sqlite3.Error:  # an archive without word_terms (not yet migrated): prefix queries
            return None
        return [term for (term,) in rows]
    return expand


def _require_current_index(conn) -> None:
    """An archive whose word index another newsarchive built (opened by datasette alone,
    before newsarchive upgraded it) would answer wrongly: say so instead."""
    try:
        found = wordindex.stored_indexer(conn)
    except sqlite3.Error:  # no archive_meta: older than schema 3
        found = None
    if found != wordindex.INDEXER:
        raise QueryError("this archive's word index was built by another version of newsarchive; "
                         "open it once with newsarchive to upgrade it (`newsarchive upgrade --db PATH`)")


def search_sql(parsed: Query, *, conn, since=None, until=None, sort="auto", columns="a.*",
               page: int | None = None) -> tuple[str, dict]:
    """The SQL (without LIMIT) and parameters of a search on the archive open on `conn`
    (which quarters the word index has; explicit prefixes are expanded into the indexed terms,
    see querylang._fts_term); `columns` is the select list.

    `page` (offset + limit of the caller's LIMIT): a relevance-sorted search ranks ids and
    scores alone and reads only that many article rows (whole rows, body and all, are read
    for the page, not for every match).
    """
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    _require_current_index(conn)
    expand = _expander(conn)
    fts = compile_fts(parsed, expand)
    if sort == "auto":
        sort = "relevance" if fts else "newest"
    article_conditions, index_conditions, params = _where(parsed, since=since, until=until, text=bool(fts))
    conditions = list(article_conditions)
    key = article_id_sql("hit.key")
    ranked = None  # a relevance-sorted page ranked by the index alone
    if fts:
        params["fts"] = text_match(fts, parsed.tags)
        rank = sort == "relevance"
        window = rank and not conditions and not parsed.has_exact
        hits = _hits(conn, index_conditions, params, rank=rank, window=window)
        source = f"({hits}) AS hit\nJOIN articles a ON a.id = {key}"
        score = "hit.rank" if rank else "NULL"
        if rank and not conditions and not parsed.has_exact:
            ranked = f"SELECT {key} AS id, hit.rank AS score\nFROM ({hits}) AS hit\nORDER BY score, id DESC LIMIT :page"
    else:
        source = "article_tags t0 JOIN articles a ON a.id = t0.article_id" if parsed.tags else "articles a"
        score = "NULL"
        excluded = compile_excluded_fts(parsed, expand)
        if excluded:
            params["excluded"] = excluded
            conditions.append(f"a.id NOT IN (SELECT {key} FROM ({_hits(conn, [], params, match='excluded', rank=False)}) AS hit)")
    if parsed.has_exact:
        params["q"] = parsed.text
        conditions.append("na_match(a.title, a.lead, a.body, :q)")
    by = "t0.published_utc, t0.article_id" if parsed.tags and not fts else "a.published_utc, a.id"
    newest = ", ".join(f"{column} DESC" for column in by.split(", "))
    order = {"relevance": "score" if fts else newest, "newest": newest, "oldest": by}[sort]
    where = ("WHERE " + "\n  AND ".join(conditions)) if conditions else ""
    if page is not None and fts and sort == "relevance":
        params["page"] = int(page)
        if ranked is None:
            ranked = (f"SELECT a.id AS id, {score} AS score\nFROM {source}\n{where}\n"
                      f"ORDER BY score, a.id DESC LIMIT :page")
        sql = (f"SELECT {columns}, hit.score AS score\nFROM ({ranked}) AS hit\n"
               f"JOIN articles a ON a.id = hit.id\nORDER BY hit.score, hit.id DESC")
        return sql, params
    sql = f"SELECT {columns}, {score} AS score\nFROM {source}\n{where}\nORDER BY {order}"
    return sql, params
