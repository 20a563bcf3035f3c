"""The one news spider: discovery through feeds, sitemaps and listings, driven by a site entry.

Every spider accepts `-a base_url=http://127.0.0.1:PORT` to crawl a mirror that serves
the same paths: pages are fetched from the mirror, archived under the real site's URLs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

import scrapy

from newsarchive import discovery
from newsarchive.archive import is_known_url
from newsarchive.db import open_db
from newsarchive.extract import extract
from newsarchive.model import Article
from newsarchive.sites import Site

logger = logging.getLogger(__name__)


class NewsSpider(scrapy.Spider):
    """Base spider; subclasses set `site` (a newsarchive.sites.Site)."""

    site: Site

    def __init__(self, *args, base_url: str | None = None, max_pages: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.site.base_url).rstrip("/")
        self.max_pages = int(max_pages) if max_pages else None
        self.allowed_domains = [urlsplit(self.base_url).hostname or self.site.domain]
        self._archive = None  # read-only use: is a listing page's every article archived?

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

    # Discovery ------------------------------------------------------------------------

    async def start(self):
        found = self.site.discovery
        for path in found.feeds:
            yield scrapy.Request(self.site.url(path, self.base_url), callback=self.parse_feed)
        for path in found.sitemaps:
            yield scrapy.Request(self.site.url(path, self.base_url), callback=self.parse_sitemap)
        for path in found.listings:
            yield scrapy.Request(self.site.url(path, self.base_url), callback=self.parse_listing,
                                 cb_kwargs={"page": 1, "listing": path})

    def article_request(self, url: str, **meta) -> scrapy.Request:
        fetch = self.fetch_url(url)
        self.crawler.stats.inc_value("newsarchive/discovered")
        return scrapy.Request(fetch, callback=self.parse_article,
                              meta={"archive_url": self.archive_url(fetch), **meta})

    def parse_feed(self, response):
        for link, _published in discovery.feed_entries(response.body, response.url):
            if self.is_article(self.fetch_url(link), "feed"):
                yield self.article_request(link)

    def parse_sitemap(self, response):
        max_age = self.settings.getint("NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS")
        sitemaps, pages = discovery.sitemap_entries(response.body, response.url)
        for loc, lastmod in sitemaps:
            if discovery.is_recent(lastmod, max_age):
                yield scrapy.Request(self.fetch_url(loc), callback=self.parse_sitemap)
        for loc, lastmod in pages:
            if discovery.is_recent(lastmod, max_age) and self.is_article(self.fetch_url(loc), "sitemap"):
                yield self.article_request(loc)

    def parse_listing(self, response, page: int, listing: str):
        articles = []
        for link in discovery.page_links(response.body, response.url):
            fetch = self.fetch_url(link)
            if self.is_article(fetch) and fetch not in articles:
                articles.append(fetch)
        for url in articles:
            yield self.article_request(url)
        next_page = self._next_listing_page(response, page, listing)
        if next_page and articles and not self._all_archived(articles):
            yield scrapy.Request(next_page, callback=self.parse_listing, cb_kwargs={"page": page + 1, "listing": listing})

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
        """True when every article of a listing page is archived: older pages hold nothing new."""
        if self._archive is None:
            self._archive = open_db(self.settings.get("NEWSARCHIVE_DB"))
        return all(is_known_url(self._archive, self.archive_url(url)) for url in urls)

    # Articles -------------------------------------------------------------------------

    def parse_article(self, response):
        url = response.meta.get("archive_url") or self.archive_url(response.url)
        fetched = datetime.now(timezone.utc)
        self.crawler.stats.inc_value("newsarchive/pages")
        self._count_selector_misses(response)
        encoding = _header_charset(response)
        try:
            fields = extract(response.body, url, fetched_at=fetched, site=self.site, http_encoding=encoding)
        except Exception as error:  # one bad page must not stop the crawl
            logger.error("extraction failed for %s: %r", url, error)
            self.crawler.stats.inc_value("newsarchive/extraction_errors")
            fields = {"url": url}
        fields["url"] = url
        yield Article.from_dict({
            **fields,
            "site": self.site.domain,
            "region": self.site.region,
            "fetched_at": fetched.isoformat(timespec="seconds"),
            "raw_html": response.body,
            "http_encoding": encoding,
        })

    def _count_selector_misses(self, response):
        for key, selector in self.site.selectors.items():
            if not response.css(selector):
                self.crawler.stats.inc_value(f"newsarchive/selector_miss/{key}")

    def closed(self, reason):
        if self._archive is not None:
            self._archive.close()


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
    return type(class_name, (NewsSpider,), {"name": site.name, "site": site, "__module__": "spiders.sites",
                                            "__doc__": f"{site.title or site.domain} ({site.region})."})
