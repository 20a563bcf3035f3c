"""The archive's SQLite schema and the connection every writer and reader uses.

Writers (crawl, import, reparse, upgrade) open the archive with `open_db`, which creates the
schema in a new file and brings an older one up to date (MIGRATIONS); readers (search, tags,
stats, trend, serve, health, sites) open it with `open_reader`, read-only, and are refused an
archive they would have to change. Neither touches a file that is not an archive: no table, no
user_version, no WAL switch (ArchiveError says what the file is). Every connection comes with the
archive's SQL functions (newsarchive.search.functions); writers wrap each article in
`transaction(db)`. See docs/ARCHITECTURE.md for why each table exists.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

import sqlite_utils

from newsarchive.clock import local_day
from newsarchive.search.functions import register_functions
from newsarchive.store import stories, wordindex
from newsarchive.store.transaction import transaction
from newsarchive.textnorm import fold_tag

#: The archive's schema version (PRAGMA user_version). A change to SCHEMA after a release bumps it
#: and adds what brings an archive of the previous version up to it to MIGRATIONS.
SCHEMA_VERSION = 7
SCHEMA = """
-- The columns a reader looks at first (datasette shows them in this order), the bookkeeping
-- after them, the long text last: a row longer than a page continues in overflow pages, and
-- SQLite reads a column by walking the record up to it, so filters, sorts and index builds on
-- dates, sites and hashes never read the lead or the body.
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    published_at TEXT,   -- as the page states it, with its offset
    site TEXT NOT NULL,
    title TEXT NOT NULL,
    tags TEXT NOT NULL DEFAULT '[]',  -- JSON list, one spelling per folded tag (tag_spellings)
    story_id INTEGER REFERENCES stories(id),
    region TEXT,
    story_region TEXT,
    language TEXT,
    author TEXT,
    section TEXT,
    credited_source TEXT,
    credited_via TEXT,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL UNIQUE,
    published_utc TEXT,
    published_day TEXT,  -- the Kazakhstan calendar day of published_utc: datasette's date facet
    modified_at TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    fetched_at TEXT,
    content_hash TEXT NOT NULL,
    images TEXT NOT NULL DEFAULT '[]',
    lead TEXT,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_utc);
CREATE INDEX IF NOT EXISTS articles_site_published ON articles(site, published_utc);
CREATE INDEX IF NOT EXISTS articles_content_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS articles_story ON articles(story_id);
CREATE INDEX IF NOT EXISTS articles_story_region ON articles(story_region, published_utc);

-- published_utc is the article's, copied so that "newest with this tag" (and a tag within a
-- date range) is one range of the (tag_norm, published_utc) index; written with the tags
-- whenever an article is inserted or updated (newsarchive.store.archive, newsarchive.bulk).
CREATE TABLE IF NOT EXISTS article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    tag_norm TEXT NOT NULL,
    published_utc TEXT,
    PRIMARY KEY (article_id, tag_norm)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_tags_norm ON article_tags(tag_norm, published_utc, article_id);
CREATE TRIGGER IF NOT EXISTS article_tags_published AFTER UPDATE OF published_utc ON articles
WHEN new.published_utc IS NOT old.published_utc
BEGIN
    UPDATE article_tags SET published_utc = new.published_utc WHERE article_id = new.id;
END;

-- Every URL known to lead to an archived article (canonical, as fetched, exact duplicates),
-- so that a crawl can skip it before downloading.
CREATE TABLE IF NOT EXISTS article_urls (
    url TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS article_urls_article ON article_urls(article_id);

-- Every token ever put in the word index, for expanding an explicit prefix («пенс*» → пенсия,
-- пенсионный, …) into index terms by one range read; a term no article holds any more matches nothing.
CREATE TABLE IF NOT EXISTS word_terms (
    term TEXT PRIMARY KEY
) WITHOUT ROWID;

-- The one spelling `articles.tags` shows for each folded tag, the best the archive met
-- («Пенсия 2026» for «ПЕНСИЯ 2026» and «пенсия  2026»); article_tags keeps each page's own.
CREATE TABLE IF NOT EXISTS tag_spellings (
    tag_norm TEXT PRIMARY KEY,
    spelling TEXT NOT NULL
) WITHOUT ROWID;

-- Facts about the archive as a whole: 'indexer' = what built the word index.
CREATE TABLE IF NOT EXISTS archive_meta (
    name TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;

-- The page as fetched, gzip-compressed, so that extraction can run again without fetching.
CREATE TABLE IF NOT EXISTS pages (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    http_encoding TEXT,
    html_gz BLOB NOT NULL
);

-- Earlier versions of articles whose page changed.
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    saved_at TEXT NOT NULL,
    title TEXT,
    lead TEXT,
    body TEXT,
    tags TEXT,
    published_at TEXT,
    modified_at TEXT,
    content_hash TEXT
);
CREATE INDEX IF NOT EXISTS versions_article ON versions(article_id);

-- Pages that failed: why (a reason of newsarchive.failures, or validation's), where, when.
CREATE TABLE IF NOT EXISTS failures (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    site TEXT,
    reason TEXT NOT NULL,
    detail TEXT,
    at TEXT NOT NULL,
    run_id INTEGER
);
CREATE INDEX IF NOT EXISTS failures_url ON failures(url);

-- One row per crawl, and one per site within it: the figures health checks compare.
-- missing_fields / missed_selectors: JSON {field: share of the run's article pages}.
-- errors / refused / deferred: failures by kind, reasons: JSON {reason: count} (newsarchive.failures);
-- responses: HTTP responses received (none at all: the site could not be reached).
CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    sites TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    requests INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0,
    deferred INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS site_runs (
    run_id INTEGER NOT NULL REFERENCES crawl_runs(id),
    site TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT,
    requests INTEGER NOT NULL DEFAULT 0,
    discovered INTEGER NOT NULL DEFAULT 0,
    pages INTEGER NOT NULL DEFAULT 0,
    skipped_known INTEGER NOT NULL DEFAULT 0,
    skipped_rejected INTEGER NOT NULL DEFAULT 0,
    new INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    rejected INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0,
    missing_fields TEXT NOT NULL DEFAULT '{}',
    missed_selectors TEXT NOT NULL DEFAULT '{}',
    generic_links INTEGER NOT NULL DEFAULT 0,
    listing_pages INTEGER NOT NULL DEFAULT 0,
    reached TEXT,
    responses INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0,
    deferred INTEGER NOT NULL DEFAULT 0,
    reasons TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, site)
);

-- Backfills (`crawl --since`, a site's first crawl): how far back each site is wanted, until a
-- crawl of it finishes; and where each walk of a listing, day archive or sitemap has got to, so
-- that a killed backfill carries on where it stopped (newsarchive.crawl.backfill).
CREATE TABLE IF NOT EXISTS backfills (
    site TEXT PRIMARY KEY,
    since TEXT NOT NULL,
    reason TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS backfill_walks (
    site TEXT NOT NULL,
    walk TEXT NOT NULL,
    since TEXT NOT NULL,
    next_url TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    oldest TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (site, walk)
) WITHOUT ROWID;

-- Validators of feeds and sitemaps (ETag, Last-Modified) for conditional requests; written only
-- when a crawl of the site finished, so that an interrupted crawl reads them in full again.
CREATE TABLE IF NOT EXISTS http_validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    saved_at TEXT NOT NULL
) WITHOUT ROWID;

-- Stories: the versions of one event across sites (newsarchive.store.stories). Every article
-- is in one (articles.story_id; a story of one is a story).
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    title TEXT,            -- the origin's
    origin_id INTEGER REFERENCES articles(id),  -- what the credit lines lead to, else the earliest
    articles INTEGER NOT NULL DEFAULT 1,
    sites INTEGER NOT NULL DEFAULT 1,
    first_published TEXT,
    last_published TEXT
);
-- What an article's story is decided by: its profile (vector, anchors, facts, MinHash) and the
-- rarest tokens it is posted under.
CREATE TABLE IF NOT EXISTS story_profiles (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    day INTEGER NOT NULL,
    profile BLOB NOT NULL,
    posted BLOB NOT NULL
);
-- Articles by their rarest tokens and publication day: finding the ones that may tell an event
-- is a few index reads within days, however large the archive.
CREATE TABLE IF NOT EXISTS story_postings (
    token INTEGER NOT NULL,
    day INTEGER NOT NULL,
    article_id INTEGER NOT NULL,
    PRIMARY KEY (token, day, article_id)
) WITHOUT ROWID;
-- Pairs that tell one event (kind 'copy' or 'story'), both ways round.
CREATE TABLE IF NOT EXISTS story_links (
    article_id INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (article_id, other_id)
) WITHOUT ROWID;
-- Articles stored whose story is still to be decided, by newsarchive.store.stories.refresh at
-- the end of their batch (or of the next one, after a kill).
CREATE TABLE IF NOT EXISTS story_pending (
    article_id INTEGER PRIMARY KEY,
    stage INTEGER NOT NULL DEFAULT 0,  -- the refresh's passes done for it (stories.STAGE_*)
    terms BLOB  -- its content words' hashes and counts, so that the refresh need not read the text again
);
-- How many articles hold each term or anchor (its rarity); archive_meta.story_documents counts them.
CREATE TABLE IF NOT EXISTS story_df (
    token INTEGER PRIMARY KEY,
    documents INTEGER NOT NULL
);
"""

#: Watches (newsarchive.watch): saved searches whose new matches are delivered after every crawl.
#: Part of SCHEMA (an older archive gets them with the step from version 4, which runs SCHEMA).
WATCH_SCHEMA = """
-- A saved search. It sees only articles with an id above after_article_id (the largest id when
-- it was created: articles are never deleted, and rowids only grow while none is). Each run
-- checks the articles archived (id above checked_article_id) and changed (a versions row above
-- checked_version_id) since the last, and moves both marks.
CREATE TABLE IF NOT EXISTS watches (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    query TEXT,
    filters TEXT NOT NULL DEFAULT '{}',  -- JSON {"tags": [...], "sites": [...], "regions": [...], "languages": [...]}
    uuid TEXT NOT NULL,                  -- its Atom feed's id (urn:uuid:...)
    created_at TEXT NOT NULL,
    after_article_id INTEGER NOT NULL,
    checked_article_id INTEGER NOT NULL,
    checked_version_id INTEGER NOT NULL
);
-- Where a watch delivers: kind = feed (target: a file), email (addresses), webhook (a URL);
-- settings: JSON (SMTP host, port, user, sender, security, the hour of the daily mail), never a
-- password. sent_through: the watch_hits id up to which this channel has delivered.
CREATE TABLE IF NOT EXISTS watch_channels (
    id INTEGER PRIMARY KEY,
    watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    sent_through INTEGER NOT NULL DEFAULT 0,
    UNIQUE (watch_id, kind, target)
);
-- What a watch found: each article once per watch, recorded before it is shown or sent.
-- lead_article_id: the first article of its story this watch found (the article itself when
-- the story was new to the watch); later copies of a story are grouped under it.
CREATE TABLE IF NOT EXISTS watch_hits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    watch_id INTEGER NOT NULL REFERENCES watches(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    lead_article_id INTEGER NOT NULL,
    story_id INTEGER,
    found_at TEXT NOT NULL,
    UNIQUE (watch_id, article_id)
);
CREATE INDEX IF NOT EXISTS watch_hits_found ON watch_hits(found_at);
CREATE INDEX IF NOT EXISTS watch_hits_lead ON watch_hits(watch_id, lead_article_id);
-- A channel's delivery: hits after_hit < id <= last_hit of its watch, recorded with its key
-- before it is sent, marked sent_at after. An unsent one is sent again, the same hits under the
-- same key (a webhook's Idempotency-Key, an e-mail's Message-ID), before anything newer.
CREATE TABLE IF NOT EXISTS watch_sends (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel_id INTEGER NOT NULL REFERENCES watch_channels(id) ON DELETE CASCADE,
    after_hit INTEGER NOT NULL,
    last_hit INTEGER NOT NULL,
    key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    sent_at TEXT
);
CREATE INDEX IF NOT EXISTS watch_sends_channel ON watch_sends(channel_id, sent_at);
"""
SCHEMA += WATCH_SCHEMA


class ArchiveError(Exception):
    """The file at a --db path cannot be used as an archive; the message says what it is and
    what to do. Nothing was changed in it."""


def connect(path: str | Path, *, wal: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, with a busy timeout.
    `wal=False` leaves the journal mode as the file has it."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    if wal:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    register_functions(conn)
    return conn


def open_db(path: str | Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open the archive at `path` for writing: a new archive when there is no file (or an empty
    one) and `create`, an older one brought up to date. Raises ArchiveError, without changing the
    file, when it is no SQLite file, another program's database or damaged; FileNotFoundError
    when there is none and not `create`."""
    memory = str(path) == ":memory:"
    if not create and not memory and not Path(path).exists():
        raise FileNotFoundError(f"no archive at {path} (crawl or import first, or pass --db)")
    try:
        conn = connect(path, wal=False)
    except (OSError, sqlite3.Error) as error:
        raise ArchiveError(f"cannot open or create an archive at {path}: {_reason(error)}") from None
    try:
        _check_archive(conn, path, allow_new=True, allow_older=True)
        if not memory:
            conn.execute("PRAGMA journal_mode = WAL")
        db = sqlite_utils.Database(conn)
        ensure_schema(db)
    except BaseException as error:
        conn.close()
        if isinstance(error, sqlite3.Error):
            raise ArchiveError(f"{path}: {_reason(error)}") from None
        raise
    return db


def open_reader(path: str | Path) -> sqlite_utils.Database:
    """Open the archive at `path` read-only, for commands that only read it: nothing is created,
    migrated or switched to WAL, and a read-only archive (a read-only mount, a file the user may
    not write) can be read. Raises ArchiveError when there is no archive at `path`, or one that a
    writer must bring up to date first (`newsarchive upgrade`)."""
    target = Path(path)
    if not target.exists():
        raise ArchiveError(f"no archive at {path} (crawl or import first, or pass --db)")
    if target.is_dir():
        raise ArchiveError(f"{path} is a folder, not an archive")
    try:
        conn = _read_only(target)
    except sqlite3.OperationalError as error:
        # A WAL archive nobody may write (a read-only mount): SQLite cannot make its shared-memory
        # file, so it is read as immutable; no one can be writing it meanwhile.
        if "unable to open" not in str(error) or _writable(target):
            raise ArchiveError(f"cannot read {path}: {_reason(error)}") from None
        try:
            conn = _read_only(target, immutable=True)
        except sqlite3.Error as again:
            raise ArchiveError(f"cannot read {path}: {_reason(again)}") from None
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"{path} is not an archive: {_reason(error)}") from None
    try:
        _check_archive(conn, path, allow_new=False, allow_older=False)
        if wordindex.stored_indexer(conn) != wordindex.INDEXER:  # words searched as it does not hold them
            raise ArchiveError(f"{path}: its word index was built by another version of newsarchive: run "
                               f"`newsarchive upgrade --db {path}` (or a crawl) to build it again")
        conn.execute("PRAGMA foreign_keys = ON")
        register_functions(conn)
    except BaseException as error:
        conn.close()
        if isinstance(error, sqlite3.Error):
            raise ArchiveError(f"{path}: {_reason(error)}") from None
        raise
    return sqlite_utils.Database(conn)


def _read_only(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection (SQLite's mode=ro) to `path`, checked by one read."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro" + ("&immutable=1" if immutable else "")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 30000")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def describe_error(error: BaseException) -> str:
    """What an error of SQLite or of the file system means for the archive, in words."""
    return _reason(error)


def _reason(error: BaseException) -> str:
    """What an error opening a file means, in words."""
    text = str(error)
    if "file is not a database" in text:
        return "not a SQLite database"
    if "malformed" in text:
        return "the file is damaged (database disk image is malformed); restore it from a backup"
    if "disk is full" in text:
        return "the disk is full: nothing more can be written (what was stored is kept)"
    if "readonly database" in text or "read-only" in text:
        return "the archive is read-only here: only reading commands can use it"
    if "locked" in text:
        return "another program held the archive too long (database is locked); try again"
    if isinstance(error, NotADirectoryError) or isinstance(error, FileExistsError):
        return f"a part of the path is a file, not a folder ({error.filename or text})"
    return text


def _check_archive(conn: sqlite3.Connection, path, *, allow_new: bool, allow_older: bool) -> None:
    """Raise ArchiveError unless the database on `conn` is a newsarchive archive of this version
    (or, with `allow_new`, an empty database; with `allow_older`, an older archive). Reads only."""
    try:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"{path} is not an archive: {_reason(error)}") from None
    if not tables and not version:
        if allow_new:
            return
        raise ArchiveError(f"{path} is an empty database, not an archive (crawl or import into it first)")
    if "articles" not in tables or not version:
        listed = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise ArchiveError(f"{path} is not a newsarchive archive (a database with tables {listed}); "
                           "nothing was changed in it")
    if version > SCHEMA_VERSION:
        raise ArchiveError(f"{path} has schema version {version}, newer than this newsarchive "
                           f"({SCHEMA_VERSION}): upgrade newsarchive")
    if version < SCHEMA_VERSION and not allow_older:
        raise ArchiveError(f"{path} is an archive of an older newsarchive (schema version {version}, this one "
                           f"reads {SCHEMA_VERSION}): run `newsarchive upgrade --db {path}` (or a crawl) "
                           "to bring it up to date")


def check_writable_archive(path: str | Path) -> None:
    """Raise ArchiveError, reading only, unless `path` is nothing yet, an empty file or an archive
    a writer may open: what writers check before they take the lock (no lock file beside another
    program's database)."""
    target = Path(path)
    if str(path) == ":memory:" or not target.exists():
        return
    if target.is_dir():
        raise ArchiveError(f"{path} is a folder, not an archive")
    if target.stat().st_size == 0:
        return
    try:
        probe = _read_only(target)
    except sqlite3.OperationalError as error:
        raise ArchiveError(f"cannot open {path} to write to it: {_reason(error)}") from None
    except sqlite3.DatabaseError as error:
        raise ArchiveError(f"{path} is not an archive: {_reason(error)}") from None
    try:
        _check_archive(probe, path, allow_new=True, allow_older=True)
    finally:
        probe.close()


def upgrade(path: str | Path) -> tuple[int, int]:
    """Bring the archive at `path` up to date (schema and stemmed index): what `newsarchive
    upgrade` does, and every writer on opening. Returns (version before, version after)."""
    if not Path(path).exists():
        raise ArchiveError(f"no archive at {path}")
    try:
        probe = _read_only(Path(path))
    except sqlite3.Error as error:
        raise ArchiveError(f"cannot read {path}: {_reason(error)}") from None
    try:
        _check_archive(probe, path, allow_new=False, allow_older=True)
        (before,) = probe.execute("PRAGMA user_version").fetchone()
    finally:
        probe.close()
    open_db(path, create=False).close()
    return before, SCHEMA_VERSION


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create the schema in a new archive, migrate an older one, and re-index the word index when
    another analyser built it; idempotent."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version == SCHEMA_VERSION:
        if wordindex.stored_indexer(db.conn) != wordindex.INDEXER:
            with transaction(db):
                wordindex.check_indexer(db.conn)
        return
    if version > SCHEMA_VERSION:
        raise ArchiveError(f"this archive has schema version {version}, newer than this newsarchive "
                           f"({SCHEMA_VERSION}): upgrade newsarchive")
    if version:
        _migrate(db, version)
        return
    with transaction(db):  # executescript() would commit on its own; run statement by statement
        for statement in _statements(SCHEMA):
            db.execute(statement)
        wordindex.rebuild(db.conn)  # records the indexer; the year tables come with the articles
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _migrate(db: sqlite_utils.Database, version: int) -> None:
    """Bring an archive of an older schema version up to SCHEMA_VERSION in one transaction.

    Foreign keys are off meanwhile (a step may rebuild a table, and dropping the old one must
    not cascade to its children); SQLite only switches them outside a transaction."""
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        with transaction(db):
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](db)
            problems = db.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"migration left rows without their parent: {problems[:5]}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    finally:
        db.execute("PRAGMA foreign_keys = ON")


def _v1_to_v2(db: sqlite_utils.Database) -> None:
    """Version 2 added a vocabulary table over the stemmed index of its day, which version 3
    replaced: nothing to do on the way."""


def _rebuild_articles(db: sqlite_utils.Database) -> None:
    """articles in SCHEMA's column order, with published_day (foreign keys are off: see
    _migrate); ids are kept."""
    columns = [row[1] for row in db.execute("PRAGMA table_info(articles)").fetchall()]
    create = SCHEMA[SCHEMA.index("CREATE TABLE IF NOT EXISTS articles ("):]
    create = create[:create.index(");") + 2].replace("IF NOT EXISTS articles (", "articles_rebuilt (")
    db.execute(create)
    listed = ", ".join(columns)
    db.execute(f"INSERT INTO articles_rebuilt ({listed}) SELECT {listed} FROM articles")
    db.conn.create_function("na_local_day", 1, local_day, deterministic=True)
    db.execute("UPDATE articles_rebuilt SET published_day = na_local_day(published_utc)")
    db.execute("DROP TABLE articles")  # with its indexes and triggers; made again below
    db.execute("ALTER TABLE articles_rebuilt RENAME TO articles")
    for statement in _statements(SCHEMA):
        db.execute(statement)


def _add_columns(db: sqlite_utils.Database, table: str, columns: dict[str, str]) -> None:
    """ALTER TABLE ADD COLUMN for each of `columns` (name → declaration) the table lacks."""
    present = {row[1] for row in db.execute(f"PRAGMA table_info({table})").fetchall()}
    for name, declaration in columns.items():
        if name not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")


def _v2_to_v3(db: sqlite_utils.Database) -> None:
    """Version 3 gave articles published_day and their small columns first, and replaced version
    2's stemmed index (article_stems and its triggers) with stem_terms and archive_meta; the index
    itself is built again by the last step."""
    _rebuild_articles(db)
    for suffix in ("ai", "ad", "au"):
        db.execute(f'DROP TRIGGER IF EXISTS "article_stems_{suffix}"')
    for table in ("article_stems_vocab", "article_stems_fts", "article_stems"):
        db.execute(f"DROP TABLE IF EXISTS {table}")


def _v3_to_v4(db: sqlite_utils.Database) -> None:
    """Version 4 split the stemmed index into a table per year; the last step builds its successor."""
    db.execute("DROP TABLE IF EXISTS article_stems_vocab")
    db.execute("DROP TABLE IF EXISTS article_stems_fts")


def _v4_to_v5(db: sqlite_utils.Database) -> None:
    """Version 5: the word index (dictionary lemmas, newsarchive.store.wordindex) replaces the
    stemmed one; the raw FTS index goes (datasette's search box searches the word index through
    the plugin); articles get the reader's column order; tags one spelling per folded tag; stories
    tell rewrites apart from other events (newsarchive.store.stories), all regrouped; watches
    (newsarchive.watch) and backfills (newsarchive.crawl.backfill) get their tables (SCHEMA, run by
    _rebuild_articles); site_runs counts the links found by the generic article check, the listing
    pages walked and the oldest day reached; runs record failures by kind and reason
    (newsarchive.failures) and the responses received."""
    counter = "INTEGER NOT NULL DEFAULT 0"
    _add_columns(db, "crawl_runs", {"refused": counter, "deferred": counter})
    _add_columns(db, "site_runs", {"generic_links": counter, "listing_pages": counter, "reached": "TEXT",
                                   "responses": counter, "refused": counter, "deferred": counter,
                                   "reasons": "TEXT NOT NULL DEFAULT '{}'"})
    for suffix in ("ai", "ad", "au"):
        db.execute(f'DROP TRIGGER IF EXISTS "articles_{suffix}"')
    db.execute("DROP TABLE IF EXISTS articles_fts")
    old = [name for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'article_stems_[0-9]*'")]
    for table in sorted(old, key=lambda name: not name.endswith("_vocab")):  # vocabularies first
        db.execute(f"DROP TABLE IF EXISTS {table}")
    db.execute("DROP TABLE IF EXISTS stem_terms")
    db.execute("DELETE FROM archive_meta WHERE name = 'stemmer'")
    for table in ("story_bands", "story_signatures", "stories"):  # the MinHash-only stories of version 4
        db.execute(f"DROP TABLE IF EXISTS {table}")
    _rebuild_articles(db)
    for article_id, tags in db.execute("SELECT id, tags FROM articles ORDER BY id").fetchall():
        spelled = json.dumps(tag_spellings(db, json.loads(tags or "[]")), ensure_ascii=False)
        if spelled != tags:
            db.execute("UPDATE articles SET tags = ? WHERE id = ?", [spelled, article_id])
    wordindex.rebuild(db.conn)
    stories.regroup(db)  # joins the migration's transaction


def _v5_to_v6(db: sqlite_utils.Database) -> None:
    """Version 6: an article waiting for its stories to be decided again keeps its words' counts
    (story_pending.terms), so that the refresh weighs them without reading the text again."""
    _add_columns(db, "story_pending", {"terms": "BLOB"})


def _v6_to_v7(db: sqlite_utils.Database) -> None:
    """Version 7: the refresh counts the words of the articles it decides (stage 0, batched)
    instead of each store; pending articles of version 6 were counted when they were stored."""
    db.execute("UPDATE story_pending SET stage = stage + 1")


def tag_spellings(db: sqlite_utils.Database, tags: list[str]) -> list[str]:
    """The archive's spelling of each tag, what `articles.tags` holds: of every spelling met of
    the folded tag, the first by `spelling_rank` («Пенсия 2026» over «ПЕНСИЯ 2026» over «пенсия
    2026»), whatever order the articles came in. A better spelling met now is recorded, and the
    articles holding the tag are given it."""
    spelled = []
    for tag in tags:
        key = fold_tag(tag)
        row = db.execute("SELECT spelling FROM tag_spellings WHERE tag_norm = ?", [key]).fetchone()
        if row is None:
            db.execute("INSERT INTO tag_spellings (tag_norm, spelling) VALUES (?, ?)", [key, tag])
        elif spelling_rank(tag) < spelling_rank(row[0]):
            db.execute("UPDATE tag_spellings SET spelling = ? WHERE tag_norm = ?", [tag, key])
            _respell(db, key, tag)
        else:
            tag = row[0]
        spelled.append(tag)
    return spelled


def spelling_rank(tag: str) -> tuple:
    """Mixed case first, then all capitals (МРП), then all lower case; then alphabetical."""
    return (tag.isupper() or tag.islower(), tag.islower(), tag)


def _respell(db: sqlite_utils.Database, key: str, spelling: str) -> None:
    rows = db.execute("SELECT a.id, a.tags FROM article_tags t JOIN articles a ON a.id = t.article_id "
                      "WHERE t.tag_norm = ?", [key]).fetchall()
    for article_id, tags in rows:
        respelled = [spelling if fold_tag(tag) == key else tag for tag in json.loads(tags or "[]")]
        db.execute("UPDATE articles SET tags = ? WHERE id = ?", [json.dumps(respelled, ensure_ascii=False), article_id])


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {  # {from_version: step to from_version + 1}
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
    5: _v5_to_v6,
    6: _v6_to_v7,
}


def _statements(script: str) -> Iterator[str]:
    buffer = ""
    for line in script.splitlines():
        if line.strip().startswith("--"):
            continue
        buffer += line + "\n"
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
