"""Normalisation: one spelling of everything that dedupe, storage and search compare, and the
bounds of what is stored.

`limit_article` is the boundary where text enters the archive: control characters go
(newsarchive.safetext.clean) and every field a page controls is bounded (TextLimits; the
defaults are newsarchive.defaults, a crawl passes its NEWSARCHIVE_* settings). Each cut is
reported as (reason, detail), a reason of newsarchive.failures.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsarchive import defaults
from newsarchive.credits import find_credit
from newsarchive.model import Article
from newsarchive.regions import canonical_region, story_region
from newsarchive.safetext import clean
from newsarchive.sites import Site
from newsarchive.textnorm import fold_tag, words
from newsarchive.urls import canonicalize_url, looks_like_article

_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class TextLimits:
    """How much of each field is stored (characters, or items for tags and images)."""

    title: int = defaults.MAX_TITLE_CHARS
    lead: int = defaults.MAX_LEAD_CHARS
    body: int = defaults.MAX_BODY_CHARS
    field: int = defaults.MAX_FIELD_CHARS
    tags: int = defaults.MAX_TAGS
    tag_chars: int = defaults.MAX_TAG_CHARS
    images: int = defaults.MAX_IMAGES


#: Fields bounded by TextLimits.field, and those read from a file that name a code or a region.
_SHORT_FIELDS = ("author", "section", "credited_source", "credited_via", "language", "region", "story_region")
#: Longest URL kept (of an image, or a canonical link a page declares).
MAX_URL_CHARS = 4096
_UNSAFE_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def limit_article(article: Article, limits: TextLimits | None = None) -> list[tuple[str, str]]:
    """Clean the article's text of control characters and bound every field, in place; returns
    the cuts made as (reason, detail). Never raises: what cannot be read is left out."""
    limits = limits or TextLimits()
    cuts: list[tuple[str, str]] = []
    for name, limit, reason in (("title", limits.title, "title_too_long"), ("lead", limits.lead, "lead_too_long"),
                                ("body", limits.body, "body_too_long")):
        value = getattr(article, name)
        if isinstance(value, str):
            value = clean(value)
            if len(value) > limit:
                cuts.append((reason, f"{name}: {len(value)} characters cut to {limit}"))
                value = _cut(value, limit)
            setattr(article, name, value)
    for name in _SHORT_FIELDS:
        value = getattr(article, name)
        if isinstance(value, str):
            value = clean(value)
            if len(value) > limits.field:
                cuts.append(("field_too_long", f"{name}: {len(value)} characters cut to {limits.field}"))
                value = _cut(value, limits.field)
            setattr(article, name, value)
    tags = [clean(tag) for tag in article.tags or [] if isinstance(tag, str)]
    long_tags = [tag for tag in tags if len(" ".join(tag.split())) > limits.tag_chars]
    if long_tags:
        cuts.append(("tag_too_long", f"{len(long_tags)} tags longer than {limits.tag_chars} characters left out"))
    tags = dedupe_tags([tag for tag in tags if tag not in long_tags])
    if len(tags) > limits.tags:
        cuts.append(("too_many_tags", f"{len(tags)} tags: the first {limits.tags} kept"))
        tags = tags[: limits.tags]
    article.tags = tags
    images = []
    for image in article.images or []:
        url = image.get("url") if isinstance(image, dict) else None
        if not isinstance(url, str) or len(url) > MAX_URL_CHARS or _UNSAFE_URL.search(url.strip()):
            continue
        caption = image.get("caption")
        caption = _cut(clean(caption), limits.field) if isinstance(caption, str) else None
        images.append({"url": url.strip(), "caption": caption or None})
    if len(images) > limits.images:
        cuts.append(("too_many_images", f"{len(images)} images: the first {limits.images} kept"))
        images = images[: limits.images]
    article.images = images
    if isinstance(article.canonical_url, str) and (len(article.canonical_url) > MAX_URL_CHARS
                                                   or _UNSAFE_URL.search(article.canonical_url.strip())):
        article.canonical_url = None  # a declared canonical link no address has: the page's own URL serves
    return cuts


def _cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at a paragraph or word break near the end if any."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    for separator in ("\n\n", "\n", " "):
        at = head.rfind(separator)
        if at >= limit * 0.9:
            return head[:at].rstrip()
    return head


def clean_text(text: str | None) -> str | None:
    """Without control characters, runs of spaces collapsed, paragraph breaks kept as one blank
    line, trimmed."""
    if text is None:
        return None
    text = _INLINE_SPACE.sub(" ", clean(text))
    paragraphs = [" ".join(p.split()) for p in _BLANK_LINES.split(text)]
    cleaned = "\n\n".join(p for p in paragraphs if p)
    return cleaned or None


def content_hash(body: str) -> str:
    """Hash of the body's folded words: the same text however it was spaced or cased."""
    return hashlib.sha1(" ".join(words(body)).encode()).hexdigest()


def dedupe_tags(tags: list[str]) -> list[str]:
    """Tags trimmed, with one spelling kept per folded form, in page order."""
    seen: dict[str, str] = {}
    for tag in tags or []:
        tag = " ".join(clean(str(tag)).split()).strip("# ")
        if tag and fold_tag(tag) not in seen:
            seen[fold_tag(tag)] = tag
    return list(seen.values())


def choose_canonical(url: str, declared: str | None, site: Site | None = None) -> str:
    """The page's own canonical link when it names an article of the same host, else the URL.

    Templates that point every page's canonical at a section or the front page are common; taking
    such a link would merge different articles into one, so it must look like an article URL
    (the site entry's pattern, or the unknown-site guess)."""
    page = canonicalize_url(url)
    try:
        claimed = canonicalize_url(declared) if declared else None
    except ValueError:
        claimed = None
    if not claimed or urlsplit(claimed).hostname != urlsplit(page).hostname:
        return page
    if site is not None and site.patterns:
        names_an_article = site.is_article_url(declared)
    else:
        names_an_article = looks_like_article(declared, urlsplit(declared).hostname or "")
    return claimed if names_an_article else page


def normalise_article(article: Article, site: Site | None = None) -> Article:
    """Clean text fields, fix the canonical URL, site, region, tags and content hash in place."""
    article.title = clean_text(article.title)
    article.lead = clean_text(article.lead)
    article.body = clean_text(article.body)
    for name in _SHORT_FIELDS:
        value = getattr(article, name)
        setattr(article, name, clean_text(value) if isinstance(value, str) else value)
    article.tags = dedupe_tags([clean(tag) for tag in article.tags or []])
    article.canonical_url = choose_canonical(article.url, article.canonical_url, site)
    if site is not None:
        article.site = site.domain
        article.region = article.region or site.region
    else:  # the site follows the URL's host, whatever a file or a page claims
        article.site = (urlsplit(article.url).hostname or "").lower().removeprefix("www.")
    if article.credited_source is None and article.credited_via is None:  # an import gives the text alone
        article.credited_source, article.credited_via = find_credit(article.body)
    article.region = canonical_region(article.region)  # one spelling per region: "Восточно-Казахстанская область" is "ВКО"
    if article.story_region is None:
        article.story_region = story_region(article.title, article.body, article.region, lead=article.lead)
    else:
        article.story_region = canonical_region(article.story_region)
    article.content_hash = content_hash(article.body or "")
    return article
