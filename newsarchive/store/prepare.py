"""The half of storing an article that needs no archive: bound and clean, validate, normalise
(`check_article`), and read its text (`prepare_text`) — what a crawl's helper process does
(newsarchive.crawl.analysis) while the crawl's own process fetches. It imports nothing of the
archive's writing, so the helper holds only what reading text needs.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, replace

from newsarchive.model import Article
from newsarchive.sites import site_for_url
from newsarchive.store.analysis import TextAnalysis, analyse_text, text_of
from newsarchive.store.normalise import TextLimits, limit_article, normalise_article
from newsarchive.store.validate import Rejected, validate_article

NEW, UPDATED, UNCHANGED, DUPLICATE, REJECTED = "new", "updated", "unchanged", "duplicate", "rejected"


@dataclass(frozen=True)
class StoreResult:
    """What became of an article: `status` is one of NEW, UPDATED, UNCHANGED, DUPLICATE, REJECTED.

    `changed` names the columns that differed from the stored row (UPDATED: a version was kept;
    UNCHANGED: they were corrected in place); `reason`/`detail` say why an article was REJECTED;
    `cuts` are the (reason, detail) of each field cut to its limit before it was stored."""

    status: str | None  # None: prepared by prepare_article, not stored yet
    article_id: int | None = None
    duplicate_of: int | None = None
    changed: tuple[str, ...] = ()
    reason: str | None = None
    detail: str | None = None
    cuts: tuple[tuple[str, str], ...] = ()


def check_article(article: Article, limits: TextLimits | None = None) -> StoreResult:
    """Bound and clean, validate and normalise the article in place, without the archive: REJECTED
    with its reason, else a result with the cuts made and status None."""
    cuts = tuple(limit_article(article, limits))
    try:
        validate_article(article)
    except Rejected as rejection:
        return StoreResult(REJECTED, reason=rejection.reason, detail=rejection.detail, cuts=cuts)
    normalise_article(article, site_for_url(article.url))
    return StoreResult(None, cuts=cuts)


def prepare_text(article: Article, limits: TextLimits | None = None) -> tuple[Article, StoreResult, TextAnalysis | None]:
    """All of storing an article that needs no archive, as a crawl's helper process does it: the
    article checked in place (`check_article`), the result, and its text's analysis
    (newsarchive.store.analysis) with its page compressed, unless it was rejected."""
    checked = check_article(article, limits)
    if checked.status == REJECTED:
        return article, checked, None
    analysis = analyse_text(*text_of(article))
    if article.raw_html is not None:
        analysis = replace(analysis, page_gz=compress_page(article.raw_html))
    return article, checked, analysis


def compress_page(raw_html: bytes) -> bytes:
    """A page as the archive keeps it: gzip at zlib's default level (1% larger than gzip's own
    default of 9, in 60% of the time)."""
    return gzip.compress(raw_html, compresslevel=6, mtime=0)
