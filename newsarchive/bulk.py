"""Bulk import: many new articles in large transactions, writing what store_article writes.

For loading archives of hundreds of thousands of articles (the benchmark, a migration).
Articles, article_urls, article_tags (with tag_norm and published_utc), stem_terms and both
FTS indexes (the stemmed one as newsarchive.stemindex writes it) get the same rows
newsarchive.archive.store_article writes. Articles whose URL or exact text is already
archived go through store_article itself (updates, versions, duplicates keep their one
definition). Not done here: raw pages are stored only when given, and stories (MinHash,
newsarchive.stories) are not assigned — articles keep story_id NULL.

Two ways in:

- Into an archive that has no articles yet (a fresh build), the whole import is ONE
  transaction on a connection of its own: the FTS triggers are dropped, the article rows
  written, while two helper processes stem the text and build the raw and the stemmed FTS
  index in scratch files of their own (the tokenizing is most of the work, and it runs on
  other cores); at the end the scratch indexes' rows are copied into the archive's FTS
  tables, the triggers created again, and all of it committed together. A crash or an
  error anywhere rolls all of it back: nobody ever sees articles without their index or
  the archive without its triggers. The caller's connection sees one commit by another
  connection, which makes SQLite's FTS5 read the new index. When nobody else has the archive
  open, the build runs through a rollback journal (`_leave_wal`): it only adds pages, which
  such a journal does not copy, so each page is written once instead of twice through WAL.
- Into an archive that has articles: one transaction per batch, the raw FTS index filled by
  the schema's triggers as usual, the stemmed one written alongside.
"""

from __future__ import annotations

import gc
import gzip
import logging
import multiprocessing
import os
import pickle
import queue
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from newsarchive.archive import ARTICLE_COLUMNS, _row, store_article
from newsarchive import stemindex
from newsarchive.db import RAW_FTS_COLUMNS, RAW_FTS_TOKENIZE, connect, transaction
from newsarchive.model import Article
from newsarchive.stemindex import STEMMER, add_stem_terms, stem_key, tag_tokens, year_of_key
from newsarchive.textnorm import fold_tag, stem_text_utf8
from newsarchive.urls import canonicalize_url

logger = logging.getLogger(__name__)

#: Articles per transaction (an archive with articles) or per hand-over to the helpers (a fresh build).
BATCH_SIZE = 5_000
#: FTS5 pending-terms memory of the helpers' scratch indexes (bytes): fewer, larger segments.
FTS_HASHSIZE = 64 << 20
#: Segments of one level the helpers' indexes let pile up before merging them (FTS5 allows 2,000).
FTS_CRISIS_MERGE = 64
#: Page cache of the fresh build's connection (KiB).
FRESH_CACHE_KIB = 512 * 1024
#: How often a waiting helper checks that the importing process is still there (seconds).
HELPER_POLL_SECONDS = 1.0
#: The raw index's table (over articles); the stemmed index is a table per year (newsarchive.stemindex).
RAW_FTS = "articles_fts"
_FTS_SHADOWS = ("data", "idx", "docsize")


@dataclass
class BulkResult:
    inserted: int = 0
    through_store: int = 0  # already archived URL or text: handled by store_article
    #: Wall seconds per phase of a fresh build (hand-over, helpers, index copy, …), for benchmarks.
    seconds: dict[str, float] = field(default_factory=dict)
    #: CPU seconds per step of each process of a fresh build ("main", "raw", "stem"), for benchmarks.
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)
    #: The journal a fresh build wrote through ("rollback journal" when it had the archive alone).
    journal: str = ""
    _last: float = field(default_factory=time.perf_counter, repr=False, compare=False)

    def lap(self, phase: str) -> None:
        """Charge the time since the previous lap (or the start) to `phase`."""
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now


class _CpuSteps(dict):
    """CPU seconds charged to named steps: step(name) charges the time since the last call."""

    def __init__(self):
        super().__init__()
        self._last = time.process_time()

    def step(self, name: str) -> None:
        now = time.process_time()
        self[name] = self.get(name, 0.0) + now - self._last
        self._last = now


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


#: canonicalize_url of a URL as fetched, remembered across the two uses per article of a batch.
_fetched_url = lru_cache(maxsize=4 * BATCH_SIZE)(canonicalize_url)


class _Seen:
    """The URLs and content hashes of a fresh build so far, in memory: the same answers as
    `_known` reading the archive (which had no articles when the build began)."""

    def __init__(self):
        self.urls: set[str] = set()
        self.hashes: set[str] = set()

    def known(self, batch: list[Article]) -> set[int]:
        known = set()
        for i, article in enumerate(batch):
            urls = {article.canonical_url, _fetched_url(article.url)}
            if self.urls.intersection(urls) or article.content_hash in self.hashes:
                known.add(i)
                continue
            self.urls.update(urls)
            self.hashes.add(article.content_hash)
        return known


def _secondary_indexes(conn) -> list[tuple[str, str]]:
    """(name, sql) of the explicit indexes on the narrow tables a fresh build fills: dropped
    while it loads, created again (one sort each, not millions of random inserts) before the
    commit. The indexes on articles stay: building one reads the whole table, text and all."""
    return conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name IN ('article_tags', 'article_urls')").fetchall()


def _base_rows(fresh: list[Article], next_id: int, now: str):
    """Rows of articles, article_urls, article_tags and pages for new articles numbered from next_id,
    and the (id, stemmed row key, title, lead, body, tags) the FTS indexes and the stemmer take,
    the texts as UTF-8: they cross to the helpers as bytes, and the raw index takes them as they
    are (SQLite reads a blob handed to FTS5 as text), with no decoding and encoding again; the
    tags as their stored JSON text."""
    article_rows, url_rows, tag_rows, page_rows, texts = [], [], [], [], []
    for offset, article in enumerate(fresh):
        article_id = next_id + offset
        row = _row(article)
        article_rows.append((article_id, *(row[c] for c in ARTICLE_COLUMNS), now, now))
        url_rows.append((article.canonical_url, article_id, "canonical"))
        fetched = _fetched_url(article.url)
        if fetched != article.canonical_url:
            url_rows.append((fetched, article_id, "alias"))
        tag_rows.extend((article_id, tag, fold_tag(tag), row["published_utc"]) for tag in article.tags)
        if article.raw_html is not None:
            page_rows.append((article_id, article.url, article.fetched_at or now, article.http_encoding,
                              gzip.compress(article.raw_html)))
        texts.append((article_id, stem_key(row["published_utc"], article_id),
                      *(None if text is None else text.encode() for text in (article.title, article.lead, article.body)),
                      row["tags"]))
    return article_rows, url_rows, tag_rows, page_rows, texts


def _write_base(conn, article_rows, url_rows, tag_rows, page_rows) -> None:
    columns = ", ".join(("id", *ARTICLE_COLUMNS, "first_seen", "last_seen"))
    placeholders = ", ".join("?" * (len(ARTICLE_COLUMNS) + 3))
    conn.executemany(f"INSERT INTO articles ({columns}) VALUES ({placeholders})", article_rows)
    conn.executemany("INSERT OR IGNORE INTO article_urls (url, article_id, kind) VALUES (?, ?, ?)", url_rows)
    conn.executemany("INSERT OR IGNORE INTO article_tags (article_id, tag, tag_norm, published_utc) "
                     "VALUES (?, ?, ?, ?)", tag_rows)
    conn.executemany("INSERT INTO pages (article_id, url, fetched_at, http_encoding, html_gz) "
                     "VALUES (?, ?, ?, ?, ?)", page_rows)


def _stem_rows(texts) -> list[tuple]:
    """Stemmed index rows (key, title, lead, body, tags) of (id, key, title, lead, body, tags)
    texts, the stems as UTF-8 bytes (FTS5 takes them as they are), in key order: FTS5 writes
    its pending terms out whenever a rowid is not above the last one, so rows out of order
    would each become a segment of their own."""
    return sorted((key, *(stem_text_utf8(None if text is None else text.decode()) for text in (title, lead, body)),
                   tag_tokens(tags))
                  for _id, key, title, lead, body, tags in texts)


def _by_year(stem_rows: list[tuple]) -> dict[int, list[tuple]]:
    """Stemmed index rows by the year whose table takes them, in key order."""
    years: dict[int, list[tuple]] = {}
    for row in stem_rows:
        years.setdefault(year_of_key(row[0]), []).append(row)
    return years


def _raw_rows(texts) -> list[tuple]:
    return [(i, title, lead, body) for i, _key, title, lead, body, _tags in texts]


def bulk_import(db, articles: Iterable[Article], *, batch_size: int = BATCH_SIZE, now: str | None = None,
                parallel: bool | None = None) -> BulkResult:
    """Store validated, normalised articles (newsarchive.normalise.normalise_article) in bulk.

    `parallel`: None builds a fresh archive (no articles yet, a database file) with the helper
    processes and anything else batch by batch; False always goes batch by batch.
    """
    now = now or datetime.now(timezone.utc).isoformat(timespec="seconds")
    if parallel is not False:
        path = _fresh_archive_path(db)
        if path is not None:
            return _fresh_import(db, path, articles, batch_size=batch_size, now=now)
    return _incremental_import(db, articles, batch_size=batch_size, now=now)


def _incremental_import(db, articles: Iterable[Article], *, batch_size: int, now: str) -> BulkResult:
    result = BulkResult()
    for batch in _batches(articles, batch_size):
        known = _known(db, batch)
        fresh = [a for i, a in enumerate(batch) if i not in known]
        with transaction(db):
            (next_id,) = db.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()
            article_rows, url_rows, tag_rows, page_rows, texts = _base_rows(fresh, next_id, now)
            conn = db.conn
            _write_base(conn, article_rows, url_rows, tag_rows, page_rows)
            stem_rows = _stem_rows(texts)
            for year, rows in _by_year(stem_rows).items():
                table = stemindex.ensure_table(conn, year)
                conn.executemany(f"INSERT INTO {table} (rowid, {', '.join(stemindex.COLUMNS)}) "
                                 "VALUES (?, ?, ?, ?, ?)", rows)
            add_stem_terms(conn, (stems.decode() for row in stem_rows for stems in row[1:4]))
        result.inserted += len(fresh)
        for i in sorted(known):
            store_article(db, batch[i], now=now)
            result.through_store += 1
    return result


# --- a fresh build ---


def _fresh_archive_path(db) -> str | None:
    """The archive's file when it is a database file with no articles and empty FTS indexes."""
    rows = db.execute("PRAGMA database_list").fetchall()
    path = next((file for _, name, file in rows if name == "main"), "")
    if not path:
        return None  # in memory: no second connection, no helpers
    if db.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
        return None
    tables = [RAW_FTS, *(stemindex.table_name(year) for year in stemindex.years(db.conn))]
    for table in tables:
        if db.execute(f"SELECT 1 FROM {table}_docsize LIMIT 1").fetchone():
            return None
    return path


def _index_worker(kind: str, path: str, inbox, outbox) -> None:
    """Helper process: build the raw FTS index (contentless, table `f`) or the stemmed index's
    year tables (`f_<year>`) in a scratch file from (id, key, title, lead, body, tags) batches;
    the stemmer hands back its years and the index's distinct terms at the end (for stem_terms)."""
    gc.disable()
    cpu = _CpuSteps()
    side = sqlite3.connect(path, isolation_level=None)
    side.execute("PRAGMA journal_mode = OFF")
    side.execute("PRAGMA synchronous = OFF")
    side.execute("PRAGMA cache_size = -262144")
    tables: list[str] = []

    def create(table: str, columns: tuple[str, ...], tokenize: str) -> None:
        side.execute(f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)}, content='', "
                     f"tokenize='{tokenize}')")
        side.execute(f"INSERT INTO {table}({table}, rank) VALUES('hashsize', {FTS_HASHSIZE})")
        # No merging while loading (the 'optimize' at the end merges once); only a level of
        # FTS_CRISIS_MERGE segments is merged on the way, which bounds the segment count.
        side.execute(f"INSERT INTO {table}({table}, rank) VALUES('automerge', 0)")
        side.execute(f"INSERT INTO {table}({table}, rank) VALUES('crisismerge', {FTS_CRISIS_MERGE})")
        tables.append(table)

    side.execute("BEGIN")
    if kind == "raw":
        create("f", RAW_FTS_COLUMNS, RAW_FTS_TOKENIZE)
    raw_insert = f"INSERT INTO f(rowid, {', '.join(RAW_FTS_COLUMNS)}) VALUES (?, ?, ?, ?)"
    stem_columns = ", ".join(stemindex.COLUMNS)
    count = 0
    try:
        cpu.step("starting")
        while (payload := _next_batch(inbox)) is not None:
            texts = pickle.loads(payload)
            cpu.step("unpickling")
            if kind == "stem":
                years = _by_year(_stem_rows(texts))
                cpu.step("stemming")
                for year, rows in years.items():
                    if f"f_{year}" not in tables:
                        create(f"f_{year}", stemindex.COLUMNS, stemindex.TOKENIZE)
                    side.executemany(f"INSERT INTO f_{year}(rowid, {stem_columns}) VALUES (?, ?, ?, ?, ?)", rows)
            else:
                rows = _raw_rows(texts)
                cpu.step("rows")
                side.executemany(raw_insert, rows)
            cpu.step("indexing")
            count += len(texts)
        side.execute("COMMIT")
        cpu.step("indexing")
        for table in tables:  # one segment: faster lookups, a smaller copy
            side.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")
        cpu.step("optimize")
        terms = None
        if kind == "stem":
            terms = set()
            for table in tables:
                side.execute(f"CREATE VIRTUAL TABLE {table}_terms USING fts5vocab({table}, 'row')")
                terms.update(term for (term,) in side.execute(f"SELECT term FROM {table}_terms"))
            terms = sorted(term for term in terms if not term.startswith(stemindex.TAG_MARK))
            cpu.step("vocabulary")
        outbox.put(("done", count, dict(cpu), terms, sorted(int(t[2:]) for t in tables if t != "f")))
    except BaseException as error:
        outbox.put(("error", repr(error)))
        raise
    finally:
        side.close()


def _remove_stale_scratch(folder: Path) -> None:
    """Remove the scratch folders of fresh builds whose process is gone (killed mid-build)."""
    for stale in folder.glob(".bulk-*-*"):
        try:
            pid = int(stale.name.split("-")[1])
            os.kill(pid, 0)
        except ValueError:
            continue
        except ProcessLookupError:
            shutil.rmtree(stale, ignore_errors=True)
        except PermissionError:  # somebody else's live process
            continue


def _next_batch(inbox):
    """The next hand-over from the importing process; exits when that process is gone (killed:
    nothing will come, and its transaction is rolled back anyway)."""
    parent = multiprocessing.parent_process()
    while True:
        try:
            return inbox.get(timeout=HELPER_POLL_SECONDS)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                raise SystemExit("the importing process is gone") from None


def _fts_triggers(conn) -> list[tuple[str, str]]:
    """(name, sql) of the triggers that keep the FTS indexes in step with their tables."""
    return [(name, sql) for name, sql in conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'articles'").fetchall()
        if "_fts" in sql]


def _fresh_import(db, path: str, articles: Iterable[Article], *, batch_size: int, now: str) -> BulkResult:
    result = BulkResult()
    context = multiprocessing.get_context("forkserver")
    _remove_stale_scratch(Path(path).parent)
    scratch = Path(tempfile.mkdtemp(prefix=f".bulk-{os.getpid()}-", dir=Path(path).parent))
    helpers, inboxes, outboxes, started = {}, {}, {}, []
    out_of_wal = _leave_wal(db)
    result.journal = "rollback journal" if out_of_wal else "WAL"
    try:
        conn = connect(path, wal=False)
    except BaseException:
        if out_of_wal:
            _back_to_wal(db)
        raise
    conn.execute(f"PRAGMA cache_size = -{FRESH_CACHE_KIB}")
    conn.execute("PRAGMA temp_store = MEMORY")
    cpu = result.cpu["main"] = _CpuSteps()
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of short-lived rows; nothing cyclic
    known_articles: list[Article] = []
    try:
        for kind in ("raw", "stem"):
            inboxes[kind], outboxes[kind] = context.Queue(maxsize=2), context.Queue()
            helpers[kind] = context.Process(target=_index_worker, daemon=True,
                                            args=(kind, str(scratch / f"{kind}.db"), inboxes[kind], outboxes[kind]))
            helpers[kind].start()
            started.append(helpers[kind])
            conn.execute("ATTACH DATABASE ? AS ?", (str(scratch / f"{kind}.db"), f"scratch_{kind}"))
        # BEGIN IMMEDIATE would lock the attached scratch files too, which the helpers are
        # writing: a deferred transaction whose first statement writes locks the archive alone.
        conn.execute("BEGIN")
        conn.execute("INSERT OR REPLACE INTO archive_meta (name, value) VALUES ('stemmer', ?)", (STEMMER,))
        result.lap("start")
        try:
            if conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone():
                raise RuntimeError("the archive got articles before the fresh build started")
            triggers = _fts_triggers(conn)
            for name, _sql in triggers:
                conn.execute(f'DROP TRIGGER "{name}"')
            indexes = _secondary_indexes(conn)
            for name, _sql in indexes:
                conn.execute(f'DROP INDEX "{name}"')
            seen = _Seen()
            next_id = 1
            cpu.step("starting")
            for batch in _batches(articles, batch_size):
                cpu.step("reading the input")
                known = seen.known(batch)
                known_articles.extend(batch[i] for i in sorted(known))
                fresh = [a for i, a in enumerate(batch) if i not in known]
                cpu.step("finding known articles")
                if not fresh:
                    continue
                article_rows, url_rows, tag_rows, page_rows, texts = _base_rows(fresh, next_id, now)
                next_id += len(fresh)
                cpu.step("rows")
                payload = pickle.dumps(texts, pickle.HIGHEST_PROTOCOL)  # once for both helpers
                for kind in ("raw", "stem"):
                    inboxes[kind].put(payload)
                cpu.step("handing over")
                _write_base(conn, article_rows, url_rows, tag_rows, page_rows)
                cpu.step("writing rows")
                result.inserted += len(fresh)
            for kind in ("raw", "stem"):
                inboxes[kind].put(None)
            result.lap("hand-over")
            for _name, sql in indexes:  # while the helpers index their last batches
                conn.execute(sql)
            result.lap("secondary indexes")
            cpu.step("secondary indexes")
            # Whichever helper finishes first is copied while the other still works.
            pending = {"raw", "stem"}
            while pending:
                kind, message = _next_done(outboxes, helpers, pending)
                pending.remove(kind)
                if message[:2] != ("done", result.inserted):
                    raise RuntimeError(f"the {kind} index helper indexed {message[:2]}, not {result.inserted} articles")
                _, _, result.cpu[kind], terms, years = message
                helpers[kind].join()
                result.lap(f"waiting for the {kind} index")
                cpu.step("waiting")
                if kind == "raw":
                    _copy_index(conn, "scratch_raw.f", RAW_FTS)
                else:
                    conn.executemany("INSERT OR IGNORE INTO stem_terms (term) VALUES (?)", ((t,) for t in terms))
                    for year in years:
                        _copy_index(conn, f"scratch_stem.f_{year}", stemindex.ensure_table(conn, year))
                result.lap(f"copying the {kind} index")
                cpu.step("copying indexes")
            for _name, sql in triggers:
                conn.execute(sql)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        result.lap("commit")
        cpu.step("commit")
    finally:
        for helper in started:
            if helper.is_alive():
                helper.terminate()
            helper.join()
        conn.close()
        shutil.rmtree(scratch, ignore_errors=True)
        if out_of_wal:
            _back_to_wal(db)
        if gc_was_enabled:
            gc.enable()
    for article in known_articles:  # already archived (or twice in the input): the one definition
        store_article(db, article, now=now)
        result.through_store += 1
    return result


def _next_done(outboxes, helpers, pending) -> tuple[str, tuple]:
    """(kind, message) of the first helper among `pending` to report; a failure as an exception."""
    while True:
        for kind in pending:
            try:
                message = outboxes[kind].get(timeout=0.1)
            except Exception:  # queue.Empty: is the helper still there?
                if not helpers[kind].is_alive() and outboxes[kind].empty():
                    raise RuntimeError(f"the {kind} index helper exited with code {helpers[kind].exitcode}") from None
                continue
            if message and message[0] == "error":
                raise RuntimeError(f"the {kind} index helper failed: {message[1]}")
            return kind, message


def _copy_index(conn, scratch: str, table: str) -> None:
    """Replace the (empty) FTS index `table` by the attached scratch database's index `scratch`
    (schema.table): same FTS5 version, columns and tokenizer, so its data, term index and
    document sizes are the same rows (copied record by record: the tables are alike and the
    targets empty)."""
    for shadow in _FTS_SHADOWS:
        conn.execute(f"DELETE FROM {table}_{shadow}")
        conn.execute(f"INSERT INTO {table}_{shadow} SELECT * FROM {scratch}_{shadow}")


def _leave_wal(db) -> bool:
    """Put the archive in rollback-journal mode for a fresh build, when no other connection
    has it open; True when it did.

    A fresh build writes into pages the archive never had, which a rollback journal does not
    copy: every page is written once, where WAL writes it twice (the log, then the
    checkpoint). A crash still rolls the build back (the journal holds the few pages the
    empty archive had). While the build runs, readers wait for it instead of seeing the
    empty archive."""
    conn = db.conn
    (timeout,) = conn.execute("PRAGMA busy_timeout").fetchone()
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        (mode,) = conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlite3.OperationalError:  # database is locked: somebody else has it open
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
    return mode == "delete"


def _back_to_wal(db) -> None:
    try:
        (mode,) = db.conn.execute("PRAGMA journal_mode = WAL").fetchone()
    except sqlite3.OperationalError as error:
        mode = str(error)
    if mode != "wal":  # the next open_db sets WAL again
        logger.warning("the archive stays in rollback-journal mode after the bulk import: %s", mode)
