"""Reports over the archive: tags and their counts, articles per period, per-site figures."""

from __future__ import annotations

from datetime import date

from newsarchive.search.articles import connection
from newsarchive.search.dates import (
    bound_day,
    check_period,
    parse_bound,
    period_label,
    periods,
)
from newsarchive.search.sql import build_query, search_sql
from newsarchive.safetext import clean
from newsarchive.textnorm import fold, fold_tag


def tags(db, like: str | None = None, since=None, until=None, limit: int | None = None) -> list[dict]:
    """Tags with their article counts and the newest article's time, most used first.

    `like` keeps tags whose folded form contains it ("пенс" → "Пенсия 2026"); the tag is
    shown in its most common spelling (na_tag_spelling).
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
        SELECT na_tag_spelling(t.tag) AS tag, count(*) AS articles, max(t.published_utc) AS last_seen
        FROM article_tags t
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
