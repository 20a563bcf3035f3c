"""The one news spider: discovery through feeds, sitemaps and listings, driven by a site entry.

Every spider accepts `-a base_url=http://127.0.0.1:PORT` to crawl a mirror that serves
the same paths: pages are fetched from the mirror, archived under the real site's URLs.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newsarchive import clock
from newsarchive.crawl import discovery
from newsarchive.crawl.archive import archive
from newsarchive.crawl.failures import failure_log, reason_of
from newsarchive.crawl.limits import limit_setting
from newsarchive.extract import ExtractionError, article_from_page
from newsarchive.sites import Site
from newsarchive.store.archive import is_known_url, recently_rejected
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
        self._started = time.monotonic()
        self._children = 0  # child sitemaps followed this crawl

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
        return self.site.is_article_url(self.archive_url(url))

    # Requests -------------------------------------------------------------------------

    def request(self, url: str, callback, **kwargs) -> scrapy.Request:
        """A request whose failure is one clear log line, not a traceback."""
        return scrapy.Request(url, callback=callback, errback=self.download_failed, **kwargs)

    def download_failed(self, failure):
        """A failed download, in the crawl's vocabulary (newsarchive.crawl.failures): an HTTP error
        on a listing page past the last or a guessed feed path is information; on an article page,
        no answer, no connection or a broken response is the site's failure; 429 and 503 are left
        for the next run; what newsarchive refused was noted where it was refused."""
        found = reason_of(failure)
        if found is None:
            return
        reason, detail = found
        request = failure.request
        if failure.check(HttpError):
            self.crawler.stats.inc_value(f"newsarchive/http_status/{failure.value.response.status}")
            if reason == "http_error" and not request.meta.get("archive_url"):
                logger.info("%s: %s for %s", self.name, detail, request.url)
                return
        failure_log(self.crawler).note(reason, request.meta.get("archive_url") or request.url, detail)

    def limits(self, url: str, **names: str) -> dict:
        """Keyword arguments of a discovery function: each limit in `names` (argument → setting)
        and on_limit, which notes a hit for `url`."""
        found = {argument: limit_setting(self.settings, setting) for argument, setting in names.items()}
        found["on_limit"] = lambda reason, detail: failure_log(self.crawler).note(reason, url, detail)
        return found

    def discovering(self) -> bool:
        """False once the site has what --max-articles asked for, --max-minutes ran out or its
        discovery found NEWSARCHIVE_MAX_DISCOVERED article URLs this crawl (the rest waits for the
        next one): the rest of a sitemap or feed is not turned into requests."""
        stats = self.crawler.stats
        enough = self.settings.getint("NEWSARCHIVE_MAX_ARTICLES")
        if enough and stats.get_value("newsarchive/stored", 0) >= enough:
            return False
        seconds = self.settings.getfloat("CLOSESPIDER_TIMEOUT")
        if seconds and time.monotonic() - self._started >= seconds:
            return False
        budget = limit_setting(self.settings, "NEWSARCHIVE_MAX_DISCOVERED")
        if stats.get_value("newsarchive/discovered", 0) >= budget:
            failure_log(self.crawler).note("too_many_entries", self.site.base_url,
                                           f"more than {budget} article URLs discovered: the rest waits for the next crawl")
            return False
        return True

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

    def conditional_request(self, url: str, callback, parent=None) -> scrapy.Request:
        """A feed or (child) sitemap request sent with the validators of its last full read
        (newsarchive.crawl.middlewares.ConditionalRequests); a 304 ends it there. The site entry's own
        sitemaps are not asked conditionally: an unchanged index may list changed children. A
        child sitemap is one level deeper than its `parent` (the index's response)."""
        depth = {"sitemap_depth": parent.meta.get("sitemap_depth", 1) + 1} if parent is not None else {}
        return self.request(url, callback=callback,
                              meta={"conditional": True, "validator_url": self.archive_url(url), **depth})

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
        limits = self.limits(response.url, max_items="NEWSARCHIVE_MAX_FEED_ITEMS")
        for link, date in discovery.feed_entries(response.body, response.url, **limits):
            if not self.discovering():
                return
            if self.is_article(self.fetch_url(link), "feed"):
                yield self.article_request(link, refresh=self.changed_since_archived(link, date))

    def parse_sitemap(self, response):
        if not self.discovering():
            return
        max_age = self.settings.getint("NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS")
        limits = self.limits(response.url, max_entries="NEWSARCHIVE_MAX_SITEMAP_ENTRIES",
                             max_children="NEWSARCHIVE_MAX_SITEMAP_CHILDREN")
        sitemaps, pages = discovery.sitemap_entries(response.body, response.url, **limits)
        recent = [(loc, lastmod) for loc, lastmod in sitemaps if discovery.is_recent(lastmod, max_age)]
        for loc, _ in self.bounded_children(response, recent, limits["on_limit"]):  # an index's children
            yield self.conditional_request(self.fetch_url(loc), self.parse_sitemap, response)
        for loc, lastmod in pages:
            if not self.discovering():
                return
            if discovery.is_recent(lastmod, max_age) and self.is_article(self.fetch_url(loc), "sitemap"):
                yield self.article_request(loc, refresh=self.changed_since_archived(loc, lastmod))

    def bounded_children(self, response, sitemaps, on_limit):
        """The (recent) children of a sitemap index the crawl may follow: none of an index at
        NEWSARCHIVE_MAX_SITEMAP_DEPTH (the site entry's own sitemap is level 1), and no more than
        NEWSARCHIVE_MAX_SITEMAP_CHILDREN in the whole crawl of the site."""
        depth = response.meta.get("sitemap_depth", 1)
        if sitemaps and depth >= limit_setting(self.settings, "NEWSARCHIVE_MAX_SITEMAP_DEPTH"):
            on_limit("too_deep", f"a sitemap index at level {depth}: its {len(sitemaps)} children not read")
            return
        most = limit_setting(self.settings, "NEWSARCHIVE_MAX_SITEMAP_CHILDREN")
        for child in sitemaps:
            if not self.discovering():
                return
            if self._children >= most:
                on_limit("too_many_entries", f"more than {most} child sitemaps this crawl")
                return
            self._children += 1
            yield child

    def changed_since_archived(self, url: str, date: datetime | None, now: datetime | None = None) -> bool:
        """Is `url` archived, and does its feed or sitemap date say it changed after we last stored
        it (later than its last_seen, fetched_at and modified_at)? Dates in the future are not
        believed yet: a feed with a wrong offset would otherwise refresh its items on every run."""
        if date is None:
            return False
        if date.tzinfo is None:
            date = date.replace(tzinfo=timezone.utc)
        try:
            if date > (now or clock.now()):
                return False
        except (OverflowError, ValueError):  # a date at the calendar's edge is no news
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
        articles = []
        limits = self.limits(response.url, max_links="NEWSARCHIVE_MAX_PAGE_LINKS", max_bytes="NEWSARCHIVE_MAX_PAGE_BYTES")
        for link in discovery.page_links(response.body, response.url, **limits):
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
            failure_log(self.crawler).note(error.reason, url, str(error))

    def _count_selector_misses(self, response):
        if not isinstance(response, TextResponse):  # an image or other bytes where a page was linked
            return
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
