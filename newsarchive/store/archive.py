"""Writing articles: the one way an Article reaches the archive.

`archive_article` is what the crawl's pipeline, `newsarchive import` and `newsarchive reparse`
call: bound and clean the text (newsarchive.store.normalise.limit_article), validate
(newsarchive.store.validate), normalise (newsarchive.store.normalise), then
`store_article`, which decides what the article is — new, a changed version of a stored article,
an unchanged re-fetch, or an exact copy of another stored article under another URL — and writes
the article, its tags, URLs, indexed words, raw page and story profile together or not at all.
Its story is decided by newsarchive.store.stories.refresh: at once by `archive_article`, at the
end of its batch for callers that store many (the crawl, `import`, `reparse`).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from newsarchive import clock, defaults
from newsarchive.failures import RETRY_NEXT_RUN
from newsarchive.model import Article
from newsarchive.store.analysis import TextAnalysis
from newsarchive.store.normalise import TextLimits
from newsarchive.store.prepare import (
    DUPLICATE,
    NEW,
    REJECTED,
    UNCHANGED,
    UPDATED,
    StoreResult,
    check_article,
    compress_page,
)
from newsarchive.store.schema import tag_spellings
from newsarchive.store.stories import assign_story, new_story, refresh
from newsarchive.store.transaction import transaction
from newsarchive.store.wordindex import index_article, unindex_article
from newsarchive.textnorm import fold_tag
from newsarchive.urls import canonicalize_url

#: Columns of `articles` that an article's page sets (the rest is bookkeeping).
ARTICLE_COLUMNS = (
    "canonical_url", "url", "site", "title", "lead", "body", "published_at", "published_utc", "published_day",
    "modified_at", "author", "section", "tags", "images", "credited_source", "credited_via",
    "language", "region", "story_region", "fetched_at", "content_hash",
)
#: What a changed page changes; a difference in any of these makes a new version.
VERSIONED = ("title", "lead", "body", "tags", "published_at", "modified_at", "content_hash")
#: Kept from the first fetch when the text did not change: the URL it was found under, when.
UNVERSIONED_KEEP = ("canonical_url", "url", "fetched_at")


def archive_article(db, article: Article, *, now: str | None = None, run_id: int | None = None,
                    seen: bool = True, limits: TextLimits | None = None, decide_story: bool = True) -> StoreResult:
    """Bound and clean, validate, normalise and store one article. A rejected one is recorded in
    `failures` and comes back as REJECTED; `seen=False` (a stored page extracted again) leaves
    last_seen alone; `limits` bound the stored text (default: newsarchive.defaults);
    `decide_story=False` leaves its story to the caller's `stories.refresh` at the end of a batch."""
    prepared = prepare_article(db, article, now=now, run_id=run_id, limits=limits)
    if prepared.status == REJECTED:
        return prepared
    stored = store_article(db, article, now=now, seen=seen)
    if decide_story and stored.status in (NEW, UPDATED):
        refresh(db)
    return finish(stored, prepared)


def prepare_article(db, article: Article, *, now: str | None = None, run_id: int | None = None,
                    limits: TextLimits | None = None) -> StoreResult:
    """The first half of `archive_article`: `check_article`, and a rejection recorded in
    `failures`. `store_article` then stores it, and `finish` puts the two results together."""
    prepared = check_article(article, limits)
    if prepared.status == REJECTED:
        record_rejection(db, article, prepared, run_id=run_id, now=now)
    return prepared


def record_rejection(db, article: Article, rejected: StoreResult, *, run_id: int | None = None,
                     now: str | None = None) -> None:
    """Keep why `check_article` rejected the article, in `failures`."""
    record_failure(db, article.url, rejected.reason, site=article.site, detail=rejected.detail, run_id=run_id, now=now)


def finish(stored: StoreResult, prepared: StoreResult) -> StoreResult:
    """A stored article's result with the cuts `prepare_article` made."""
    return replace(stored, cuts=prepared.cuts) if prepared.cuts else stored


def row_of(article: Article) -> dict:
    """The `articles` columns (ARTICLE_COLUMNS) of a validated, normalised article."""
    published_utc = clock.to_utc_iso(article.published_at)
    return {
        "canonical_url": article.canonical_url,
        "url": article.url,
        "site": article.site,
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "published_at": article.published_at,
        "published_utc": published_utc,
        "published_day": clock.local_day(published_utc),
        "modified_at": article.modified_at,
        "author": article.author,
        "section": article.section,
        "tags": json.dumps(article.tags, ensure_ascii=False),
        "images": json.dumps(article.images, ensure_ascii=False),
        "credited_source": article.credited_source,
        "credited_via": article.credited_via,
        "language": article.language,
        "region": article.region,
        "story_region": article.story_region,
        "fetched_at": article.fetched_at,
        "content_hash": article.content_hash,
    }


def find_stored(db, article: Article) -> tuple[str, int] | None:
    """("url", id) when any of the article's URLs is archived, ("content", id) when its exact
    text is archived under another URL, else None."""
    urls = {article.canonical_url, canonicalize_url(article.url)}
    placeholders = ",".join("?" * len(urls))
    row = db.execute(f"SELECT article_id FROM article_urls WHERE url IN ({placeholders}) LIMIT 1", list(urls)).fetchone()
    if row:
        return "url", row[0]
    row = db.execute("SELECT id FROM articles WHERE content_hash = ? LIMIT 1", [article.content_hash]).fetchone()
    if row:
        return "content", row[0]
    return None


def store_article(db, article: Article, *, now: str | None = None, seen: bool = True,
                  analysis: TextAnalysis | None = None) -> StoreResult:
    """Insert or update one validated, normalised article with everything that hangs on it;
    `analysis`: its text's (newsarchive.store.analysis), when it was analysed already."""
    now = now or clock.now_iso()
    row = row_of(article)
    with transaction(db):
        row["tags"] = json.dumps(tag_spellings(db, article.tags), ensure_ascii=False)
        found = find_stored(db, article)
        if found and found[0] == "content":
            _add_urls(db, found[1], article, kind="duplicate")
            if seen:
                db.execute("UPDATE articles SET last_seen = ? WHERE id = ?", [now, found[1]])
            return StoreResult(DUPLICATE, found[1], duplicate_of=found[1])
        if found:
            article_id = found[1]
            stored = dict(zip(ARTICLE_COLUMNS, db.execute(
                f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id = ?", [article_id]).fetchone()))
            changed = tuple(c for c in ARTICLE_COLUMNS if c not in UNVERSIONED_KEEP and stored[c] != row[c])
            if not any(c in VERSIONED for c in changed):
                assignments = [f"{c} = :{c}" for c in changed] + (["last_seen = :now"] if seen else [])
                if assignments:  # author, images…: fixed in place
                    db.execute(f"UPDATE articles SET {', '.join(assignments)} WHERE id = :id",
                               {**row, "now": now, "id": article_id})
                _add_urls(db, article_id, article, kind="alias")
                return StoreResult(UNCHANGED, article_id, changed=changed)
            _save_version(db, article_id, stored, now)
            unindex_article(db.conn, article_id, stored["published_utc"], stored["title"], stored["lead"],
                            stored["body"], stored["tags"])
            assignments = ", ".join(f"{c} = :{c}" for c in ARTICLE_COLUMNS if c != "canonical_url")
            db.execute(f"UPDATE articles SET {assignments}, last_seen = :now WHERE id = :id",
                       {**row, "now": now, "id": article_id})
            result = StoreResult(UPDATED, article_id, changed=changed)
        else:
            columns = ", ".join(ARTICLE_COLUMNS)
            values = ", ".join(f":{c}" for c in ARTICLE_COLUMNS)
            article_id = db.execute(
                f"INSERT INTO articles ({columns}, story_id, first_seen, last_seen) "
                f"VALUES ({values}, :story_id, :now, :now)",
                {**row, "story_id": new_story(db), "now": now},
            ).lastrowid
            result = StoreResult(NEW, article_id)
        _add_urls(db, article_id, article, kind="canonical")
        _write_tags(db, article_id, article.tags, row["published_utc"])
        _write_page(db, article_id, article, now, analysis.page_gz if analysis else None)
        assign_story(db, article_id, analysis.story if analysis else None)
        # Last: FTS5 writes its pending words out at the next statement that opens a statement
        # journal (setting stories.origin_id, checked as a foreign key, is one); after it, at commit.
        index_article(db.conn, article_id, row["published_utc"], article.title, article.lead, article.body,
                      article.tags, fields=analysis.index_fields if analysis else None)
    return result


def _add_urls(db, article_id: int, article: Article, kind: str) -> None:
    db.execute("INSERT OR IGNORE INTO article_urls (url, article_id, kind) VALUES (?, ?, ?)",
               [article.canonical_url, article_id, kind])
    fetched = canonicalize_url(article.url)
    if fetched != article.canonical_url:
        db.execute("INSERT OR IGNORE INTO article_urls (url, article_id, kind) VALUES (?, ?, ?)",
                   [fetched, article_id, "alias" if kind == "canonical" else kind])


def _write_tags(db, article_id: int, tags: list[str], published_utc: str | None) -> None:
    """The article's tags, with its published_utc (the tag index orders by it)."""
    db.execute("DELETE FROM article_tags WHERE article_id = ?", [article_id])
    db.conn.executemany(
        "INSERT OR IGNORE INTO article_tags (article_id, tag, tag_norm, published_utc) VALUES (?, ?, ?, ?)",
        [(article_id, tag, fold_tag(tag), published_utc) for tag in tags],
    )


def _write_page(db, article_id: int, article: Article, now: str, page_gz: bytes | None = None) -> None:
    """The page as fetched (`page_gz`: compressed already, by the crawl's helper)."""
    if article.raw_html is None:
        return
    db.execute(
        "INSERT OR REPLACE INTO pages (article_id, url, fetched_at, http_encoding, html_gz) VALUES (?, ?, ?, ?, ?)",
        [article_id, article.url, article.fetched_at or now, article.http_encoding,
         page_gz if page_gz is not None else compress_page(article.raw_html)],
    )


def _save_version(db, article_id: int, stored: dict, now: str) -> None:
    db.execute(
        """INSERT INTO versions (article_id, saved_at, title, lead, body, tags, published_at, modified_at, content_hash)
           VALUES (:article_id, :saved_at, :title, :lead, :body, :tags, :published_at, :modified_at, :content_hash)""",
        {"article_id": article_id, "saved_at": now, **{c: stored[c] for c in VERSIONED}},
    )


def record_failure(db, url: str, reason: str, *, site: str | None = None, detail: str | None = None,
                   run_id: int | None = None, now: str | None = None) -> None:
    """Keep a rejected page's URL and reason."""
    db.execute(
        "INSERT INTO failures (url, site, reason, detail, at, run_id) VALUES (?, ?, ?, ?, ?, ?)",
        [url, site, reason, detail, now or clock.now_iso(), run_id],
    )


def is_known_url(db, url: str) -> bool:
    """True when `url` (in any spelling) leads to an archived article."""
    return db.execute("SELECT 1 FROM article_urls WHERE url = ?", [canonicalize_url(url)]).fetchone() is not None


def recently_rejected(db, url: str, now=None) -> bool:
    """Was `url` rejected (no title, no text, …) or refused (too large, a redirect loop, …) within
    RETRY_REJECTED_AFTER_DAYS? Such a page is not downloaded again on every run; after that it gets
    another chance (a fixed template). A page the site failed to serve (a timeout, an HTTP error)
    or asked us to fetch later is tried again on the next run."""
    since = (now or clock.now()) - timedelta(days=defaults.RETRY_REJECTED_AFTER_DAYS)
    row = db.execute(f"SELECT 1 FROM failures WHERE url = ? AND at >= ? AND reason NOT IN ({_NEXT_RUN}) LIMIT 1",
                     [url, since.isoformat(timespec="seconds"), *RETRY_NEXT_RUN]).fetchone()
    return row is not None


_NEXT_RUN = ", ".join("?" * len(RETRY_NEXT_RUN))
