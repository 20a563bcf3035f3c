"""The spider's side of a backfill (newsarchive.crawl.backfill): walks of listings, of a day archive
and of sitemaps back to a window's start, whose positions are saved in the archive.

`BackfillWalks` is a mixin of the news spider (spiders/news.py, installed as newsarchive.spiders.news):
it uses the spider's requests (`request`, `article_request`, `walk_may_stop`, …) and adds the walks.
A walk page asks for its articles; the walk's next step waits for the articles whose date the page
did not show, and its saved position moves past a page when every article the page asked for is
finished: stored or rejected (Scrapy's item_scraped, item_dropped: after the pipeline, which runs
behind the spider's callbacks) or failed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.settings import SETTINGS_PRIORITIES

from newsarchive import clock, defaults
from newsarchive.crawl import backfill, discovery
from newsarchive.crawl.archive import archive
from newsarchive.extract.dates import date_from_url
from newsarchive.model import Article
from newsarchive.store.archive import is_known_url
from newsarchive.urls import canonicalize_url

logger = logging.getLogger(__name__)


class BackfillWalks:
    """Backfill walks for NewsSpider: set up by init_backfill(since) and open_window()."""

    def init_backfill(self, since: str | None) -> None:
        self.since = backfill.parse_since(since)  # ValueError for a malformed date
        self.window: backfill.Window | None = None  # set by open_window() when the crawl starts
        self._walks: list[backfill.Walk] = []
        self._waiting: dict[str, list[tuple[backfill.Walk, backfill.Page]]] = {}
        self._finished: dict[str, datetime | None] = {}
        self._day_walk_started = False

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
        """A backfill ends when a crawl of the site finishes having discovered all it found;
        otherwise the next crawl carries on."""
        if self.window and reason == "finished" and not self.discovery_cut:
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
        if not self.discovering():
            return  # the walk goes on from here in the next crawl
        self.crawler.stats.inc_value("newsarchive/listing_pages")
        if self.site.light and number == 1:  # a light entry's front page may be a listing (/ru/)
            yield from self.parse_front_feeds(response)
        page = walk.add(number, response.url)
        page.day = day
        links = discovery.page_links(response.body, response.url, **self.page_limits(response.url))
        articles = self.listing_articles(links)
        page.articles = articles
        chosen = set(articles)
        raw = [link for link in links if self.fetch_url(link) in chosen]
        listed = {self.fetch_url(link): when for link, when in discovery.listing_dates(
            response.body, response.url, raw, http_encoding=self.response_encoding(response)).items()}
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
                walk.capped = True  # --max-pages says so; NEWSARCHIVE_BACKFILL_MAX_PAGES is worth a warning
                logger.log(logging.INFO if self.max_pages else logging.WARNING,
                           "%s: the walk of %s stopped at its cap of %d pages", self.name, walk.key, walk.cap)
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
        limits = self.sitemap_limits(response.url)
        children, entries = discovery.sitemap_entries(body, response.url, **limits)
        limit = self.settings.getint("NEWSARCHIVE_SITEMAP_MAX_FILES")
        chosen = [(self.fetch_url(loc), None) for loc in discovery.choose_sitemaps(children, cutoff, limit)]
        chosen = [(fetch, None) for fetch, _ in chosen
                  if not backfill.walk_covered(backfill.load_walk(db, self.backfill_key, self.archive_url(fetch)), self.window)]
        for fetch, _ in self.bounded_children(response, chosen, limits["on_limit"]):
            self.queue_sitemap(self.request(fetch, callback=self.parse_sitemap,
                                            meta={"sitemap_depth": response.meta.get("sitemap_depth", 1) + 1}))
        if not entries:
            return
        walk = backfill.Walk(self.archive_url(response.url), "sitemap", self.window, cap=1)
        self._walks.append(walk)
        page = walk.add(1, response.url)
        page.articles = []
        for loc, lastmod in entries:
            if not self.discovering():
                return  # the rest waits for the next crawl: this sitemap's place is not saved
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
