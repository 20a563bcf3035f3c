"""Finding article URLs: feeds, sitemaps, listing pages and an unknown site's front page.

Plain functions over response bodies; the spiders decide what to request.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from newsarchive.clock import LOCAL, parse_iso

_XML_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=True)

#: Paths of an unknown site tried for feeds and sitemaps, after robots.txt and <link rel=alternate>.
FEED_GUESSES = ("/rss.xml", "/feed", "/rss", "/rss/", "/feed/")
SITEMAP_GUESSES = ("/sitemap.xml",)



def _local(tag) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _parse_date(text: str | None) -> datetime | None:
    """A feed or sitemap date: ISO 8601 or RFC 2822; without an offset, the sites' local time."""
    if not text:
        return None
    parsed = parse_iso(text)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text.strip())
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)


def feed_entries(body: bytes, base_url: str) -> list[tuple[str, datetime | None]]:
    """(link, date) of every item of an RSS 2.0, RSS 1.0 or Atom feed."""
    root = etree.fromstring(body, _XML_PARSER) if body.strip() else None
    if root is None:
        return []
    entries = []
    for node in root.iter():
        if _local(node.tag) not in ("item", "entry"):
            continue
        link, date = None, None
        for child in node:
            name = _local(child.tag)
            if name == "link":
                href = child.get("href")
                if href and child.get("rel", "alternate") == "alternate":
                    link = href
                elif child.text and child.text.strip():
                    link = child.text.strip()
            elif name == "guid" and not link and (child.text or "").startswith("http"):
                link = child.text.strip()
            elif name in ("pubdate", "published", "updated", "date"):
                when = _parse_date(child.text)  # the latest date of an item says when it last changed
                if when and (date is None or when > date):
                    date = when
        if link:
            entries.append((urljoin(base_url, link), date))
    return entries


def sitemap_entries(body: bytes, base_url: str) -> tuple[list[tuple[str, datetime | None]], list[tuple[str, datetime | None]]]:
    """(sub-sitemaps, pages) of a sitemap index or URL set, each as (loc, lastmod)."""
    root = etree.fromstring(body, _XML_PARSER) if body.strip() else None
    if root is None:
        return [], []
    sitemaps, pages = [], []
    for node in root:
        name = _local(node.tag)
        if name not in ("sitemap", "url"):
            continue
        loc = lastmod = None
        for child in node:
            child_name = _local(child.tag)
            if child_name == "loc" and child.text:
                loc = urljoin(base_url, child.text.strip())
            elif child_name in ("lastmod", "publication_date"):
                lastmod = lastmod or _parse_date(child.text)
            elif child_name == "news":  # Google News sitemaps nest the date
                for grandchild in child.iter():
                    if _local(grandchild.tag) == "publication_date":
                        lastmod = lastmod or _parse_date(grandchild.text)
        if loc:
            (sitemaps if name == "sitemap" else pages).append((loc, lastmod))
    return sitemaps, pages


def is_recent(when: datetime | None, max_age_days: int, now: datetime | None = None) -> bool:
    """True when `when` is unknown or no older than `max_age_days`."""
    if when is None:
        return True
    return when >= (now or datetime.now(timezone.utc)) - timedelta(days=max_age_days)


def robots_sitemaps(body: bytes) -> list[str]:
    """URLs of the `Sitemap:` lines of a robots.txt."""
    text = body.decode("utf-8", "replace")
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("sitemap:")]


def alternate_feeds(body: bytes, base_url: str) -> list[str]:
    """Feeds announced by <link rel="alternate" type="application/rss+xml|atom+xml">."""
    doc = _html(body, base_url)
    if doc is None:
        return []
    return [
        urljoin(base_url, link.get("href"))
        for link in doc.iter("link")
        if "alternate" in (link.get("rel") or "").lower()
        and (link.get("type") or "").lower() in ("application/rss+xml", "application/atom+xml")
        and link.get("href")
    ]


def page_links(body: bytes, base_url: str) -> list[str]:
    """Absolute URLs of every <a href> of an HTML page, in page order, without fragments."""
    doc = _html(body, base_url)
    if doc is None:
        return []
    links = []
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href and not href.startswith(("javascript:", "mailto:", "tel:", "#")):
            links.append(urljoin(base_url, href).split("#", 1)[0])
    return links


def next_page_link(body: bytes, base_url: str) -> str | None:
    """The page's rel="next" link, if it has one."""
    doc = _html(body, base_url)
    if doc is None:
        return None
    for node in doc.iter("a", "link"):
        if "next" in (node.get("rel") or "").lower().split() and node.get("href"):
            return urljoin(base_url, node.get("href"))
    return None


def _html(body: bytes, base_url: str):
    if not body or not body.strip():
        return None
    try:
        return lxml_html.document_fromstring(body, base_url=base_url)
    except (etree.ParserError, ValueError):
        return None
