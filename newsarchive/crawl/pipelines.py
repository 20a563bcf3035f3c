"""The item pipeline: every Article the spider yields goes to the archive through
newsarchive.store.archive.archive_article (validate → normalise → store), as `import` and
`reparse` send theirs."""

from __future__ import annotations

from scrapy.exceptions import DropItem

from newsarchive.crawl.archive import archive
from newsarchive.store.archive import REJECTED, archive_article
from newsarchive.store.stories import refresh

#: Fields whose absence health checks watch (a template change empties them first).
WATCHED_FIELDS = ("lead", "published_at", "author", "section", "tags", "images")


class ArchivePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.run_id = crawler.settings.getint("NEWSARCHIVE_RUN_ID") or None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        result = archive_article(archive(self.crawler), item, run_id=self.run_id)
        stats = self.crawler.stats
        if result.status == REJECTED:
            stats.inc_value("newsarchive/rejected")
            stats.inc_value(f"newsarchive/rejected/{result.reason}")
            raise DropItem(f"rejected {item.url}: {result.reason}: {result.detail}", log_level="INFO")
        stats.inc_value(f"newsarchive/{result.status}")
        stats.inc_value("newsarchive/stored")
        for field in WATCHED_FIELDS:
            if not getattr(item, field):
                stats.inc_value(f"newsarchive/missing/{field}")
        return item

    def close_spider(self):
        """The crawl's articles are counted: decide their stories once more (stories.refresh), so
        that they do not depend on the order the site listed them in."""
        refresh(archive(self.crawler))
