"""The word index: keys give back ids and cover date ranges; rows follow the article."""

import random
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from conftest import indexed_words, word_tables

from newsarchive.model import Article
from newsarchive.search import search
from newsarchive.store.archive import store_article
from newsarchive.store.normalise import normalise_article
from newsarchive.store.schema import open_db
from newsarchive.store.wordindex import (
    ID_BITS,
    ID_MASK,
    article_id_sql,
    key_range,
    tag_token,
    word_key,
)


def _moments(count=400, seed=7):
    rng = random.Random(seed)
    values = [None, "", "not a date", "1985-05-05T10:00:00+00:00", "1990-01-01T00:00:00+00:00",
              "1990-01-01T00:00:59.999999+00:00", "2150-01-01T00:00:00+00:00", "2026-01-13T09:30:00",
              "2026-01-13T09:30:00Z"]
    start = datetime(1989, 12, 31, tzinfo=timezone.utc)
    for _ in range(count):
        microseconds = rng.randrange(0, 10**6)
        if microseconds % 1000 == 500:  # SQLite rounds a float there; either millisecond is right
            microseconds += 1
        moment = start + timedelta(seconds=rng.randrange(0, 40 * 365 * 86400), microseconds=microseconds)
        offset = timezone(timedelta(hours=rng.choice((0, 5, 6, 3, -4))))
        values.append(moment.astimezone(offset).isoformat())
    return values


def test_article_ids_come_back_from_keys():
    conn = sqlite3.connect(":memory:")
    for i, moment in enumerate(_moments()):
        article_id = 1 + i * 7_919_993
        key = word_key(moment, article_id)
        assert key & ID_MASK == article_id
        assert conn.execute(f"SELECT {article_id_sql('?')}", (key,)).fetchone() == (article_id,)


def test_ids_that_do_not_fit_are_refused():
    with pytest.raises(ValueError):
        word_key("2026-01-13T00:00:00+00:00", ID_MASK + 1)


def test_keys_follow_publication_order():
    rng = random.Random(5)
    start = datetime(1990, 1, 1, tzinfo=timezone.utc)
    moments = sorted(start + timedelta(minutes=rng.randrange(0, 30 * 365 * 1440)) for _ in range(300))
    keys = [word_key(m.astimezone(timezone(timedelta(hours=rng.choice((5, 6, -3))))).isoformat(), rng.randrange(1, 10**9))
            for m in moments]
    days = [key >> ID_BITS for key in keys]
    assert days == sorted(days) and len(set(days)) > 250
    assert days[0] == (moments[0] - start).days


def test_key_range_covers_every_moment_in_the_range():
    rng = random.Random(3)
    base = datetime(2025, 3, 1, tzinfo=timezone.utc)
    for _ in range(300):
        since = base + timedelta(seconds=rng.randrange(0, 10**7), microseconds=rng.randrange(0, 10**6))
        until = since + timedelta(seconds=rng.randrange(1, 10**6))
        low, high = key_range(since.isoformat(), until.isoformat())
        for moment in (since, until - timedelta(microseconds=1), since + (until - since) / 2):
            assert low <= word_key(moment.isoformat(), ID_MASK) < high
            assert low <= word_key(moment.isoformat(), 1) < high


def _article(number, published_at, body):
    return normalise_article(Article(
        url=f"https://kt.kz/rus/a/{number}.html", site="kt.kz", title=f"Заголовок {number}", lead="",
        body=body, published_at=published_at, language="ru"))


def test_date_filter_is_exact_within_a_minute():
    db = open_db(":memory:")
    store_article(db, _article(1, "2026-01-13T10:00:20+05:00", "Пенсии выросли в январе. " * 4))
    store_article(db, _article(2, "2026-01-13T10:00:50+05:00", "Пенсию выплатят раньше срока. " * 4))
    store_article(db, _article(3, "2026-01-13T10:01:10+05:00", "Пенсиями займутся в феврале. " * 4))
    found = [r["url"] for r in search(db, "пенсия", since="2026-01-13T10:00:40+05:00",
                                      until="2026-01-13T10:01:05+05:00", sort="oldest")]
    assert found == ["https://kt.kz/rus/a/2.html"]


def test_a_changed_publication_time_moves_the_key():
    db = open_db(":memory:")
    store_article(db, _article(1, "2026-01-13T10:00:00+05:00", "Налоговый кодекс приняли в первом чтении. " * 3))
    store_article(db, _article(1, "2025-06-01T10:00:00+05:00", "Налоговый кодекс приняли во втором чтении. " * 3))
    assert search(db, "кодекс", since="2026-01-01") == []
    assert [r["id"] for r in search(db, "кодекс", since="2025-05-01", until="2025-06-30")] == [1]
    published_utc = db.execute("SELECT published_utc FROM articles WHERE id = 1").fetchone()[0]
    held = indexed_words(db.conn)
    rows = {table: [r[0] for r in db.execute(f"SELECT rowid FROM {table}")] for table in word_tables(db.conn)}
    assert rows == {"article_words_2026q1": [], "article_words_2025q2": [word_key(published_utc, 1)]}  # moved to its quarter
    assert ("article_words_2025q2", "второй", "body") in {row[:3] for row in held[1]}
    assert not any(row[1] == "первый" for row in held[1])
    for table in rows:
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")  # raises if not


def _tariffs_ranked_two_at_a_time(monkeypatch, published: tuple[str, ...]):
    """An archive of articles about tariffs published at these times (ids from 1, in this
    order), searched with a relevance window of 2."""
    import newsarchive.search.sql as query

    monkeypatch.setattr(query, "RANK_WINDOW", 2)
    db = open_db(":memory:")
    for number, moment in enumerate(published, start=1):
        store_article(db, _article(number, moment, "Тарифы на воду повысят с весны. " * (2 + number)))
    return db


def test_relevance_window_holds_the_most_recently_published(monkeypatch):
    # archived newest first: archive order and publication order disagree
    db = _tariffs_ranked_two_at_a_time(monkeypatch, ("2026-03-01T10:00:00+05:00", "2025-01-01T10:00:00+05:00",
                                                     "2026-02-01T10:00:00+05:00"))
    assert sorted(r["id"] for r in search(db, "тариф")) == [1, 3]
    assert sorted(r["id"] for r in search(db, "тариф", sort="newest")) == [1, 2, 3]


def test_relevance_window_holds_the_newest_within_the_tags_and_dates(monkeypatch):
    db = _tariffs_ranked_two_at_a_time(monkeypatch, ("2026-03-01T10:00:00+05:00", "2026-01-10T10:00:00+05:00",
                                                     "2026-02-01T10:00:00+05:00", "2026-02-20T10:00:00+05:00",
                                                     "2025-12-01T10:00:00+05:00"))
    for number, moment in ((2, "2026-01-10T10:00:00+05:00"), (3, "2026-02-01T10:00:00+05:00"),
                           (5, "2025-12-01T10:00:00+05:00")):
        tagged = _article(number, moment, "Тарифы на воду повысят с весны. " * (2 + number))
        tagged.tags = ["ЖКХ"]
        store_article(db, tagged)
    assert sorted(r["id"] for r in search(db, "тариф", tags=["жкх"])) == [2, 3]
    assert sorted(r["id"] for r in search(db, "тариф", since="2025-11-01", until="2026-02-10")) == [2, 3]
    assert sorted(r["id"] for r in search(db, "тариф", tags=["жкх"], until="2026-01-31")) == [2, 5]
    assert sorted(r["id"] for r in search(db, "тариф", sites=["kt.kz"])) == [1, 2, 3, 4, 5], \
        "a filter outside the index ranks every match"


def _poison(db, table: str) -> None:
    """Empty a table's index data, so that any read of its index fails."""
    db.execute(f"DELETE FROM {table}_data WHERE id > 10")


def test_the_relevance_window_reads_older_quarters_only_when_the_newer_are_short(monkeypatch):
    db = _tariffs_ranked_two_at_a_time(monkeypatch, ("2024-05-01T10:00:00+05:00", "2026-03-01T10:00:00+05:00",
                                                     "2026-02-01T10:00:00+05:00"))
    store_article(db, _article(4, "2024-06-01T10:00:00+05:00", "Котельную запустят к зиме. " * 3))
    _poison(db, "article_words_2024q2")
    assert sorted(r["id"] for r in search(db, "тариф")) == [2, 3]  # 2026q1 had the window: 2024q2 never read
    with pytest.raises(sqlite3.DatabaseError):
        search(db, "котельная")  # in 2026 not at all: 2024q2 is read, and is broken


def test_a_date_range_reads_only_the_quarters_it_covers():
    db = open_db(":memory:")
    store_article(db, _article(1, "2024-05-01T10:00:00+05:00", "Тарифы на воду повысят с весны. " * 3))
    store_article(db, _article(2, "2026-03-01T10:00:00+05:00", "Тарифы на тепло повысят с осени. " * 3))
    _poison(db, "article_words_2024q2")
    assert [r["id"] for r in search(db, "тариф", since="2025-12-31")] == [2]
    with pytest.raises(sqlite3.DatabaseError):
        search(db, "тариф", since="2023-12-31")


def test_tags_in_the_index_follow_the_article():
    db = open_db(":memory:")
    first = _article(1, "2026-01-13T10:00:00+05:00", "Пенсии выросли в январе. " * 4)
    first.tags = ["Пенсия 2026"]
    store_article(db, first)
    assert [r["id"] for r in search(db, "пенсия", tags=["ПЕНСИЯ  2026"])] == [1]
    retagged = _article(1, "2026-01-13T10:00:00+05:00", "Пенсии выросли в январе. " * 4)
    retagged.tags = ["ВКО"]
    store_article(db, retagged)
    assert search(db, "пенсия", tags=["Пенсия 2026"]) == []
    assert [r["id"] for r in search(db, "пенсия", tags=["вко"])] == [1]
    assert [r["id"] for r in search(db, "пенсия", tags=["вко"], since="2026-01-13", until="2026-01-13")] == [1]
    for table in word_tables(db.conn):
        db.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


def test_a_tag_token_is_never_matched_as_a_word():
    db = open_db(":memory:")
    article = _article(1, "2026-01-13T10:00:00+05:00", "Пенсии выросли в январе. " * 4)
    article.tags = ["Пенсия 2026"]
    store_article(db, article)
    token = tag_token("Пенсия 2026")
    assert db.execute("SELECT count(*) FROM article_words_2026q1 WHERE article_words_2026q1 MATCH ?",
                      (f'tags : "{token}"',)).fetchone() == (1,)
    assert search(db, token) == [] and search(db, token[:5]) == [] and search(db, token[1:]) == []
    assert db.execute("SELECT count(*) FROM word_terms WHERE term LIKE ?", (f"%{token[2:]}%",)).fetchone() == (0,)


def test_undated_articles_are_outside_every_date_range():
    db = open_db(":memory:")
    store_article(db, _article(1, None, "Тарифы на воду повысят с весны. " * 3))
    store_article(db, _article(2, "2026-03-01T10:00:00+05:00", "Тарифы на тепло повысят с осени. " * 3))
    assert word_tables(db.conn) == ["article_words_2026q1", "article_words_1990q1"]
    assert sorted(r["id"] for r in search(db, "тариф")) == [1, 2]
    assert [r["id"] for r in search(db, "тариф", until="2026-12-31")] == [2]
    assert [r["id"] for r in search(db, "тариф", since="1980-01-01")] == [2]
