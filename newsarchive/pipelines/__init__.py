"""Item pipelines, in order: validate (100) → normalise (200) → store (300).

Each is a thin Scrapy wrapper over a library function that `newsarchive import` calls too.
"""

from newsarchive.db import open_db


class ArchivePipeline:
    """Base of the pipelines that use the archive: opened with the spider, closed after it."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self):
        self.db = open_db(self.crawler.settings.get("NEWSARCHIVE_DB"))

    def close_spider(self):
        self.db.close()
