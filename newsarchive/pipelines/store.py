"""Dedupe against the archive and store: new, updated, unchanged or duplicate."""

from newsarchive.archive import store_article
from newsarchive.db import open_db

#: Fields whose absence health checks watch (a template change empties them first).
WATCHED_FIELDS = ("lead", "published_at", "author", "section", "tags", "images")


class StorePipeline:
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

    def process_item(self, item):
        result = store_article(self.db, item)
        stats = self.crawler.stats
        stats.inc_value(f"newsarchive/{result.status}")
        stats.inc_value("newsarchive/stored")
        for field in WATCHED_FIELDS:
            if not getattr(item, field):
                stats.inc_value(f"newsarchive/missing/{field}")
        return item
