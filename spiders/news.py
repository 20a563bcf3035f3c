"""The one news spider: discovery through feeds, sitemaps and listings, driven by a site entry.

Every spider accepts `-a base_url=http://127.0.0.1:PORT` to crawl a mirror that serves
the same paths: pages are fetched from the mirror, archived under the real site's URLs, and
`-a since=YYYY-MM-DD` to reach back to a date (a backfill: newsarchive.crawl.backfill, .walks).
"""

from __future__ import annotations

import collections
import logging
import time
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy.http import TextResponse
from scrapy.spidermiddlewares.httperror import HttpError

from newsarchive import clock, defaults
from newsarchive.crawl import discovery
from newsarchive.crawl.archive import archive
from newsarchive.crawl.failures import failure_log, reason_of
from newsarchive.crawl.limits import limit_setting
from newsarchive.crawl.walks import BackfillWalks
from newsarchive.extract import ExtractionError, article_from_page
from newsarchive.sites import Site
from newsarchive.store.archive import is_known_url, recently_rejected
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
        self._started = time.monotonic()
        self._children = 0  # child sitemaps followed this crawl
        self._sitemaps: collections.deque[scrapy.Request] = collections.deque()  # child sitemaps still to read
        self._sitemap_urls: set[str] = set()  # sitemaps read or queued this crawl
        self.discovery_cut = False  # NEWSARCHIVE_MAX_DISCOVERED reached: the rest waits for the next crawl
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

    def page_limits(self, url: str) -> dict:
        """`limits` of an HTML page's links (page_links, alternate_feeds)."""
        return self.limits(url, max_links="NEWSARCHIVE_MAX_PAGE_LINKS", max_bytes="NEWSARCHIVE_MAX_PAGE_BYTES")

    def sitemap_limits(self, url: str) -> dict:
        """`limits` of a sitemap's entries (sitemap_entries)."""
        return self.limits(url, max_entries="NEWSARCHIVE_MAX_SITEMAP_ENTRIES",
                           max_children="NEWSARCHIVE_MAX_SITEMAP_CHILDREN")

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
            self.discovery_cut = True
            failure_log(self.crawler).note("too_many_entries", self.site.base_url,
                                           f"more than {budget} article URLs discovered: the rest waits for the next crawl")
            return False
        return True

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
        meta = {"archive_url": self.archive_url(fetch), "fetch_url": fetch, **meta}
        if meta.get("refresh"):  # past the duplicate filter too: a listing may name it without refresh
            self.crawler.stats.inc_value("newsarchive/refresh")
            return self.request(fetch, callback=self.parse_listed_article, errback=self.listed_article_failed,
                                dont_filter=True, meta=meta)
        return self.request(fetch, callback=self.parse_listed_article, errback=self.listed_article_failed,
                            meta=meta)

    def parse_feed(self, response):
        limits = self.limits(response.url, max_items="NEWSARCHIVE_MAX_FEED_ITEMS")
        entries = discovery.feed_entries(response.body, response.url, **limits)
        dates = {self.fetch_url(link): date for link, date in entries}
        for fetch in self.listing_articles([link for link, _ in entries], "feed"):
            if not self.discovering():
                return
            yield self.article_request(fetch, refresh=self.changed_since_archived(fetch, dates.get(fetch)))

    def parse_sitemap(self, response):
        yield from self.read_sitemap(response)
        yield from self.next_sitemap()

    def sitemap_failed(self, failure):
        """A child sitemap that could not be read (or had not changed): noted, and the next one asked."""
        self.download_failed(failure)
        yield from self.next_sitemap()

    def queue_sitemap(self, request: scrapy.Request) -> None:
        """A child sitemap to read after the ones queued before it. Child sitemaps are read one at
        a time, each when the articles found before it have been downloaded (a lower priority
        than theirs): a site of many sitemaps is not held in memory as one queue of every
        article it lists."""
        if request.url in self._sitemap_urls:  # listed twice, or an index listing itself
            return
        self._sitemap_urls.add(request.url)
        # Past the duplicate filter, which drops a request without a word: the chain would end there.
        self._sitemaps.append(request.replace(priority=request.priority - 1, errback=self.sitemap_failed,
                                              dont_filter=True))

    def next_sitemap(self):
        """The next child sitemap queued, while discovery goes on."""
        if self._sitemaps and self.discovering():
            yield self._sitemaps.popleft()

    def read_sitemap(self, response):
        self._sitemap_urls.add(response.request.url if response.request else response.url)
        if not self.discovering():
            return
        body = self.sitemap_body(response)
        if self.window:
            yield from self.parse_sitemap_since(response, body)
            return
        max_age = self.settings.getint("NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS")
        limits = self.sitemap_limits(response.url)
        sitemaps, pages = discovery.sitemap_entries(body, response.url, **limits)
        recent = [(loc, lastmod) for loc, lastmod in sitemaps if discovery.is_recent(lastmod, max_age)]
        for loc, _ in self.bounded_children(response, recent, limits["on_limit"]):  # an index's children
            self.queue_sitemap(self.conditional_request(self.fetch_url(loc), self.parse_sitemap, response))
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
        self.crawler.stats.inc_value("newsarchive/listing_pages")
        if self.site.light and page == 1:  # a light entry's front page may be a listing (/ru/)
            yield from self.parse_front_feeds(response)
        articles = self.listing_articles(discovery.page_links(response.body, response.url, **self.page_limits(response.url)))
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
        (and at most SCHEME_CHANGE_MAX_LINKS), the site has most likely moved its articles to another URL
        shape: those links are taken
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
        if not articles and defaults.SCHEME_CHANGE_MIN_LINKS <= len(generic) <= defaults.SCHEME_CHANGE_MAX_LINKS:
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
        for feed in discovery.alternate_feeds(response.body, response.url, **self.page_limits(response.url)):
            fetch = self.fetch_url(feed)
            if urlsplit(fetch).hostname != urlsplit(self.base_url).hostname or "comment" in fetch.lower():
                continue
            if canonicalize_url(self.archive_url(fetch)) not in self._feeds:
                self._feeds.add(canonicalize_url(self.archive_url(fetch)))
                self.crawler.stats.inc_value("newsarchive/advertised_feeds")
                yield self.conditional_request(fetch, self.parse_feed)

    def sitemap_body(self, response) -> bytes:
        """The XML of a sitemap response, gunzipped when it is a .xml.gz file: at most
        NEWSARCHIVE_MAX_RESPONSE_BYTES once decompressed, else nothing (noted as too_large)."""
        limit = limit_setting(self.settings, "NEWSARCHIVE_MAX_RESPONSE_BYTES")
        return discovery.sitemap_body(response.body, limit, self.limits(response.url)["on_limit"])

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

    def response_encoding(self, response) -> str | None:
        """The charset of a response's Content-Type header."""
        return _header_charset(response)

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
