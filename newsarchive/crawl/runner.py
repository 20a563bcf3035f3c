"""Running crawls: the library behind `newsarchive crawl`."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from newsarchive.crawl.runs import finish_run, start_run
from newsarchive.ops.health import site_health
from newsarchive.sites import get_site, load_sites
from newsarchive.spiders.auto import AutoSpider
from newsarchive.spiders.news import spider_for
from newsarchive.store.lock import crawl_lock
from newsarchive.store.schema import check_writable_archive, open_db

#: Settings for crawling mirrors on 127.0.0.1: no delays, no throttling (they are ours).
MIRROR_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 0,
}


@dataclass
class CrawlSummary:
    run_id: int
    sites: list[str]
    status: str = "running"
    figures: dict[str, dict] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    #: What the watches delivered after the crawl (newsarchive.watch.deliver.AfterCrawl), or None.
    watches: object | None = None

    @property
    def new(self) -> int:
        return sum(f["new"] for f in self.figures.values())

    def total(self, column: str) -> int:
        """A site_runs column summed over the sites (errors, refused, deferred, …)."""
        return sum(f[column] or 0 for f in self.figures.values())

    def reasons(self, site: str) -> dict[str, int]:
        """{reason: count} of one site's failures (newsarchive.failures)."""
        return json.loads(self.figures[site].get("reasons") or "{}")

    @property
    def unreached(self) -> list[str]:
        """Sites from which not one response came, though requests failed: down, or no network."""
        return sorted(site for site, f in self.figures.items() if not f["responses"] and f["errors"])

    @property
    def offline(self) -> bool:
        """True when no site at all could be reached: the machine seems offline."""
        return bool(self.figures) and len(self.unreached) == len(self.figures)


class CrawlUsageError(ValueError):
    """Arguments a crawl cannot run with (the CLI's exit code 2)."""


def check_site_url(url: str, what: str = "--url") -> str:
    """`url` when it is an http(s) address of a site (a bare host gets https://); else CrawlUsageError."""
    candidate = url.strip() if isinstance(url, str) else ""
    if candidate and "://" not in candidate and not candidate.lower().startswith(("file:", "data:")):
        candidate = f"https://{candidate}"
    try:
        parts = urlsplit(candidate)
        host = parts.hostname
        parts.port  # noqa: B018 - ValueError for a port that is no number
    except ValueError:
        host, parts = None, None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        raise CrawlUsageError(f"{what} takes the http(s) address of a site, not {url!r:.200}")
    return candidate


def check_bounds(max_articles=None, max_minutes=None, max_pages=None) -> None:
    """CrawlUsageError for a bound that is no positive number (0, -1, nan, inf would mean
    "no bound" by accident)."""
    if max_articles is not None and (not isinstance(max_articles, int) or max_articles < 1):
        raise CrawlUsageError(f"--max-articles must be a whole number of at least 1, not {max_articles!r}")
    if max_minutes is not None and not (isinstance(max_minutes, (int, float)) and math.isfinite(max_minutes)
                                        and max_minutes > 0):
        raise CrawlUsageError(f"--max-minutes must be a positive number of minutes, not {max_minutes!r}")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 1):
        raise CrawlUsageError(f"--max-pages must be a whole number of at least 1, not {max_pages!r}")


def crawl_settings(db_path: str, overrides: dict | None = None) -> Settings:
    """newsarchive.crawl.settings with the archive path and any overrides applied."""
    settings = Settings()
    settings.setmodule("newsarchive.crawl.settings", priority="project")
    settings.set("NEWSARCHIVE_DB", db_path, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def crawl(
    sites: list[str] | None = None,
    *,
    db_path: str,
    url: str | None = None,
    base_urls: dict[str, str] | None = None,
    max_articles: int | None = None,
    max_minutes: float | None = None,
    max_pages: int | None = None,
    since: str | None = None,
    progress: bool = False,
    settings: dict | None = None,
    watches: bool = True,
) -> CrawlSummary:
    """Crawl the named sites (default: all), or one unknown site at `url`, into the archive.

    `base_urls` maps a site name to a mirror serving the same paths. `max_articles` and
    `max_minutes` bound each site (Scrapy's CLOSESPIDER_ITEMCOUNT / CLOSESPIDER_TIMEOUT);
    `max_pages` overrides the listing pages walked per listing (and bounds a backfill's walks);
    `since` (YYYY-MM-DD) makes each site a backfill that reaches back to that day
    (newsarchive.crawl.backfill; a site's first crawl and an unfinished backfill reach back on
    their own); `progress` draws a live table per site (newsarchive.crawl.progress). The crawl_runs row ends as
    "finished" only when every site finished; otherwise it says why one stopped (for instance
    "closespider_itemcount", "shutdown"), and the next crawl walks listings in full instead of
    stopping at the first all-archived page. Holds the archive's crawl lock (raises
    newsarchive.store.lock.Locked when another crawl runs). Raises CrawlUsageError for arguments
    it cannot run with: both sites and `url`, a `url` that is no http(s) address, a bound that is
    not positive. Call once per process.

    `watches`: when the crawl was not interrupted, run the archive's watches after it
    (newsarchive.watch.deliver.run_after_crawl, in `summary.watches`); their failures never fail
    or change the crawl, whose every transaction is committed before they start.
    """
    if url and sites:
        raise CrawlUsageError("give site names or --url, not both: --url crawls one unknown site")
    check_bounds(max_articles, max_minutes, max_pages)
    for name, mirror in (base_urls or {}).items():
        check_site_url(mirror, f"--base-url {name}=")
    if url:
        url = check_site_url(url)
        names, spiders = ["auto"], [(AutoSpider, {"url": url})]
    else:
        names = [get_site(name).name for name in sites] if sites else sorted(load_sites())  # a domain works too
        spiders = [(spider_for(get_site(n)), {"base_url": (base_urls or {}).get(n)}) for n in names]
    if max_pages:
        spiders = [(cls, {**kwargs, "max_pages": str(max_pages)}) for cls, kwargs in spiders]
    if since:
        spiders = [(cls, {**kwargs, "since": str(since)}) for cls, kwargs in spiders]
    overrides = dict(settings or {})
    if max_articles is not None:  # stored articles, not one more (the pipeline drops the rest)
        overrides["CLOSESPIDER_ITEMCOUNT"] = max_articles
        overrides["NEWSARCHIVE_MAX_ARTICLES"] = max_articles
    if max_minutes is not None:
        overrides["CLOSESPIDER_TIMEOUT"] = float(max_minutes) * 60
    if progress:
        overrides["NEWSARCHIVE_PROGRESS"] = True
    check_writable_archive(db_path)  # another program's file: refused before a lock file is made beside it
    with crawl_lock(db_path):
        db = open_db(db_path)
        run_id = start_run(db, names)
        overrides["NEWSARCHIVE_RUN_ID"] = run_id
        process = CrawlerProcess(crawl_settings(db_path, overrides))
        crawlers = []
        for spider_cls, kwargs in spiders:
            crawler = process.create_crawler(spider_cls)
            crawlers.append(crawler)
            process.crawl(crawler, **{k: v for k, v in kwargs.items() if v})
        status = "interrupted"
        try:
            process.start()
            status = run_status(crawlers)
        finally:
            finish_run(db, run_id, status)
            summary = _summary(db, run_id, names)
            summary.status = status
            db.close()
    if watches and status not in ("shutdown", "interrupted"):
        from newsarchive.watch.deliver import run_after_crawl

        summary.watches = run_after_crawl(db_path)
    return summary


def run_status(crawlers) -> str:
    """"finished" when every spider finished its crawl, else the first other reason it stopped."""
    reasons = sorted(str(crawler.stats.get_value("finish_reason") or "interrupted") for crawler in crawlers)
    unfinished = [reason for reason in reasons if reason != "finished"]
    return unfinished[0] if unfinished else "finished"


def _summary(db, run_id: int, names: list[str]) -> CrawlSummary:
    summary = CrawlSummary(run_id, names)
    for row in db.query("SELECT * FROM site_runs WHERE run_id = ?", [run_id]):
        summary.figures[row["site"]] = row
        warnings = site_health(db, row["site"]).warnings
        if warnings:
            summary.warnings[row["site"]] = warnings
    return summary
