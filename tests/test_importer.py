"""`import_articles`: batches of articles per transaction, with the outcomes of one at a time."""

from __future__ import annotations

import json

import pytest
from conftest import import_file, word_tables

from newsarchive.store import importer
from newsarchive.store.importer import import_articles
from newsarchive.store.schema import open_db

REPORT = ("Аким области встретился с пенсионерами Усть-Каменогорска и рассказал о перерасчёте пенсий, "
          "новых выплатах ветеранам, ремонте поликлиник и строительстве трёх школ в правобережной части "
          "города до конца следующего года, сообщает пресс-служба акимата Восточно-Казахстанской области.")
OTHER = ("В Семее открыли ледовую арену на тысячу зрителей: тренироваться там будут хоккеисты и фигуристы "
         "городских спортивных школ, а по выходным арена будет открыта для массового катания горожан.")


def line(url: str, body: str, title: str = "Аким встретился с пенсионерами", **extra) -> str:
    return json.dumps({"url": url, "title": title, "body": body, "published_at": "2026-01-13T09:08:00+05:00",
                       "tags": ["Пенсия 2026"], **extra}, ensure_ascii=False)


LINES = [
    line("https://kt.kz/rus/a_1000000001.html", REPORT),
    line("https://caravan.kz/news/a-1000002", REPORT + " Подробности позже.", title="Пенсионеры и аким"),  # syndicated
    line("https://ustinka.kz/news/1003", OTHER, title="Ледовая арена"),
    "{not json",
    line("https://time.kz/news/1004", REPORT, title="Копия"),  # the same text elsewhere: a duplicate
    line("https://kt.kz/rus/a_1000000001.html", REPORT + " Дополнено: выплаты начнутся в марте."),  # an update
    line("https://kt.kz/rus/b_1000000005.html", "Коротко."),  # rejected
    line("https://ustinka.kz/news/1003", OTHER, title="Ледовая арена"),  # unchanged
]


def archive_state(db) -> dict:
    """What an import leaves, without the times of day it ran at."""
    stories = {}
    for article_id, story_id in db.execute("SELECT id, story_id FROM articles"):
        stories.setdefault(story_id, set()).add(article_id)
    return {
        "articles": db.execute("SELECT id, canonical_url, title, body, tags, content_hash FROM articles "
                               "ORDER BY id").fetchall(),
        "urls": db.execute("SELECT url, article_id, kind FROM article_urls ORDER BY url").fetchall(),
        "versions": db.execute("SELECT article_id, body FROM versions ORDER BY id").fetchall(),
        "stories": sorted(map(sorted, stories.values())),
        "failures": db.execute("SELECT url, reason FROM failures ORDER BY id").fetchall(),
        "words": [db.execute(f"SELECT rowid FROM {t} WHERE {t} MATCH 'пенсия'").fetchall() for t in word_tables(db.conn)],
        "added": [db.execute(f"SELECT rowid FROM {t} WHERE {t} MATCH 'дополнить'").fetchall() for t in word_tables(db.conn)],
    }


def test_batches_store_what_one_article_at_a_time_stores(tmp_path):
    one = open_db(tmp_path / "one.db")
    batched = open_db(tmp_path / "batched.db")
    counts_one = import_articles(one, LINES, source="x.jsonl", batch_size=1)
    counts_batched = import_articles(batched, LINES, source="x.jsonl", batch_size=3)
    assert counts_batched == counts_one == {"new": 3, "updated": 1, "duplicate": 1, "rejected": 1, "unchanged": 1,
                                            "invalid": 1}
    state = archive_state(batched)
    assert state == archive_state(one)
    assert state["stories"] == [[1, 2], [3]]  # the syndicated copy joined the report's story
    for table in word_tables(batched.conn):
        batched.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def test_an_article_that_fails_while_stored_is_recorded_and_its_batch_kept(tmp_path, monkeypatch):
    real = importer.archive_article

    def failing(db, article, **kwargs):
        if "ustinka" in article.url:
            raise RuntimeError("disk on fire")
        return real(db, article, **kwargs)

    monkeypatch.setattr(importer, "archive_article", failing)
    db = open_db(tmp_path / "news.db")
    counts = import_articles(db, LINES[:3], source="x.jsonl", batch_size=3)
    assert counts == {"new": 2, "failed": 1}
    assert [r[0] for r in db.execute("SELECT url FROM articles ORDER BY id")] == [
        "https://kt.kz/rus/a_1000000001.html", "https://caravan.kz/news/a-1000002"]
    assert db.execute("SELECT url, reason, detail FROM failures").fetchall() == [
        ("x.jsonl:3", "store_error", "RuntimeError: disk on fire")]


def test_an_interrupted_import_keeps_the_batches_before(tmp_path, monkeypatch):
    real = importer.archive_article
    stored = []

    def interrupted(db, article, **kwargs):
        if len(stored) == 3:
            raise KeyboardInterrupt
        stored.append(article.url)
        return real(db, article, **kwargs)

    monkeypatch.setattr(importer, "archive_article", interrupted)
    db = open_db(tmp_path / "news.db")
    with pytest.raises(KeyboardInterrupt):
        import_articles(db, LINES, batch_size=2)
    # The first batch is committed; the article stored in the second before the interrupt is not.
    assert [r[0] for r in db.execute("SELECT url FROM articles ORDER BY id")] == stored[:2]
    assert sum(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in word_tables(db.conn)) == 2
    assert not db.conn.in_transaction


def test_import_rejects_an_address_that_is_no_web_page_and_goes_on(tmp_path):
    output, db = import_file(tmp_path, [line("https://kt.kz:99999/rus/a_1000000001.html", REPORT), LINES[2]])
    assert output == "1 new, 0 updated, 0 unchanged, 0 duplicate, 1 rejected, 0 invalid, 0 failed"
    (reason, detail), = db.execute("SELECT reason, detail FROM failures").fetchall()
    assert reason == "bad_url" and "99999" in detail
