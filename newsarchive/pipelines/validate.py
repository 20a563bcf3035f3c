"""Reject articles without a title, a body or a possible date, recording why."""

from scrapy.exceptions import DropItem

from newsarchive.archive import record_failure
from newsarchive.db import open_db
from newsarchive.validate import Rejected, validate_article


class ValidatePipeline:
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
        try:
            return validate_article(item)
        except Rejected as rejection:
            stats = self.crawler.stats
            stats.inc_value("newsarchive/rejected")
            stats.inc_value(f"newsarchive/rejected/{rejection.reason}")
            record_failure(self.db, item.url, rejection.reason, site=item.site, detail=rejection.detail,
                           run_id=self.crawler.settings.getint("NEWSARCHIVE_RUN_ID") or None)
            raise DropItem(f"rejected {item.url}: {rejection}") from None
