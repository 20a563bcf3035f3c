"""Searching articles: what `newsarchive search` and datasette's na_search answer.

Every function takes the archive as a sqlite_utils.Database or a sqlite3.Connection on which the
na_* SQL functions are registered (newsarchive.store.schema.open_db and the datasette plugin do).
"""

from __future__ import annotations

import json

from newsarchive.defaults import MAX_SEARCH_LIMIT, MAX_SEARCH_OFFSET
from newsarchive.search.querylang import QueryError
from newsarchive.search.snippets import snippet
from newsarchive.search.sql import build_query, search_sql

#: Results per page unless asked otherwise.
SEARCH_LIMIT = 20
#: Columns every result carries (tags decoded to a list, snippet added).
RESULT_COLUMNS = (
    "id", "url", "site", "title", "published_at", "published_utc", "tags", "region",
    "story_region", "language", "story_id", "lead", "body",
)


def connection(db):
    """The sqlite3 connection of a sqlite_utils.Database, or the connection itself."""
    return getattr(db, "conn", db)


def search(db, query: str | None = None, *, tags=(), sites=(), regions=(), languages=(), since=None,
           until=None, sort: str = "auto", limit: int | None = SEARCH_LIMIT, offset: int = 0,
           collapse: bool = False) -> list[dict]:
    """Articles matching `query` (see newsarchive.search.querylang) and the filters.

    Ranked by relevance (bm25, title above lead above body) when there is text to match,
    else newest first; `sort` = relevance | newest | oldest overrides. Each result has
    id, url, site, title, published_at, tags (a list), region, story_region, language,
    story_id, snippet and score (None unless ranked). `collapse`: one result per story, its
    best match, with `versions`: how many other articles the story holds.
    """
    conn = connection(db)
    limit, offset = check_page(limit, offset)
    parsed = build_query(query, tags=tags, sites=sites, regions=regions, languages=languages)
    sql, params = search_sql(parsed, since=since, until=until, sort=sort,
                             columns=", ".join(f"a.{c}" for c in RESULT_COLUMNS), conn=conn,
                             page=None if limit is None or collapse else int(limit) + int(offset or 0))
    if collapse:  # SQLite takes the other columns from the row holding the min()
        sql = (f"SELECT m.*, s.articles - 1 AS versions FROM (SELECT *, min(position) AS first FROM "
               f"(SELECT *, row_number() OVER () AS position FROM ({sql})) GROUP BY coalesce(story_id, -id)) AS m "
               f"LEFT JOIN stories s ON s.id = m.story_id ORDER BY m.first")
    if limit is not None:
        sql += "\nLIMIT :limit OFFSET :offset"
        params.update(limit=limit, offset=offset)
    cursor = conn.execute(sql, params)
    names = [column[0] for column in cursor.description]
    results = []
    for values in cursor:
        row = dict(zip(names, values))
        row.pop("position", None), row.pop("first", None)
        row["tags"] = json.loads(row["tags"] or "[]")
        row["snippet"] = snippet(parsed, row.get("title"), row.pop("lead"), row.pop("body"))
        results.append(row)
    return results


def check_page(limit, offset) -> tuple[int | None, int]:
    """`limit` and `offset` as whole numbers within MAX_SEARCH_LIMIT and MAX_SEARCH_OFFSET (SQLite
    takes 64-bit integers, a person may type anything); a QueryError otherwise."""
    try:
        limit = None if limit is None else int(limit)
        offset = int(offset or 0)
    except (TypeError, ValueError, OverflowError):
        raise QueryError(f"limit and offset are whole numbers, not {limit!r} and {offset!r}") from None
    if limit is not None and not 0 <= limit <= MAX_SEARCH_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_SEARCH_LIMIT}, not {limit}")
    if not 0 <= offset <= MAX_SEARCH_OFFSET:
        raise QueryError(f"offset must be between 0 and {MAX_SEARCH_OFFSET}, not {offset}")
    return limit, offset


def search_ids(db, query: str | None = None, *, limit: int | None = SEARCH_LIMIT, **filters) -> list[int]:
    """The ids of `search`'s results, in order (what the SQL function na_search returns)."""
    if limit is not None and limit >= 0:
        limit = min(int(limit), MAX_SEARCH_LIMIT)
    parsed = build_query(query, **{k: filters.pop(k) for k in ("tags", "sites", "regions", "languages") if k in filters})
    page = int(limit) if limit is not None and limit >= 0 else None
    sql, params = search_sql(parsed, columns="a.id", conn=connection(db), page=page, **filters)
    if page is not None:
        sql += "\nLIMIT :limit"
        params["limit"] = page
    return [row[0] for row in connection(db).execute(sql, params).fetchall()]
