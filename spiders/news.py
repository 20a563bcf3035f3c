"""The one news spider: discovery through feeds, sitemaps and listings, driven by a site entry.

Every spider accepts `-a base_url=http://127.0.0.1:PORT` to crawl a mirror that serves
the same paths: pages are fetched from the mirror, archived under the real site's URLs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from newsarchive import clock
from newsarchive.crawl import discovery
from newsarchive.crawl.archive import archive
from newsarchive.extract import ExtractionError, article_from_page
from newsarchive.sites import Site
from newsarchive.store.archive import is_known_url, recently_rejected, record_failure
from newsarchive.urls import canonicalize_url

logger = logging.getLogger(__name__)


class NewsSpider(scrapy.Spider):
    """Base spider; subclasses set `site` (a newsarchive.sites.Site)."""

    site: Site

    def __init__(self, *args, base_url: str | None = None, max_pages: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.site.base_url).rstrip("/")
        self.max_pages = int(max_pages) if max_pages else None
        self.allowed_domains = [urlsplit(self.base_url).hostname or self.site.domain]
        self._walk_may_stop: bool | None = None
        self._discovered: set[str] = set()

    # URLs -----------------------------------------------------------------------------

    def fetch_url(self, url: str) -> str:
        """Where to download `url`: on the mirror when crawling one, else as it is."""
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        if host == self.site.domain or host.endswith("." + self.site.domain):
            rest = parts.path + (f"?{parts.query}" if parts.query else "")
            return self.base_url + rest
        return url

    def archive_url(self, url: str) -> str:
        """The real site's URL of a page downloaded from `url` (the mirror's, perhaps)."""
        if url.startswith(self.base_url + "/") or url == self.base_url:
            return self.site.base_url.rstrip("/") + url[len(self.base_url):]
        return url

    def is_article(self, url: str, source: str = "listing") -> bool:
        """Does `url`, found in a feed, sitemap or listing (`source`), lead to an article?"""
        return self.site.is_article_url(self.archive_url(url), source)

    # Requests -------------------------------------------------------------------------

    def request(self, url: str, callback, **kwargs) -> scrapy.Request:
        """A request whose failure is one clear log line, not a traceback."""
        return scrapy.Request(url, callback=callback, errback=self.download_failed, **kwargs)

    def download_failed(self, failure):
        """An HTTP error on a listing page past the last or a guessed feed path is information; on
        an article page, or a site that cannot be reached (DNS, refused, timeout), it is an error,
        counted in the run's figures."""
        url = failure.request.url
        if failure.check(HttpError):
            status = failure.value.response.status
            self.crawler.stats.inc_value(f"newsarchive/http_status/{status}")
            if status in (429, 503):  # the site asked us to come back later: the next run will
                self.crawler.stats.inc_value("newsarchive/deferred")
                logger.warning("%s: HTTP %s for %s, left for the next run", self.name, status, url)
            elif failure.request.meta.get("archive_url"):  # an article the site itself listed
                self.crawler.stats.inc_value("newsarchive/article_http_errors")
                logger.error("%s: HTTP %s for article %s", self.name, status, url)
            else:
                logger.info("%s: HTTP %s for %s", self.name, status, url)
            return
        if failure.check(IgnoreRequest):  # already archived, or robots.txt said no
            return
        self.crawler.stats.inc_value("newsarchive/download_errors")
        logger.error("%s: download failed for %s: %s", self.name, url, failure.getErrorMessage())

    # Discovery ------------------------------------------------------------------------

    async def start(self):
        found = self.site.discovery
        for path in found.feeds:
            yield self.conditional_request(self.site.url(path, self.base_url), self.parse_feed)
        for path in found.sitemaps:  # read in full: an index's 304 would hide its changed children
            yield self.request(self.site.url(path, self.base_url), callback=self.parse_sitemap)
        for path in found.listings:
            yield self.request(self.site.url(path, self.base_url), callback=self.parse_listing,
                                 cb_kwargs={"page": 1, "listing": path})

    def conditional_request(self, url: str, callback) -> scrapy.Request:
        """A feed or (child) sitemap request sent with the validators of its last full read
        (newsarchive.crawl.middlewares.ConditionalRequests); a 304 ends it there. The site entry's own
        sitemaps are not asked conditionally: an unchanged index may list changed children."""
        return self.request(url, callback=callback,
                              meta={"conditional": True, "validator_url": self.archive_url(url)})

    def article_request(self, url: str, **meta) -> scrapy.Request:
        fetch = self.fetch_url(url)
        if fetch not in self._discovered:  # a feed and a listing often name the same article
            self._discovered.add(fetch)
            self.crawler.stats.inc_value("newsarchive/discovered")
        if meta.get("refresh"):  # past the duplicate filter too: a listing may name it without refresh
            self.crawler.stats.inc_value("newsarchive/refresh")
            return self.request(fetch, callback=self.parse_article, dont_filter=True,
                                  meta={"archive_url": self.archive_url(fetch), **meta})
        return self.request(fetch, callback=self.parse_article,
                              meta={"archive_url": self.archive_url(fetch), **meta})

    def parse_feed(self, response):
        for link, date in discovery.feed_entries(response.body, response.url):
            if self.is_article(self.fetch_url(link), "feed"):
                yield self.article_request(link, refresh=self.changed_since_archived(link, date))

    def parse_sitemap(self, response):
        max_age = self.settings.getint("NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS")
        sitemaps, pages = discovery.sitemap_entries(response.body, response.url)
        for loc, lastmod in sitemaps:  # the children of an index: asked conditionally
            if discovery.is_recent(lastmod, max_age):
                yield self.conditional_request(self.fetch_url(loc), self.parse_sitemap)
        for loc, lastmod in pages:
            if discovery.is_recent(lastmod, max_age) and self.is_article(self.fetch_url(loc), "sitemap"):
                yield self.article_request(loc, refresh=self.changed_since_archived(loc, lastmod))

    def changed_since_archived(self, url: str, date: datetime | None, now: datetime | None = None) -> bool:
        """Is `url` archived, and does its feed or sitemap date say it changed after we last stored
        it (later than its last_seen, fetched_at and modified_at)? Dates in the future are not
        believed yet: a feed with a wrong offset would otherwise refresh its items on every run."""
        if date is None:
            return False
        if date.tzinfo is None:
            date = date.replace(tzinfo=timezone.utc)
        if date > (now or clock.now()):
            return False
        row = archive(self.crawler).execute(
            """SELECT a.last_seen, a.fetched_at, a.modified_at FROM article_urls u
               JOIN articles a ON a.id = u.article_id WHERE u.url = ?""",
            [canonicalize_url(self.archive_url(self.fetch_url(url)))],
        ).fetchone()
        if row is None:
            return False
        stored = [clock.parse_iso(value) for value in row]
        stored = [value for value in stored if value is not None]
        return bool(stored) and date > max(stored)

    def parse_listing(self, response, page: int, listing: str):
        if self.site.light and page == 1:  # a light entry's front page: the feeds it advertises too
            for feed in discovery.alternate_feeds(response.body, response.url):
                fetch = self.fetch_url(feed)
                if fetch.startswith(self.base_url + "/"):
                    yield self.conditional_request(fetch, self.parse_feed)
        articles = []
        for link in discovery.page_links(response.body, response.url):
            fetch = self.fetch_url(link)
            if self.is_article(fetch) and fetch not in articles:
                articles.append(fetch)
        for url in articles:
            yield self.article_request(url)
        next_page = self._next_listing_page(response, page, listing)
        if next_page and articles and not (self.walk_may_stop() and self._all_archived(articles)):
            yield self.request(next_page, callback=self.parse_listing, cb_kwargs={"page": page + 1, "listing": listing})

    def _next_listing_page(self, response, page: int, listing: str) -> str | None:
        limit = self.max_pages or self.site.discovery.max_pages or self.settings.getint("NEWSARCHIVE_LISTING_MAX_PAGES")
        if page >= limit:
            return None
        pattern = self.site.discovery.pagination
        if pattern:
            return self.site.url(pattern.format(n=page + 1), self.base_url)
        link = discovery.next_page_link(response.body, response.url)
        return self.fetch_url(link) if link else None

    def _all_archived(self, urls: list[str]) -> bool:
        """True when every article of a listing page is archived (or was just rejected): older
        pages hold nothing new."""
        db = archive(self.crawler)
        return all(is_known_url(db, self.archive_url(url)) or recently_rejected(db, self.archive_url(url))
                   for url in urls)

    def walk_may_stop(self) -> bool:
        """May listing walks stop at their first all-archived page? Only when the previous crawl
        of this site finished: after one that was killed or cut short by --max-articles or
        --max-minutes, older pages may still hold articles it never reached, so walk them all
        (their archived articles are skipped before download, so this costs listing pages only)."""
        if self._walk_may_stop is None:
            current = getattr(self, "crawl_run_id", None)  # set by newsarchive.crawl.runs.CrawlRunRecorder
            row = archive(self.crawler).execute(
                """SELECT status FROM crawl_runs WHERE (? IS NULL OR id < ?)
                   AND instr(',' || sites || ',', ?) > 0 ORDER BY id DESC LIMIT 1""",
                [current, current, f",{self.name},"],
            ).fetchone()
            self._walk_may_stop = row is not None and row[0] == "finished"
            if not self._walk_may_stop:
                logger.info("%s: the last crawl did not finish; walking listings in full", self.name)
        return self._walk_may_stop

    # Articles -------------------------------------------------------------------------

    def parse_article(self, response):
        url = response.meta.get("archive_url") or self.archive_url(response.url)
        self.crawler.stats.inc_value("newsarchive/pages")
        self._count_selector_misses(response)
        try:
            yield article_from_page(response.body, url, fetched_at=clock.now(), site=self.site,
                                    http_encoding=_header_charset(response))
        except ExtractionError as error:  # one bad page must not stop the crawl
            logger.error("%s: %s", url, error)
            self.crawler.stats.inc_value("newsarchive/extraction_errors")
            record_failure(archive(self.crawler), url, "extraction_error", site=self.site.domain, detail=str(error),
                           run_id=getattr(self, "crawl_run_id", None))

    def _count_selector_misses(self, response):
        for key, selector in self.site.selectors.items():
            if not response.css(selector):
                self.crawler.stats.inc_value(f"newsarchive/selector_miss/{key}")


def _header_charset(response) -> str | None:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    for part in content_type.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "charset" and value:
            return value.strip("\"'")
    return None


def spider_for(site: Site) -> type[NewsSpider]:
    """A NewsSpider subclass for one site entry, named after it."""
    class_name = "".join(part.capitalize() for part in site.name.replace("-", "_").split("_")) + "Spider"
    return type(class_name, (NewsSpider,), {"name": site.name, "site": site, "__module__": "newsarchive.spiders.sites",
                                            "__doc__": f"{site.title or site.domain} ({site.region})."})
