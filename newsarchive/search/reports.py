"""Reports over the archive: tags and their counts, articles per period, per-site figures,
stories and their versions."""

from __future__ import annotations

from datetime import date

from newsarchive.safetext import clean
from newsarchive.search.articles import connection
from newsarchive.search.dates import (
    bound_day,
    check_period,
    parse_bound,
    period_label,
    periods,
)
from newsarchive.search.querylang import QueryError
from newsarchive.search.sql import build_query, search_sql
from newsarchive.textnorm import fold, fold_tag
from newsarchive.urls import canonicalize_url


def tags(db, like: str | None = None, since=None, until=None, limit: int | None = None) -> list[dict]:
    """Tags with their article counts and the newest article's time, most used first.

    `like` keeps tags whose folded form contains it ("пенс" → "Пенсия 2026"); the tag is
    shown in the archive's spelling of it (tag_spellings), as `articles.tags` holds it.
    """
    conditions, params = [], {}
    like = clean(like) if isinstance(like, str) else None
    if like:
        conditions.append("instr(t.tag_norm, :like) > 0")
        params["like"] = fold_tag(like)
    if since is not None:
        conditions.append("t.published_utc >= :since")
        params["since"] = parse_bound(since)
    if until is not None:
        conditions.append("t.published_utc < :until")
        params["until"] = parse_bound(until, end=True)
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    rows = connection(db).execute(f"""
        SELECT s.spelling AS tag, count(*) AS articles, max(t.published_utc) AS last_seen
        FROM article_tags t JOIN tag_spellings s ON s.tag_norm = t.tag_norm
        {where}
        GROUP BY t.tag_norm
    """, params).fetchall()
    result = sorted((dict(zip(("tag", "articles", "last_seen"), row)) for row in rows),
                    key=lambda row: (-row["articles"], fold(row["tag"])))
    return result[:limit] if limit else result


def trend(db, query: str | None = None, tags=(), by: str = "day", since=None, until=None, *,
          sites=(), regions=(), languages=()) -> list[tuple[str, int]]:
    """(period, articles) for every period from the first match to the last (or the bounds);
    periods are Kazakhstan days, ISO weeks or months (`by`)."""
    check_period(by)
    parsed = build_query(query, tags=tags, sites=sites, regions=regions, languages=languages)
    sql, params = search_sql(parsed, since=since, until=until, sort="newest", columns="a.published_day",
                             conn=connection(db))
    days = {date.fromisoformat(day): count for day, count in connection(db).execute(
        f"SELECT published_day, count(*) FROM ({sql}) WHERE published_day IS NOT NULL GROUP BY published_day",
        params)}
    first = bound_day(since) or (min(days) if days else None)
    last = bound_day(until) or (max(days) if days else None)
    if first is None or last is None:
        return []
    counts: dict[str, int] = {}
    for day, count in days.items():
        label = period_label(day, by)
        counts[label] = counts.get(label, 0) + count
    return [(label, counts.get(label, 0)) for label in periods(first, last, by)]


def stats(db) -> list[dict]:
    """Per site: articles, the newest article's publication time, the last crawl."""
    rows = connection(db).execute("""
        WITH per_site AS (
            SELECT site, count(*) AS articles, max(fetched_at) AS last_fetch FROM articles GROUP BY site),
        newest AS (  -- SQLite takes a bare column from the row that holds the max()
            SELECT site, max(published_utc) AS newest_utc, published_at FROM articles GROUP BY site),
        runs AS (
            SELECT s.site, max(coalesce(r.ended_at, r.started_at)) AS last_run
            FROM site_runs s JOIN crawl_runs r ON r.id = s.run_id GROUP BY s.site)
        SELECT p.site, p.articles, CASE WHEN n.newest_utc IS NULL THEN NULL ELSE n.published_at END,
               coalesce(runs.last_run, p.last_fetch)
        FROM per_site p JOIN newest n USING (site) LEFT JOIN runs USING (site)
        ORDER BY p.site
    """).fetchall()
    return [dict(zip(("site", "articles", "newest_article", "last_crawl"), row)) for row in rows]


#: What each version of a story is: the origin, a copy of the origin, or a rewrite (another
#: telling: a rewrite of it, or a report of its own).
KINDS = ("origin", "copy", "rewrite")


def story(db, key: str | int) -> dict:
    """A story with every version: `key` is a story id, an article id (as "a123") or an article URL.
    Raises QueryError for a story that is not there."""
    conn = connection(db)
    story_id = _story_id(conn, key)
    row = conn.execute("SELECT id, title, origin_id, articles, sites, first_published, last_published "
                       "FROM stories WHERE id = ?", [story_id]).fetchone()
    if row is None:
        raise QueryError(f"no story {key!r} in this archive (give a story id, a123 for an article id, or a URL)")
    found = dict(zip(("id", "title", "origin_id", "size", "sites", "first_published", "last_published"), row))
    versions = [dict(zip(("id", "url", "site", "title", "published_at", "published_utc", "credited_source",
                          "credited_via"), r)) for r in conn.execute(
        "SELECT id, url, site, title, published_at, published_utc, credited_source, credited_via FROM articles "
        "WHERE story_id = ? ORDER BY coalesce(published_utc, '9999'), id", [story_id])]
    copies_of_origin = _copy_group(conn, found["origin_id"])
    for version in versions:
        version["kind"] = ("origin" if version["id"] == found["origin_id"]
                           else "copy" if version["id"] in copies_of_origin else "rewrite")
        version["credit"] = " ← ".join(filter(None, (version.pop("credited_source"), version.pop("credited_via"))))
        del version["published_utc"]
    found["origin"] = next(v for v in versions if v["id"] == found["origin_id"])
    found["articles"] = versions
    return found


def stories(db, *, since=None, until=None, tags=(), sites=(), min_articles: int = 1,
            limit: int | None = None) -> list[dict]:
    """Stories, the most recently published first, each with its size, origin and versions (as
    `story` gives them); every article is in exactly one story (a story of one included)."""
    conditions, params = ["s.articles >= :min"], {"min": int(min_articles)}
    if since:
        conditions.append("s.last_published >= :since")
        params["since"] = parse_bound(since)
    if until:
        conditions.append("s.first_published < :until")
        params["until"] = parse_bound(until, end=True)
    for i, tag in enumerate(tags or ()):
        params[f"tag{i}"] = fold_tag(tag)
        conditions.append(f"s.id IN (SELECT a.story_id FROM article_tags t JOIN articles a ON a.id = t.article_id "
                          f"WHERE t.tag_norm = :tag{i})")
    for i, site in enumerate(sites or ()):
        params[f"site{i}"] = site.strip().lower().removeprefix("www.")
        conditions.append(f"s.id IN (SELECT story_id FROM articles WHERE site = :site{i})")
    sql = (f"SELECT s.id FROM stories s WHERE {' AND '.join(conditions)} "
           f"ORDER BY coalesce(s.last_published, '') DESC, s.id DESC")
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [story(db, story_id) for (story_id,) in connection(db).execute(sql, params).fetchall()]


def _story_id(conn, key: str | int) -> int | None:
    text = str(key).strip()
    if text.isdigit():
        return int(text)
    if text[:1] == "a" and text[1:].isdigit():
        row = conn.execute("SELECT story_id FROM articles WHERE id = ?", [int(text[1:])]).fetchone()
    else:
        try:
            url = canonicalize_url(text)
        except ValueError:
            return None
        row = conn.execute("SELECT a.story_id FROM article_urls u JOIN articles a ON a.id = u.article_id "
                           "WHERE u.url = ?", [url]).fetchone()
    return row[0] if row else None


def _copy_group(conn, article_id: int) -> set[int]:
    """The articles joined to this one by copy links, directly or through other copies."""
    group, frontier = {article_id}, [article_id]
    while frontier:
        for (other,) in conn.execute("SELECT other_id FROM story_links WHERE article_id = ? AND kind = 'copy'",
                                     [frontier.pop()]):
            if other not in group:
                group.add(other)
                frontier.append(other)
    return group
