"""Skip article pages already in the archive before they are downloaded."""

from scrapy import signals
from scrapy.exceptions import IgnoreRequest

from newsarchive.archive import is_known_url
from newsarchive.db import open_db


class SkipArchivedArticles:
    """Drops requests marked with meta["archive_url"] whose URL the archive already holds,
    unless meta["refresh"] asks for the page again (a feed or sitemap says it changed)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.db = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_closed(self):
        if self.db is not None:
            self.db.close()

    def process_request(self, request):
        url = request.meta.get("archive_url")
        if not url or request.meta.get("refresh"):
            return None
        if self.db is None:
            self.db = open_db(self.crawler.settings.get("NEWSARCHIVE_DB"))
        if is_known_url(self.db, url):
            self.crawler.stats.inc_value("newsarchive/skipped_known")
            raise IgnoreRequest(f"already archived: {url}")
        return None
