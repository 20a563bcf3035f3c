"""The crawl's pipeline decides stories every NEWSARCHIVE_STORY_BATCH articles stored, and an
archive that cannot decide them leaves them pending without losing the articles."""

import asyncio

from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

from newsarchive.crawl import pipelines
from newsarchive.crawl.archive import ArchiveHandle
from newsarchive.model import Article
from newsarchive.store.schema import open_db


class FakeHandle:
    def __init__(self, db):
        self.db = db

    def open_group(self):
        pass

    def commit_due(self):
        pass


class FakeCrawler:
    def __init__(self, db, **settings):
        self.settings = Settings({"NEWSARCHIVE_STORY_BATCH": 2, **settings})
        self.stats = MemoryStatsCollector(self)
        self.handle = FakeHandle(db)

    def get_extension(self, cls):
        return self.handle if cls is ArchiveHandle else None


def article(n: int) -> Article:
    return Article(url=f"https://kt.kz/rus/news/{n}.html", site="kt.kz", title=f"Новость номер {n}",
                   body=f"Текст новости номер {n} о пенсиях и тарифах в области. " * 6,
                   published_at="2026-12-01T10:00:00+05:00", fetched_at="2026-12-01T10:05:00+05:00",
                   language="ru")


def pending(db) -> int:
    return db.execute("SELECT count(*) FROM story_pending").fetchone()[0]


def test_stories_are_decided_every_batch_of_articles(tmp_path):
    db = open_db(tmp_path / "news.db")
    pipeline = pipelines.ArchivePipeline(FakeCrawler(db))
    asyncio.run(pipeline.process_item(article(1)))
    assert pending(db) == 1, "one stored, its batch not full"
    asyncio.run(pipeline.process_item(article(2)))
    assert pending(db) == 0, "a batch of two: decided"
    asyncio.run(pipeline.process_item(article(3)))
    pipeline.close_spider()
    assert pending(db) == 0, "the rest decided when the crawl ends"


def test_an_archive_that_cannot_decide_stories_keeps_the_articles(tmp_path, monkeypatch, caplog):
    db = open_db(tmp_path / "news.db")
    pipeline = pipelines.ArchivePipeline(FakeCrawler(db))

    def full_disk(db_):
        raise OSError("database or disk is full")

    monkeypatch.setattr(pipelines, "refresh", full_disk)
    items = [asyncio.run(pipeline.process_item(article(n))) for n in (1, 2, 3)]
    assert [item.url for item in items] == [article(n).url for n in (1, 2, 3)]
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert pending(db) == 3, "left for the next refresh"
    assert "left for the next refresh: OSError" in caplog.text
