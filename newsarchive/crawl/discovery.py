"""Finding article URLs: feeds, sitemaps, listing pages and an unknown site's front page.

Plain functions over response bodies; the spiders decide what to request. A site controls
these documents, so each function reads a bounded part of them: feeds and sitemaps are read as
a stream and stop at `max_items`/`max_entries`/`max_children` (the rest is never parsed), pages
are not parsed beyond `max_bytes` and give at most `max_links` links. Each function calls
`on_limit(reason, detail)` (a reason of newsarchive.failures) when it stopped at a limit.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from io import BytesIO
from typing import Callable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

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


# ------------------------------------------------------------------------------------------
# Reaching back: compressed sitemaps, pagination, listing dates, day archives
# ------------------------------------------------------------------------------------------

def sitemap_body(body: bytes, max_bytes: int | None = None, on_limit: OnLimit = None) -> bytes:
    """The XML of a sitemap response: gunzipped when it is gzip data (a `.xml.gz` file served as
    it is; one sent with Content-Encoding: gzip arrives decompressed already), up to `max_bytes`
    once decompressed (default defaults.MAX_RESPONSE_BYTES, never past it: newsarchive.crawl.limits.gunzip).
    b"" for gzip data that is larger, or too broken to read."""
    if body[:2] != b"\x1f\x8b":
        return body
    from newsarchive.crawl.limits import gunzip

    limit = defaults.MAX_RESPONSE_BYTES if max_bytes is None else max_bytes
    data = gunzip(body, limit)
    if data is None:
        if on_limit:
            on_limit("too_large", f"a gzip sitemap of more than {limit} bytes once decompressed, or a broken one: not read")
        return b""
    return data


#: A year and month in a sitemap's URL (sitemap-2026-09.xml, posts_202609.xml.gz, /2026/09/).
_URL_MONTH = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_/.]?(0[1-9]|1[0-2])(?![0-9])")


def _month_end(year: int, month: int) -> datetime:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return datetime(first_next.year, first_next.month, first_next.day, tzinfo=LOCAL)


def choose_sitemaps(children: list[tuple[str, datetime | None]], since: datetime | None,
                    limit: int = 0) -> list[str]:
    """The child sitemaps of an index worth reading for articles since `since`: those whose lastmod
    (else a year and month in their URL) is not older, newest first, then the undated ones, last
    listed first (indexes tend to list oldest first); at most `limit` (0: all)."""
    dated, undated = [], []
    for loc, lastmod in children:
        when = lastmod
        if when is None:
            match = _URL_MONTH.search(urlsplit(loc).path)
            when = _month_end(int(match.group(1)), int(match.group(2))) if match else None
        if when is None:
            undated.append(loc)
        elif since is None or when >= since:
            dated.append((when, loc))
    chosen = [loc for _, loc in sorted(dated, key=lambda pair: pair[0], reverse=True)] + undated[::-1]
    return chosen[:limit] if limit else chosen


# Pagination ---------------------------------------------------------------------------------

#: Query parameters that number a listing's pages or offset its items: ?page=N, ?paged=N (WordPress),
#: PAGEN_1=N (Bitrix), ?start=N (Joomla), cstart=N (DLE), ?offset=N. `p` is not among them: on
#: WordPress ?p=N is an article; a pager labelled with page numbers still finds ?p=N.
_PAGE_PARAM = re.compile(r"^(?:page|paged|pg|pagen_\d+|start|cstart|offset|from|page_?num)$", re.I)
#: A path segment pair that numbers pages: /page/N/ (WordPress, DLE), /pageN, /p/N.
_PAGE_PATH = re.compile(r"/(?:page|p)/?(\d+)(?=/|$)", re.I)
#: Texts of "next page" controls, for rel-less pagers; they count only on links to a page number.
_NEXT_WORDS = re.compile(r"^(?:далее|дальше|следующая|след\.?|вперед|вперёд|next|older|»|›|→|>>|>)\W*$", re.I)


def _page_marker(url: str) -> tuple[str, int] | None:
    """(the URL without its page number, the number) when `url` names a page of a listing by one
    of the usual markers, else None."""
    parts = urlsplit(url)
    match = None
    for match in _PAGE_PATH.finditer(parts.path):
        pass
    if match:
        path = parts.path[:match.start()] + parts.path[match.end():]
        base = urlunsplit((parts.scheme, parts.netloc, path.rstrip("/") or "/", parts.query, ""))
        return base, int(match.group(1))
    query = parse_qsl(parts.query, keep_blank_values=True)
    for index, (key, value) in enumerate(query):
        if _PAGE_PARAM.match(key) and value.isdigit():
            rest = urlencode(sorted(query[:index] + query[index + 1:]))
            return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") or "/", rest, "")), int(value)
    return None


def _base(url: str) -> str:
    """`url` as a page-1 URL compares: without a page marker, trailing slash or fragment."""
    marked = _page_marker(url)
    if marked:
        return marked[0]
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") or "/", query, ""))


_NUMBER_TOKEN = re.compile(r"(?<=[/=_-])(\d{1,5})(?=[/&._-]|$)")


def _numbered_pager(anchors: list[tuple[str, str]], url: str) -> str | None:
    """The next page of a pager of links labelled with page numbers ("1 2 3 … 10"): links whose
    label is a number that appears in their URL; the URL with that number as {n} is the pager's
    template, the largest group of links sharing one is the pager; the next page is the link
    labelled one more than the current page's number (1 when the current URL does not fit)."""
    groups: dict[str, dict[int, str]] = {}
    for link, text in anchors:
        label = text.strip()
        if not label.isdigit() or not 1 <= int(label) <= 99999:
            continue
        for match in _NUMBER_TOKEN.finditer(link):
            if match.group(1) == label:
                template = link[:match.start()] + "{n}" + link[match.end():]
                groups.setdefault(template, {})[int(label)] = link
    if not groups:
        return None
    template, pages = max(groups.items(), key=lambda item: len(item[1]))
    head, _, tail = template.partition("{n}")
    current = 1
    for spelling in (url, url.rstrip("/"), url + "/"):  # /page/2 and /page/2/ are one page
        middle = spelling[len(head):len(spelling) - len(tail)] if tail else spelling[len(head):]
        if spelling.startswith(head) and spelling.endswith(tail) and middle.isdigit():
            current = int(middle)
            break
    return pages.get(current + 1)


def next_page(body: bytes, url: str) -> str | None:
    """The next page of a listing, however the site paginates: rel="next"; a pager of page numbers
    (/page/N/, ?page=N, PAGEN_1=N, ?start=N, …, whatever the URL shape, when the links are labelled
    with the numbers); else the nearest page after this one among links with a usual page marker
    (/page/N, ?page=, ?paged=, PAGEN_N=, ?start=, cstart=, ?offset=) to this listing."""
    found = next_page_link(body, url)
    if found:
        return found
    doc = _html(body, url)
    if doc is None:
        return None
    here = url.split("#", 1)[0]
    anchors = []
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href and not href.startswith(("javascript:", "mailto:", "#")):
            link = urljoin(url, href).split("#", 1)[0]
            if link != here:
                anchors.append((link, anchor.text_content() or ""))
    found = _numbered_pager(anchors, here)
    if found:
        return found
    own = _page_marker(here)
    base, current = own if own else (_base(here), None)
    later = {}
    for link, text in anchors:
        marked = _page_marker(link)
        if marked and marked[0] == base and marked[1] > (current if current is not None else 1):
            later.setdefault(marked[1], link)
    if later:
        return later[min(later)]
    return None


def url_shape(url: str) -> str:
    """The shape of an article URL's path: numbers and slugs replaced (/materials/{slug},
    /news/{n}/{slug}.html), so that links of one URL scheme share it."""
    path = urlsplit(url).path
    shape = []
    for segment in path.strip("/").split("/"):
        stem, dot, ext = segment.rpartition(".") if re.fullmatch(r".+\.(?:s?html?|php|aspx?)", segment) else (segment, "", "")
        if stem.isdigit():
            shape.append("{n}" + dot + ext)
        elif re.search(r"\d{3,}|-|_", stem) or len(stem) > 20:
            shape.append("{slug}" + dot + ext)
        else:
            shape.append(segment)
    return "/" + "/".join(shape) + ("/" if path.endswith("/") and len(path) > 1 else "")


# Dates of a listing's items --------------------------------------------------------------

#: Text that is a date as listings write one (numeric, day and month name, today/yesterday, a
#: bare time, "N часов назад"); other text with digits (headlines) is never read as a date.
_DATEISH = re.compile(
    r"\d{4}-\d{2}-\d{2}|(?<!\d)\d{1,2}[./]\d{1,2}[./]\d{2,4}(?!\d)|"
    r"(?<!\d)\d{1,2}(?:\s+|\.|-)(?:янв|фев|мар|апр|ма[йяр]|июн|июл|авг|сен|окт|ноя|дек|қаң|ақп|нау|сәу|мам|мау|"
    r"шіл|там|қыр|қаз|қар|жел|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|"
    r"^(?:сегодня|вчера|позавчера|бүгін|кеше|today|yesterday)\b|^\d{1,2}:\d{2}$|"
    r"\d+\s+(?:минут|час|дн|день|дня)\w*\s+назад",
    re.I,
)
_DATE_ATTRS = ("datetime", "data-datetime", "data-date", "data-published", "data-time", "data-unixtime",
               "data-timestamp")
_DATE_CLASS = re.compile(r"date|time|когда|data", re.I)


def _attr_date(value: str, now: datetime) -> datetime | None:
    from newsarchive.extract.dates import parse_date

    value = value.strip()
    if value.isdigit() and len(value) in (10, 13):  # unix seconds or milliseconds
        stamp = int(value) / (1000 if len(value) == 13 else 1)
        when = datetime.fromtimestamp(stamp, timezone.utc)
        return when if when <= now + timedelta(hours=1) else None
    return parse_date(value, now)


#: Words a date as listings write it may have besides its numbers (months are matched by their stem).
_DATE_WORDS = re.compile(
    r"^(?:янв|фев|мар|апр|ма[йяр]|июн|июл|авг|сен|окт|ноя|дек|қаң|ақп|нау|сәу|мам|мау|шіл|там|қыр|қаз|қар|жел|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|сегодня|вчера|позавчера|бүгін|кеше|today|yesterday|"
    r"г|год|года|гг|в|ж|жыл|жылы|минут|минуты|минуту|час|часа|часов|день|дня|дней|назад|пн|вт|ср|чт|пт|сб|вс|"
    r"понедельник|вторник|среда|четверг|пятница|суббота|воскресенье)", re.I)


def _text_date(text: str, now: datetime, strict: bool = False) -> datetime | None:
    """The date a short text is; `strict`: only when the text is little but the date (a headline
    or lead that mentions a day, "12 ноября состоится концерт", is not an item's date)."""
    from newsarchive.extract.dates import parse_date

    text = " ".join(text.split())
    if not 4 <= len(text) <= 60 or not _DATEISH.search(text):
        return None
    if strict and sum(1 for word in re.findall(r"[^\W\d_]+", text) if not _DATE_WORDS.match(word)) > 1:
        return None
    return parse_date(text, now)


def _item_date(item, now: datetime) -> datetime | None:
    """The date of one listing item (an element holding one article's link): a machine-readable
    attribute first (<time datetime>, data-unixtime, …), then the text of an element whose class
    says date or time, then any short text of the item that reads as a date."""
    for node in item.iter():
        if not isinstance(node.tag, str):
            continue
        for name in _DATE_ATTRS:
            if node.get(name):
                when = _attr_date(node.get(name), now)
                if when:
                    return when
        if node.get("itemprop") in ("datePublished", "dateCreated") and node.get("content"):
            when = _attr_date(node.get("content"), now)
            if when:
                return when
    for node in item.iter():
        if isinstance(node.tag, str) and _DATE_CLASS.search(f"{node.get('class', '')} {node.get('id', '')}"):
            when = _text_date(node.text_content() or "", now)
            if when:
                return when
    for text in item.itertext():
        when = _text_date(text, now, strict=True)
        if when:
            return when
    return None


def listing_dates(body: bytes, base_url: str, articles, *, http_encoding: str | None = None,
                  now: datetime | None = None) -> dict[str, datetime]:
    """{article link: date} for the links of a listing page whose item shows a date.

    An item is the largest element around a link that holds no other of the page's `articles`
    (a row, a card); the page's own header date is never an item's. Links without a readable date
    are left out: the article itself will tell."""
    from newsarchive.extract.charset import decode_html

    wanted = set(articles)
    if not wanted or not body or not body.strip():
        return {}
    try:
        doc = lxml_html.document_fromstring(decode_html(body, http_encoding), base_url=base_url)
    except (etree.ParserError, ValueError):
        return {}
    now = now or datetime.now(timezone.utc)
    anchors: dict[str, list] = {}
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if href:
            link = urljoin(base_url, href).split("#", 1)[0]
            if link in wanted:
                anchors.setdefault(link, []).append(anchor)
    holders: dict[object, set[str]] = {}
    for link, found in anchors.items():
        for anchor in found:
            for depth, parent in enumerate(anchor.iterancestors()):
                if depth >= 6:
                    break
                holders.setdefault(parent, set()).add(link)
    dates = {}
    for link, found in anchors.items():
        for anchor in found:
            item = anchor
            for depth, parent in enumerate(anchor.iterancestors()):
                if depth >= 6 or parent.tag in ("body", "html") or len(holders.get(parent, ())) > 1:
                    break
                item = parent
            when = _item_date(item, now)
            if when:
                dates[link] = when
                break
    return dates


# Day archives -------------------------------------------------------------------------------

_DAY_PATH = re.compile(r"^(.*?)/((?:19|20)\d\d)/(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])(/?)$")
_DAY_QUERY = re.compile(r"^m=((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$")
_DLE = re.compile(r"datalife\s*engine", re.I)


def day_archive(body: bytes, url: str) -> str | None:
    """The day-archive path of a site, with {yyyy}, {mm} and {dd}, as its page shows it: links to
    whole days (/2026/11/24/, a calendar's), WordPress's ?m=20261124, or a DataLife Engine page
    (DLE serves /YYYY/MM/DD/)."""
    doc = _html(body, url)
    if doc is None:
        return None
    host = urlsplit(url).netloc
    shapes: dict[str, int] = {}
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        parts = urlsplit(urljoin(url, href))
        if parts.netloc != host:
            continue
        match = _DAY_PATH.match(parts.path)
        if match and not parts.query:
            shape = f"{match.group(1)}/{{yyyy}}/{{mm}}/{{dd}}{match.group(5)}"
        elif _DAY_QUERY.match(parts.query) and parts.path in ("", "/"):
            shape = "/?m={yyyy}{mm}{dd}"
        else:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
    if shapes:
        return max(shapes.items(), key=lambda item: item[1])[0]
    for meta in doc.iter("meta"):
        if (meta.get("name") or "").lower() == "generator" and _DLE.search(meta.get("content") or ""):
            return "/{yyyy}/{mm}/{dd}/"
    return None


def day_archive_url(pattern: str, day: date) -> str:
    return pattern.format(yyyy=f"{day.year:04d}", mm=f"{day.month:02d}", dd=f"{day.day:02d}")


def day_of_archive_url(pattern: str, url: str) -> date | None:
    """The day a day-archive URL (or one of its further pages) is of."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    regex = re.escape(pattern.rstrip("/")).replace(r"\{yyyy\}", r"(?P<y>\d{4})").replace(
        r"\{mm\}", r"(?P<m>\d{2})").replace(r"\{dd\}", r"(?P<d>\d{2})")
    match = re.match(regex, target)
    if not match:
        return None
    try:
        return date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    except ValueError:
        return None


#: Paths and link texts of an unknown site's "all news" listings, besides its front page.
_LISTING_PATH = re.compile(r"^/(?:[a-z]{2}/)?(?:news|novosti|lenta|latest|all|all-news|vse-novosti|"
                           r"poslednie-novosti|feed-news|archive|arhiv|arkhiv)/?$", re.I)
_LISTING_TEXT = re.compile(r"^(?:все новости|лента(?: новостей)?|новости|последние новости|архив(?: новостей)?|"
                           r"все материалы|барлық жаңалықтар|жаңалықтар)$", re.I)


def listing_links(body: bytes, url: str, limit: int = 3) -> list[str]:
    """Links of a front page to the site's news listings ("Все новости", /news/, /lenta/, …)."""
    doc = _html(body, url)
    if doc is None:
        return []
    host = urlsplit(url).netloc
    found = []
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href:
            continue
        link = urljoin(url, href).split("#", 1)[0]
        parts = urlsplit(link)
        if parts.netloc != host or parts.query or link in found or _base(link) == _base(url):
            continue
        text = " ".join((anchor.text_content() or "").split()).lower()
        if _LISTING_PATH.match(parts.path) or _LISTING_TEXT.match(text):
            found.append(link)
    return found[:limit]
