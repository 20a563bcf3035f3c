"""`auto`: archive a site we have no entry for, by discovering its feeds, sitemaps and articles."""

from __future__ import annotations

from urllib.parse import urlsplit

from newsarchive.spiders.news import NewsSpider

from newsarchive.crawl import discovery
from newsarchive.sites import auto_site
from newsarchive.urls import looks_like_article


class AutoSpider(NewsSpider):
    """Usage: scrapy crawl auto -a url=https://example.kz/"""

    name = "auto"

    def __init__(self, *args, url: str | None = None, **kwargs):
        if not url:
            raise ValueError("the auto spider needs -a url=https://site/")
        self.site = auto_site(url)
        self.start_url = urlsplit(url if "://" in url else f"https://{url}").geturl()
        super().__init__(*args, base_url=self.site.base_url, **kwargs)

    async def start(self):
        yield self.request(self.site.url("/robots.txt"), callback=self.parse_robots)
        yield self.request(self.start_url, callback=self.parse_front)
        for path in discovery.SITEMAP_GUESSES:
            yield self.request(self.site.url(path), callback=self.parse_sitemap)
        for path in discovery.FEED_GUESSES:
            yield self.request(self.site.url(path), callback=self.parse_feed)

    def is_article(self, url: str, source: str = "listing") -> bool:
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if source in ("feed", "sitemap"):
            return host == self.site.domain
        return looks_like_article(url, self.site.domain)

    def parse_robots(self, response):
        limits = self.limits(response.url, max_entries="NEWSARCHIVE_MAX_SITEMAP_CHILDREN")
        for sitemap in discovery.robots_sitemaps(response.body, **limits):
            yield self.request(response.urljoin(sitemap), callback=self.parse_sitemap)

    def parse_front(self, response):
        limits = self.limits(response.url, max_links="NEWSARCHIVE_MAX_PAGE_LINKS", max_bytes="NEWSARCHIVE_MAX_PAGE_BYTES")
        for feed in discovery.alternate_feeds(response.body, response.url, **limits):
            yield self.request(feed, callback=self.parse_feed)
        seen = set()
        for link in discovery.page_links(response.body, response.url, **limits):
            if link not in seen and self.is_article(link):
                seen.add(link)
                yield self.article_request(link)
