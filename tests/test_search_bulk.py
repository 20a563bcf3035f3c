"""Bulk import writes what store_article writes, so search answers the same."""

from __future__ import annotations

from newsarchive.bulk import bulk_import
from newsarchive.db import open_db
from newsarchive.normalise import normalise_article
from newsarchive.query import search, tags
from test_search import ARTICLES, build_archive, make_article

NOW = "2026-01-14T00:00:00+00:00"
COMPARED = {
    "articles": "canonical_url, url, site, title, lead, body, published_at, published_utc, tags, language, "
                "story_region, content_hash, first_seen",
    "article_tags": "tag, tag_norm",
    "article_stems": "title, lead, body",
    "article_urls": "url, kind",
}


def rows(db, table: str) -> list[tuple]:
    return sorted(db.execute(f"SELECT {COMPARED[table]} FROM {table}").fetchall(), key=repr)


def test_bulk_rows_equal_store_rows(tmp_path):
    stored, _ = build_archive(tmp_path / "stored.db")
    bulk = open_db(tmp_path / "bulk.db")
    result = bulk_import(bulk, (normalise_article(make_article(k)) for k in ARTICLES), batch_size=4, now=NOW)
    assert result.inserted == len(ARTICLES) and result.through_store == 0
    for table in COMPARED:
        assert rows(bulk, table) == rows(stored, table), table
    for query in ("пенсия", '"единовременная выплата"', "ёлка -парке"):
        assert [r["url"] for r in search(bulk, query)] == [r["url"] for r in search(stored, query)]
    assert tags(bulk) == tags(stored)


def test_bulk_sends_known_articles_through_store(tmp_path):
    db = open_db(tmp_path / "news.db")
    bulk_import(db, [normalise_article(make_article("pensii"))], now=NOW)
    changed = make_article("pensii")
    changed.body += " Дополнено."
    again = [normalise_article(changed), normalise_article(make_article("elka")), normalise_article(make_article("elka"))]
    result = bulk_import(db, again, now=NOW)
    assert result.inserted == 1 and result.through_store == 2
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM versions").fetchone()[0] == 1
    assert [r["url"] for r in search(db, "дополнено")] == ["https://kt.kz/news/pensii.html"]
