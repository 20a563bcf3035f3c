"""`newsarchive reparse`: extraction run again over the stored pages of a real crawl. Unchanged
extraction changes nothing at all; a changed one updates articles, tags, FTS and stories, keeping
old versions of versioned fields."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import crawl_mirrors, run_cli, word_tables
from mirrors.server import serve_synthetic

import newsarchive.extract as extraction
import newsarchive.store.reparse as reparse_module
from newsarchive.search import search_ids
from newsarchive.store.reparse import reparse
from newsarchive.store.schema import open_db
from newsarchive.store.wordindex import ID_MASK

N = 24


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("reparse") / "crawled.db"
    server = serve_synthetic(N, now=datetime.now(ZoneInfo("Asia/Almaty")).replace(microsecond=0) - timedelta(hours=1))
    try:
        result = crawl_mirrors(db_path, {"matritca": server})
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    return db_path


@pytest.fixture
def db_path(crawled, tmp_path):
    path = tmp_path / "news.db"
    with sqlite3.connect(crawled) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    return path


def dump(db_path) -> dict[str, list]:
    """Every row of every table, FTS shadow tables included."""
    with sqlite3.connect(db_path) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        out = {}
        for table in tables:
            if table in word_tables(conn):
                continue  # virtual tables: their content is in the shadow tables dumped here
            out[table] = sorted(map(repr, conn.execute(f"SELECT * FROM {table}").fetchall()))
        return out


def test_unchanged_extraction_changes_nothing(db_path):
    before = dump(db_path)
    db = open_db(db_path)
    seen = []
    summary = reparse(db, progress=lambda done, total: seen.append((done, total)))
    db.close()
    assert (summary.pages, summary.unchanged, summary.updated, summary.corrected) == (N, N, 0, 0)
    assert seen[-1] == (N, N)
    assert dump(db_path) == before


def test_changed_extraction_updates_articles_tags_fts_and_stories(db_path, monkeypatch):
    real_extract = extraction.extract

    def fixed_selector(html, url, **kwargs):
        fields = real_extract(html, url, **kwargs)
        number = int(url.rsplit("/", 1)[1].split("-", 1)[0])
        if number % 2:  # a versioned change: title, tags and body
            fields["title"] += " (исправлено)"
            fields["tags"] = [*fields["tags"], "Исправлено"]
            fields["body"] += "\n\nРедакция исправила селектор текста этой статьи."
        else:  # an unversioned one: the author
            fields["author"] = "Исправленный Автор"
        return fields

    monkeypatch.setattr(extraction, "extract", fixed_selector)
    db = open_db(db_path)
    before = {row["url"]: row for row in db.query("SELECT * FROM articles")}
    summary = reparse(db)
    assert (summary.pages, summary.updated, summary.corrected, summary.unchanged) == (N, N // 2, N // 2, 0)

    after = {row["url"]: row for row in db.query("SELECT * FROM articles")}
    assert set(after) == set(before)
    odd = {url for url in after if int(url.rsplit("/", 1)[1].split("-", 1)[0]) % 2}
    for url, row in after.items():
        if url in odd:
            assert row["title"] == before[url]["title"] + " (исправлено)"
            assert json.loads(row["tags"])[-1] == "Исправлено"
            assert row["author"] == before[url]["author"] and row["story_id"] is not None
        else:
            assert row["author"] == "Исправленный Автор" and row["title"] == before[url]["title"]
    versions = {row["article_id"]: row for row in db.query("SELECT * FROM versions")}
    assert {after[url]["id"] for url in odd} == set(versions)
    for url in odd:
        assert versions[after[url]["id"]]["title"] == before[url]["title"]

    tagged = {r[0] for r in db.execute("SELECT article_id FROM article_tags WHERE tag_norm = 'исправлено'")}
    assert tagged == {after[url]["id"] for url in odd}
    indexed = {r[0] & ID_MASK for t in word_tables(db.conn) for r in db.execute(
        f"SELECT rowid FROM {t} WHERE {t} MATCH 'селектор'")}
    assert indexed == tagged == set(search_ids(db, "исправлено", limit=None))
    by_author = {r[0] for r in db.execute("SELECT rowid FROM articles WHERE author = 'Исправленный Автор'")}
    assert len(by_author) == N // 2
    for fts_table in word_tables(db.conn):
        db.execute(f"INSERT INTO {fts_table}({fts_table}) VALUES('integrity-check')")

    again = reparse(db)  # the same extraction again: nothing left to change
    assert (again.unchanged, again.updated, again.corrected) == (N, 0, 0)
    assert db["versions"].count == N // 2
    db.close()


def test_site_and_since_select_pages(db_path):
    db = open_db(db_path)
    assert len(reparse_module.select_pages(db, site="matritca")) == N
    assert len(reparse_module.select_pages(db, site="matritca.kz")) == N
    assert reparse_module.select_pages(db, site="caravan") == []
    assert reparse_module.select_pages(db, since="2099-01-01") == []
    assert len(reparse_module.select_pages(db, since="2000-01-01")) == N
    db.close()


def test_reparse_command(db_path):
    result = run_cli("reparse", "--site", "matritca", "--since", "2000-01-01", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{N} pages: {N} unchanged")
    assert run_cli("reparse", "--since", "yesterday", "--db", str(db_path)).returncode == 2
