"""Run extraction again over the stored raw pages, without fetching: `newsarchive reparse`.

Each stored page (table `pages`, gzip) becomes an Article as the crawl made it
(newsarchive.extract.article_from_page: same URL, same fetch time for relative dates, same HTTP
charset, the site entry serving the URL) and goes through newsarchive.store.archive.archive_article
like a re-fetched page:

* nothing differs → nothing is written (no new version, no row touched);
* a versioned field differs (title, lead, body, tags, dates, text hash) → old version kept in
  `versions`, tags, the word index and story rewritten in one transaction;
* only other fields differ (author, section, images, credit, language, region) → those columns
  are corrected in place; no version is kept for them.

A page whose new extraction would be rejected (no title, no body) leaves its article as it is
(the rejection is recorded in `failures`).
"""

from __future__ import annotations

import gzip
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from newsarchive.clock import parse_iso
from newsarchive.extract import ExtractionError, article_from_page
from newsarchive.sites import SiteError, get_site, site_of
from newsarchive.store.archive import REJECTED, UNCHANGED, UPDATED, archive_article
from newsarchive.store.stories import refresh

logger = logging.getLogger(__name__)


@dataclass
class ReparseSummary:
    pages: int = 0
    unchanged: int = 0
    updated: int = 0  # versioned fields changed: a version was kept
    corrected: int = 0  # only unversioned fields changed, updated in place
    rejected: int = 0  # the new extraction would be rejected; the article was left as it is
    failed: int = 0  # extraction raised
    changed_fields: dict[str, int] = field(default_factory=dict)

    def line(self) -> str:
        fields = ", ".join(f"{name} {count}" for name, count in sorted(self.changed_fields.items()))
        return (f"{self.pages} pages: {self.unchanged} unchanged, {self.updated} updated (old version kept), "
                f"{self.corrected} corrected in place, {self.rejected} rejected, {self.failed} failed"
                + (f"; fields changed: {fields}" if fields else ""))


def _site_domain(site: str | None) -> str | None:
    if not site:
        return None
    try:
        return get_site(site).domain
    except SiteError:
        return site.removeprefix("www.")


def select_pages(db, *, site: str | None = None, since: str | datetime | None = None) -> list[int]:
    """Article ids of the stored pages to reparse: of `site` (entry name or domain), fetched since `since`."""
    cutoff = parse_iso(since)
    if cutoff is None and since:
        raise ValueError(f"--since {since!r} is not a date (YYYY-MM-DD) or ISO 8601 time")
    domain = _site_domain(site)
    rows = db.execute(
        """SELECT p.article_id, p.fetched_at FROM pages p JOIN articles a ON a.id = p.article_id
           WHERE (? IS NULL OR a.site = ?) ORDER BY p.article_id""",
        [domain, domain],
    ).fetchall()
    return [article_id for article_id, fetched in rows if cutoff is None or parse_iso(fetched) >= cutoff]


def reparse_article(db, article_id: int, summary: ReparseSummary, *, now: str | None = None) -> str:
    """Reparse one stored page; returns what happened ("unchanged", "updated", "corrected", ...)."""
    url, fetched_at, encoding, html_gz = db.execute(
        "SELECT url, fetched_at, http_encoding, html_gz FROM pages WHERE article_id = ?", [article_id]).fetchone()
    summary.pages += 1
    try:
        article = article_from_page(gzip.decompress(html_gz), url, fetched_at=parse_iso(fetched_at),
                                    site=site_of(url), http_encoding=encoding)
    except ExtractionError as error:  # one bad page must not stop the run
        logger.error("reparse of %s: %s", url, error)
        summary.failed += 1
        return "failed"
    article.fetched_at = fetched_at  # as stored, to the letter
    result = archive_article(db, article, now=now, seen=False, decide_story=False)  # decided by `reparse`
    if result.status == REJECTED:
        logger.warning("reparse of %s would be rejected (%s); left as stored", url, result.reason)
        summary.rejected += 1
        return "rejected"
    if result.article_id != article_id:
        logger.warning("reparse of %s stored as %s of article %s", url, result.status, result.article_id)
    for column in result.changed:
        summary.changed_fields[column] = summary.changed_fields.get(column, 0) + 1
    if result.status == UPDATED:
        summary.updated += 1
        return "updated"
    if result.status == UNCHANGED and result.changed:
        summary.corrected += 1
        return "corrected"
    summary.unchanged += 1
    return "unchanged"


def reparse(db, *, site: str | None = None, since: str | datetime | None = None,
            progress: Callable[[int, int], None] | None = None, now: str | None = None) -> ReparseSummary:
    """Reparse the stored pages selected by `site` and `since`; `progress(done, total)` after each."""
    ids = select_pages(db, site=site, since=since)
    summary = ReparseSummary()
    for done, article_id in enumerate(ids, 1):
        reparse_article(db, article_id, summary, now=now)
        if progress:
            progress(done, len(ids))
    refresh(db)
    return summary
