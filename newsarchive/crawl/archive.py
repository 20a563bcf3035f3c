"""The crawl's one connection to the archive.

`ArchiveHandle` is a Scrapy extension: it opens the archive at NEWSARCHIVE_DB when the crawler
is built, and closes it when the engine has stopped, after every component that uses it
(middlewares, the pipeline, the spider, the run recorder) has done its last write at
spider_closed. Components reach it with `archive(crawler)`.
"""

from __future__ import annotations

from scrapy import signals

from newsarchive.store.schema import open_db


class ArchiveHandle:
    """Holds the crawl's connection to the archive (`db`, a sqlite_utils.Database)."""

    def __init__(self, crawler):
        self.db = open_db(crawler.settings.get("NEWSARCHIVE_DB"))
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def close(self) -> None:
        self.db.close()


def archive(crawler):
    """The archive of this crawl (the ArchiveHandle extension's connection)."""
    handle = crawler.get_extension(ArchiveHandle)
    if handle is None:
        raise RuntimeError("newsarchive.crawl.archive.ArchiveHandle is not in EXTENSIONS")
    return handle.db
