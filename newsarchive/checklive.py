"""`make check-live`: with internet, do the site entries still match the real sites?

For each site: fetch its feeds, sitemaps and first listing page, count article links that match
its article pattern, fetch one article and report which of its selectors match. Never run in CI.
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass, field

from parsel import Selector

from newsarchive import discovery
from newsarchive.health import CORE_SELECTORS
from newsarchive.settings import USER_AGENT
from newsarchive.sites import Site, load_sites

TIMEOUT = 20


@dataclass
class LiveReport:
    site: str
    steps: dict[str, str] = field(default_factory=dict)
    selectors: dict[str, bool] = field(default_factory=dict)
    article: str | None = None

    @property
    def ok(self) -> bool:
        """An article was found and its core selectors match (optional ones may miss on one page)."""
        return bool(self.article) and all(self.selectors.get(key, True) for key in CORE_SELECTORS)


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.read()


def _article_links(site: Site, kind: str, url: str, body: bytes) -> list[str]:
    if kind == "feed":
        links = [link for link, _ in discovery.feed_entries(body, url)]
    elif kind == "sitemap":
        sitemaps, pages = discovery.sitemap_entries(body, url)
        links = [loc for loc, _ in pages]
        if not links and sitemaps:
            return _article_links(site, kind, sitemaps[-1][0], _get(sitemaps[-1][0]))
    else:
        links = discovery.page_links(body, url)
    return [link for link in links if site.is_article_url(link)]


def check_site(site: Site, fetch=_get) -> LiveReport:
    """Fetch one page of each discovery step and one article of `site`; report what matched."""
    report = LiveReport(site.name)
    found: list[str] = []
    steps = [("feed", p) for p in site.discovery.feeds] + [("sitemap", p) for p in site.discovery.sitemaps]
    steps += [("listing", p) for p in site.discovery.listings[:1]]
    for kind, path in steps:
        url = site.url(path)
        try:
            links = _article_links(site, kind, url, fetch(url))
        except Exception as error:  # a live check reports every failure and goes on
            report.steps[f"{kind} {path}"] = f"error: {error}"
            continue
        report.steps[f"{kind} {path}"] = f"{len(links)} article links"
        found += links
    if not found:
        return report
    report.article = found[0]
    try:
        page = Selector(text=fetch(found[0]).decode("utf-8", "replace"))
    except Exception as error:
        report.steps["article"] = f"error: {error}"
        return report
    report.selectors = {key: bool(page.css(css)) for key, css in site.selectors.items()}
    return report


def check_live(names: list[str] | None = None) -> list[LiveReport]:
    """Live reports for the named sites, or all."""
    sites = load_sites()
    return [check_site(sites[name]) for name in (names or sorted(sites))]
