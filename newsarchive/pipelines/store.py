"""Dedupe against the archive and store: new, updated, unchanged or duplicate."""

from newsarchive.archive import store_article
from newsarchive.pipelines import ArchivePipeline

#: Fields whose absence health checks watch (a template change empties them first).
WATCHED_FIELDS = ("lead", "published_at", "author", "section", "tags", "images")


class StorePipeline(ArchivePipeline):
    def process_item(self, item):
        result = store_article(self.db, item)
        stats = self.crawler.stats
        stats.inc_value(f"newsarchive/{result.status}")
        stats.inc_value("newsarchive/stored")
        for field in WATCHED_FIELDS:
            if not getattr(item, field):
                stats.inc_value(f"newsarchive/missing/{field}")
        return item
