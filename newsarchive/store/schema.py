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

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote

import sqlite_utils

from newsarchive.clock import local_day
from newsarchive.search.functions import register_functions
from newsarchive.store import stemindex

#: The archive's schema version (PRAGMA user_version). A change to SCHEMA after a release bumps it
#: and adds what brings an archive of the previous version up to it to MIGRATIONS.
SCHEMA_VERSION = 5
SCHEMA = """
-- Small columns first, the text last: a row longer than a page continues in overflow pages, and
-- SQLite reads a column by walking the record up to it, so filters, sorts and index builds on
-- dates, sites and hashes never read the text.
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    published_utc TEXT,
    published_day TEXT,  -- the Kazakhstan calendar day of published_utc: datasette's date facet
    published_at TEXT,
    modified_at TEXT,
    language TEXT,
    region TEXT,
    story_region TEXT,
    story_id INTEGER,
    content_hash TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    fetched_at TEXT,
    canonical_url TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    author TEXT,
    section TEXT,
    credited_source TEXT,
    credited_via TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    images TEXT NOT NULL DEFAULT '[]',
    title TEXT NOT NULL,
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

-- Every stem ever indexed, for expanding a query's stem prefix («пенс» → пенс, пенсион, …)
-- into index terms by one range read; a term no article holds any more matches nothing.
CREATE TABLE IF NOT EXISTS stem_terms (
    term TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Facts about the archive as a whole: 'stemmer' = what built the stemmed index.
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
    responses INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0,
    deferred INTEGER NOT NULL DEFAULT 0,
    reasons TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, site)
);

-- Validators of feeds and sitemaps (ETag, Last-Modified) for conditional requests; written only
-- when a crawl of the site finished, so that an interrupted crawl reads them in full again.
CREATE TABLE IF NOT EXISTS http_validators (
    url TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    saved_at TEXT NOT NULL
) WITHOUT ROWID;

-- Syndicated copies of one story across sites share a story row.
CREATE TABLE IF NOT EXISTS stories (
    id INTEGER PRIMARY KEY,
    first_article_id INTEGER,
    created_at TEXT NOT NULL
);
-- MinHash signature of each article's text, and its LSH band keys for finding candidates.
CREATE TABLE IF NOT EXISTS story_signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS story_bands (
    band_key INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
"""

#: The raw FTS index over articles (datasette's search), kept in step by triggers.
RAW_FTS_COLUMNS = ("title", "lead", "body")
RAW_FTS_TOKENIZE = "unicode61 remove_diacritics 2"


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
    """Create tables, indexes and FTS indexes that are missing, migrate an older archive, and
    re-index the stemmed index when the stemmer changed; idempotent."""
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version == SCHEMA_VERSION:
        if stemindex.stored_stemmer(db.conn) != stemindex.STEMMER:
            with transaction(db):
                stemindex.check_stemmer(db.conn)
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
        create_fts(db, "articles", RAW_FTS_COLUMNS)
        stemindex.rebuild(db.conn)  # records the stemmer; the stemmed index's tables come with articles
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


def create_fts(db: sqlite_utils.Database, table: str, columns: tuple[str, ...]) -> None:
    """`table`_fts over `table` with the triggers that keep it in step, as sqlite-utils'
    enable_fts writes them (datasette and detect_fts find it) but in the caller's transaction,
    and with an update trigger that re-indexes a row only when its text changes, not on every
    last_seen or story_id (which would grow the index on each crawl)."""
    listed = ", ".join(f'"{c}"' for c in columns)
    db.execute(f"CREATE VIRTUAL TABLE \"{table}_fts\" USING FTS5 (\n    {listed},\n    tokenize='{RAW_FTS_TOKENIZE}',\n"
               f'    content="{table}"\n)')
    create_fts_triggers(db, table, columns)


def create_fts_triggers(db: sqlite_utils.Database, table: str, columns: tuple[str, ...]) -> None:
    """The insert, delete and text-update triggers that keep `table`_fts in step with `table`."""
    listed = ", ".join(f'"{c}"' for c in columns)
    old = ", ".join(f'old."{c}"' for c in columns)
    new = ", ".join(f'new."{c}"' for c in columns)
    fts = f'"{table}_fts"'
    for name, event, body in (
        ("ai", "INSERT", f"INSERT INTO {fts} (rowid, {listed}) VALUES (new.rowid, {new});"),
        ("ad", "DELETE", f"INSERT INTO {fts} ({fts}, rowid, {listed}) VALUES('delete', old.rowid, {old});"),
        ("au", f"UPDATE OF {listed}",
         f"INSERT INTO {fts} ({fts}, rowid, {listed}) VALUES('delete', old.rowid, {old});\n"
         f"  INSERT INTO {fts} (rowid, {listed}) VALUES (new.rowid, {new});"),
    ):
        db.execute(f'CREATE TRIGGER "{table}_{name}" AFTER {event} ON "{table}" BEGIN\n  {body}\nEND')


def _v1_to_v2(db: sqlite_utils.Database) -> None:
    """Version 2 added a vocabulary table over the stemmed index of its day, which version 3
    replaced: nothing to do on the way."""


def _rebuild_articles(db: sqlite_utils.Database) -> None:
    """articles in SCHEMA's column order, with published_day (foreign keys are off: see
    _migrate); ids are kept, so the raw index over it stays valid."""
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
    create_fts_triggers(db, "articles", RAW_FTS_COLUMNS)


def _v2_to_v3(db: sqlite_utils.Database) -> None:
    """The stemmed index of version 2 (article_stems and its triggers) goes; stem_terms and
    archive_meta are added; articles get published_day and their small columns first. The
    stemmed index is built again by the next step."""
    _rebuild_articles(db)
    db.execute("DROP TABLE IF EXISTS article_stems_vocab")
    for suffix in ("ai", "ad", "au"):
        db.execute(f'DROP TRIGGER IF EXISTS "article_stems_{suffix}"')
    db.execute("DROP TABLE IF EXISTS article_stems_fts")
    db.execute("DROP TABLE IF EXISTS article_stems")
    for statement in _statements(SCHEMA):
        db.execute(statement)  # IF NOT EXISTS: only stem_terms and archive_meta are new


def _v3_to_v4(db: sqlite_utils.Database) -> None:
    """The stemmed index (one table, article_stems_fts) becomes a table per publication year,
    with the tags as tokens (newsarchive.store.stemindex)."""
    db.execute("DROP TABLE IF EXISTS article_stems_vocab")
    db.execute("DROP TABLE IF EXISTS article_stems_fts")
    stemindex.rebuild(db.conn)


def _v4_to_v5(db: sqlite_utils.Database) -> None:
    """Runs record failures by kind and reason (newsarchive.failures) and the responses received."""
    for table, columns in (("crawl_runs", ("refused", "deferred")),
                           ("site_runs", ("responses", "refused", "deferred"))):
        for column in columns:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE site_runs ADD COLUMN reasons TEXT NOT NULL DEFAULT '{}'")


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {  # {from_version: step to from_version + 1}
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
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


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error: one article, one transaction.

    Inside a transaction already open on the connection (an importer's batch of articles), the
    work joins that transaction, which commits or rolls back as a whole."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
