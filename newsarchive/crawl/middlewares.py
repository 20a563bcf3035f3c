"""Downloader middlewares: skip archived articles, ask feeds and sitemaps only for what changed,
retry politely (Retry-After, exponential backoff), and refuse what a site must not make us do.

* `SkipArchivedArticles` drops requests for article pages the archive already holds.
* `ConditionalRequests` sends If-None-Match / If-Modified-Since with feed and sitemap requests
  and drops a 304; validators are saved only when the spider finished, so a crawl cut short
  (killed, --max-articles, --max-minutes) reads its feeds in full next time.
* `BackoffRetryMiddleware` replaces Scrapy's RetryMiddleware: it waits before every retry, as
  long as the response's Retry-After asks (giving up when that is longer than
  NEWSARCHIVE_RETRY_AFTER_MAX: the next run will try again), else base × 2ⁿ seconds.
* `GuardedRedirects` and `GuardedMetaRefresh` replace Scrapy's redirect middlewares: a redirect
  off the site, to a scheme other than http(s), back to an address already visited, or past
  NEWSARCHIVE_MAX_REDIRECTS is refused and noted (newsarchive.crawl.failures) instead of being
  dropped without a word.
* `RobotsTxt` replaces Scrapy's RobotsTxtMiddleware: a page robots.txt forbids is noted as
  refused, and a robots.txt that cannot be downloaded is one quiet line, not a traceback (the
  site's pages say whether it can be reached).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from scrapy import Request, signals
from scrapy.downloadermiddlewares.redirect import (
    MetaRefreshMiddleware,
    RedirectMiddleware,
)
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.misc import load_object
from scrapy.utils.response import response_status_message
from twisted.internet.defer import Deferred
from w3lib.url import safe_url_string

from newsarchive import clock, defaults
from newsarchive.crawl.archive import archive
from newsarchive.crawl.failures import Refused, failure_log
from newsarchive.crawl.limits import limit_setting
from newsarchive.store.archive import is_known_url, recently_rejected
from newsarchive.store.transaction import transaction

logger = logging.getLogger(__name__)


class SkipArchivedArticles:
    """Drops requests marked with meta["archive_url"] whose URL the archive already holds or
    rejected recently, unless meta["refresh"] asks for the page again (a feed or sitemap says it
    changed)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        url = request.meta.get("archive_url")
        if not url or request.meta.get("refresh"):
            return None
        db = archive(self.crawler)
        if is_known_url(db, url):
            self.crawler.stats.inc_value("newsarchive/skipped_known")
            raise IgnoreRequest(f"already archived: {url}")
        if recently_rejected(db, url):
            self.crawler.stats.inc_value("newsarchive/skipped_rejected")
            raise IgnoreRequest(f"rejected less than {defaults.RETRY_REJECTED_AFTER_DAYS} days ago: {url}")
        return None


# Conditional requests ---------------------------------------------------------------------

def load_validators(db, url: str) -> tuple[str | None, str | None] | None:
    row = db.execute("SELECT etag, last_modified FROM http_validators WHERE url = ?", [url]).fetchone()
    return tuple(row) if row else None


def save_validators(db, validators: dict[str, tuple[str | None, str | None]], now: str | None = None) -> None:
    """Store {url: (etag, last_modified)} in one transaction."""
    now = now or clock.now_iso()
    with transaction(db):
        for url, (etag, last_modified) in validators.items():
            db.execute(
                "INSERT OR REPLACE INTO http_validators (url, etag, last_modified, saved_at) VALUES (?, ?, ?, ?)",
                [url, etag, last_modified, now],
            )


class ConditionalRequests:
    """Requests with meta["conditional"] (feeds, sitemaps) carry the validators of their last
    200 response, keyed by meta["validator_url"] (the real site's URL) or the request URL."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.pending: dict[str, tuple[str | None, str | None]] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @staticmethod
    def _key(request) -> str:
        return request.meta.get("validator_url") or request.url

    def process_request(self, request):
        if not request.meta.get("conditional") or b"If-None-Match" in request.headers:
            return None
        found = load_validators(archive(self.crawler), self._key(request))
        if found:
            etag, last_modified = found
            if etag:
                request.headers[b"If-None-Match"] = etag
            if last_modified:
                request.headers[b"If-Modified-Since"] = last_modified
        return None

    def process_response(self, request, response):
        if not request.meta.get("conditional"):
            return response
        if response.status == 304:
            self.crawler.stats.inc_value("newsarchive/not_modified")
            raise IgnoreRequest(f"not modified since the last crawl: {request.url}")
        if response.status == 200:
            etag = response.headers.get(b"ETag")
            last_modified = response.headers.get(b"Last-Modified")
            if etag or last_modified:
                self.pending[self._key(request)] = (
                    etag.decode("latin-1") if etag else None,
                    last_modified.decode("latin-1") if last_modified else None,
                )
        return response

    def spider_closed(self, spider, reason):
        if reason == "finished" and self.pending:
            save_validators(archive(self.crawler), self.pending)


# Retries ----------------------------------------------------------------------------------

def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds asked by a Retry-After header (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or clock.now())).total_seconds())


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """base × 2^(attempt−1), at most cap: the wait before retry number `attempt` (1, 2, …)."""
    return min(cap, base * 2 ** max(0, attempt - 1))


def retry_delay(retry_after: bytes | str | None, attempt: int, *, base: float, cap: float,
                retry_after_max: float) -> float | None:
    """How long to wait before retry `attempt`; None when Retry-After asks for more than we wait."""
    asked = retry_after_seconds(retry_after)
    if asked is not None:
        return None if asked > retry_after_max else asked
    return backoff_seconds(attempt, base, cap)


class BackoffRetryMiddleware:
    """Retries (Scrapy's get_retry_request: RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS) with
    waits: Retry-After honoured, else exponential backoff (NEWSARCHIVE_RETRY_BACKOFF_BASE/_MAX)."""

    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        self.crawler = crawler
        self.retry_http_codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.exceptions_to_retry = tuple(load_object(e) if isinstance(e, str) else e
                                         for e in settings.getlist("RETRY_EXCEPTIONS"))
        self.base = settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("NEWSARCHIVE_RETRY_BACKOFF_MAX", 60.0)
        self.retry_after_max = settings.getfloat("NEWSARCHIVE_RETRY_AFTER_MAX", 300.0)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _retry(self, request, reason):
        return get_retry_request(request, spider=self.crawler.spider, reason=reason)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        attempt = request.meta.get("retry_times", 0) + 1
        delay = retry_delay(response.headers.get(b"Retry-After"), attempt, base=self.base, cap=self.cap,
                            retry_after_max=self.retry_after_max)
        if delay is None:
            self.crawler.stats.inc_value("newsarchive/retry_after_too_long")
            logger.info("giving up %s: Retry-After %s is longer than %ss; the next run will try again",
                           request.url, response.headers.get(b"Retry-After", b"").decode("latin-1"),
                           self.retry_after_max)
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(delay)
        return retry

    async def process_exception(self, request, exception):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is None:
            return None
        await self._wait(backoff_seconds(retry.meta.get("retry_times", 1), self.base, self.cap))
        return retry

    async def _wait(self, delay: float) -> None:
        if delay <= 0:
            return
        self.crawler.stats.inc_value("newsarchive/retry_waits")
        self.crawler.stats.inc_value("newsarchive/retry_wait_seconds", delay)
        await asyncio.sleep(delay)


# Redirects ---------------------------------------------------------------------------------

class _RedirectGuard:
    """What both redirect middlewares refuse before following a redirect (see the module)."""

    crawler = None

    def _refuse(self, request: Request, reason: str, detail: str):
        first = (request.meta.get("redirect_urls") or [request.url])[0]
        failure_log(self.crawler).note(reason, request.meta.get("archive_url") or first, detail)
        raise Refused(reason, detail)

    def _redirect(self, redirected: Request, request: Request, reason):
        target = redirected.url.split("#", 1)[0]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        limit = limit_setting(self.crawler.settings, "NEWSARCHIVE_MAX_REDIRECTS")
        spider = self.crawler.spider
        domains = [d.lower() for d in getattr(spider, "allowed_domains", None) or []]
        site = getattr(spider, "site", None)
        if domains and getattr(site, "domain", None):  # www.kt.kz's pages may send us to kt.kz
            domains.append(site.domain.lower())
        host = (urlsplit(target).hostname or "").lower()
        if domains and not any(host == d or host.endswith("." + d) for d in domains):
            self._refuse(request, "offsite_redirect", f"redirected to {target}")
        if target in (url.split("#", 1)[0] for url in chain):
            self._refuse(request, "redirect_loop", f"redirected back to {target} after {len(chain)} hops")
        if len(chain) > limit:
            self._refuse(request, "too_many_redirects", f"more than {limit} redirects (last to {target})")
        return super()._redirect(redirected, request, reason)


class GuardedRedirects(_RedirectGuard, RedirectMiddleware):
    """Scrapy's RedirectMiddleware, refusing redirects off the site, to other schemes, in loops
    and past NEWSARCHIVE_MAX_REDIRECTS (noted, not silent)."""

    def process_response(self, request, response, spider=None):
        location = response.headers.get(b"Location")
        if (location is not None and response.status in (301, 302, 303, 307, 308)
                and not request.meta.get("dont_redirect", False)):
            try:
                target = urljoin(request.url, safe_url_string(location))
                scheme = urlsplit(target).scheme.lower()
            except ValueError:
                target, scheme = location.decode("latin-1", "replace"), ""
            if scheme not in ("http", "https"):
                self._refuse(request, "bad_redirect", f"redirected to {target[:200]}")
        return super().process_response(request, response)


class GuardedMetaRefresh(_RedirectGuard, MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware with the same refusals as GuardedRedirects."""


# robots.txt --------------------------------------------------------------------------------

class RobotsTxt(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware: a page robots.txt forbids is noted as refused; a robots.txt
    that cannot be fetched allows everything, as Scrapy's does, in one quiet line."""

    def process_request_2(self, rp, request):
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            url = request.meta.get("archive_url") or request.url
            failure_log(self.crawler).note("robots_forbidden", url, "robots.txt forbids it")
            raise Refused("robots_forbidden") from None

    async def robot_parser(self, request):
        parts = urlsplit(request.url)
        netloc = parts.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots = Request(f"{parts.scheme}://{netloc}/robots.txt", priority=self.DOWNLOAD_PRIORITY,
                             meta={"dont_obey_robotstxt": True}, callback=NO_CALLBACK)
            try:
                response = await self.crawler.engine.download_async(robots)
                await self._parse_robots(response, netloc, request)
            except Exception as error:  # no robots.txt to obey: Scrapy's rule, all is allowed
                if not isinstance(error, IgnoreRequest):
                    logger.info("no robots.txt from %s (%s: %s); nothing is forbidden", netloc,
                                type(error).__name__, error)
                self._robots_error(error, netloc)
            self._stats.inc_value("robotstxt/request_count")
        return await super().robot_parser(request)
