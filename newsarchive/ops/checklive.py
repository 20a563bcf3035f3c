"""`make check-live`: with internet, do the site entries still match the real sites?

For each site entry a small Scrapy crawl, as polite as any (robots.txt, throttling, the
newsarchive User-Agent), fetches its feeds, sitemaps and first listing page, counts the article
links its article pattern matches, fetches one article and reports which of its selectors match.
A light entry has no selectors (and perhaps no pattern): its links are the generic guess, and the
report says what the generic extractor read from the article (title, length of text, date); a
light entry that lists its front page also has the feeds that page advertises checked. It stores
nothing. Never run in CI; `--base-url SITE=URL` points it at a mirror.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import scrapy
from parsel import Selector
from scrapy.crawler import CrawlerProcess
from scrapy.spidermiddlewares.httperror import HttpError

from newsarchive import clock
from newsarchive.crawl import discovery
from newsarchive.crawl import settings as crawl_defaults
from newsarchive.crawl.runner import crawl_settings
from newsarchive.defaults import MIN_BODY_CHARS
from newsarchive.extract import ExtractionError, extract
from newsarchive.ops.health import CORE_SELECTORS
from newsarchive.sites import Site, get_site, load_sites
from newsarchive.spiders.news import NewsSpider, _header_charset

#: What a live check leaves out of the crawl settings: it reads the archive for nothing. The
#: crawl's limits, redirect guards and robots.txt stay (a live site is as hostile as any).
LIVE_SETTINGS = {
    "ITEM_PIPELINES": {},
    "DOWNLOADER_MIDDLEWARES": {
        **crawl_defaults.DOWNLOADER_MIDDLEWARES,
        "newsarchive.crawl.middlewares.SkipArchivedArticles": None,
        "newsarchive.crawl.middlewares.ConditionalRequests": None,
    },
    "EXTENSIONS": {
        **crawl_defaults.EXTENSIONS,
        "newsarchive.crawl.archive.ArchiveHandle": None,
        "newsarchive.crawl.runs.CrawlRunRecorder": None,
        "newsarchive.crawl.progress.ProgressDisplay": None,
    },
    "LOG_LEVEL": "WARNING",
}


@dataclass
class LiveReport:
    site: str
    steps: dict[str, str] = field(default_factory=dict)
    selectors: dict[str, bool] = field(default_factory=dict)
    article: str | None = None
    light: bool = False
    #: What the generic extractor read from the article: title, body (characters), published.
    extracted: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """An article was found and its core selectors match (optional ones may miss on one page);
        for an entry without selectors (a light one), the generic extractor found a title and a text."""
        if self.light or not self.selectors:  # no selectors to check: what the generic extractor read
            return bool(self.article) and bool(self.extracted.get("title")) and (
                self.extracted.get("body", 0) >= MIN_BODY_CHARS)
        return bool(self.article) and bool(self.selectors) and all(
            self.selectors.get(key, True) for key in CORE_SELECTORS)


def article_links(site: Site, kind: str, body: bytes, url: str) -> tuple[list[str], list[str]]:
    """(article links the entry's pattern matches, child sitemaps) of a feed, sitemap or listing."""
    if kind == "feed":
        links, children = [link for link, _ in discovery.feed_entries(body, url)], []
    elif kind == "sitemap":
        sitemaps, pages = discovery.sitemap_entries(body, url)
        links, children = [loc for loc, _ in pages], [loc for loc, _ in sitemaps]
    else:
        links, children = discovery.page_links(body, url), []
    return list(dict.fromkeys(link for link in links if site.is_article_url(link, kind))), children


def generic_reading(site: Site, body: bytes, url: str, http_encoding: str | None = None) -> dict:
    """What the generic extractor reads from an article page: its title, the length of its text and
    its publication time (None: not found)."""
    try:
        fields = extract(body, url, fetched_at=clock.now(), site=site, http_encoding=http_encoding)
    except ExtractionError:
        return {"title": None, "body": 0, "published": None}
    return {"title": fields["title"], "body": len(fields["body"] or ""), "published": fields["published_at"]}


def selectors_matching(site: Site, body: str) -> dict[str, bool]:
    """Which of the entry's selectors match something on an article page."""
    page = Selector(text=body)
    return {key: bool(page.css(css)) for key, css in site.selectors.items()}


class CheckLiveSpider(NewsSpider):
    """One page of each discovery step of a site entry, then one article of it."""

    name = "check-live"

    def __init__(self, *args, site: Site, **kwargs):
        self.site = site
        self.report = LiveReport(site.name, light=site.light)
        self._article_asked = False
        super().__init__(*args, **kwargs)

    async def start(self):
        found = self.site.discovery
        steps = [("feed", p) for p in found.feeds] + [("sitemap", p) for p in found.sitemaps]
        steps += [("listing", p) for p in found.listings[:1]]
        for kind, path in steps:
            yield self.request(self.site.url(path, self.base_url), callback=self.parse_step,
                               errback=self.step_failed, cb_kwargs={"kind": kind, "step": f"{kind} {path}"})

    def request(self, url, callback, errback=None, **kwargs):
        return scrapy.Request(url, callback=callback, errback=errback or self.step_failed, **kwargs)

    def parse_step(self, response, kind: str, step: str, depth: int = 0):
        links, children = article_links(self.site, kind, response.body, self.archive_url(response.url))
        if not links and children and depth == 0:  # an index: look into its newest child
            yield self.request(self.fetch_url(children[-1]), callback=self.parse_step,
                               cb_kwargs={"kind": kind, "step": step, "depth": 1})
            return
        self.report.steps[step] = f"{len(links)} article links"
        if self.site.light and kind == "listing" and depth == 0:  # the feeds its front page advertises
            for feed in discovery.alternate_feeds(response.body, response.url):
                fetch = self.fetch_url(feed)
                if fetch.startswith(self.base_url + "/"):
                    path = fetch[len(self.base_url):]
                    yield self.request(fetch, callback=self.parse_step,
                                       cb_kwargs={"kind": "feed", "step": f"advertised feed {path}", "depth": 1})
        if links and not self._article_asked:
            self._article_asked = True
            self.report.article = links[0]
            yield self.request(self.fetch_url(links[0]), callback=self.parse_article_page,
                               cb_kwargs={"step": "article"})

    def parse_article_page(self, response, step: str):
        self.report.selectors = selectors_matching(self.site, response.text)
        self.report.extracted = generic_reading(self.site, response.body, self.archive_url(response.url),
                                                _header_charset(response))

    def step_failed(self, failure):
        step = failure.request.cb_kwargs.get("step", failure.request.url)
        if failure.check(HttpError):
            self.report.steps[step] = f"error: HTTP {failure.value.response.status}"
        else:
            self.report.steps[step] = f"error: {failure.getErrorMessage()}"


def check_live(names: list[str] | None = None, *, base_urls: dict[str, str] | None = None) -> list[LiveReport]:
    """Live reports for the named site entries, or all; `base_urls` maps a name to a mirror.
    Runs a Scrapy crawl: call once per process."""
    sites = [get_site(name) for name in names] if names else [load_sites()[name] for name in sorted(load_sites())]
    process = CrawlerProcess(crawl_settings(":memory:", LIVE_SETTINGS))
    crawlers = []
    for site in sites:
        crawler = process.create_crawler(CheckLiveSpider)
        crawlers.append(crawler)
        process.crawl(crawler, site=site, base_url=(base_urls or {}).get(site.name))
    process.start()
    return [crawler.spider.report for crawler in crawlers]
