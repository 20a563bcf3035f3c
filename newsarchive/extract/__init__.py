"""Article extraction: a fetched page in, the fields of `newsarchive.model.EXTRACTED_FIELDS` out.

Order of trust for every field: the site entry's CSS selectors, then what the page states about
itself (JSON-LD, microdata, <meta>), then what the generic content model finds in the markup.

One bad element never costs the article: every field but the title and the text is read on its
own (`_guarded`), and a field whose reading fails (a JSON-LD nested a million deep, a date with an
offset of 25 hours) is left empty. The work is bounded by the page: a page over MAX_PAGE_BYTES is
refused (`PageTooLarge`), one of more than MAX_PAGE_ELEMENTS elements is read without the content
model, and trafilatura only reads pages of up to FALLBACK_MAX_ELEMENTS (its cost grows faster).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import urljoin

from newsarchive.clock import LOCAL
from newsarchive.credits import find_credit
from newsarchive.defaults import (
    MAX_PAGE_BYTES,
    MAX_PAGE_ELEMENTS,
    MAX_TAG_CHARS,
    MIN_BODY_CHARS,
)
from newsarchive.model import EXTRACTED_FIELDS, Article

from .charset import decode_html
from .content import clean_tree, main_blocks, selected_text
from .dates import date_from_url, parse_date, to_iso
from .language import detect_language
from .structured import structured, tag_links
from .tree import parse_tree, select, text_of

__all__ = ["extract", "article_from_page", "ExtractionError", "parse_date", "find_credit", "decode_html",
           "detect_language"]


logger = logging.getLogger(__name__)

#: trafilatura (the fallback) reads pages of at most this many elements.
FALLBACK_MAX_ELEMENTS = 15_000


class ExtractionError(ValueError):
    """The input cannot be read as a page at all; `reason` is the crawl's word for it
    (newsarchive.failures)."""

    reason = "extraction_error"


class PageTooLarge(ExtractionError):
    """A page larger than MAX_PAGE_BYTES: refused, not parsed."""

    reason = "too_large"


def _guarded(what: str, read, *args, default=None):
    """`read(*args)`, or `default` when it fails: one field's failure leaves that field empty."""
    try:
        return read(*args)
    except Exception as error:  # RecursionError, ValueError, … from one element a page controls
        logger.debug("extraction: %s left empty: %s: %.200s", what, type(error).__name__, error)
        return default


_SPACES = re.compile(r"\s+")
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|—–-]|::|»|/)\s+")
_DATE_CLASS = re.compile(r"date|time|publish|posted|created|dateline|\bmeta\b|-meta|meta-|news-?info|\bdt\b", re.I)
_LOOKS_LIKE_DATE = re.compile(
    r"\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}-\d{2}-\d{2}|\d{1,2}\s+[^\W\d_]{3,9}\.?,?\s+\d{4}|"
    r"(?:сегодня|вчера|бүгін|кеше)[,\s]+\d{1,2}:\d{2}",
    re.I,
)
_AUTHOR_CLASS = re.compile(r"author|byline|journalist|avtor|writer", re.I)
_PHOTO = re.compile(r"^(?:фото|photo|сурет|видео|иллюстрац|коллаж|скриншот)", re.I)
_AUTHOR_LABEL = re.compile(r"^(?:автор(?:ы)?|текст|автор материала|by|авторы)\s*[:\-—]?\s*", re.I)
_PHOTO_CLASS = re.compile("photo|foto|img|image", re.I)
_HOME = re.compile(r"^(?:главная|home|басты бет|новости|news|жаңалықтар)$", re.I)


_text = text_of
_select = select


@lru_cache(maxsize=20_000)
def _names_match(pattern: re.Pattern, cls: str | None, ident: str | None) -> bool:
    return bool(pattern.search(f"{cls or ''} {ident or ''}"))


def _first(values):
    for value in values:
        if value:
            return value
    return None


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        key = _SPACES.sub(" ", item.casefold().replace("ё", "е")).strip(" #")
        if key and key not in seen:
            seen.add(key)
            out.append(item.strip())
    return out


def _choose_title(tree, candidates: list[str]) -> str | None:
    h1s = [t for t in (_text(h) for h in tree.iter("h1")) if 3 <= len(t) <= 300]
    page_title = _first(_text(t) for t in tree.iter("title")) or ""
    stated = [_SPACES.sub(" ", c).strip() for c in candidates if c and c.strip()]
    for h1 in h1s:
        if any(h1 in s or s in h1 for s in stated + [page_title]):
            return h1
    if stated:
        return stated[0]
    if h1s:
        return h1s[0]
    if page_title:
        parts = _TITLE_SEPARATORS.split(page_title)
        return max(parts, key=len) if len(parts) > 1 else page_title
    return None


def _date_texts(tree) -> list[tuple[str, object]]:
    """Visible date strings with their elements: <time>, elements whose class says date, then
    short texts anywhere that look like a date, in page order."""
    texts = [(el.get("datetime") or _text(el), el) for el in tree.iter("time")]
    for el in tree.xpath("//body//*[@class or @id]"):
        if el.tag in ("script", "style", "html", "body"):
            continue
        if _names_match(_DATE_CLASS, el.get("class"), el.get("id")):
            text = _text(el)
            if 6 <= len(text) <= 80:
                texts.append((text, el))
        if len(texts) > 40:
            break
    # Datelines: short texts anywhere that look like a date, in page order.
    for el in tree.iter("span", "div", "p", "small", "td", "li", "em", "b", "strong", "font", "i"):
        text = (el.text or "").strip()
        if 6 <= len(text) <= 60 and _LOOKS_LIKE_DATE.search(text):
            texts.append((text, el))
            if len(texts) > 60:
                break
    return texts


def _pick_date(candidates, fetched_at):
    for text in candidates:
        value = _guarded("a date", parse_date, text, fetched_at)
        if value is not None:
            return value
    return None


_CLOCK_TIME = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?![\d])")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_RELATIVE_DAY = re.compile(r"^\W*(?:сегодня|вчера|позавчера|бүгін|кеше|today|yesterday)\W*(?:в\s*)?\d", re.I)


def _reads_like_a_calendar(text: str) -> bool:
    """A date as a page's current-date header writes it: a day without a time of day ("Пятница,
    13 Марта 2026", "Сегодня 12 июля 2025 года, суббота", "Четверг, 10 октября"), or a clock
    without a year ("Атырау, 10 апреля 17:36"). Not "Сегодня, 14:20": that is a story's time."""
    if not _CLOCK_TIME.search(text):
        return True
    return not _YEAR.search(text) and not _RELATIVE_DAY.match(text)


def _on_fetch_day(value: datetime, fetched_at: datetime | None) -> bool:
    fetched = fetched_at or datetime.now(LOCAL)
    if fetched.tzinfo is None:
        fetched = fetched.replace(tzinfo=LOCAL)
    days = {fetched.astimezone(LOCAL).date(), fetched.astimezone(timezone.utc).date()}
    return value.astimezone(LOCAL).date() in days or value.date() in days


class _PagePlace:
    """Where an element stands: before the story's headline, or in the page's header or menu."""

    def __init__(self, tree, title: str | None):
        self.tree = tree
        h1s = list(tree.iter("h1"))
        self.heading = next((h for h in h1s if title and _text(h) == title), h1s[0] if h1s else None)
        self._order: dict | None = None

    def in_chrome(self, el) -> bool:
        if any(a.tag in ("header", "nav") and (self.heading is None or self.heading not in a.iter())
               for a in el.iterancestors()):
            return True
        if self.heading is None or self.heading in el.iter():
            return False
        if self._order is None:
            self._order = {node: i for i, node in enumerate(self.tree.iter())}
        return self._order.get(el, 0) < self._order.get(self.heading, 0)


def _visible_date(tree, title: str | None, fetched_at: datetime | None):
    """The publication time among the page's visible dates, in page order, passing over a
    current-date header: many sites print today's date (or a clock) at the top of every page,
    before the story. A date is taken for one when it falls on the day the page was fetched, reads
    like a calendar (no time of day, or a time but no year) and stands before the story's headline
    or in a <header> or <nav> that does not hold it. When every date is such a header, the page
    states no publication time."""
    place = None
    for text, el in _date_texts(tree):
        value = parse_date(text, fetched_at)
        if value is None and len(el):  # a date written in several elements: <span>Июн</span><span>29</span>…
            spaced = " ".join(t.strip() for t in el.itertext() if t.strip())
            value = parse_date(spaced, fetched_at) if spaced != text else None
        if value is None:
            continue
        if _on_fetch_day(value, fetched_at) and _reads_like_a_calendar(text):
            place = place or _PagePlace(tree, title)
            if place.in_chrome(el):
                continue
        return value
    return None


_DATE_LIKE = re.compile(r"\d{1,2}:\d{2}|^(сегодня|вчера|бүгін|кеше)\b", re.IGNORECASE)


def _author_candidates(tree, site_sel, stated: list[str]):
    for el in _select(tree, site_sel):
        yield _text(el)
    yield from stated
    for el in tree.xpath('//a[@rel="author"] | //*[@itemprop="author"]'):
        yield _text(el)
    for el in tree.xpath("//body//*[@class]"):
        cls = el.get("class")
        if _names_match(_AUTHOR_CLASS, cls, None) and not _names_match(_PHOTO_CLASS, cls, None):
            yield _text(el)


def _author(tree, site_sel, stated: list[str]) -> str | None:
    """The byline: site selector, structured data, rel=author, author-classed elements; never a photo credit."""
    for candidate in _author_candidates(tree, site_sel, stated):
        candidate = _AUTHOR_LABEL.sub("", candidate or "").strip(" ,.;:")
        if not candidate or len(candidate) > 80 or _PHOTO.match(candidate) or candidate.startswith("http"):
            continue
        if not re.search(r"[^\W\d_]", candidate) or _DATE_LIKE.search(candidate):
            continue
        return candidate
    return None


def _breadcrumb_section(tree, title: str | None) -> str | None:
    for el in tree.xpath('//*[contains(@class, "breadcrumb") or contains(@class, "speedbar")]'):
        crumbs = [_text(a) for a in el.iter("a")]
        crumbs = [c for c in crumbs if c and not _HOME.match(c) and c != title and len(c) < 60]
        if crumbs:
            return crumbs[-1]
    return None


def _tags(tree, site_sel, stated: list[str], keywords: list[str]) -> list[str]:
    found = [_text(el) for el in _select(tree, site_sel)]
    if not found:
        found = stated or tag_links(tree)
    if not found:
        found = keywords
    return [t for t in _dedupe(found) if len(t) <= MAX_TAG_CHARS]


def _images(tree, base: str | None, stated: list[str], body_blocks, site_matches=()) -> list[dict]:
    by_url: dict[str, dict] = {}

    def add(src, caption):
        if not src or src.startswith("data:"):
            return
        url = urljoin(base or "", src.strip())
        if url not in by_url:
            by_url[url] = {"url": url, "caption": caption or None}
        elif caption and not by_url[url]["caption"]:  # og:image names the picture, the page captions it
            by_url[url]["caption"] = caption

    for url in stated:
        add(url, None)
    owners = {b.owner for b in body_blocks}
    containers = list(site_matches) + list({o.getparent() for o in owners if o.getparent() is not None} | owners)
    for container in containers:
        for img in container.iter("img"):
            add(img.get("data-src") or img.get("src"), _img_caption(img))
    uncaptioned = {url for url, image in by_url.items() if not image["caption"]}
    if uncaptioned:  # a picture named by og:image or JSON-LD may be shown, captioned, outside the text
        for img in tree.iter("img"):
            src = img.get("data-src") or img.get("src")
            if src and urljoin(base or "", src.strip()) in uncaptioned:
                add(src, _img_caption(img))
    return list(by_url.values())


def _img_caption(img) -> str | None:
    """The <figcaption> of the image's <figure>, else its alt text."""
    figure = next((a for a in img.iterancestors("figure")), None)
    captions = figure.xpath(".//figcaption") if figure is not None else []
    caption = _text(captions[0]) if captions else None
    return caption or (img.get("alt") or "").strip() or None


def extract(
    html: bytes | str,
    url: str | None = None,
    *,
    fetched_at: datetime | None = None,
    site=None,
    http_encoding: str | None = None,
    max_bytes: int | None = None,
) -> dict:
    """The article on a page, as a dict with exactly the keys of EXTRACTED_FIELDS.

    Raises PageTooLarge for a page over `max_bytes` (default MAX_PAGE_BYTES)."""
    if html is None:
        raise ExtractionError("no page")
    limit = MAX_PAGE_BYTES if max_bytes is None else max_bytes
    if len(html) > limit:
        raise PageTooLarge(f"{len(html)} {'bytes' if isinstance(html, (bytes, bytearray)) else 'characters'}, "
                           f"more than {limit}: not parsed")
    text = decode_html(html, http_encoding) if isinstance(html, (bytes, bytearray)) else str(html)
    if not text.strip():
        raise ExtractionError("empty page")
    tree = parse_tree(text)
    elements = sum(1 for _ in tree.iter())
    base = url
    for base_el in tree.iter("base"):
        if base_el.get("href"):
            base = _guarded("<base>", urljoin, url or "", base_el.get("href"), default=url)
            break
    selectors = dict(getattr(site, "selectors", None) or {})
    stated = _guarded("structured data", structured, tree, base) or _NOTHING_STATED

    title = _first(_text(el) for el in _select(tree, selectors.get("title")))
    title = title or _choose_title(tree, stated["title"])
    lead = _first(_text(el) for el in _select(tree, selectors.get("lead"))) or _first(stated["lead"])

    published = _pick_date(
        [el.get("datetime") or el.get("content") or _text(el) for el in _select(tree, selectors.get("published"))]
        + stated["published"],
        fetched_at,
    )
    modified = _pick_date(
        [el.get("datetime") or el.get("content") or _text(el) for el in _select(tree, selectors.get("modified"))]
        + stated["modified"],
        fetched_at,
    )
    if published is None:
        published = (_guarded("dates", _visible_date, tree, title, fetched_at)
                     or _guarded("the URL's date", date_from_url, url, fetched_at))

    author = _guarded("author", _author, tree, selectors.get("author"), stated["author"])
    section = _first(_text(el) for el in _select(tree, selectors.get("section"))) or _first(stated["section"])
    section = section or _guarded("section", _breadcrumb_section, tree, title)
    tags = _guarded("tags", _tags, tree, selectors.get("tags"), stated["tags"], stated["keywords"], default=[])

    site_images = _select(tree, selectors.get("images"))
    clean_tree(tree, tuple(getattr(site, "remove", ()) or ()))
    body, blocks = None, []
    matched = _select(tree, selectors.get("body"))
    if matched:
        body = selected_text(matched)
    if not body:
        body_root = tree.find("body") if tree.find("body") is not None else tree
        if elements > MAX_PAGE_ELEMENTS:  # too many blocks to weigh against each other: the text as it is
            body = selected_text([body_root])
        else:
            blocks = main_blocks(body_root, title)
            body = "\n\n".join(b.text for b in blocks)
    ld_body = _first(stated["body"])
    if ld_body and len(body) < min(len(ld_body), 400):
        body = ld_body.strip()
    if len(body) < MIN_BODY_CHARS and elements <= FALLBACK_MAX_ELEMENTS:
        body = _guarded("trafilatura", _fallback_body, text) or body
    body = _without_shortcodes(body)

    images = [
        img for img in _guarded("images", _images, tree, base, stated["images"], blocks, [*site_images, *matched],
                                default=[])
        if img["url"].startswith(("http://", "https://"))
    ]
    source, via = _guarded("credit", find_credit, body, default=(None, None))
    result = {
        "url": url,
        "canonical_url": _first(stated["canonical"]),
        "title": title or None,
        "lead": lead or None,
        "body": body or None,
        "published_at": to_iso(published),
        "modified_at": to_iso(modified),
        "author": author,
        "section": section,
        "tags": tags,
        "images": images,
        "credited_source": source,
        "credited_via": via,
        "language": _guarded("language", detect_language, " ".join(filter(None, (title, body)))),
    }
    assert tuple(result) == EXTRACTED_FIELDS
    return result


# A paragraph that is nothing but a WordPress shortcode the theme did not expand:
# "[youtube]https://…[/youtube]", "[divider]", "[gallery ids="1,2"]".
_SHORTCODE_PARAGRAPH = re.compile(r"^\[([a-z][\w-]*)(?:\s[^\]]*)?\](?:[^\[\]]*\[/\1\])?$", re.I)


def _without_shortcodes(body: str | None) -> str | None:
    """The body without paragraphs that are only a raw shortcode (otyrar.kz, avestnik.kz leak them)."""
    if not body or "[" not in body:
        return body
    kept = [p for p in body.split("\n\n") if not _SHORTCODE_PARAGRAPH.match(p.strip())]
    return "\n\n".join(kept) if kept else body


#: What `structured` gives for a page that states nothing (or whose statements cannot be read).
_NOTHING_STATED = {key: [] for key in ("title", "lead", "published", "modified", "author", "section", "tags",
                                       "keywords", "images", "body", "canonical", "site_name")}


def _fallback_body(text: str) -> str | None:
    """trafilatura's reading of a page the content model found nothing on."""
    try:
        import trafilatura
    except ImportError:
        return None
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)  # its complaints about a page are ours to make
    return trafilatura.extract(text, include_comments=False, include_tables=True) or None


def article_from_page(body: bytes, url: str, *, fetched_at: datetime, site, http_encoding: str | None = None) -> Article:
    """The Article of a fetched page, as the crawl and `reparse` make it: the extracted fields, the
    site entry's domain and region, the fetch time and the page as fetched (kept for reparse).

    Raises ExtractionError when the page cannot be read at all or extraction fails on it."""
    try:
        fields = extract(body, url, fetched_at=fetched_at, site=site, http_encoding=http_encoding)
    except ExtractionError:
        raise
    except Exception as error:  # a page no rule foresaw: the caller records it and goes on
        raise ExtractionError(f"extraction failed: {error!r}") from error
    return Article.from_dict({
        **fields,
        "url": url,
        "site": site.domain,
        "region": site.region,
        "fetched_at": fetched_at.isoformat(timespec="seconds"),
        "raw_html": bytes(body),
        "http_encoding": http_encoding,
    })
