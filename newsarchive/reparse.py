"""Run extraction again over the stored raw pages, without fetching: `newsarchive reparse`.

For each stored page (table `pages`, gzip) the page is extracted as the crawl extracted it (same
URL, same fetch time for relative dates, same HTTP charset), validated and normalised, and
compared with the stored article:

* nothing differs → nothing is written (no new version, no row touched);
* a versioned field differs (title, lead, body, tags, dates, text hash) → the article goes through
  newsarchive.archive.store_article like a re-fetched page: old version kept in `versions`,
  tags, stems, FTS and story rewritten in one transaction;
* only other fields differ (author, section, images, credit, language, region) → those columns
  are updated in place (FTS follows through its triggers); no version is kept for them.

A page whose new extraction would be rejected (no title, no body) leaves its article as it is.
"""

from __future__ import annotations

import gzip
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from newsarchive.archive import ARTICLE_COLUMNS, UPDATED, VERSIONED, _row, store_article
from newsarchive.clock import parse_iso
from newsarchive.db import transaction
from newsarchive.extract import extract
from newsarchive.model import Article
from newsarchive.normalise import normalise_article
from newsarchive.sites import SiteError, get_site, site_for_url
from newsarchive.validate import Rejected, validate_article

logger = logging.getLogger(__name__)

#: Columns compared; canonical_url is the article's identity and fetched_at comes from the page.
COMPARED = tuple(c for c in ARTICLE_COLUMNS if c not in ("canonical_url", "url", "fetched_at"))


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
    domain = _site_domain(site)
    rows = db.execute(
        """SELECT p.article_id, p.fetched_at FROM pages p JOIN articles a ON a.id = p.article_id
           WHERE (? IS NULL OR a.site = ?) ORDER BY p.article_id""",
        [domain, domain],
    ).fetchall()
    cutoff = parse_iso(since)
    if cutoff is None and since:
        raise ValueError(f"--since {since!r} is not a date (YYYY-MM-DD) or ISO 8601 time")
    if cutoff is None:
        return [article_id for article_id, _ in rows]
    return [article_id for article_id, fetched in rows if parse_iso(fetched) >= cutoff]


def reparse_article(db, article_id: int, summary: ReparseSummary, *, now: str | None = None) -> str:
    """Reparse one stored page; returns what happened ("unchanged", "updated", ...)."""
    page = db.execute("SELECT url, fetched_at, http_encoding, html_gz FROM pages WHERE article_id = ?",
                      [article_id]).fetchone()
    stored = dict(zip(("site", "region", *ARTICLE_COLUMNS), db.execute(
        f"SELECT site, region, {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id = ?", [article_id]).fetchone()))
    url, fetched_at, encoding, html_gz = page
    html = gzip.decompress(html_gz)
    fetched = parse_iso(fetched_at)
    site = site_for_url(url)
    summary.pages += 1
    try:
        fields = extract(html, url, fetched_at=fetched, site=site, http_encoding=encoding)
    except Exception as error:  # one bad page must not stop the run
        logger.error("extraction failed for %s: %r", url, error)
        summary.failed += 1
        return "failed"
    fields["url"] = url
    article = Article.from_dict({
        **fields,
        "site": site.domain if site else stored["site"],
        "region": site.region if site else stored["region"],
        "fetched_at": fetched_at,
        "raw_html": html,
        "http_encoding": encoding,
    })
    try:
        validate_article(article, now=fetched)
    except Rejected as rejection:
        logger.warning("reparse of %s would be rejected (%s); left as stored", url, rejection.reason)
        summary.rejected += 1
        return "rejected"
    article = normalise_article(article, site)
    row = _row(article)
    changed = [column for column in COMPARED if row[column] != stored[column]]
    if not changed:
        summary.unchanged += 1
        return "unchanged"
    for column in changed:
        summary.changed_fields[column] = summary.changed_fields.get(column, 0) + 1
    if any(column in VERSIONED for column in changed):
        result = store_article(db, article, now=now)
        if result.status != UPDATED or result.article_id != article_id:
            logger.warning("reparse of %s stored as %s of article %s", url, result.status, result.article_id)
        summary.updated += 1
        return "updated"
    with transaction(db):
        db.execute(f"UPDATE articles SET {', '.join(f'{c} = :{c}' for c in changed)} WHERE id = :id",
                   {**{c: row[c] for c in changed}, "id": article_id})
    summary.corrected += 1
    return "corrected"


def reparse(db, *, site: str | None = None, since: str | datetime | None = None,
            progress: Callable[[int, int], None] | None = None, now: str | None = None) -> ReparseSummary:
    """Reparse the stored pages selected by `site` and `since`; `progress(done, total)` after each."""
    ids = select_pages(db, site=site, since=since)
    summary = ReparseSummary()
    for done, article_id in enumerate(ids, 1):
        reparse_article(db, article_id, summary, now=now)
        if progress:
            progress(done, len(ids))
    return summary
