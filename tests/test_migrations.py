"""An archive written by an earlier newsarchive opens, migrated, with its search intact."""

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import indexed_words, word_tables

from newsarchive.model import Article
from newsarchive.search import QueryError, search, search_ids
from newsarchive.search.functions import register_functions
from newsarchive.store.archive import store_article
from newsarchive.store.normalise import normalise_article
from newsarchive.store.schema import SCHEMA_VERSION, open_db
from newsarchive.store.stories import STAGE_WEIGH, refresh
from newsarchive.store.wordindex import INDEXER, quarter_of_key, table_name, word_key

V2_ARCHIVE = Path(__file__).parent / "data" / "archive_v2.db"  # written by schema version 2


def test_version_2_archive_is_migrated(tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(V2_ARCHIVE, path)
    children = ("article_tags", "article_urls", "pages", "versions")
    with sqlite3.connect(path) as old:
        counts = {table: old.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in children}
        rows = {row[0]: row for row in old.execute("SELECT id, url, title, body, tags, published_utc, story_id FROM articles")}
    db = open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert {table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in children} == counts
    assert counts["article_tags"] == 5 and counts["article_urls"] == 4
    assert {row[0]: row for row in db.execute(
        "SELECT id, url, title, body, tags, published_utc, story_id FROM articles")} == rows
    columns = [row[1] for row in db.execute("PRAGMA table_info(articles)")]
    assert columns[:4] == ["id", "published_at", "site", "title"] and columns[-2:] == ["lead", "body"]
    assert db.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert not db["articles_fts"].exists() and not db["stem_terms"].exists()
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 4
    keys = {word_key(published_utc, article_id)
            for article_id, published_utc in db.execute("SELECT id, published_utc FROM articles")}
    tables = word_tables(db.conn)
    assert tables == [table_name(quarter) for quarter in sorted({quarter_of_key(key) for key in keys}, reverse=True)]
    assert {key for t in tables for (key,) in db.execute(f"SELECT rowid FROM {t}")} == keys
    assert not db["article_stems"].exists() and not db["article_words_fts"].exists()
    assert dict(db.execute("SELECT url, published_day FROM articles").fetchall())["https://kt.kz/rus/a/1.html"] == \
        "2025-12-30"
    assert db.execute("SELECT value FROM archive_meta WHERE name = 'indexer'").fetchone() == (INDEXER,)
    assert db.execute("SELECT count(*) FROM archive_meta WHERE name = 'stemmer'").fetchone() == (0,)
    for table in word_tables(db.conn):
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")  # raises if not
    assert {"пенсия", "налоговый", "елка"} <= {t for (t,) in db.execute("SELECT term FROM word_terms")}
    assert [row[1] for row in db.execute("PRAGMA table_info(articles)")][:6] == [
        "id", "published_at", "site", "title", "tags", "story_id"]
    assert [r["url"] for r in search(db, "пенсия")] == ["https://kt.kz/rus/a/1.html"]
    assert [r["url"] for r in search(db, "ёлка")] == ["https://caravan.kz/news/2.html"]
    assert [r["url"] for r in search(db, "школа", since="2024-02-01", until="2024-02-29")] == [
        "https://ustinka.kz/news/4.html"]
    assert search(db, "школа", since="2024-03-01") == []
    assert [r["url"] for r in search(db, "кодекс", tags=["мрп"])] == ["https://time.kz/news/3.html"]
    changed = Article(url="https://kt.kz/rus/a/1.html", site="kt.kz", title="Пенсии проиндексируют с января",
                      body="Пенсии проиндексируют на 8 процентов, перерасчёт проведут автоматически.",
                      published_at="2025-12-30T09:15:00+05:00", tags=["Пенсия 2026"], language="ru")
    assert store_article(db, normalise_article(changed)).status == "updated"
    assert [r["id"] for r in search(db, "перерасчет")] == [1]
    for table in word_tables(db.conn):
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
    db.conn.close()
    assert open_db(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # idempotent


def test_an_archive_indexed_by_another_analyser_is_indexed_again(tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(V2_ARCHIVE, path)
    db = open_db(path)
    before = indexed_words(db.conn)
    db.execute("UPDATE archive_meta SET value = 'pymorphy3 0.1; textnorm 0' WHERE name = 'indexer'")
    for table in word_tables(db.conn):  # as if analysed otherwise
        db.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")
    db.conn.close()
    db = open_db(path)
    assert indexed_words(db.conn) == before and len(before) == 4
    assert db.execute("SELECT value FROM archive_meta WHERE name = 'indexer'").fetchone() == (INDEXER,)


def test_an_index_of_a_table_a_year_becomes_a_table_a_quarter(tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(V2_ARCHIVE, path)
    db = open_db(path)
    before = indexed_words(db.conn)
    old = INDEXER.removesuffix("; quarters")
    assert old != INDEXER
    db.execute("UPDATE archive_meta SET value = ? WHERE name = 'indexer'", [old])
    for table in word_tables(db.conn):  # the year tables an older newsarchive made
        db.execute(f"DROP TABLE {table}_vocab")
        db.execute(f"ALTER TABLE {table} RENAME TO {table[:-2]}")
        db.execute(f"CREATE VIRTUAL TABLE {table[:-2]}_vocab USING fts5vocab({table[:-2]}, 'row')")
    db.conn.close()
    db = open_db(path)
    names = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE name LIKE 'article_words_%'")}
    assert names and all(re.fullmatch(r"article_words_\d{4}q[1-4](_vocab|_data|_idx|_config|_docsize)?", n)
                         for n in names), names
    assert indexed_words(db.conn) == before and len(before) == 4


def test_an_archive_not_yet_upgraded_is_refused_not_searched_wrongly(tmp_path):
    path = tmp_path / "archive.db"
    shutil.copy(V2_ARCHIVE, path)
    conn = sqlite3.connect(path)  # as datasette opens it: no migration
    register_functions(conn)
    with pytest.raises(QueryError, match="built by another version of newsarchive"):
        search_ids(conn, "школа", since="2024-02-01")
    assert conn.execute("SELECT na_search('школа')").fetchone() == ("[]",)
    conn.close()
    assert search_ids(open_db(path), "школа", since="2024-02-01") == [4]  # upgraded on open


def test_articles_pending_in_a_version_6_archive_are_not_counted_twice(tmp_path):
    """Version 6 counted an article's words when it was stored; its pending rows must not be
    counted again by version 7's refresh, which counts them itself."""
    path = tmp_path / "archive.db"
    db = open_db(path)
    article = Article(url="https://kt.kz/rus/a/1.html", site="kt.kz", title="Пенсии проиндексируют с января",
                      body="Пенсии проиндексируют на 8 процентов, перерасчёт проведут автоматически. " * 5,
                      published_at="2025-12-30T09:15:00+05:00", language="ru")
    stored = store_article(db, normalise_article(article))
    refresh(db)
    counted = dict(db.execute("SELECT token, documents FROM story_df").fetchall())
    documents = db.execute("SELECT value FROM archive_meta WHERE name = 'story_documents'").fetchone()
    terms = db.execute("SELECT terms FROM story_profiles JOIN story_pending USING (article_id)").fetchone()
    assert terms is None, "decided: no longer pending"
    # As version 6 left it: counted when stored, pending at its stage 0 (weigh again).
    db.execute("INSERT INTO story_pending (article_id, stage, terms) VALUES (?, 0, NULL)", [stored.article_id])
    db.execute("PRAGMA user_version = 6")
    db.conn.close()
    db = open_db(path)
    assert db.execute("SELECT stage FROM story_pending").fetchall() == [(STAGE_WEIGH,)]
    assert refresh(db) == 1
    assert dict(db.execute("SELECT token, documents FROM story_df").fetchall()) == counted
    assert db.execute("SELECT value FROM archive_meta WHERE name = 'story_documents'").fetchone() == documents
    assert db.execute("SELECT count(*) FROM story_pending").fetchone() == (0,)
