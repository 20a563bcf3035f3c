"""Site entries: what we know about each news site, loaded from the TOML files beside this module.

Site knowledge is data. A new site is a new TOML file, not new Python; see
docs/ARCHITECTURE.md ("Adding a site") for every key.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from newsarchive.urls import looks_like_article

SITES_DIR = Path(__file__).parent

#: Selector keys a site entry may set (CSS selectors, tried before the generic extractor).
SELECTOR_KEYS = (
    "title",
    "lead",
    "body",
    "published",
    "modified",
    "author",
    "tags",
    "section",
    "images",
)

#: Kinds of entry. A full entry says how the site's articles are found and what their URLs look
#: like (from what was seen of the site); a light entry gives only the domain, a feed the site
#: advertises or its front page, and the region, and leans on the generic discovery (feed items
#: and links that look like articles) and the generic extractor: it carries no selectors.
KINDS = ("full", "light")


@dataclass(frozen=True)
class Discovery:
    """How a site's articles are found, in order of preference: feeds, sitemaps, listings."""

    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    #: Pagination of listings, with {n} for the page number (2, 3, ...).
    pagination: str | None = None
    max_pages: int | None = None
    #: The site's day archive, with {yyyy}, {mm} and {dd} (DLE: "/{yyyy}/{mm}/{dd}/"): walked back
    #: day by day when a backfill's listing walks end before the window's start.
    date_archive: str | None = None
    #: How many days back the first crawl of the site reaches (None: NEWSARCHIVE_FIRST_CRAWL_DAYS).
    first_crawl_days: int | None = None
    #: May a listing page or feed whose links the article patterns all miss fall back to the
    #: generic article check (a changed URL scheme)? Off for entries whose pattern is a deliberate
    #: subset of the site (one section of a national listing).
    generic_fallback: bool = True

    @property
    def methods(self) -> list[str]:
        return [m for m in ("feed", "sitemap", "listing") if getattr(self, m + ("s"))]


@dataclass(frozen=True)
class Site:
    """One news site: identity, discovery, article URL scheme and selectors."""

    name: str
    domain: str
    base_url: str
    title: str = ""
    region: str = "national"
    languages: tuple[str, ...] = ("ru",)
    kind: str = "full"
    platform: str | None = None
    discovery: Discovery = field(default_factory=Discovery)
    #: Regular expression matched against an article URL's path (and query): the first of
    #: `article_patterns`, kept for code that needs one.
    article_pattern: str = ""
    #: Every article URL shape of the site, old and new (article_pattern and article_patterns merged).
    article_patterns: tuple[str, ...] = ()
    selectors: dict[str, str] = field(default_factory=dict)
    #: CSS selectors of blocks removed from the body before text is taken (widgets, share bars).
    remove: tuple[str, ...] = ()
    date_formats: tuple[str, ...] = ()
    #: Other names credit lines give the site («МИА «Казинформ»» for inform.kz).
    aliases: tuple[str, ...] = ()
    notes: str = ""

    @property
    def article_re(self) -> re.Pattern[str] | None:
        return _compile(self.article_pattern) if self.article_pattern else None

    @property
    def light(self) -> bool:
        return self.kind == "light"

    @property
    def patterns(self) -> tuple[str, ...]:
        """Every article URL shape: article_patterns, or the one article_pattern."""
        return self.article_patterns or ((self.article_pattern,) if self.article_pattern else ())

    def is_article_url(self, url: str, source: str = "listing") -> bool:
        """Does `url`, found in a feed, sitemap or listing (`source`), lead to an article?

        With article patterns: its path (and query) matches one of them; the host is not checked
        (mirrors serve the same paths elsewhere). Without (a light entry), the generic guess on the
        site's real URLs: a feed's or sitemap's item on the site's domain, a listing's link that
        looks like an article (newsarchive.urls.looks_like_article)."""
        parts = urlsplit(url)
        if not self.patterns:
            host = (parts.hostname or "").lower().removeprefix("www.")
            if not (host == self.domain or host.endswith("." + self.domain)):
                return False
            if source in ("feed", "sitemap"):
                return parts.path not in ("", "/") or bool(parts.query)
            return looks_like_article(url, host)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return any(_compile(pattern).search(path) for pattern in self.patterns)

    def url(self, path: str, base_url: str | None = None) -> str:
        """Absolute URL of a site path, on the real site or on a mirror at `base_url`."""
        if path.startswith(("http://", "https://")):
            return path
        return (base_url or self.base_url).rstrip("/") + "/" + path.lstrip("/")


@lru_cache(maxsize=None)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class SiteError(ValueError):
    """A site entry that cannot be used, with the file and the reason."""


def site_from_dict(data: dict, source: str = "<dict>") -> Site:
    """Build a Site from a parsed TOML table, checking what a typo would break."""
    try:
        name, domain, base_url = data["name"], data["domain"], data["base_url"]
    except KeyError as missing:
        raise SiteError(f"{source}: missing required key {missing}") from None
    unknown_selectors = set(data.get("selectors", {})) - set(SELECTOR_KEYS)
    if unknown_selectors:
        raise SiteError(f"{source}: unknown selector keys {sorted(unknown_selectors)}")
    kind = data.get("kind", "full")
    if kind not in KINDS:
        raise SiteError(f"{source}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    pattern = data.get("article_pattern", "")
    patterns = data.get("article_patterns", [])
    if isinstance(patterns, str) or not all(isinstance(p, str) for p in patterns):
        raise SiteError(f"{source}: article_patterns must be a list of regular expressions")
    patterns = list(dict.fromkeys(p for p in [pattern, *patterns] if p))
    if kind == "full" and not patterns:
        raise SiteError(f"{source}: a full entry needs an article_pattern (or kind = \"light\")")
    if kind == "light" and data.get("selectors"):
        raise SiteError(f"{source}: a light entry carries no selectors (make it kind = \"full\")")
    for each in patterns:
        try:
            re.compile(each)
        except re.error as exc:
            raise SiteError(f"{source}: article pattern {each!r} is not a valid regex: {exc}") from None
    disc = data.get("discovery", {})
    date_archive = disc.get("date_archive")
    if date_archive and not all(key in date_archive for key in ("{yyyy}", "{mm}", "{dd}")):
        raise SiteError(f"{source}: discovery.date_archive needs {{yyyy}}, {{mm}} and {{dd}}")
    first_days = disc.get("first_crawl_days")
    if first_days is not None and (not isinstance(first_days, int) or first_days < 0):
        raise SiteError(f"{source}: discovery.first_crawl_days must be a whole number of days")
    return Site(
        name=name,
        domain=domain,
        base_url=base_url,
        title=data.get("title", ""),
        region=data.get("region", "national"),
        languages=tuple(data.get("languages", ["ru"])),
        kind=kind,
        platform=data.get("platform"),
        discovery=Discovery(
            feeds=tuple(disc.get("feeds", ())),
            sitemaps=tuple(disc.get("sitemaps", ())),
            listings=tuple(disc.get("listings", ())),
            pagination=disc.get("pagination"),
            max_pages=disc.get("max_pages"),
            date_archive=date_archive,
            first_crawl_days=first_days,
            generic_fallback=bool(disc.get("generic_fallback", True)),
        ),
        article_pattern=patterns[0] if patterns else "",
        article_patterns=tuple(patterns),
        selectors=dict(data.get("selectors", {})),
        remove=tuple(data.get("remove", ())),
        date_formats=tuple(data.get("date_formats", ())),
        aliases=tuple(data.get("aliases", ())),
        notes=data.get("notes", ""),
    )


def load_sites(directory: str | None = None) -> dict[str, Site]:
    """All site entries by name: from `directory`, else the bundled entries together with those of
    $NEWSARCHIVE_SITES_DIR (a folder of your own entries; one with a bundled entry's name replaces it)."""
    if directory is not None:
        return dict(_load_folder(str(directory)))
    sites = dict(_load_folder(str(SITES_DIR)))
    extra = os.environ.get("NEWSARCHIVE_SITES_DIR")
    if extra:
        if not Path(extra).is_dir():
            raise SiteError(f"NEWSARCHIVE_SITES_DIR={extra}: no such folder")
        sites.update(_load_folder(extra))
    return sites


@lru_cache(maxsize=None)
def _load_folder(directory: str) -> tuple[tuple[str, Site], ...]:
    sites: dict[str, Site] = {}
    for path in sorted(Path(directory).glob("*.toml")):
        with path.open("rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise SiteError(f"{path}: {exc}") from None
        site = site_from_dict(data, str(path))
        if site.name in sites:
            raise SiteError(f"{path}: duplicate site name {site.name!r}")
        sites[site.name] = site
    return tuple(sites.items())


def get_site(name: str) -> Site:
    """The site entry called `name` (spider name) or with domain `name`."""
    sites = load_sites()
    if name in sites:
        return sites[name]
    for site in sites.values():
        if site.domain == name.removeprefix("www."):
            return site
    raise SiteError(f"unknown site {name!r}; known: {', '.join(sorted(sites))}")


def site_for_url(url: str) -> Site | None:
    """The site entry whose domain serves `url`, if any."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    for site in load_sites().values():
        if host == site.domain or host.endswith("." + site.domain):
            return site
    return None


def auto_site(url: str) -> Site:
    """The entry of a site we know nothing about, made from one of its URLs (what `crawl --url`
    crawls with, and what a stored page of such a site is extracted again with)."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return Site(name="auto", domain=(parts.hostname or "").removeprefix("www."),
                base_url=f"{parts.scheme}://{parts.netloc}", region="unknown")


def site_of(url: str) -> Site:
    """The site entry serving `url`, else auto_site(url)."""
    return site_for_url(url) or auto_site(url)
