"""The crawl's failures, in one vocabulary (newsarchive.failures): noted once, where they happen.

`FailureLog` is a Scrapy extension; whatever decides that a page failed — the spider's errback,
a limit in a middleware, the pipeline cutting an article — calls `failure_log(crawler).note(reason,
url, detail)`. A note logs one short line with the URL (the first LOUD_NOTES of a reason per site
at the reason's level, the rest at DEBUG, counted in one line when the spider closes), counts the
reason in the crawl's stats (newsarchive/failure/<reason> and newsarchive/<kind>, which
newsarchive.crawl.runs keeps in site_runs) and keeps the URL in `failures`. The same URL and
reason are noted once per crawl.

`reason_of(failure)` names what the site did from a download's Failure.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    StopDownload,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectError,
    ConnectionDone,
    ConnectionLost,
    DNSLookupError,
)
from twisted.internet.error import TimeoutError as TwistedTimeoutError
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from newsarchive.crawl.archive import ArchiveHandle, archive
from newsarchive.failures import DEFERRED, REFUSED, SITE, kind_of
from newsarchive.safetext import for_log
from newsarchive.store.archive import record_failure

logger = logging.getLogger(__name__)

#: Notes of one reason per site logged at their level; the rest at DEBUG (a hostile site must not
#: flood the log), with one line counting them when the spider closes.
LOUD_NOTES = 10
#: Log level of a note, by kind.
LEVELS = {SITE: logging.ERROR, REFUSED: logging.WARNING, DEFERRED: logging.WARNING}
#: The words a log line starts with, by kind.
WORDS = {SITE: "failed", REFUSED: "refused", DEFERRED: "left for the next run"}
#: Stats key counting each kind (what site_runs.errors, refused and deferred are made of).
KIND_STATS = {SITE: "newsarchive/errors", REFUSED: "newsarchive/refused", DEFERRED: "newsarchive/deferred"}


class Refused(IgnoreRequest):
    """A request that newsarchive refused (already noted): raised by middlewares, so that Scrapy
    drops the request and its errback knows there is nothing more to say."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class FailureLog:
    """Notes the crawl's failures (see the module's doc); one per crawler."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.noted: set[tuple[str, str]] = set()
        self.counts: dict[str, int] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _site(self) -> str:
        spider = self.crawler.spider
        return getattr(getattr(spider, "site", None), "domain", None) or getattr(spider, "name", "crawl")

    def note(self, reason: str, url: str, detail: str = "", *, record: bool = True) -> bool:
        """Note one failure of `url` (see the module's doc); False when it was noted already. A URL
        of a mirror is noted as the real site's (the spider's archive_url)."""
        kind = kind_of(reason)
        to_site = getattr(self.crawler.spider, "archive_url", None)
        url = to_site(url) if callable(to_site) else url
        if (reason, url) in self.noted:
            return False
        self.noted.add((reason, url))
        stats = self.crawler.stats
        stats.inc_value(f"newsarchive/failure/{reason}")
        stats.inc_value(KIND_STATS[kind])
        self.counts[reason] = self.counts.get(reason, 0) + 1
        level = LEVELS[kind] if self.counts[reason] <= LOUD_NOTES else logging.DEBUG
        detail = for_log(detail, 300) if detail else ""
        logger.log(level, "%s: %s (%s): %s%s", self._site(), WORDS[kind], reason,
                   f"{detail} for " if detail else "", for_log(url, 300))
        if record and self.crawler.get_extension(ArchiveHandle) is not None:  # check-live keeps no archive
            spider = self.crawler.spider
            run_id = getattr(spider, "crawl_run_id", None) or self.crawler.settings.getint("NEWSARCHIVE_RUN_ID") or None
            record_failure(archive(self.crawler), url, reason, site=self._site(), detail=detail or None,
                           run_id=run_id)
        return True

    def spider_closed(self, spider, reason):
        for name, count in sorted(self.counts.items()):
            if count > LOUD_NOTES:
                logger.log(LEVELS[kind_of(name)], "%s: %s more %s (%s) not logged one by one; see the failures table",
                           self._site(), count - LOUD_NOTES, WORDS[kind_of(name)], name)


class CallbackErrors:
    """Spider middleware: an error a spider's callback did not foresee (a feed, a sitemap, a page
    no rule expected) is noted as that page's `extraction_error`, in one line, instead of
    Scrapy's traceback; the traceback goes to the DEBUG log. The crawl goes on."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_spider_exception(self, response, exception, spider=None):
        if isinstance(exception, IgnoreRequest):  # an HTTP error of a request without errback: Scrapy's to say
            return None
        logger.debug("callback error on %s", response.url, exc_info=exception)
        url = response.request.meta.get("archive_url") if response.request else None
        failure_log(self.crawler).note("extraction_error", url or response.url,
                                       f"{type(exception).__name__}: {exception}")
        return []


def failure_log(crawler) -> FailureLog:
    """The FailureLog extension of this crawl (made on first use when a crawler was built
    without it, as tests and check-live build theirs)."""
    found = crawler.get_extension(FailureLog) or getattr(crawler, "_newsarchive_failure_log", None)
    if found is None:
        found = FailureLog(crawler)
        crawler._newsarchive_failure_log = found
    return found


def reason_of(failure) -> tuple[str, str] | None:
    """(reason, detail) of a failed download, in the crawl's vocabulary; None for what is no
    failure of the site: a request dropped on purpose (archived, not modified, refused: already
    noted), a download stopped by a limit (noted) or cancelled because the crawl is ending."""
    if failure.check(HttpError):  # before IgnoreRequest, which it is a kind of
        status = failure.value.response.status
        if status == 429:
            return "rate_limited", _retry_after(failure.value.response)
        if status == 503:
            return "unavailable", _retry_after(failure.value.response)
        return "http_error", f"HTTP {status}"
    if failure.check(IgnoreRequest, StopDownload, DownloadCancelledError):
        return None
    message = failure.getErrorMessage()
    if failure.check(DownloadTimeoutError, TwistedTimeoutError):
        return "timeout", message
    if failure.check(CannotResolveHostError, DNSLookupError, DownloadConnectionRefusedError, ConnectError):
        return "unreachable", message
    if failure.check(ResponseDataLossError):
        return "broken_response", "the response ended before the length it announced"
    if failure.check(DownloadFailedError, ResponseFailed, ResponseNeverReceived, ConnectionLost, ConnectionDone):
        return "broken_response", message
    return "broken_response", f"{failure.type.__name__}: {message}"


def _retry_after(response) -> str:
    value = response.headers.get(b"Retry-After")
    return f"HTTP {response.status}" + (f", Retry-After {value.decode('latin-1')}" if value else "")
