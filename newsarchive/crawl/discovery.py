"""Finding article URLs: feeds, sitemaps, listing pages and an unknown site's front page.

Plain functions over response bodies; the spiders decide what to request. A site controls
these documents, so each function reads a bounded part of them: feeds and sitemaps are read as
a stream and stop at `max_items`/`max_entries`/`max_children` (the rest is never parsed), pages
are not parsed beyond `max_bytes` and give at most `max_links` links. Each function calls
`on_limit(reason, detail)` (a reason of newsarchive.failures) when it stopped at a limit.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from io import BytesIO
from typing import Callable
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from newsarchive import defaults
from newsarchive.clock import LOCAL, parse_iso

#: What a parsing function calls when it stopped at a limit: on_limit(reason, detail).
OnLimit = Callable[[str, str], None] | None

#: Paths of an unknown site tried for feeds and sitemaps, after robots.txt and <link rel=alternate>.
FEED_GUESSES = ("/rss.xml", "/feed", "/rss", "/rss/", "/feed/")
SITEMAP_GUESSES = ("/sitemap.xml",)



def _local(tag) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _parse_date(text: str | None) -> datetime | None:
    """A feed or sitemap date: ISO 8601 or RFC 2822; without an offset, the sites' local time.
    None for a date the calendar cannot hold in UTC (year 1 with a positive offset, 9999 with a
    negative one)."""
    if not text:
        return None
    text = text.strip()[:100]
    parsed = parse_iso(text)
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    parsed = parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)
    try:
        parsed.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None
    return parsed


def _stream(body: bytes, tags: tuple[str, ...]):
    """The elements named `tags` (local names) of an XML document, each when it ends, read as a
    stream: what came before an element is freed once it has been handled, so a document's
    size costs no memory beyond its bytes. Stops quietly where the document breaks off."""
    if not body or not body.strip():
        return
    events = etree.iterparse(BytesIO(body), events=("end",), recover=True, resolve_entities=False,
                             no_network=True, huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        for _, node in events:
            if _local(node.tag) in tags:
                yield node
                node.clear(keep_tail=True)
                parent = node.getparent()
                if parent is not None:
                    while node.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError:  # recover=True still gives up on some garbage: keep what was read
        return


def feed_entries(body: bytes, base_url: str, *, max_items: int | None = None,
                 on_limit: OnLimit = None) -> list[tuple[str, datetime | None]]:
    """(link, date) of the items of an RSS 2.0, RSS 1.0 or Atom feed: the first `max_items`
    (default defaults.MAX_FEED_ITEMS)."""
    limit = defaults.MAX_FEED_ITEMS if max_items is None else max_items
    entries = []
    for node in _stream(body, ("item", "entry")):
        if len(entries) >= limit:
            if on_limit:
                on_limit("too_many_entries", f"more than {limit} feed items: the first {limit} were read")
            break
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
            try:
                entries.append((urljoin(base_url, link[:4096]), date))
            except ValueError:  # a link no URL parser reads (a broken IPv6 host)
                continue
    return entries


def sitemap_entries(body: bytes, base_url: str, *, max_entries: int | None = None,
                    max_children: int | None = None, on_limit: OnLimit = None,
                    ) -> tuple[list[tuple[str, datetime | None]], list[tuple[str, datetime | None]]]:
    """(sub-sitemaps, pages) of a sitemap index or URL set, each as (loc, lastmod): at most
    `max_children` sub-sitemaps and `max_entries` pages (defaults.MAX_SITEMAP_CHILDREN and
    MAX_SITEMAP_ENTRIES); reading stops at the first entry past a limit."""
    limits = {"sitemap": defaults.MAX_SITEMAP_CHILDREN if max_children is None else max_children,
              "url": defaults.MAX_SITEMAP_ENTRIES if max_entries is None else max_entries}
    found: dict[str, list] = {"sitemap": [], "url": []}
    for node in _stream(body, ("sitemap", "url")):
        parent = node.getparent()
        if parent is None or parent.getparent() is not None:  # an entry is a child of the root
            continue
        name = _local(node.tag)
        loc = lastmod = None
        for child in node:
            child_name = _local(child.tag)
            if child_name == "loc" and child.text:
                try:
                    loc = urljoin(base_url, child.text.strip()[:4096])
                except ValueError:  # a location no URL parser reads (a broken IPv6 host)
                    loc = None
            elif child_name in ("lastmod", "publication_date"):
                lastmod = lastmod or _parse_date(child.text)
            elif child_name == "news":  # Google News sitemaps nest the date
                for grandchild in child.iter():
                    if _local(grandchild.tag) == "publication_date":
                        lastmod = lastmod or _parse_date(grandchild.text)
        if not loc:
            continue
        if len(found[name]) >= limits[name]:
            if on_limit:
                what = "child sitemaps" if name == "sitemap" else "URLs"
                on_limit("too_many_entries", f"more than {limits[name]} {what}: the first {limits[name]} were read")
            break
        found[name].append((loc, lastmod))
    return found["sitemap"], found["url"]


def is_recent(when: datetime | None, max_age_days: int, now: datetime | None = None) -> bool:
    """True when `when` is unknown or no older than `max_age_days`."""
    if when is None:
        return True
    try:
        return when >= (now or datetime.now(timezone.utc)) - timedelta(days=max_age_days)
    except (OverflowError, ValueError):  # a date at the calendar's edge
        return False


def robots_sitemaps(body: bytes, *, max_entries: int | None = None, on_limit: OnLimit = None) -> list[str]:
    """URLs of the `Sitemap:` lines of a robots.txt: the first `max_entries`
    (default defaults.MAX_SITEMAP_CHILDREN)."""
    limit = defaults.MAX_SITEMAP_CHILDREN if max_entries is None else max_entries
    found = []
    for line in body.decode("utf-8", "replace").splitlines():
        if line.lower().startswith("sitemap:"):
            if len(found) >= limit:
                if on_limit:
                    on_limit("too_many_entries", f"more than {limit} Sitemap lines: the first {limit} were read")
                break
            found.append(line.split(":", 1)[1].strip())
    return found


def alternate_feeds(body: bytes, base_url: str, *, max_links: int | None = None, on_limit: OnLimit = None,
                    max_bytes: int | None = None) -> list[str]:
    """Feeds announced by <link rel="alternate" type="application/rss+xml|atom+xml">: the first
    `max_links` (default defaults.MAX_PAGE_LINKS)."""
    doc = _html(body, base_url, max_bytes, on_limit)
    if doc is None:
        return []
    feeds = (
        urljoin(base_url, link.get("href"))
        for link in doc.iter("link")
        if "alternate" in (link.get("rel") or "").lower()
        and (link.get("type") or "").lower() in ("application/rss+xml", "application/atom+xml")
        and link.get("href")
    )
    return _first(feeds, defaults.MAX_PAGE_LINKS if max_links is None else max_links, on_limit, "feed links")


def page_links(body: bytes, base_url: str, *, max_links: int | None = None, on_limit: OnLimit = None,
               max_bytes: int | None = None) -> list[str]:
    """Absolute URLs of the <a href> of an HTML page, in page order, without fragments: the first
    `max_links` (default defaults.MAX_PAGE_LINKS); none of a page over `max_bytes`
    (default defaults.MAX_PAGE_BYTES)."""
    doc = _html(body, base_url, max_bytes, on_limit)
    if doc is None:
        return []

    def links():
        for anchor in doc.iter("a"):
            href = (anchor.get("href") or "").strip()
            if href and not href.startswith(("javascript:", "mailto:", "tel:", "#")):
                try:
                    yield urljoin(base_url, href).split("#", 1)[0]
                except ValueError:  # a link no URL parser reads (a broken IPv6 host)
                    continue

    return _first(links(), defaults.MAX_PAGE_LINKS if max_links is None else max_links, on_limit, "links")


def next_page_link(body: bytes, base_url: str, *, max_bytes: int | None = None) -> str | None:
    """The page's rel="next" link, if it has one."""
    doc = _html(body, base_url, max_bytes)
    if doc is None:
        return None
    for node in doc.iter("a", "link"):
        if "next" in (node.get("rel") or "").lower().split() and node.get("href"):
            try:
                return urljoin(base_url, node.get("href"))
            except ValueError:
                return None
    return None


def _first(items, limit: int, on_limit: OnLimit, what: str) -> list:
    found = []
    for item in items:
        if len(found) >= limit:
            if on_limit:
                on_limit("too_many_entries", f"more than {limit} {what}: the first {limit} were read")
            break
        found.append(item)
    return found


def _html(body: bytes, base_url: str, max_bytes: int | None = None, on_limit: OnLimit = None):
    if not body or not body.strip():
        return None
    limit = defaults.MAX_PAGE_BYTES if max_bytes is None else max_bytes
    if len(body) > limit:  # the crawl refuses such pages before they get here (crawl.limits)
        if on_limit:
            on_limit("too_large", f"{len(body)} bytes, more than {limit}: not parsed")
        return None
    try:
        return lxml_html.document_fromstring(body, base_url=base_url)
    except (etree.ParserError, ValueError):
        return None
