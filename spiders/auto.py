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
        self._day_pattern: str | None = None
        super().__init__(*args, base_url=self.site.base_url, **kwargs)

    async def start(self):
        self.open_window()
        yield self.request(self.site.url("/robots.txt"), callback=self.parse_robots)
        yield self.request(self.start_url, callback=self.parse_front)
        for path in discovery.SITEMAP_GUESSES:
            yield self.request(self.site.url(path), callback=self.parse_sitemap)
        for path in discovery.FEED_GUESSES:
            yield self.request(self.site.url(path), callback=self.parse_feed)

    def is_article(self, url: str, source: str = "listing") -> bool:
        """A feed's items are articles of the site; a sitemap's and a page's links must look like
        articles (a sitemap lists sections, tags and static pages too)."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        if source == "feed":
            return host == self.site.domain
        return looks_like_article(url, self.site.domain)

    def parse_robots(self, response):
        limits = self.limits(response.url, max_entries="NEWSARCHIVE_MAX_SITEMAP_CHILDREN")
        for sitemap in discovery.robots_sitemaps(response.body, **limits):
            yield self.request(response.urljoin(sitemap), callback=self.parse_sitemap)

    def day_pattern(self) -> str | None:
        return self._day_pattern

    def parse_front(self, response):
        """The front page: the feeds it advertises, its articles, and the walks of its pagination
        and of the news listings it links to ("Все новости", /news/, …)."""
        for feed in discovery.alternate_feeds(response.body, response.url, **self.page_limits(response.url)):
            yield self.request(feed, callback=self.parse_feed)
        self._day_pattern = discovery.day_archive(response.body, response.url)
        listings = discovery.listing_links(response.body, response.url)
        if self.window:  # every walk is known before any can end (the day archive waits for all)
            yield from [request for link in listings for request in self.start_listing_walk(link)]
            yield from self.start_listing_walk(response.url, response=response)
            return
        for link in listings:
            yield self.request(link, callback=self.parse_listing, cb_kwargs={"page": 1, "listing": link})
        yield from self.parse_listing(response, 1, response.url)
