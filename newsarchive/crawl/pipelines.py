"""The item pipeline: every Article the spider yields goes to the archive the way
newsarchive.store.archive.archive_article sends it (bound and clean → validate → normalise →
store), as `import` and `reparse` send theirs, in its two halves: the first, which needs no
archive, and the text's analysis in a helper process (newsarchive.crawl.analysis) while the
crawl goes on; then the store. With the
crawl's text limits (NEWSARCHIVE_MAX_*_CHARS, _TAGS, _IMAGES) and no article past
NEWSARCHIVE_MAX_ARTICLES. The stories of the articles stored are decided every
NEWSARCHIVE_STORY_BATCH articles and when the crawl ends."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem

from newsarchive.crawl.analysis import text_analyser
from newsarchive.crawl.archive import handle
from newsarchive.crawl.failures import failure_log
from newsarchive.crawl.limits import limit_setting
from newsarchive.store.archive import (
    NEW,
    REJECTED,
    UPDATED,
    check_article,
    finish,
    record_rejection,
    store_article,
)
from newsarchive.store.normalise import TextLimits
from newsarchive.store.stories import refresh

logger = logging.getLogger(__name__)

#: Fields whose absence health checks watch (a template change empties them first).
WATCHED_FIELDS = ("lead", "published_at", "author", "section", "tags", "images")


def text_limits(settings) -> TextLimits:
    """The stored-text limits of a crawl's settings."""
    return TextLimits(**{field: limit_setting(settings, f"NEWSARCHIVE_MAX_{name}")
                         for field, name in (("title", "TITLE_CHARS"), ("lead", "LEAD_CHARS"), ("body", "BODY_CHARS"),
                                             ("field", "FIELD_CHARS"), ("tags", "TAGS"), ("tag_chars", "TAG_CHARS"),
                                             ("images", "IMAGES"))})


class ArchivePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.run_id = crawler.settings.getint("NEWSARCHIVE_RUN_ID") or None
        self.limits = text_limits(crawler.settings)
        self.max_articles = crawler.settings.getint("NEWSARCHIVE_MAX_ARTICLES") or None
        #: Articles stored or being stored (their text with the helper): what --max-articles counts.
        self.claimed = 0
        self.story_batch = crawler.settings.getint("NEWSARCHIVE_STORY_BATCH")
        #: Articles stored since their stories were last decided.
        self.undecided = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        stats = self.crawler.stats
        if self.max_articles and self.claimed >= self.max_articles:
            # Pages already downloading when --max-articles was reached: left for the next run.
            raise DropItem(f"--max-articles {self.max_articles} reached: {item.url} left for the next run",
                           log_level="DEBUG")
        archive = handle(self.crawler)
        self.claimed += 1
        try:
            analyser = text_analyser(self.crawler)
            if analyser:
                result, analysis = await analyser.prepare(item, self.limits)
            else:
                result, analysis = check_article(item, self.limits), None
            archive.open_group()
            if result.status == REJECTED:
                record_rejection(archive.db, item, result, run_id=self.run_id)
            else:
                result = finish(store_article(archive.db, item, analysis=analysis), result)
            archive.commit_due()
        except Exception as error:  # the archive failed (a full disk): noted, the crawl goes on
            self.claimed -= 1
            failure_log(self.crawler).note("store_error", item.url, f"{type(error).__name__}: {error}", record=False)
            raise DropItem(f"not stored {item.url!r:.300}: {type(error).__name__}", log_level="DEBUG") from None
        if result.status in (NEW, UPDATED):
            self.undecided += 1
            if self.undecided >= self.story_batch:
                self.undecided = 0
                self.decide_stories()
        for reason, detail in result.cuts:
            failure_log(self.crawler).note(reason, item.url, detail, record=False)
        if result.status == REJECTED:
            self.claimed -= 1
            stats.inc_value("newsarchive/rejected")
            stats.inc_value(f"newsarchive/rejected/{result.reason}")
            raise DropItem(f"rejected {item.url!r:.300}: {result.reason}", log_level="INFO")
        stats.inc_value(f"newsarchive/{result.status}")
        stats.inc_value("newsarchive/stored")
        for field in WATCHED_FIELDS:
            if not getattr(item, field):
                stats.inc_value(f"newsarchive/missing/{field}")
        return item  # Scrapy's CloseSpider ends the crawl at CLOSESPIDER_ITEMCOUNT (= NEWSARCHIVE_MAX_ARTICLES)

    def close_spider(self):
        """The crawl's last articles are stored: decide their stories."""
        self.decide_stories()

    def decide_stories(self) -> None:
        """Decide the stories of the articles stored so far (stories.refresh). When the archive
        cannot (a full disk), they stay pending for the next refresh; the articles are stored."""
        try:
            refresh(handle(self.crawler).db)
        except Exception as error:
            logger.warning("stories of this crawl's last articles left for the next refresh: %s: %s",
                           type(error).__name__, error)
