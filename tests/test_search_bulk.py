"""Bulk import writes what store_article writes, so search answers the same."""

from __future__ import annotations

from newsarchive.archive import store_article
from newsarchive.bulk import bulk_import
from newsarchive.db import open_db
from newsarchive.normalise import normalise_article
from newsarchive.query import search, tags
from conftest import stemmed_index
from test_search import ARTICLES, build_archive, make_article

NOW = "2026-01-14T00:00:00+00:00"
COMPARED = {
    "articles": "canonical_url, url, site, title, lead, body, published_at, published_utc, tags, language, "
                "story_region, content_hash, first_seen",
    "article_tags": "tag, tag_norm, published_utc",
    "article_urls": "url, kind",
}


def rows_of(db, table: str) -> list[tuple]:
    return db.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def rows(db, table: str) -> list[tuple]:
    return sorted(db.execute(f"SELECT {COMPARED[table]} FROM {table}").fetchall(), key=repr)


def test_bulk_rows_equal_store_rows(tmp_path):
    stored, _ = build_archive(tmp_path / "stored.db")
    bulk = open_db(tmp_path / "bulk.db")
    result = bulk_import(bulk, (normalise_article(make_article(k)) for k in ARTICLES), batch_size=4, now=NOW)
    assert result.inserted == len(ARTICLES) and result.through_store == 0
    for table in COMPARED:
        assert rows(bulk, table) == rows(stored, table), table
    assert stemmed_index(bulk.conn) == stemmed_index(stored.conn)
    assert rows_of(bulk, "stem_terms") == rows_of(stored, "stem_terms")
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


def _fts_triggers(db) -> list[tuple]:
    return sorted(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())


def test_fresh_build_indexes_are_whole_and_kept_up_to_date(tmp_path):
    db = open_db(tmp_path / "bulk.db")
    triggers = _fts_triggers(db)
    result = bulk_import(db, (normalise_article(make_article(k)) for k in ARTICLES), batch_size=3, now=NOW)
    assert result.inserted == len(ARTICLES)
    assert _fts_triggers(db) == triggers
    for table in ("articles_fts", "article_stems_fts"):  # the index is exactly the index of its table's rows
        db.execute(f"INSERT INTO {table}({table}) VALUES('integrity-check')")
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == len(ARTICLES)
    changed = make_article("pensii")
    changed.body += " Дополнено переиздание."
    store_article(db, normalise_article(changed), now=NOW)
    assert [r["url"] for r in search(db, "переиздание")] == ["https://kt.kz/news/pensii.html"]
    for table in ("articles_fts", "article_stems_fts"):
        db.execute(f"INSERT INTO {table}({table}) VALUES('integrity-check')")


def test_failed_fresh_build_leaves_the_archive_as_it_was(tmp_path):
    db = open_db(tmp_path / "bulk.db")
    triggers = _fts_triggers(db)

    def articles():
        for k in list(ARTICLES)[:3]:
            yield normalise_article(make_article(k))
        raise RuntimeError("the source broke")

    try:
        bulk_import(db, articles(), batch_size=2, now=NOW)
    except RuntimeError as error:
        assert "source broke" in str(error)
    else:
        raise AssertionError("the error was swallowed")
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert _fts_triggers(db) == triggers
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".bulk-")] == []
    store_article(db, normalise_article(make_article("pensii")), now=NOW)
    assert search(db, "пенсия")


def test_tag_rows_carry_the_articles_publication_time(tmp_path):
    stored, _ = build_archive(tmp_path / "stored.db")
    bulk = open_db(tmp_path / "bulk.db")
    bulk_import(bulk, (normalise_article(make_article(k)) for k in ARTICLES), now=NOW)
    for db in (stored, bulk):
        assert db.execute("""SELECT count(*) FROM article_tags t JOIN articles a ON a.id = t.article_id
                             WHERE t.published_utc IS NOT a.published_utc""").fetchone()[0] == 0
    article_id = stored.execute("SELECT article_id FROM article_tags LIMIT 1").fetchone()[0]
    stored.execute("UPDATE articles SET published_utc = '2020-01-01T00:00:00+00:00' WHERE id = ?", [article_id])
    assert {r[0] for r in stored.execute("SELECT published_utc FROM article_tags WHERE article_id = ?",
                                          [article_id])} == {"2020-01-01T00:00:00+00:00"}
