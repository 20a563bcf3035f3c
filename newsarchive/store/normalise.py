"""Normalisation: one spelling of everything that dedupe, storage and search compare."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from newsarchive.extract.credits import find_credit
from newsarchive.model import Article
from newsarchive.regions import canonical_region, story_region
from newsarchive.sites import Site
from newsarchive.textnorm import fold_tag, words
from newsarchive.urls import canonicalize_url, looks_like_article

_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2009\u202f]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_text(text: str | None) -> str | None:
    """Collapse runs of spaces, keep paragraph breaks as one blank line, trim."""
    if text is None:
        return None
    text = _INLINE_SPACE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
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
        tag = " ".join(str(tag).split()).strip("# ")
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
    if site is not None and site.article_pattern:
        names_an_article = site.is_article_url(declared)
    else:
        names_an_article = looks_like_article(declared, urlsplit(declared).hostname or "")
    return claimed if names_an_article else page


def normalise_article(article: Article, site: Site | None = None) -> Article:
    """Clean text fields, fix the canonical URL, site, region, tags and content hash in place."""
    article.title = clean_text(article.title)
    article.lead = clean_text(article.lead)
    article.body = clean_text(article.body)
    article.author = clean_text(article.author)
    article.section = clean_text(article.section)
    article.tags = dedupe_tags(article.tags)
    article.canonical_url = choose_canonical(article.url, article.canonical_url, site)
    if site is not None:
        article.site = site.domain
        article.region = article.region or site.region
    article.site = article.site or (urlsplit(article.url).hostname or "").removeprefix("www.")
    if article.credited_source is None and article.credited_via is None:  # an import gives the text alone
        article.credited_source, article.credited_via = find_credit(article.body)
    article.region = canonical_region(article.region)  # one spelling per region: "Восточно-Казахстанская область" is "ВКО"
    if article.story_region is None:
        article.story_region = story_region(article.title, article.body, article.region, lead=article.lead)
    else:
        article.story_region = canonical_region(article.story_region)
    article.content_hash = content_hash(article.body or "")
    return article
