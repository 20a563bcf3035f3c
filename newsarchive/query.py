"""Reading the archive: search, tags, tag counts, per-site stats and trends.

Every function takes a sqlite_utils.Database opened by newsarchive.db.open_db. Text search
runs on the stemmed index (a table per publication year, newsarchive.stemindex) so that
"пенсия" finds "пенсии"; exact
phrases are checked against the article text; snippets are cut from the article text with
the matched word forms marked. The SQL functions registered by `register_functions` are the
ones the datasette plugin registers, so the browser and the CLI give the same answers.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from newsarchive import defaults
from newsarchive.clock import local_date
from newsarchive.db import SCHEMA_VERSION
from newsarchive.querylang import (
    MAX_EXPANSION, Query, QueryError, compile_excluded_fts, compile_fts, matches, parse,
)
from newsarchive.regions import normalise_region
from newsarchive.snippets import snippet
from newsarchive import stemindex
from newsarchive.stemindex import ID_BITS, ID_MASK, article_id_sql, key_range
from newsarchive.textnorm import fold, fold_tag, stem, words

__all__ = ["search", "tags", "stats", "trend", "QueryError", "register_functions"]

#: bm25 weights of the stemmed index's columns: title, lead, body, and the tag tokens (which
#: filter, and never score).
RANK_WEIGHTS = (10.0, 4.0, 1.0, 0.0)
#: A text query without filters ranks (bm25) only its RANK_WINDOW most recently published
#: matches: exact for rarer words, and bounded work (recent news first) for words in a large
#: part of the archive. The stemmed index is in publication order (newsarchive.stemindex).
RANK_WINDOW = 5_000
#: Results per page unless asked otherwise.
SEARCH_LIMIT = 20
SORTS = ("auto", "relevance", "newest", "oldest")
PERIODS = ("day", "week", "month")

#: Columns every result carries (tags decoded to a list, snippet added).
RESULT_COLUMNS = (
    "id", "url", "site", "title", "published_at", "published_utc", "tags", "region",
    "story_region", "language", "lead", "body",
)

_LOCAL = ZoneInfo(defaults.TIMEZONE)


# --- dates ---


def parse_bound(value: str | date | datetime | None, *, end: bool = False) -> str | None:
    """A date filter as a UTC ISO string comparable with articles.published_utc.

    "YYYY-MM-DD" is a Kazakhstan calendar day: as `since` its first moment, as `until`
    the first moment of the next day (the bound is exclusive). Other input is ISO 8601;
    a time without an offset is Kazakhstan time.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value + timedelta(days=1 if end else 0), time())
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                moment = datetime.combine(day + timedelta(days=1 if end else 0), time())
            else:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise QueryError(f"not a date: {text!r} (use YYYY-MM-DD or an ISO 8601 time)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_LOCAL)
    return moment.astimezone(timezone.utc).isoformat()


def period_of(published_utc: str | None, by: str) -> str | None:
    """The Kazakhstan-time period label of a UTC timestamp: 2026-01-13, 2026-W03, 2026-01."""
    if not published_utc:
        return None
    return _period_label(local_date(published_utc), by)


def _period_label(day: date, by: str) -> str:
    if by == "day":
        return day.isoformat()
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    raise QueryError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")


def _period_start(day: date, by: str) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def _next_period(day: date, by: str) -> date:
    if by == "day":
        return day + timedelta(days=1)
    if by == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


# --- regions ---


def _region_key(text: str) -> str:
    """A region as compared: the gazetteer's name when it knows it, folded."""
    return fold(normalise_region(text) or text)


# --- the search ---


def _as_list(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        return [values]
    return [v for v in values if v]


def _where(query: Query, *, since=None, until=None, text: bool = False) -> tuple[list[str], list[str], dict]:
    """SQL conditions for the query's filters: (on `a`, the articles row; on `{t}`, a table of
    the stemmed index, for a text search), with their parameters.

    Without text, the first tag and the dates are conditions on `t0`, the first tag's
    article_tags row joined in (its index walks newest first). With text, the tags are in the
    MATCH expression (`_text_match`) and the dates bound the index's key, so that FTS5 reads
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
    """Conditions on a stemmed-index table `{t}` for the dates in params (since, until): its key
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


def _text_match(fts: str, tags: list[str]) -> str:
    """The MATCH expression: the query's words, and every tag."""
    return f"({fts}) AND {stemindex.tags_match(tags)}" if tags else fts


def _hits(conn, index_conditions: list[str], params: dict, *, match: str = "fts", rank: bool = True,
          window: bool = False) -> str:
    """A compound SELECT of the stemmed index's rows matching :`match` (columns key and, with
    `rank`, bm25 rank) over the year tables the key bounds in params reach, newest year first.

    `window`: only the RANK_WINDOW newest rows; each year's table is read newest first and
    the compound stops at the limit, so older years are not read (nor counted by bm25) once
    the newer ones had enough.
    """
    weights = ", ".join(str(w) for w in RANK_WEIGHTS)
    years = stemindex.years_between(conn, params.get("key_low"), params.get("key_high"))
    arms = []
    for year in years:
        t = stemindex.table_name(year)
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
    parsed = parse(query) if query and query.strip() else Query()
    parsed.tags += _as_list(tags)
    parsed.sites += _as_list(sites)
    parsed.regions += _as_list(regions)
    parsed.languages += _as_list(languages)
    return parsed


def _expander(conn):
    """expand(stem) → the stemmed index's terms that start with `stem` (None: no vocabulary)."""
    def expand(prefix: str) -> list[str] | None:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        try:
            rows = conn.execute("SELECT term FROM stem_terms WHERE term >= ? AND term < ? LIMIT ?",
                                (prefix, upper, MAX_EXPANSION + 1)).fetchall()
        except sqlite3.Error:  # an archive without stem_terms (not yet migrated): prefix queries
            return None
        return [term for (term,) in rows]
    return expand


def _require_current_schema(conn) -> None:
    """An archive written by an older newsarchive and not yet upgraded (opened read-only by
    datasette alone, say) has its stemmed index in another layout: say so instead of answering
    wrongly."""
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    if version < SCHEMA_VERSION:
        raise QueryError(f"this archive has schema version {version}; open it once with newsarchive "
                         f"(for example `newsarchive stats --db PATH`) to upgrade it to {SCHEMA_VERSION}")


def search_sql(parsed: Query, *, conn, since=None, until=None, sort="auto", columns="a.*",
               page: int | None = None) -> tuple[str, dict]:
    """The SQL (without LIMIT) and parameters of a search on the archive open on `conn`
    (which years the stemmed index has; stem prefixes are expanded into the indexed terms,
    see querylang._fts_term); `columns` is the select list.

    `page` (offset + limit of the caller's LIMIT): a relevance-sorted search ranks ids and
    scores alone and reads only that many article rows (whole rows, body and all, are read
    for the page, not for every match).
    """
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}")
    _require_current_schema(conn)
    expand = _expander(conn)
    fts = compile_fts(parsed, expand)
    if sort == "auto":
        sort = "relevance" if fts else "newest"
    article_conditions, index_conditions, params = _where(parsed, since=since, until=until, text=bool(fts))
    conditions = list(article_conditions)
    key = article_id_sql("hit.key")
    ranked = None  # a relevance-sorted page ranked by the index alone
    if fts:
        params["fts"] = _text_match(fts, parsed.tags)
        rank = sort == "relevance"
        window = rank and not conditions and not index_conditions and not parsed.tags and not parsed.has_exact
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


def search(db, query: str | None = None, *, tags=(), sites=(), regions=(), languages=(), since=None,
           until=None, sort: str = "auto", limit: int | None = SEARCH_LIMIT, offset: int = 0) -> list[dict]:
    """Articles matching `query` (see newsarchive.querylang) and the filters.

    Ranked by relevance (bm25, title above lead above body) when there is text to match,
    else newest first; `sort` = relevance | newest | oldest overrides. Each result has
    id, url, site, title, published_at, tags (a list), region, story_region, language,
    snippet and score (None unless ranked).
    """
    register_functions(db.conn)
    parsed = build_query(query, tags=tags, sites=sites, regions=regions, languages=languages)
    sql, params = search_sql(parsed, since=since, until=until, sort=sort,
                             columns=", ".join(f"a.{c}" for c in RESULT_COLUMNS), conn=db.conn,
                             page=None if limit is None else int(limit) + int(offset or 0))
    if limit is not None:
        sql += "\nLIMIT :limit OFFSET :offset"
        params.update(limit=int(limit), offset=int(offset or 0))
    results = []
    for row in db.query(sql, params):
        row["tags"] = json.loads(row["tags"] or "[]")
        row["snippet"] = snippet(parsed, row.get("title"), row.pop("lead"), row.pop("body"))
        results.append(row)
    return results


def search_ids(db, query: str | None = None, *, limit: int | None = SEARCH_LIMIT, **filters) -> list[int]:
    """The ids of `search`'s results, in order (what the SQL function na_search returns)."""
    register_functions(db.conn)
    parsed = build_query(query, **{k: filters.pop(k) for k in ("tags", "sites", "regions", "languages") if k in filters})
    page = int(limit) if limit is not None and limit >= 0 else None
    sql, params = search_sql(parsed, columns="a.id", conn=db.conn, page=page, **filters)
    if limit is not None and limit >= 0:
        sql += "\nLIMIT :limit"
        params["limit"] = int(limit)
    return [row[0] for row in db.execute(sql, params).fetchall()]


# --- tags ---


def tags(db, like: str | None = None, since=None, until=None, limit: int | None = None) -> list[dict]:
    """Tags with their article counts and the newest article's time, most used first.

    `like` keeps tags whose folded form contains it ("пенс" → "Пенсия 2026"); the tag is
    shown in its most common spelling.
    """
    conditions, params = [], {}
    if like:
        conditions.append("instr(t.tag_norm, :like) > 0")
        params["like"] = fold_tag(like)
    if since is not None:
        conditions.append("a.published_utc >= :since")
        params["since"] = parse_bound(since)
    if until is not None:
        conditions.append("a.published_utc < :until")
        params["until"] = parse_bound(until, end=True)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    register_functions(db.conn)
    sql = f"""
        SELECT na_tag_spelling(t.tag) AS tag, count(*) AS articles, max(a.published_utc) AS last_seen
        FROM article_tags t JOIN articles a ON a.id = t.article_id
        {where}
        GROUP BY t.tag_norm
    """
    rows = [dict(zip(("tag", "articles", "last_seen"), row)) for row in db.execute(sql, params).fetchall()]
    result = sorted(rows, key=lambda row: (-row["articles"], fold(row["tag"])))
    return result[:limit] if limit else result


# --- trends ---


def trend(db, query: str | None = None, tags=(), by: str = "day", since=None, until=None, *,
          sites=(), regions=(), languages=()) -> list[tuple[str, int]]:
    """(period, articles) for every period from the first match to the last (or the bounds)."""
    if by not in PERIODS:
        raise QueryError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")
    register_functions(db.conn)
    parsed = build_query(query, tags=tags, sites=sites, regions=regions, languages=languages)
    sql, params = search_sql(parsed, since=since, until=until, sort="oldest", columns="a.published_utc",
                             conn=db.conn)
    counts: dict[str, int] = {}
    days = []
    for published_utc, _score in db.execute(sql, params).fetchall():
        if not published_utc:
            continue
        day = local_date(published_utc)
        days.append(day)
        label = _period_label(day, by)
        counts[label] = counts.get(label, 0) + 1
    first = _bound_day(since) or (min(days) if days else None)
    last = _bound_day(until) or (max(days) if days else None)
    if first is None or last is None:
        return []
    series, day = [], _period_start(first, by)
    while day <= last:
        label = _period_label(day, by)
        series.append((label, counts.get(label, 0)))
        day = _next_period(day, by)
    return series


def _bound_day(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(_LOCAL).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    utc = parse_bound(value)
    return datetime.fromisoformat(utc).astimezone(_LOCAL).date()


# --- stats ---


def stats(db) -> list[dict]:
    """Per site: articles, the newest article's publication time, the last crawl."""
    rows = db.execute("""
        SELECT site, count(*) AS articles, max(published_utc) AS newest_utc, max(fetched_at) AS last_fetch
        FROM articles GROUP BY site ORDER BY site
    """).fetchall()
    last_runs = {}
    if db["site_runs"].exists() and db["crawl_runs"].exists():
        last_runs = dict(db.execute("""
            SELECT s.site, max(coalesce(r.ended_at, r.started_at))
            FROM site_runs s JOIN crawl_runs r ON r.id = s.run_id GROUP BY s.site
        """).fetchall())
    result = []
    for site, count, newest_utc, last_fetch in rows:
        newest = None
        if newest_utc:
            newest = db.execute("SELECT published_at FROM articles WHERE site = ? AND published_utc = ? LIMIT 1",
                                [site, newest_utc]).fetchone()[0]
        result.append({
            "site": site,
            "articles": count,
            "newest_article": newest,
            "last_crawl": last_runs.get(site) or last_fetch,
        })
    return result


# --- SQL functions shared with datasette ---


@lru_cache(maxsize=256)
def _parsed(text: str | None) -> Query | None:
    """A query parsed once per text; None when it has nothing to search (no error in SQL)."""
    try:
        return parse(text)
    except QueryError:
        return None


def _sql_match(title, lead, body, text):
    parsed = _parsed(text)
    return 0 if parsed is None else int(matches(parsed, [title, lead, body]))


def _sql_snippet(title, lead, body, text):
    return snippet(_parsed(text) or Query(), title, lead, body)


def _sql_fts(text):
    parsed = _parsed(text)
    fts = None if parsed is None else compile_fts(parsed)
    return None if fts is None else _text_match(fts, parsed.tags)


def _sql_period(published_utc, by):
    try:
        return period_of(published_utc, by or "day")
    except QueryError:
        return None


def _sql_article_id(key):
    return None if key is None else int(key) & ID_MASK


def _sql_stem(text):
    return " ".join(stem(w) for w in words(text))


def register_functions(conn) -> None:
    """Register the na_* SQL functions on a sqlite3 connection unless they are there.

    na_fold(text), na_fold_tag(text), na_tag_spelling(tag) (aggregate), na_stem(text), na_fts(query) → the MATCH expression
    for a year's table of the stemmed index (article_stems_2026, …), na_article_id(that table's rowid), na_match(title, lead, body, query), na_snippet(title, lead, body,
    query), na_period(published_utc, 'day'|'week'|'month'), na_search(query[, limit]) → a
    JSON list of article ids exactly as `search` orders them, na_trend(query, by) → a JSON
    list of [period, count] as `trend` returns them.
    """
    try:  # re-registering while a statement runs (na_search inside a query) would fail
        conn.execute("SELECT na_search_registered()").fetchone()
        return
    except Exception:
        pass

    def sql_search(text, limit=SEARCH_LIMIT):
        try:
            return json.dumps(search_ids(_ConnectionDb(conn), text, limit=limit))
        except QueryError:
            return "[]"

    def sql_trend(text, by="day"):
        try:
            return json.dumps(trend(_ConnectionDb(conn), text, by=by or "day"))
        except QueryError:
            return "[]"

    functions = [
        ("na_fold", 1, fold), ("na_fold_tag", 1, fold_tag), ("na_stem", 1, _sql_stem),
        ("na_fts", 1, _sql_fts), ("na_match", 4, _sql_match), ("na_snippet", 4, _sql_snippet),
        ("na_period", 2, _sql_period), ("na_article_id", 1, _sql_article_id),
    ]
    for name, arity, func in functions:
        conn.create_function(name, arity, func, deterministic=True)
    conn.create_function("na_search", 1, sql_search)
    conn.create_function("na_search", 2, sql_search)
    conn.create_function("na_trend", 1, sql_trend)
    conn.create_function("na_trend", 2, sql_trend)
    conn.create_aggregate("na_tag_spelling", 1, _TagSpelling)
    conn.create_function("na_search_registered", 0, lambda: 1)


class _TagSpelling:
    """SQL aggregate na_tag_spelling(tag): a tag's most common spelling, "Пенсия 2026" before
    "ПЕНСИЯ 2026" on a tie — the form `tags` shows, in the CLI and in datasette alike."""

    def __init__(self):
        self.counts: dict[str, int] = {}

    def step(self, tag):
        if tag:
            self.counts[tag] = self.counts.get(tag, 0) + 1

    def finalize(self):
        return max(self.counts, key=lambda t: (self.counts[t], not t.isupper(), not t.islower()), default=None)


class _ConnectionDb:
    """The little of sqlite_utils.Database that search_ids and trend use, over a raw
    connection (datasette hands plugins sqlite3 connections)."""

    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql, params=()):
        return self.conn.execute(sql, params)
