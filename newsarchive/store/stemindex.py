"""The stemmed full-text index: one contentless FTS5 table per publication year
(`article_stems_2026`, …), its row key, its rows, its rebuild.

Each table holds the Snowball stems of its articles' title, lead and body
(newsarchive.textnorm.stem_text) without storing them a second time, and one token per tag
(`tag_token`) in a fourth column (bm25 weight 0: tags filter, never score), so that a text
search within a tag is one FTS5 query: FTS5 intersects the word's and the tag's doclists itself. Writers add an article's row with
`index_article` and take it out with `unindex_article`, which hands FTS5 the stems and tags
of the article as it was indexed (stemmed again: the stemmer is deterministic). The
stemmer's identity is kept in `archive_meta`; an archive opened by a different stemmer is
re-indexed (`check_stemmer`), so that the stems removed are always the stems that were added.

Rows are keyed by

    key = day << ID_BITS | article_id

where `day` counts whole UTC days from 1990-01-01 to the publication (0 when the article has
no date). FTS5 keeps every doclist in key order and can seek to a key range, so a date filter
on a text search reads only the part of each doclist published in the range instead of
checking every match, and "the newest matches" is the order the index is read in. Days rather
than minutes keep neighbouring keys close, so the index's delta-encoded doclists stay small.
`key & ID_MASK` is the article id.

Why a table per year: FTS5's bm25 counts, for every query term, all documents of the table
that hold it, whatever the date range or the number of rows read. In one table for the whole
archive that count grows with the archive (17 ms for «год» in 1,000,000 articles); per year it
is bounded by a year of news, and a search within dates touches only the years it covers.
Articles of 1990 and earlier, and undated ones (day 0), are in the 1990 table.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, datetime, timedelta, timezone
from typing import Iterable

import Stemmer

from newsarchive.textnorm import TEXTNORM_VERSION, fold_tag, stem_text

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
    """The key of an article's row in its year's table of the stemmed index."""
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


#: What the stems depend on: the Snowball library, our own folding rules and the tag tokens.
STEMMER = f"PyStemmer {Stemmer.version()}; textnorm {TEXTNORM_VERSION}; tags 2"
#: A year's table is PREFIX + the year; its fts5vocab table (term, doc, cnt) adds VOCAB_SUFFIX.
PREFIX = "article_stems_"
VOCAB_SUFFIX = "_vocab"
COLUMNS = ("title", "lead", "body", "tags")
#: Stemmed text is folded words joined by spaces, which FTS5's ascii tokenizer splits as
#: unicode61 would, at a third of the cost; tag tokens are ASCII letters and digits.
TOKENIZE = "ascii"
#: The year that holds undated articles (day 0) and any published before 1990.
FIRST_YEAR = 1990
_EPOCH_DATE = date(1990, 1, 1)


def year_of_key(key: int) -> int:
    """The publication year (UTC) whose table holds the row with this key."""
    return (_EPOCH_DATE + timedelta(days=int(key) >> ID_BITS)).year


def year_key_range(year: int) -> tuple[int, int]:
    """The keys of a year's table: low inclusive, high exclusive."""
    low = (date(year, 1, 1) - _EPOCH_DATE).days << ID_BITS if year > FIRST_YEAR else 0
    return low, (date(year + 1, 1, 1) - _EPOCH_DATE).days << ID_BITS


def table_name(year: int) -> str:
    return f"{PREFIX}{int(year):04d}"


def create_sql(table: str) -> str:
    """The CREATE statement of a year's table (the bulk import's scratch tables use it too)."""
    return (f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({', '.join(COLUMNS)}, "
            f"content='', tokenize='{TOKENIZE}')")


def ensure_table(conn, year: int) -> str:
    """The year's table, created (with its vocabulary table) when missing."""
    table = table_name(year)
    conn.execute(create_sql(table))
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}{VOCAB_SUFFIX} USING fts5vocab({table}, 'row')")
    return table


def years(conn) -> list[int]:
    """The years that have a table, newest first."""
    names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB ?",
                         (PREFIX + "[0-9][0-9][0-9][0-9]",)).fetchall()
    return sorted((int(name[len(PREFIX):]) for (name,) in names), reverse=True)


def years_between(conn, low_key: int | None, high_key: int | None) -> list[int]:
    """The years with a table holding keys in [low_key, high_key), newest first."""
    found = []
    for year in years(conn):
        low, high = year_key_range(year)
        if (high_key is None or low < high_key) and (low_key is None or high > low_key):
            found.append(year)
    return found


#: What starts every tag token: not a word character, so no stem (runs of word characters,
#: newsarchive.textnorm.words) and no query word ever equals or prefixes a tag token, while
#: the ascii tokenizer keeps it in the token (it splits on ASCII punctuation only). So a
#: query needs no column filter, which would double the cost of bm25's document counts.
TAG_MARK = "\u00b7"


def tag_token(tag: str) -> str:
    """The token that stands for a tag (folded: fold_tag) in the index's tags column: TAG_MARK,
    't' and 64 bits of its hash."""
    return TAG_MARK + "t" + hashlib.blake2b(fold_tag(tag).encode(), digest_size=8).hexdigest()


def tag_tokens(tags: Iterable[str] | str | None) -> str:
    """The tags column of an article's row; `tags` as a list or as the stored JSON text."""
    if isinstance(tags, str):
        tags = json.loads(tags or "[]")
    return " ".join(dict.fromkeys(tag_token(t) for t in tags or () if fold_tag(t)))


def tags_match(tags: Iterable[str]) -> str:
    """The MATCH expression of "has every one of these tags"."""
    return " AND ".join(f'"{tag_token(t)}"' for t in tags)


def stem_fields(title: str | None, lead: str | None, body: str | None) -> tuple[str, str, str]:
    """The stemmed title, lead and body, as the index holds them."""
    return stem_text(title), stem_text(lead), stem_text(body)


def index_article(conn, article_id: int, published_utc: str | None, title, lead, body, tags) -> None:
    """Add an article's row (and any stem not yet in stem_terms)."""
    key = stem_key(published_utc, article_id)
    stems = stem_fields(title, lead, body)
    table = ensure_table(conn, year_of_key(key))
    conn.execute(f"INSERT INTO {table} (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
                 (key, *stems, tag_tokens(tags)))
    add_stem_terms(conn, stems)


def unindex_article(conn, article_id: int, published_utc: str | None, title, lead, body, tags) -> None:
    """Take out the row indexed for this article as it was stored (its old date, text and tags)."""
    key = stem_key(published_utc, article_id)
    table = table_name(year_of_key(key))
    conn.execute(f"INSERT INTO {table} ({table}, rowid, {', '.join(COLUMNS)}) VALUES ('delete', ?, ?, ?, ?, ?)",
                 (key, *stem_fields(title, lead, body), tag_tokens(tags)))


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


def drop_tables(conn) -> None:
    """Drop every year's table and its vocabulary table."""
    for year in years(conn):
        conn.execute(f"DROP TABLE IF EXISTS {table_name(year)}{VOCAB_SUFFIX}")
        conn.execute(f"DROP TABLE IF EXISTS {table_name(year)}")


def rebuild(conn) -> int:
    """Index every article again from its stored text (in the caller's transaction), in key
    order (FTS5 writes its pending terms out whenever a rowid is not above the last); the count."""
    drop_tables(conn)
    conn.execute("DELETE FROM stem_terms")
    keyed = sorted((stem_key(published_utc, article_id), article_id)
                   for article_id, published_utc in conn.execute("SELECT id, published_utc FROM articles"))
    for start in range(0, len(keyed), REBUILD_CHUNK):
        chunk = keyed[start:start + REBUILD_CHUNK]
        ids = [article_id for _, article_id in chunk]
        texts = {row[0]: row[1:] for row in conn.execute(
            f"SELECT id, title, lead, body, tags FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)}
        rows = [(key, *stem_fields(*texts[article_id][:3]), tag_tokens(texts[article_id][3]))
                for key, article_id in chunk]
        for year in sorted({year_of_key(key) for key, _ in chunk}):
            table = ensure_table(conn, year)
            conn.executemany(f"INSERT INTO {table} (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
                             [row for row in rows if year_of_key(row[0]) == year])
        add_stem_terms(conn, (text for row in rows for text in row[1:4]))
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
