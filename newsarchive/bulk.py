"""Bulk import: many new articles in large transactions, writing what store_article writes.

For loading archives of hundreds of thousands of articles (the benchmark, a migration).
Each batch is one transaction: articles, article_urls, article_tags (with tag_norm),
article_stems (newsarchive.textnorm.stem_text) and, through the schema's triggers, both FTS
indexes — the same rows newsarchive.archive.store_article writes. Articles whose URL or
exact text is already archived go through store_article itself (updates, versions,
duplicates keep their one definition). Not done here: raw pages are stored only when given,
and stories (MinHash, newsarchive.stories) are not assigned — articles keep story_id NULL.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Iterator

from newsarchive.archive import ARTICLE_COLUMNS, _row, store_article
from newsarchive.db import transaction
from newsarchive.model import Article
from newsarchive.textnorm import fold_tag, stem_text
from newsarchive.urls import canonicalize_url

#: Articles per transaction.
BATCH_SIZE = 5_000


@dataclass
class BulkResult:
    inserted: int = 0
    through_store: int = 0  # already archived URL or text: handled by store_article


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch = []
    for article in articles:
        batch.append(article)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _known(db, batch: list[Article]) -> set[int]:
    """Indexes in `batch` of articles whose URL or exact text is archived or earlier in the batch."""
    urls = {}
    for i, article in enumerate(batch):
        for url in {article.canonical_url, canonicalize_url(article.url)}:
            urls.setdefault(url, i)
    known = set()
    url_list = list(urls)
    for start in range(0, len(url_list), 500):
        chunk = url_list[start:start + 500]
        rows = db.execute(f"SELECT url FROM article_urls WHERE url IN ({','.join('?' * len(chunk))})", chunk)
        known.update(urls[url] for (url,) in rows)
    hashes: dict[str, int] = {}
    for i, article in enumerate(batch):
        if article.content_hash in hashes:
            known.add(i)
        hashes.setdefault(article.content_hash, i)
    hash_list = list(hashes)
    for start in range(0, len(hash_list), 500):
        chunk = hash_list[start:start + 500]
        rows = db.execute(f"SELECT content_hash FROM articles WHERE content_hash IN ({','.join('?' * len(chunk))})",
                          chunk)
        known.update(hashes[h] for (h,) in rows)
    seen_urls: dict[str, int] = {}
    for i, article in enumerate(batch):  # the same URL twice in one batch: the second is an update
        for url in {article.canonical_url, canonicalize_url(article.url)}:
            if seen_urls.setdefault(url, i) != i:
                known.add(i)
    return known


def bulk_import(db, articles: Iterable[Article], *, batch_size: int = BATCH_SIZE, now: str | None = None) -> BulkResult:
    """Store validated, normalised articles (newsarchive.normalise.normalise_article) in bulk."""
    now = now or datetime.now(timezone.utc).isoformat(timespec="seconds")
    result = BulkResult()
    columns = ", ".join(("id", *ARTICLE_COLUMNS, "first_seen", "last_seen"))
    placeholders = ", ".join("?" * (len(ARTICLE_COLUMNS) + 3))
    for batch in _batches(articles, batch_size):
        known = _known(db, batch)
        fresh = [a for i, a in enumerate(batch) if i not in known]
        with transaction(db):
            (next_id,) = db.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()
            article_rows, url_rows, tag_rows, stem_rows, page_rows = [], [], [], [], []
            for offset, article in enumerate(fresh):
                article_id = next_id + offset
                row = _row(article)
                article_rows.append((article_id, *(row[c] for c in ARTICLE_COLUMNS), now, now))
                url_rows.append((article.canonical_url, article_id, "canonical"))
                fetched = canonicalize_url(article.url)
                if fetched != article.canonical_url:
                    url_rows.append((fetched, article_id, "alias"))
                tag_rows.extend((article_id, tag, fold_tag(tag)) for tag in article.tags)
                stem_rows.append((article_id, stem_text(article.title), stem_text(article.lead), stem_text(article.body)))
                if article.raw_html is not None:
                    page_rows.append((article_id, article.url, article.fetched_at or now, article.http_encoding,
                                      gzip.compress(article.raw_html)))
            conn = db.conn
            conn.executemany(f"INSERT INTO articles ({columns}) VALUES ({placeholders})", article_rows)
            conn.executemany("INSERT OR IGNORE INTO article_urls (url, article_id, kind) VALUES (?, ?, ?)", url_rows)
            conn.executemany("INSERT OR IGNORE INTO article_tags (article_id, tag, tag_norm) VALUES (?, ?, ?)", tag_rows)
            conn.executemany("INSERT INTO article_stems (article_id, title, lead, body) VALUES (?, ?, ?, ?)", stem_rows)
            conn.executemany("INSERT INTO pages (article_id, url, fetched_at, http_encoding, html_gz) "
                             "VALUES (?, ?, ?, ?, ?)", page_rows)
        result.inserted += len(fresh)
        for i in sorted(known):
            store_article(db, batch[i], now=now)
            result.through_store += 1
    return result
