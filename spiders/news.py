"""The one news spider: discovery through feeds, sitemaps and listings, driven by a site entry.

Every spider accepts `-a base_url=http://127.0.0.1:PORT` to crawl a mirror that serves
the same paths: pages are fetched from the mirror, archived under the real site's URLs, and
`-a since=YYYY-MM-DD` to reach back to a date (a backfill: newsarchive.crawl.backfill).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.spidermiddlewares.httperror import HttpError

from newsarchive import clock, defaults
from newsarchive.crawl import backfill, discovery
from newsarchive.crawl.archive import archive
from newsarchive.extract import ExtractionError, article_from_page
from newsarchive.extract.dates import date_from_url
from newsarchive.model import Article
from newsarchive.sites import Site
from newsarchive.store.archive import is_known_url, recently_rejected, record_failure
from newsarchive.urls import canonicalize_url, looks_like_article

logger = logging.getLogger(__name__)


class NewsSpider(scrapy.Spider):
    """Base spider; subclasses set `site` (a newsarchive.sites.Site)."""

    site: Site

    def __init__(self, *args, base_url: str | None = None, max_pages: str | None = None,
                 since: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.site.base_url).rstrip("/")
        self.max_pages = int(max_pages) if max_pages else None
        self.allowed_domains = [urlsplit(self.base_url).hostname or self.site.domain]
        self._walk_may_stop: bool | None = None
        self._discovered: set[str] = set()
        self.since = backfill.parse_since(since)  # ValueError for a malformed date
        self.window: backfill.Window | None = None  # set by open_window() when the crawl starts
        self._walks: list[backfill.Walk] = []
        self._waiting: dict[str, list[tuple[backfill.Walk, backfill.Page]]] = {}
        self._finished: dict[str, datetime | None] = {}
        self._generic: set[str] = set()  # links taken by the generic check
        self._shapes: set[str] = set()  # their URL shapes (discovery.url_shape)
        self._passed: dict[str, list[str]] = {}  # article-like links the patterns missed, by shape
        self._day_walk_started = False

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
        own = {canonicalize_url(self.site.url(path)) for path in self.site.discovery.feeds}
        for feed in discovery.alternate_feeds(response.body, response.url):
            fetch = self.fetch_url(feed)
            if urlsplit(fetch).hostname != urlsplit(self.base_url).hostname or "comment" in fetch.lower():
                continue
            if canonicalize_url(self.archive_url(fetch)) not in own:
                own.add(canonicalize_url(self.archive_url(fetch)))
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

    # Backfill: reaching back to a date (newsarchive.crawl.backfill) ----------------------

    @property
    def backfill_key(self) -> str:
        """The site's name in backfills: its host (with the port, for an unknown site on a mirror)."""
        return urlsplit(self.site.base_url).netloc.lower().removeprefix("www.")

    def first_crawl_days(self) -> int:
        """The first-crawl window: the entry's, unless -s NEWSARCHIVE_FIRST_CRAWL_DAYS overrides it."""
        setting = self.settings.getint("NEWSARCHIVE_FIRST_CRAWL_DAYS")
        given = (self.settings.getpriority("NEWSARCHIVE_FIRST_CRAWL_DAYS") or 0) > SETTINGS_PRIORITIES["project"]
        own = self.site.discovery.first_crawl_days
        return setting if given or own is None else own

    def open_window(self) -> backfill.Window | None:
        """Decide how far back this crawl reaches, and record an unfinished backfill."""
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            self.crawler.signals.connect(self.item_finished, signal=signal)
        db = archive(self.crawler)
        self.window = backfill.window_for(db, self.backfill_key, self.site.domain, since=self.since,
                                          first_crawl_days=self.first_crawl_days())
        if self.window:
            backfill.begin_backfill(db, self.backfill_key, self.window)
            self.crawler.stats.set_value("newsarchive/window", self.window.day)
            logger.info("%s: reaching back to %s (%s)", self.name, self.window.day, self.window.reason)
        return self.window

    def closed(self, reason: str) -> None:
        """A backfill ends when a crawl of the site finishes; otherwise the next crawl carries on."""
        if self.window and reason == "finished":
            backfill.finish_backfill(archive(self.crawler), self.backfill_key)

    def walk_caps(self) -> tuple[int, int]:
        """(pages a backfill walks per listing at most, pages taken in full as the daily crawl takes them)."""
        cap = self.max_pages or self.settings.getint("NEWSARCHIVE_BACKFILL_MAX_PAGES") or defaults.BACKFILL_MAX_PAGES
        daily = self.max_pages or self.site.discovery.max_pages or self.settings.getint("NEWSARCHIVE_LISTING_MAX_PAGES")
        return cap, min(daily, cap)

    def walk_request(self, url: str, walk: backfill.Walk, number: int, **kwargs) -> scrapy.Request:
        walk.visited.add(url)
        return self.request(url, callback=self.parse_walk_page, errback=self.walk_page_failed,
                            cb_kwargs={"walk": walk, "number": number, **kwargs})

    def start_walks(self, listings: list[str]) -> list[scrapy.Request]:
        """The first requests of a backfill's walks of these listings (every walk is known before
        any can end: the day archive waits for all), or of its day archive when there are none."""
        requests = [request for url in listings for request in self.start_listing_walk(url)]
        return requests if listings else list(self.start_day_walk())

    def start_listing_walk(self, url: str, response=None):
        """Requests that walk the listing at `url` back to the window's start: from its first page,
        or, when an earlier walk stopped on the way, from where it stopped (with the first pages
        read again for what is new, as the daily crawl reads them). `response`: the first page,
        when it is at hand already."""
        db = archive(self.crawler)
        key = self.archive_url(url)
        row = backfill.load_walk(db, self.backfill_key, key)
        point = backfill.resume_point(row, self.window)
        cap, daily = self.walk_caps()
        if point is None and backfill.walk_covered(row, self.window):  # walked back this far before
            if response is not None:
                yield from self.parse_listing(response, 1, key)
            else:
                yield self.request(url, callback=self.parse_listing, cb_kwargs={"page": 1, "listing": key})
            return
        walk = backfill.Walk(key, "listing", self.window, cap=cap, head=daily)
        self._walks.append(walk)
        first = walk
        if point is not None:
            next_url, walked = point
            walk.first = walked + 1
            first = backfill.Walk(key, "head", self.window, cap=walked, head=walked)
            self._walks.append(first)
            logger.info("%s: carrying on the walk of %s at page %d", self.name, key, walk.first)
            yield self.walk_request(self.fetch_url(next_url), walk, walk.first)
        if response is not None:
            first.visited.add(url)
            yield from self.parse_walk_page(response, first, 1)
        else:
            yield self.walk_request(url, first, 1)

    def parse_walk_page(self, response, walk: backfill.Walk, number: int, day: str | None = None):
        self.crawler.stats.inc_value("newsarchive/listing_pages")
        page = walk.add(number, response.url)
        page.day = day
        links = discovery.page_links(response.body, response.url)
        articles = self.listing_articles(links)
        page.articles = articles
        chosen = set(articles)
        raw = [link for link in links if self.fetch_url(link) in chosen]
        listed = {self.fetch_url(link): when for link, when in discovery.listing_dates(
            response.body, response.url, raw, http_encoding=_header_charset(response)).items()}
        db = archive(self.crawler)
        requests = []
        for url in articles:
            when = listed.get(url) or date_from_url(self.archive_url(url))
            known = is_known_url(db, self.archive_url(url))
            if when is None and known:
                when = self.archived_date(url)
            if when is None and day:
                when = datetime.fromisoformat(day).replace(tzinfo=clock.LOCAL)
            self.walk_saw(walk, when)
            if when is not None:
                page.dates.append(when)
            if (walk.kind == "listing" and number > walk.head and when is not None and when < walk.window.since):
                self.crawler.stats.inc_value("newsarchive/older_than_window")
                continue  # listed before the window: not asked for
            if known:
                requests.append(self.article_request(url))  # skipped before download, counted
                continue
            request = self.await_article(walk, page, url, dated=when is not None)
            if request is not None:
                requests.append(request)
        page.next_url = self.walk_next_url(response, walk, page) if articles else None
        yield from requests
        yield from self.advance_walk(walk, page)

    def archived_date(self, url: str) -> datetime | None:
        row = archive(self.crawler).execute(
            """SELECT a.published_utc FROM article_urls u JOIN articles a ON a.id = u.article_id
               WHERE u.url = ?""", [canonicalize_url(self.archive_url(url))]).fetchone()
        return clock.parse_iso(row[0]) if row and row[0] else None

    def walk_saw(self, walk: backfill.Walk, when: datetime | None) -> None:
        if when is not None:
            walk.see(when)
            self.crawler.stats.min_value("newsarchive/reached", backfill.day_of(when).isoformat())

    def await_article(self, walk: backfill.Walk, page: backfill.Page, url: str, dated: bool) -> scrapy.Request | None:
        """Count the article `url` as pending on `page` until it is stored, skipped or failed; its
        request, unless this crawl has asked for it already."""
        if url in self._finished:
            when = self._finished[url]
            if not dated and when is not None:
                page.dates.append(when)
                self.walk_saw(walk, when)
            return None
        page.pending.add(url)
        if not dated:
            page.undated.add(url)
        self._waiting.setdefault(url, []).append((walk, page))
        return None if url in self._discovered else self.article_request(url)

    def walk_next_url(self, response, walk: backfill.Walk, page: backfill.Page) -> str | None:
        """Where the walk would go after `page` (the entry's pagination pattern, else whatever
        pagination the page shows); None at the cap or when it leads back to a page walked."""
        if walk.kind == "days":
            link = discovery.next_page(response.body, response.url)
            day_url = self.site.url(discovery.day_archive_url(self.day_pattern(), datetime.fromisoformat(page.day).date()),
                                    self.base_url)
            link = self.fetch_url(link) if link else None
            return link if link and link.startswith(day_url) and link not in walk.visited else None
        if page.number >= walk.cap:
            if walk.kind == "listing":
                walk.capped = True
                logger.warning("%s: the walk of %s stopped at its cap of %d pages", self.name, walk.key, walk.cap)
            return None
        pattern = self.site.discovery.pagination
        if pattern:
            link = self.site.url(pattern.format(n=page.number + 1), self.base_url)
        else:
            found = discovery.next_page(response.body, response.url)
            link = self.fetch_url(found) if found else None
        return None if link is None or link in walk.visited else link

    def walk_goes_on(self, walk: backfill.Walk, page: backfill.Page) -> bool:
        """Go past a listing page? While its items are not older than the window's start, and
        within the pages the daily crawl walks as the daily crawl would; a resumed walk's first
        pages (`head`) only until a page is all archived."""
        if not page.next_url or not page.articles:
            return False
        if walk.kind == "head":  # up to the page a resumed walk carries on from (walk_next_url)
            return not self._all_archived(page.articles)
        if backfill.goes_on(page.dates, walk.window.since):
            return True
        walk.reached = True
        return page.number < walk.head and not (self.walk_may_stop() and self._all_archived(page.articles))

    def advance_walk(self, walk: backfill.Walk, page: backfill.Page):
        """Take the walk's next step once the page's undated articles have told their dates, and save
        its position past every page that is complete."""
        if not page.decided and not page.undated:
            page.decided = True
            if walk.kind == "days":
                yield from self.next_day_step(walk, page)
            elif walk.kind == "sitemap":
                page.last = True
            elif self.walk_goes_on(walk, page):
                yield self.walk_request(page.next_url, walk, page.number + 1)
            else:
                page.last = True
        for done in walk.complete_pages():
            if walk.kind != "head":
                backfill.save_walk(archive(self.crawler), self.backfill_key, walk.key, since=walk.window.day,
                                   next_url=self.archive_url(done.next_url) if done.next_url else None,
                                   pages=done.number, done=done.last,
                                   oldest=walk.oldest.isoformat() if walk.oldest else None)
            if done.last:
                yield from self.walk_ended(walk)

    def walk_page_failed(self, failure):
        """A walk page that failed ends a listing walk there; a day archive skips the day (and is
        given up after DAY_ARCHIVE_MISSES days in a row)."""
        self.download_failed(failure)
        kwargs = failure.request.cb_kwargs
        walk, number = kwargs["walk"], kwargs["number"]
        page = walk.add(number, failure.request.url)
        page.day = kwargs.get("day")
        page.decided = True
        if walk.kind == "days":
            walk.misses += 1
            if walk.worked or walk.misses < defaults.DAY_ARCHIVE_MISSES:  # a day without news may fail
                follow = list(self.next_day_step(walk, page, failed=True))
                return follow + list(self.advance_walk(walk, page))
            logger.info("%s: no day archive at %s (%d days in a row failed)", self.name, failure.request.url,
                        walk.misses)
        page.last = True
        return list(self.advance_walk(walk, page))

    def walk_ended(self, walk: backfill.Walk):
        walk.ended = True
        if walk.kind != "listing":
            return
        logger.info("%s: walk of %s ended%s", self.name, walk.key,
                    f", back to {backfill.day_of(walk.oldest)}" if walk.oldest else "")
        listings = [w for w in self._walks if w.kind == "listing"]
        if all(w.ended for w in listings) and not any(w.reached or getattr(w, "capped", False) for w in listings):
            yield from self.start_day_walk()

    # The day archive ------------------------------------------------------------------------

    def day_pattern(self) -> str | None:
        return self.site.discovery.date_archive

    def start_day_walk(self):
        """Walk the site's day archive back to the window's start when its listings ended before
        it (no more pages, or none): from the oldest day the listings reached, else today."""
        pattern = self.day_pattern()
        if not pattern or self._day_walk_started or not self.window:
            return
        self._day_walk_started = True
        key = "day archive " + pattern
        cap, _ = self.walk_caps()
        walk = backfill.Walk(key, "days", self.window, cap=10 ** 6)
        self._walks.append(walk)
        row = backfill.load_walk(archive(self.crawler), self.backfill_key, key)
        if backfill.walk_covered(row, self.window):
            return
        oldest = [w.oldest for w in self._walks if w.kind == "listing" and w.oldest]
        day = backfill.day_of(min(oldest)) if oldest else backfill.day_of(clock.now())
        url = self.site.url(discovery.day_archive_url(pattern, day), self.base_url)
        point = backfill.resume_point(row, self.window)
        resumed = discovery.day_of_archive_url(pattern, point[0]) if point else None
        if resumed and resumed <= day:  # carry on where an earlier walk of the days stopped
            day, url, walk.first = resumed, self.fetch_url(point[0]), point[1] + 1
        if day < self.window.since.date():
            return
        logger.info("%s: walking the day archive back from %s to %s", self.name, day, self.window.day)
        yield self.walk_request(url, walk, walk.first, day=day.isoformat())

    def next_day_step(self, walk: backfill.Walk, page: backfill.Page, failed: bool = False):
        """After a day page: its next page, else the day before (down to the window's start)."""
        if not failed:
            walk.worked = walk.worked or bool(page.articles)
            if page.next_url:
                yield self.walk_request(page.next_url, walk, page.number + 1, day=page.day)
                return
        day = datetime.fromisoformat(page.day).date() - timedelta(days=1)
        if day < self.window.since.date():
            walk.reached = True
            page.last = True
            return
        page.next_url = self.site.url(discovery.day_archive_url(self.day_pattern(), day), self.base_url)
        yield self.walk_request(page.next_url, walk, page.number + 1, day=day.isoformat())

    # Sitemaps in a backfill -----------------------------------------------------------------

    def sitemap_cutoff(self) -> datetime:
        """Entries older than this are not read: the window's start, or the daily crawl's
        NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS when that reaches further."""
        daily = clock.now() - timedelta(days=self.settings.getint("NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS"))
        return min(self.window.since, daily)

    def parse_sitemap_since(self, response, body: bytes):
        """A sitemap in a backfill: an index's children dated since the cutoff (newest first, at
        most NEWSARCHIVE_SITEMAP_MAX_FILES), asked in full, not conditionally; a URL set is one walk
        of one page, not read again by a resumed backfill once all its articles were taken."""
        cutoff = self.sitemap_cutoff()
        db = archive(self.crawler)
        children, entries = discovery.sitemap_entries(body, response.url)
        limit = self.settings.getint("NEWSARCHIVE_SITEMAP_MAX_FILES")
        for loc in discovery.choose_sitemaps(children, cutoff, limit):
            fetch = self.fetch_url(loc)
            if backfill.walk_covered(backfill.load_walk(db, self.backfill_key, self.archive_url(fetch)), self.window):
                continue
            yield self.request(fetch, callback=self.parse_sitemap)
        if not entries:
            return
        walk = backfill.Walk(self.archive_url(response.url), "sitemap", self.window, cap=1)
        self._walks.append(walk)
        page = walk.add(1, response.url)
        page.articles = []
        for loc, lastmod in entries:
            fetch = self.fetch_url(loc)
            when = lastmod or date_from_url(self.archive_url(fetch))
            if (when is not None and when < cutoff) or not self.is_article(fetch, "sitemap"):
                continue
            self.walk_saw(walk, when)
            page.articles.append(fetch)
            if is_known_url(db, self.archive_url(fetch)):
                yield self.article_request(fetch, refresh=self.changed_since_archived(fetch, lastmod))
                continue
            request = self.await_article(walk, page, fetch, dated=True)
            if request is not None:
                yield request
        yield from self.advance_walk(walk, page)

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

    # An article is finished when the archive has it (stored, or rejected and recorded) or its
    # download failed: only then may a walk's saved position move past the page that listed it.

    def parse_listed_article(self, response):
        """parse_article; an article page that gave no item (recorded as a failure) is finished
        now, one that gave an item when the pipeline is done with it (item_finished)."""
        gave = False
        for item in self.parse_article(response):
            gave = gave or isinstance(item, Article)
            yield item
        if not gave:
            self.article_finished(response.meta.get("fetch_url") or response.url, None)

    def listed_article_failed(self, failure):
        self.download_failed(failure)
        self.article_finished(failure.request.meta.get("fetch_url") or failure.request.url, None)

    def item_finished(self, item, response=None, **kwargs):
        """item_scraped, item_dropped, item_error: the pipeline is done with an article."""
        if isinstance(item, Article) and response is not None and getattr(response, "meta", None):
            fetch = response.meta.get("fetch_url")
            if fetch:
                self.article_finished(fetch, clock.parse_iso(item.published_at))

    def article_finished(self, url: str, when: datetime | None) -> None:
        """Tell the walk pages waiting for `url` its date, and take the steps that unblocks."""
        self._finished[url] = when
        for walk, page in self._waiting.pop(url, []):
            page.pending.discard(url)
            if url in page.undated:
                page.undated.discard(url)
                if when is not None:
                    page.dates.append(when)
                    self.walk_saw(walk, when)
            for request in self.advance_walk(walk, page):
                try:
                    self.crawler.engine.crawl(request)
                except (RuntimeError, AttributeError):  # the crawl is closing: the walk goes on next time
                    logger.info("%s: not walking on to %s: the crawl is closing", self.name, request.url)

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
