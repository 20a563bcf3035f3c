"""Bulk import writes what store_article writes, so search answers the same."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.archive import store_article
from newsarchive.bulk import bulk_import
from newsarchive.db import open_db
from newsarchive.normalise import normalise_article
from newsarchive.query import search, tags
from conftest import fts_tables, stem_tables, stemmed_index
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


@pytest.mark.parametrize("parallel", [None, False], ids=["fresh build", "batch by batch"])
def test_bulk_rows_equal_store_rows(tmp_path, parallel):
    stored, _ = build_archive(tmp_path / "stored.db")
    bulk = open_db(tmp_path / "bulk.db")
    result = bulk_import(bulk, (normalise_article(make_article(k)) for k in ARTICLES), batch_size=4, now=NOW,
                         parallel=parallel)
    assert result.inserted == len(ARTICLES) and result.through_store == 0
    assert result.journal == ("rollback journal" if parallel is None else "")
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
    for table in fts_tables(db.conn):  # the index is exactly the index of its table's rows
        db.execute(f"INSERT INTO {table}({table}) VALUES('integrity-check')")
    assert db.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == len(ARTICLES)
    assert sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in stem_tables(db.conn)) == len(ARTICLES)
    changed = make_article("pensii")
    changed.body += " Дополнено переиздание."
    store_article(db, normalise_article(changed), now=NOW)
    assert [r["url"] for r in search(db, "переиздание")] == ["https://kt.kz/news/pensii.html"]
    for table in fts_tables(db.conn):
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
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
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


def test_fresh_build_alone_writes_through_a_rollback_journal_and_returns_to_wal(tmp_path):
    db = open_db(tmp_path / "bulk.db")
    result = bulk_import(db, (normalise_article(make_article(k)) for k in ARTICLES), now=NOW)
    assert result.journal == "rollback journal"
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert not (tmp_path / "bulk.db-journal").exists()
    assert "https://kt.kz/news/pensii.html" in [r["url"] for r in search(db, "пенсия")]


def test_fresh_build_beside_another_connection_stays_in_wal(tmp_path):
    db = open_db(tmp_path / "bulk.db")
    reader = open_db(tmp_path / "bulk.db")  # datasette serving the empty archive, say
    result = bulk_import(db, (normalise_article(make_article(k)) for k in ARTICLES), now=NOW)
    assert result.journal == "WAL"
    found = [r["url"] for r in search(reader, "пенсия")]
    assert "https://kt.kz/news/pensii.html" in found and found == [r["url"] for r in search(db, "пенсия")]


KILLED_BUILD = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from newsarchive import bulk
from newsarchive.db import open_db
from newsarchive.model import Article
from newsarchive.normalise import normalise_article

bulk.FRESH_CACHE_KIB = 64  # pages reach the file long before the commit
db = open_db({path!r})

def articles():
    for n in range(2000):
        if n == 1500:
            os.kill(os.getpid(), signal.SIGKILL)
        words = " ".join(f"слово{{(n * 7 + k) % 997}}" for k in range(300))
        yield normalise_article(Article(url=f"https://kt.kz/news/{{n}}.html", title=f"Новость номер {{n}}",
                                        lead=None, body=f"Пенсия {{words}}.", site="kt.kz",
                                        published_at="2026-01-10T10:00:00+05:00", language="ru"))

bulk.bulk_import(db, articles(), batch_size=100, now="2026-01-14T00:00:00+00:00")
"""


def test_killed_fresh_build_rolls_back_to_the_empty_archive(tmp_path):
    path = tmp_path / "bulk.db"
    open_db(path).conn.close()
    empty_size = path.stat().st_size
    script = KILLED_BUILD.format(tests=str(Path(__file__).parent), path=str(path))
    # run() returns once the helpers have gone too: they hold its output pipes.
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == -9, done.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".bulk-")]  # left by the killed build
    assert (tmp_path / "bulk.db-journal").exists() and path.stat().st_size > 10 * empty_size  # a build under way
    db = open_db(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    for table in fts_tables(db.conn):
        db.execute(f"INSERT INTO {table}({table}) VALUES('integrity-check')")
    bulk_import(db, [normalise_article(make_article("pensii"))], now=NOW)  # a fresh build again
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".bulk-")] == []  # the killed one's scratch is gone
    assert [r["url"] for r in search(db, "пенсия")] == ["https://kt.kz/news/pensii.html"]
