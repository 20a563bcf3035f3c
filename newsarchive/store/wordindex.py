"""The word index: one contentless FTS5 table per quarter of publication (`article_words_2026q4`,
…), its row key, its rows, its rebuild.

Each table holds the analysed words of its articles' title, lead and body
(newsarchive.textnorm.index_text: dictionary lemmas, stems of unknown words) without storing
them a second time, and one token per tag (`tag_token`) in a fourth column (bm25 weight 0: tags
filter, never score), so that a text search within a tag is one FTS5 query: FTS5 intersects
the word's and the tag's doclists itself. Writers add an article's row with `index_article` and
take it out with `unindex_article`, which hands FTS5 the tokens and tags of the article as it
was indexed (analysed again: the analyser is deterministic). The analyser's identity is kept
in `archive_meta`; an archive indexed by a different analyser is re-indexed (`check_analyser`),
so that the tokens removed are always the tokens that were added.

Rows are keyed by

    key = day << ID_BITS | article_id

where `day` counts whole UTC days from 1990-01-01 to the publication (0 when the article has
no date). FTS5 keeps every doclist in key order and can seek to a key range, so a date filter
on a text search reads only the part of each doclist published in the range instead of
checking every match, and "the newest matches" is the order the index is read in. Days rather
than minutes keep neighbouring keys close, so the index's delta-encoded doclists stay small.
`key & ID_MASK` is the article id.

Why a table per quarter: FTS5's bm25 counts, for every query term, all documents of the table
that hold it, whatever the date range or the number of rows read. In one table for the whole
archive that count grows with the archive (17 ms for «год» in 1,000,000 articles); in a table
per year it is a year of news (6-8 ms for a word in half of 333,000 articles), per quarter a
quarter's, and a search within dates touches only the quarters it covers. Shorter periods
would add a table, and a query arm, for every month of the archive's age.
Articles of 1990 and earlier, and undated ones (day 0), are in the table of 1990's first quarter.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date, timedelta, timezone
from typing import Iterable

from newsarchive.clock import parse_iso
from newsarchive.textnorm import ANALYSER, fold_tag, index_text

logger = logging.getLogger(__name__)

#: Low bits for the article id (ids up to 4.29 billion).
ID_BITS = 32
ID_MASK = (1 << ID_BITS) - 1
#: 1990-01-01T00:00:00Z in Unix seconds; earlier (and undated) articles are day 0.
EPOCH = 631_152_000
#: The last day a key holds; later times are clamped to it.
MAX_DAY = (1 << 30) - 1

#: What the index depends on: the analyser, the tag tokens' form, the tables' periods.
INDEXER = f"{ANALYSER}; tags 2; quarters"
#: A quarter's table is PREFIX + the year + "q" + the quarter (`article_words_2026q4`); its
#: fts5vocab table (term, doc, cnt) adds VOCAB_SUFFIX.
PREFIX = "article_words_"
VOCAB_SUFFIX = "_vocab"
COLUMNS = ("title", "lead", "body", "tags")
#: Analysed text is tokens joined by spaces, which FTS5's ascii tokenizer splits as unicode61
#: would, at a third of the cost; tag tokens are ASCII letters and digits after their mark.
TOKENIZE = "ascii"
_EPOCH_DATE = date(1990, 1, 1)
#: A table's period: (year, quarter 1-4).
Quarter = tuple[int, int]


def _day(published_utc: str | None) -> int:
    moment = parse_iso(published_utc)
    if moment is None:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        seconds = moment.timestamp()
    except (OverflowError, OSError, ValueError):
        return 0
    return min(MAX_DAY, max(0, int((seconds - EPOCH) // 86400)))


def word_key(published_utc: str | None, article_id: int) -> int:
    """The key of an article's row in its quarter's table of the word index."""
    if not 0 < int(article_id) <= ID_MASK:
        raise ValueError(f"article id {article_id} does not fit the word index's key")
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


def quarter_of_key(key: int) -> Quarter:
    """The quarter of publication (UTC) whose table holds the row with this key."""
    day = _EPOCH_DATE + timedelta(days=int(key) >> ID_BITS)
    return day.year, (day.month - 1) // 3 + 1


def quarter_key_range(quarter: Quarter) -> tuple[int, int]:
    """The keys of a quarter's table: low inclusive, high exclusive."""
    year, q = quarter
    first = date(year, 3 * q - 2, 1)
    after = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return (first - _EPOCH_DATE).days << ID_BITS, (after - _EPOCH_DATE).days << ID_BITS


def table_name(quarter: Quarter) -> str:
    year, q = quarter
    return f"{PREFIX}{int(year):04d}q{int(q)}"


def ensure_table(conn, quarter: Quarter) -> str:
    """The quarter's table, created (with its vocabulary table) when missing."""
    table = table_name(quarter)
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5({', '.join(COLUMNS)}, "
                 f"content='', tokenize='{TOKENIZE}')")
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table}{VOCAB_SUFFIX} USING fts5vocab({table}, 'row')")
    return table


def quarters(conn) -> list[Quarter]:
    """The quarters that have a table, newest first."""
    names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB ?",
                         (PREFIX + "[0-9][0-9][0-9][0-9]q[1-4]",)).fetchall()
    return sorted(((int(name[len(PREFIX):-2]), int(name[-1])) for (name,) in names), reverse=True)


def quarters_between(conn, low_key: int | None, high_key: int | None) -> list[Quarter]:
    """The quarters with a table holding keys in [low_key, high_key), newest first."""
    found = []
    for quarter in quarters(conn):
        low, high = quarter_key_range(quarter)
        if (high_key is None or low < high_key) and (low_key is None or high > low_key):
            found.append(quarter)
    return found


#: What starts every tag token: not a word character, so no word token ever equals or
#: prefixes a tag token, while the ascii tokenizer keeps it in the token (it splits on ASCII
#: punctuation only). So a query needs no column filter, which would double the cost of bm25's
#: document counts.
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


def index_fields(title: str | None, lead: str | None, body: str | None) -> tuple[str, str, str]:
    """The analysed title, lead and body, as the index holds them."""
    return index_text(title), index_text(lead), index_text(body)


def index_article(conn, article_id: int, published_utc: str | None, title, lead, body, tags,
                  fields: tuple[str, str, str] | None = None) -> None:
    """Add an article's row (and any token not yet in word_terms); `fields`: its `index_fields`,
    when they were analysed already."""
    key = word_key(published_utc, article_id)
    fields = fields or index_fields(title, lead, body)
    table = ensure_table(conn, quarter_of_key(key))
    conn.execute(f"INSERT INTO {table} (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
                 (key, *fields, tag_tokens(tags)))
    add_terms(conn, fields)


def unindex_article(conn, article_id: int, published_utc: str | None, title, lead, body, tags) -> None:
    """Take out the row indexed for this article as it was stored (its old date, text and tags)."""
    key = word_key(published_utc, article_id)
    table = table_name(quarter_of_key(key))
    conn.execute(f"INSERT INTO {table} ({table}, rowid, {', '.join(COLUMNS)}) VALUES ('delete', ?, ?, ?, ?, ?)",
                 (key, *index_fields(title, lead, body), tag_tokens(tags)))


def add_terms(conn, texts: Iterable[str | None]) -> None:
    """Record the tokens of these analysed texts in word_terms (an explicit prefix query's expansion)."""
    terms = set()
    for text in texts:
        if text:
            terms.update(text.split())
    # one statement for all of them: a third cheaper than a row at a time (most are there already)
    conn.execute("INSERT OR IGNORE INTO word_terms (term) SELECT value FROM json_each(?)",
                 (json.dumps(sorted(terms), ensure_ascii=False),))


def stored_indexer(conn) -> str | None:
    row = conn.execute("SELECT value FROM archive_meta WHERE name = 'indexer'").fetchone()
    return row[0] if row else None


#: Articles re-indexed per read of their text.
REBUILD_CHUNK = 2_000


def drop_tables(conn) -> None:
    """Drop every table of the word index and its vocabulary table (those of a year, before
    the tables were per quarter, too)."""
    names = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB ?",
                                              (PREFIX + "[0-9][0-9][0-9][0-9]*",))]
    for name in sorted(names, key=lambda name: not name.endswith(VOCAB_SUFFIX)):  # a vocabulary table first
        conn.execute(f"DROP TABLE IF EXISTS {name}")


def rebuild(conn) -> int:
    """Index every article again from its stored text (in the caller's transaction), in key
    order (FTS5 writes its pending terms out whenever a rowid is not above the last); the count."""
    drop_tables(conn)
    conn.execute("DELETE FROM word_terms")
    keyed = sorted((word_key(published_utc, article_id), article_id)
                   for article_id, published_utc in conn.execute("SELECT id, published_utc FROM articles"))
    for start in range(0, len(keyed), REBUILD_CHUNK):
        chunk = keyed[start:start + REBUILD_CHUNK]
        ids = [article_id for _, article_id in chunk]
        texts = {row[0]: row[1:] for row in conn.execute(
            f"SELECT id, title, lead, body, tags FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)}
        rows = [(key, *index_fields(*texts[article_id][:3]), tag_tokens(texts[article_id][3]))
                for key, article_id in chunk]
        for quarter in sorted({quarter_of_key(key) for key, _ in chunk}):
            table = ensure_table(conn, quarter)
            conn.executemany(f"INSERT INTO {table} (rowid, {', '.join(COLUMNS)}) VALUES (?, ?, ?, ?, ?)",
                             [row for row in rows if quarter_of_key(row[0]) == quarter])
        add_terms(conn, (text for row in rows for text in row[1:4]))
    conn.execute("INSERT OR REPLACE INTO archive_meta (name, value) VALUES ('indexer', ?)", (INDEXER,))
    return len(keyed)


def check_indexer(conn) -> bool:
    """Re-index the archive when another analyser built its index (in the caller's
    transaction); True when it did."""
    found = stored_indexer(conn)
    if found == INDEXER:
        return False
    logger.warning("the word index was built by %s, this is %s: indexing all articles again", found, INDEXER)
    rebuild(conn)
    return True
