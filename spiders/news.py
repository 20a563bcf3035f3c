"""The one news spider: discovery through feeds, sitemaps and listings, driven by a site entry.

Every spider accepts `-a base_url=http://127.0.0.1:PORT` to crawl a mirror that serves
the same paths: pages are fetched from the mirror, archived under the real site's URLs, and
`-a since=YYYY-MM-DD` to reach back to a date (a backfill: newsarchive.crawl.backfill, .walks).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError

from newsarchive import clock, defaults
from newsarchive.crawl import discovery
from newsarchive.crawl.archive import archive
from newsarchive.crawl.walks import BackfillWalks
from newsarchive.extract import ExtractionError, article_from_page
from newsarchive.sites import Site
from newsarchive.store.archive import is_known_url, recently_rejected, record_failure
from newsarchive.urls import canonicalize_url, looks_like_article

logger = logging.getLogger(__name__)


class NewsSpider(BackfillWalks, scrapy.Spider):
    """Base spider; subclasses set `site` (a newsarchive.sites.Site). Its backfill (walks back to a
    date) is in newsarchive.crawl.walks.BackfillWalks."""

    site: Site

    def __init__(self, *args, base_url: str | None = None, max_pages: str | None = None,
                 since: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.site.base_url).rstrip("/")
        self.max_pages = int(max_pages) if max_pages else None
        self.allowed_domains = [urlsplit(self.base_url).hostname or self.site.domain]
        self._walk_may_stop: bool | None = None
        self._discovered: set[str] = set()
        self._generic: set[str] = set()  # links taken by the generic check
        self._shapes: set[str] = set()  # their URL shapes (discovery.url_shape)
        self._passed: dict[str, list[str]] = {}  # article-like links the patterns missed, by shape
        self._feeds = {canonicalize_url(self.site.url(path)) for path in self.site.discovery.feeds}
        self.init_backfill(since)  # ValueError for a malformed date

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

    def request(self, url: str, callback, errback=None, **kwargs) -> scrapy.Request:
        """A request whose failure is one clear log line, not a traceback."""
        return scrapy.Request(url, callback=callback, errback=errback or self.download_failed, **kwargs)

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
        self.open_window()
        found = self.site.discovery
        for path in found.feeds:
            yield self.conditional_request(self.site.url(path, self.base_url), self.parse_feed)
        yield self.front_page_request()
        for path in found.sitemaps:  # read in full: an index's 304 would hide its changed children
            yield self.request(self.site.url(path, self.base_url), callback=self.parse_sitemap)
        if self.window:
            for request in self.start_walks([self.site.url(path, self.base_url) for path in found.listings]):
                yield request
            return
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
        meta = {"archive_url": self.archive_url(fetch), "fetch_url": fetch, **meta}
        if meta.get("refresh"):  # past the duplicate filter too: a listing may name it without refresh
            self.crawler.stats.inc_value("newsarchive/refresh")
            return self.request(fetch, callback=self.parse_listed_article, errback=self.listed_article_failed,
                                dont_filter=True, meta=meta)
        return self.request(fetch, callback=self.parse_listed_article, errback=self.listed_article_failed,
                            meta=meta)

    def parse_feed(self, response):
        entries = discovery.feed_entries(response.body, response.url)
        dates = {self.fetch_url(link): date for link, date in entries}
        for fetch in self.listing_articles([link for link, _ in entries], "feed"):
            yield self.article_request(fetch, refresh=self.changed_since_archived(fetch, dates.get(fetch)))

    def parse_sitemap(self, response):
        body = self.sitemap_body(response)
        if body is None:
            return
        if self.window:
            yield from self.parse_sitemap_since(response, body)
            return
        max_age = self.settings.getint("NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS")
        sitemaps, pages = discovery.sitemap_entries(body, response.url)
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
        self.crawler.stats.inc_value("newsarchive/listing_pages")
        if self.site.light and page == 1:  # a light entry's front page may be a listing (/ru/)
            yield from self.parse_front_feeds(response)
        articles = self.listing_articles(discovery.page_links(response.body, response.url))
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
        link = discovery.next_page(response.body, response.url)
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

    # Changed templates: the generic check, feeds the front page advertises, compressed sitemaps --

    def listing_articles(self, links: list[str], source: str = "listing") -> list[str]:
        """The article links (fetch URLs, once each, in page order) of a listing page or feed: those
        the entry's article patterns match. When they match none while at least
        SCHEME_CHANGE_MIN_LINKS links look like articles of the site (newsarchive.urls.looks_like_article),
        the site has most likely moved its articles to another URL shape: those links are taken
        instead, and their shapes learnt, so that on a page where the old and the new shape meet the
        new one is taken too (and links of a shape learnt later that such a page passed over are
        added then). Counted in newsarchive/generic_links (site_runs.generic_links; `health` flags it)."""
        articles, generic = [], []
        for link in links:
            fetch = self.fetch_url(link)
            if fetch in articles or fetch in generic:
                continue
            if self.is_article(fetch, source):
                articles.append(fetch)
            elif self.site.discovery.generic_fallback and looks_like_article(self.archive_url(fetch), self.site.domain):
                generic.append(fetch)
        earlier = []
        if not articles and len(generic) >= defaults.SCHEME_CHANGE_MIN_LINKS:
            shapes = {discovery.url_shape(self.archive_url(url)) for url in generic} - self._shapes
            self._shapes.update(shapes)
            for shape in shapes:  # links of that shape passed over on pages where both shapes met
                earlier += [url for url in self._passed.pop(shape, []) if url not in generic]
            logger.warning("%s: none of the %d article-like links of a %s page matches the entry's article "
                           "patterns; taken by the generic check (URL scheme changed?)", self.name, len(generic), source)
        else:  # a page where old and new shapes meet: the new one as learnt on the pages that had only it
            for url in generic:
                shape = discovery.url_shape(self.archive_url(url))
                if shape not in self._shapes and url not in self._passed.setdefault(shape, []):
                    self._passed[shape].append(url)
            generic = [url for url in generic if discovery.url_shape(self.archive_url(url)) in self._shapes]
        fresh = [url for url in generic + earlier if url not in self._generic]
        if fresh:
            self._generic.update(fresh)
            self.crawler.stats.inc_value("newsarchive/generic_links", len(fresh))
        if not generic:
            return articles
        chosen = set(articles) | set(generic)
        return [url for url in dict.fromkeys(self.fetch_url(link) for link in links) if url in chosen] + earlier

    def front_page_request(self) -> scrapy.Request:
        """The front page, for the feeds it advertises (<link rel="alternate">) besides the entry's
        own: a site that moves its feed keeps being read. Not filtered as a duplicate: a listing
        may be the front page too."""
        return self.request(self.site.url("/", self.base_url), callback=self.parse_front_feeds, dont_filter=True)

    def parse_front_feeds(self, response):
        for feed in discovery.alternate_feeds(response.body, response.url):
            fetch = self.fetch_url(feed)
            if urlsplit(fetch).hostname != urlsplit(self.base_url).hostname or "comment" in fetch.lower():
                continue
            if canonicalize_url(self.archive_url(fetch)) not in self._feeds:
                self._feeds.add(canonicalize_url(self.archive_url(fetch)))
                self.crawler.stats.inc_value("newsarchive/advertised_feeds")
                yield self.conditional_request(fetch, self.parse_feed)

    def sitemap_body(self, response) -> bytes | None:
        """The XML of a sitemap response, gunzipped when it is a .xml.gz file, at most
        NEWSARCHIVE_SITEMAP_MAX_BYTES once decompressed; None (and a warning) past that."""
        try:
            return discovery.sitemap_body(response.body, self.settings.getint("NEWSARCHIVE_SITEMAP_MAX_BYTES"))
        except discovery.SitemapTooLarge as error:
            self.crawler.stats.inc_value("newsarchive/sitemap_too_large")
            logger.warning("%s: sitemap %s skipped: %s", self.name, response.url, error)
            return None

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

    def response_encoding(self, response) -> str | None:
        """The charset of a response's Content-Type header."""
        return _header_charset(response)

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
