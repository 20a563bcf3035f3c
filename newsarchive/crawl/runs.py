"""Crawl runs: one crawl_runs row per crawl and one site_runs row per site crawled.

`CrawlRunRecorder` is the Scrapy extension that fills them from the crawl's stats and
runs the site's health check when the spider closes.
"""

from __future__ import annotations

import json
import logging

from scrapy import signals

from newsarchive.clock import now_iso
from newsarchive.crawl.archive import archive
from newsarchive.ops.health import site_health

logger = logging.getLogger(__name__)

#: site_runs counters and the stats keys they come from.
SITE_FIGURES = {
    "requests": "downloader/request_count",
    "discovered": "newsarchive/discovered",
    "pages": "newsarchive/pages",
    "skipped_known": "newsarchive/skipped_known",
    "skipped_rejected": "newsarchive/skipped_rejected",
    "new": "newsarchive/new",
    "updated": "newsarchive/updated",
    "unchanged": "newsarchive/unchanged",
    "duplicates": "newsarchive/duplicate",
    "rejected": "newsarchive/rejected",
    "responses": "downloader/response_count",
    # Failures by kind (newsarchive.crawl.failures): what the site did, what we refused, what
    # was left for the next run. Not the log's ERROR lines: those count retries and libraries too.
    "errors": "newsarchive/errors",
    "refused": "newsarchive/refused",
    "deferred": "newsarchive/deferred",
    "generic_links": "newsarchive/generic_links",
    "listing_pages": "newsarchive/listing_pages",
}


def start_run(db, sites: list[str]) -> int:
    """Open a crawl_runs row; returns its id."""
    return db.execute(
        "INSERT INTO crawl_runs (started_at, sites, status) VALUES (?, ?, 'running')",
        [now_iso(), ",".join(sites)],
    ).lastrowid


def finish_run(db, run_id: int, status: str) -> None:
    """Close a crawl_runs row with the totals of its site_runs."""
    db.execute(
        """UPDATE crawl_runs SET ended_at = :ended, status = :status,
               requests = (SELECT COALESCE(SUM(requests), 0) FROM site_runs WHERE run_id = :id),
               new = (SELECT COALESCE(SUM(new), 0) FROM site_runs WHERE run_id = :id),
               updated = (SELECT COALESCE(SUM(updated), 0) FROM site_runs WHERE run_id = :id),
               rejected = (SELECT COALESCE(SUM(rejected), 0) FROM site_runs WHERE run_id = :id),
               errors = (SELECT COALESCE(SUM(errors), 0) FROM site_runs WHERE run_id = :id),
               refused = (SELECT COALESCE(SUM(refused), 0) FROM site_runs WHERE run_id = :id),
               deferred = (SELECT COALESCE(SUM(deferred), 0) FROM site_runs WHERE run_id = :id)
           WHERE id = :id""",
        {"ended": now_iso(), "status": status, "id": run_id},
    )


def site_figures(stats: dict) -> dict:
    """The site_runs columns computed from a spider's Scrapy stats."""
    figures = {column: int(stats.get(key, 0)) for column, key in SITE_FIGURES.items()}
    pages = figures["pages"] or 1
    stored = (figures["new"] + figures["updated"] + figures["unchanged"] + figures["duplicates"]) or 1
    figures["missing_fields"] = json.dumps({
        key.rsplit("/", 1)[1]: round(value / stored, 3)
        for key, value in sorted(stats.items()) if key.startswith("newsarchive/missing/")
    })
    figures["missed_selectors"] = json.dumps({
        key.rsplit("/", 1)[1]: round(value / pages, 3)
        for key, value in sorted(stats.items()) if key.startswith("newsarchive/selector_miss/")
    })
    figures["reached"] = stats.get("newsarchive/reached")  # the oldest day a listing walk reached
    figures["reasons"] = json.dumps({
        key.rsplit("/", 1)[1]: int(value)
        for key, value in sorted(stats.items()) if key.startswith("newsarchive/failure/")
    })
    return figures


def record_site_run(db, run_id: int, site: str, figures: dict, started_at: str | None = None) -> None:
    columns = ["run_id", "site", "started_at", "ended_at", *figures]
    values = [run_id, site, started_at, now_iso(), *figures.values()]
    db.execute(
        f"INSERT OR REPLACE INTO site_runs ({', '.join(columns)}) VALUES ({', '.join('?' * len(values))})",
        values,
    )


class CrawlRunRecorder:
    """Writes site_runs (and crawl_runs for a bare `scrapy crawl`) and checks the site's health."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.run_id = crawler.settings.getint("NEWSARCHIVE_RUN_ID") or None
        self.own_run = self.run_id is None
        self.started_at = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        self.started_at = now_iso()
        if self.own_run:
            self.run_id = start_run(archive(self.crawler), [spider.name])
        spider.crawl_run_id = self.run_id

    def spider_closed(self, spider, reason):
        site = getattr(getattr(spider, "site", None), "domain", spider.name)
        db = archive(self.crawler)
        record_site_run(db, self.run_id, site, site_figures(self.crawler.stats.get_stats()), self.started_at)
        if self.own_run:
            finish_run(db, self.run_id, "finished" if reason == "finished" else reason)
        for warning in site_health(db, site).warnings:
            logger.warning("health: %s: %s", site, warning)
