"""The stemmed full-text index (`article_stems_fts`): its row key, its rows, its rebuild.

The index is contentless (FTS5 content=''): it holds the Snowball stems of each article's
title, lead and body (newsarchive.textnorm.stem_text) without storing them a second time.
Writers add an article's row with `index_article` and take it out with `unindex_article`,
which hands FTS5 the stems of the text as it was indexed (stemmed again: the stemmer is
deterministic). The stemmer's identity is kept in `archive_meta`; an archive opened by a
different stemmer is re-indexed (`check_stemmer`), so that the stems removed are always
the stems that were added.

Rows are keyed by

    key = day << ID_BITS | article_id

where `day` counts whole UTC days from 1990-01-01 to the publication (0 when the article has
no date). FTS5 keeps every doclist in key order and can seek to a key range, so a date filter
on a text search reads only the part of each doclist published in the range instead of
checking every match, and "the newest matches" is the order the index is read in. Days rather
than minutes keep neighbouring keys close, so the index's delta-encoded doclists stay small.
`key & ID_MASK` is the article id.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Iterable

import Stemmer

from newsarchive.textnorm import TEXTNORM_VERSION, stem_text

logger = logging.getLogger(__name__)

#: Low bits for the article id (ids up to 4.29 billion).
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1
#: 1990-01-01T00:00:00Z in Unix seconds; earlier (and undated) articles are day 0.
EPOCH = 631_152_000
#: The last day a key holds; later times are clamped to it.
MAX_DAY = (1 << 30) - 1


def _day(published_utc: str | None) -> int:
    if not published_utc:
        return 0
    try:
        moment = datetime.fromisoformat(str(published_utc).replace("Z", "+00:00"))
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        seconds = moment.timestamp()
    except (OverflowError, OSError):
        return 0
    return min(MAX_DAY, max(0, int((seconds - EPOCH) // 86400)))


def stem_key(published_utc: str | None, article_id: int) -> int:
    """The key of an article's row in article_stems_fts."""
    if not 0 < int(article_id) <= ID_MASK:
        raise ValueError(f"article id {article_id} does not fit the stemmed index's key")
    return _day(published_utc) << ID_BITS | int(article_id)


def article_id_sql(key: str) -> str:
    """The article id held in a key, as SQL."""
    return f"({key} & {ID_MASK})"


def key_range(since_utc: str | None, until_utc: str | None) -> tuple[int | None, int | None]:
    """Key bounds (low inclusive, high exclusive) covering every article published in
    [since_utc, until_utc): whole days, so rows of the bounding days fall inside too;
    callers keep the exact condition on published_utc."""
    low = _day(since_utc) << ID_BITS if since_utc else None
    high = (_day(until_utc) + 1) << ID_BITS if until_utc else None
    return low, high


#: What the stems depend on: the Snowball library and our own folding rules.
STEMMER = f"PyStemmer {Stemmer.version()}; textnorm {TEXTNORM_VERSION}"
TABLE = "article_stems_fts"
COLUMNS = ("title", "lead", "body")


def stem_fields(title: str | None, lead: str | None, body: str | None) -> tuple[str, str, str]:
    """The stemmed title, lead and body, as the index holds them."""
    return stem_text(title), stem_text(lead), stem_text(body)


def index_article(conn, article_id: int, published_utc: str | None, title, lead, body) -> None:
    """Add an article's row (and any stem not yet in stem_terms)."""
    stems = stem_fields(title, lead, body)
    conn.execute(f"INSERT INTO {TABLE} (rowid, title, lead, body) VALUES (?, ?, ?, ?)",
                 (stem_key(published_utc, article_id), *stems))
    add_stem_terms(conn, stems)


def unindex_article(conn, article_id: int, published_utc: str | None, title, lead, body) -> None:
    """Take out the row indexed for this article as it was stored (its old date and text)."""
    conn.execute(f"INSERT INTO {TABLE} ({TABLE}, rowid, title, lead, body) VALUES ('delete', ?, ?, ?, ?)",
                 (stem_key(published_utc, article_id), *stem_fields(title, lead, body)))


def add_stem_terms(conn, stemmed_texts: Iterable[str | None]) -> None:
    """Record the stems of these stemmed texts in stem_terms (the query's prefix expansion)."""
    terms = set()
    for text in stemmed_texts:
        if text:
            terms.update(text.split())
    conn.executemany("INSERT OR IGNORE INTO stem_terms (term) VALUES (?)", [(t,) for t in sorted(terms)])


def stored_stemmer(conn) -> str | None:
    row = conn.execute("SELECT value FROM archive_meta WHERE name = 'stemmer'").fetchone()
    return row[0] if row else None


#: Articles re-indexed per read of their text.
REBUILD_CHUNK = 2_000


def rebuild(conn) -> int:
    """Index every article again from its stored text (in the caller's transaction), in key
    order (FTS5 writes its pending terms out whenever a rowid is not above the last); the count."""
    conn.execute(f"INSERT INTO {TABLE} ({TABLE}) VALUES ('delete-all')")
    conn.execute("DELETE FROM stem_terms")
    keyed = sorted((stem_key(published_utc, article_id), article_id)
                   for article_id, published_utc in conn.execute("SELECT id, published_utc FROM articles"))
    for start in range(0, len(keyed), REBUILD_CHUNK):
        chunk = keyed[start:start + REBUILD_CHUNK]
        ids = [article_id for _, article_id in chunk]
        texts = {row[0]: row[1:] for row in conn.execute(
            f"SELECT id, title, lead, body FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)}
        rows = [(key, *stem_fields(*texts[article_id])) for key, article_id in chunk]
        conn.executemany(f"INSERT INTO {TABLE} (rowid, title, lead, body) VALUES (?, ?, ?, ?)", rows)
        add_stem_terms(conn, (text for row in rows for text in row[1:]))
    conn.execute("INSERT OR REPLACE INTO archive_meta (name, value) VALUES ('stemmer', ?)", (STEMMER,))
    return len(keyed)


def check_stemmer(conn) -> bool:
    """Re-index the archive when it was indexed by another stemmer (in the caller's
    transaction); True when it did."""
    found = stored_stemmer(conn)
    if found == STEMMER:
        return False
    logger.warning("the stemmed index was built by %s, this is %s: indexing all articles again", found, STEMMER)
    rebuild(conn)
    return True
