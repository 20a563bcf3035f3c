"""How large a response the crawl takes: a bound on everything a site sends, after decompression.

`BoundedResponses` takes the place of Scrapy's HttpCompressionMiddleware (it is one, with limits).
An article page (a request with meta["archive_url"]) and any response that is not an XML
document (nor a gzip file) may be NEWSARCHIVE_MAX_PAGE_BYTES; feeds and sitemaps
NEWSARCHIVE_MAX_RESPONSE_BYTES.
A download is stopped as soon as its announced length or the bytes received pass the limit, and
a compressed body is decompressed only up to it (a gzip bomb costs no more than the limit): the
response is refused, noted once as `too_large` (newsarchive.crawl.failures) and never parsed.

Scrapy's own DOWNLOAD_MAXSIZE stays above these limits as a backstop (newsarchive.crawl.settings);
its log lines about sizes are ours to write, so they are not written twice.
"""

from __future__ import annotations

import logging
import zlib

from scrapy import signals
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload

from newsarchive import defaults
from newsarchive.crawl.failures import Refused, failure_log

#: How an XML document (a feed, a sitemap) starts, after white space and a byte-order mark.
_XML_STARTS = (b"<?xml", b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf:rdf", b"<!--")
_GZIP_MAGIC = b"\x1f\x8b"


def looks_like_document(body: bytes) -> bool:
    """Does `body` start like an XML document (or a gzip file: a sitemap served as .xml.gz) rather
    than an HTML page or anything else?"""
    if body.startswith(_GZIP_MAGIC):
        return True
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(_XML_STARTS) and not head.startswith(b"<!doctype html")


def limit_setting(settings, name: str) -> int:
    """The NEWSARCHIVE_* limit `name` of a crawl's settings, else (also for 0: no limit is no
    option) its default in newsarchive.defaults: a crawler built without
    newsarchive.crawl.settings is bounded all the same."""
    value = settings.getint(name, 0) if name in settings else 0
    return value or getattr(defaults, name.removeprefix("NEWSARCHIVE_"))


def gunzip(data: bytes, limit: int) -> bytes | None:
    """A gzip file's contents (a sitemap served as `.xml.gz`), or None when they are larger than
    `limit` bytes or no gzip: decompressed up to the limit, never past it (a gzip bomb costs the
    limit). Concatenated gzip members are read as one file, as gzip does."""
    out, size = [], 0
    while data:
        unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            while data:
                chunk = unpacker.decompress(data, limit + 1 - size)
                size += len(chunk)
                out.append(chunk)
                if size > limit:
                    return None
                data = unpacker.unconsumed_tail
                if unpacker.eof:
                    break
        except zlib.error:
            return None
        if not unpacker.eof:
            return None  # cut short
        data = unpacker.unused_data
    return b"".join(out)


class _SizeMessages(logging.Filter):
    """Drops Scrapy's own line about a body that grew past the limit while decompressed: the
    refusal is noted once, in the crawl's words."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Ignored response")


_SIZE_MESSAGES = _SizeMessages()


class BoundedResponses(HttpCompressionMiddleware):
    """Scrapy's HttpCompressionMiddleware with newsarchive's response limits (see the module)."""

    def __init__(self, crawler):
        super().__init__(crawler=crawler)
        settings = crawler.settings
        self.crawler = crawler
        self.max_response = limit_setting(settings, "NEWSARCHIVE_MAX_RESPONSE_BYTES")
        self.max_page = limit_setting(settings, "NEWSARCHIVE_MAX_PAGE_BYTES")
        self._warn_size = 0  # a response under the limit is no news; one over it is refused
        self._received: dict[int, int] = {}
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(self.request_left, signal=signals.request_left_downloader)
        logging.getLogger("scrapy.downloadermiddlewares.httpcompression").addFilter(_SIZE_MESSAGES)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)  # on even without COMPRESSION_ENABLED: the limits hold all the same

    def limit(self, request, body: bytes | None = None) -> int:
        """The most bytes a response to `request` may have: a page's limit for article pages and,
        once the body is known, for anything that is not an XML document."""
        if request.meta.get("archive_url"):
            return self.max_page
        if body is not None and not looks_like_document(body):
            return min(self.max_page, self.max_response)
        return self.max_response

    # While downloading -------------------------------------------------------------------

    def headers_received(self, headers, body_length, request, spider):
        limit = self.limit(request)
        if isinstance(body_length, int) and body_length > limit:
            self._refuse(request, f"{body_length} bytes announced, more than {limit}")
            raise StopDownload(fail=True)

    def bytes_received(self, data, request, spider):
        received = self._received.get(id(request), 0) + len(data)
        self._received[id(request)] = received
        limit = self.limit(request)
        if received > limit:
            self._received.pop(id(request), None)
            self._refuse(request, f"more than {limit} bytes sent")
            raise StopDownload(fail=True)

    def request_left(self, request, spider):
        self._received.pop(id(request), None)

    # Downloaded ------------------------------------------------------------------------

    def process_response(self, request, response, spider=None):
        limit = self.limit(request)
        request.meta["download_maxsize"] = limit  # what Scrapy's decompression stops at; the download is over
        try:
            response = super().process_response(request, response)
        except IgnoreRequest:  # the only one it raises: the body grew past the limit while decompressed
            detail = f"more than {limit} bytes once decompressed ({len(response.body)} bytes sent)"
            self._refuse(request, detail)
            raise Refused("too_large", detail) from None
        finally:
            request.meta.pop("download_maxsize", None)
        limit = self.limit(request, response.body)
        if len(response.body) > limit:  # an HTML page within a document's limit, or a body no signal counted
            detail = f"{len(response.body)} bytes, more than {limit} for a page"
            self._refuse(request, detail)
            raise Refused("too_large", detail)
        return response

    def _refuse(self, request, detail: str) -> None:
        url = request.meta.get("archive_url") or request.url
        failure_log(self.crawler).note("too_large", url, detail)
