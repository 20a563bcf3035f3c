"""The search benchmark's loader: a large archive for searching, quickly — test data, not a product path.

`load(db, articles)` writes what a search reads — `articles`, `article_urls`, `article_tags` and
the word index — with the product's own functions (normalise_article, row_of, tag_spellings,
index_article), the words analysed on every core (newsarchive.store.wordindex.index_fields) and
one transaction per LOAD_BATCH articles. It leaves out the stories (no search reads them) and
the raw pages: tests/test_bench_loader.py shows that those tables come out exactly as
`newsarchive import` writes them.

`stories(db, path)` gives every article of a loaded archive its story, as `import` does: each
text read on every core (newsarchive.store.stories.read_story), recorded with the product's
`assign_story` and decided by one `refresh`, as `import` decides them at its end. The same test
shows the stories, profiles, postings and links come out as `import` makes them.

`reindex(db)` builds the word index of a loaded archive again, the words analysed on every core,
when the index's form changed (newsarchive.store.wordindex.INDEXER): what the product's
`wordindex.rebuild` builds on one core (the same test shows it), in a fraction of the time.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sqlite3
from functools import lru_cache
from itertools import chain, islice
from typing import Iterable, Iterator

from newsarchive import textnorm
from newsarchive.model import Article
from newsarchive.sites import site_for_url
from newsarchive.store import storyfacts, wordindex
from newsarchive.store.archive import ARTICLE_COLUMNS, row_of
from newsarchive.store.normalise import normalise_article
from newsarchive.store.schema import tag_spellings
from newsarchive.store.stories import assign_story, read_story, refresh
from newsarchive.store.transaction import transaction
from newsarchive.store.wordindex import index_article, index_fields
from newsarchive.textnorm import fold_tag
from newsarchive.urls import canonicalize_url

LOAD_BATCH = 2_000
NOW = "2026-01-14T00:00:00+00:00"


def _prepare(data: dict) -> tuple[Article, tuple[str, str, str]]:
    """A generated article normalised as `import` normalises it, and its analysed fields."""
    data = dict(data)
    article = normalise_article(Article.from_dict(data), site_for_url(data["url"]))
    return article, index_fields(article.title, article.lead, article.body)


def _prepared(articles: Iterable[dict], processes: int) -> Iterator[tuple[Article, tuple[str, str, str]]]:
    if processes <= 1:
        yield from map(_prepare, articles)
        return
    with mp.get_context("fork").Pool(processes) as pool:
        yield from pool.imap(_prepare, articles, chunksize=200)


def load(db, articles: Iterable[dict], *, processes: int | None = None, progress=None) -> int:
    """Write `articles` (dicts of Article fields, new URLs) for searching; returns how many."""
    processes = processes or os.cpu_count() or 1
    columns = ", ".join(ARTICLE_COLUMNS)
    values = ", ".join(f":{c}" for c in ARTICLE_COLUMNS)
    done = 0
    batch = []
    for prepared in _prepared(articles, processes):
        batch.append(prepared)
        if len(batch) >= LOAD_BATCH:
            done += _write(db, batch, columns, values)
            batch = []
            if progress:
                progress(done)
    done += _write(db, batch, columns, values)
    return done


def _write(db, batch, columns: str, values: str) -> int:
    with transaction(db):
        for article, fields in batch:
            row = row_of(article)
            row["tags"] = json.dumps(tag_spellings(db, article.tags), ensure_ascii=False)
            article_id = db.execute(f"INSERT INTO articles ({columns}, first_seen, last_seen) "
                                    f"VALUES ({values}, :now, :now)", {**row, "now": NOW}).lastrowid
            urls = dict.fromkeys([article.canonical_url, canonicalize_url(article.url)])
            db.conn.executemany("INSERT OR IGNORE INTO article_urls (url, article_id, kind) VALUES (?, ?, ?)",
                                [(url, article_id, "canonical" if i == 0 else "alias") for i, url in enumerate(urls)])
            db.conn.executemany("INSERT OR IGNORE INTO article_tags (article_id, tag, tag_norm, published_utc) "
                                "VALUES (?, ?, ?, ?)",
                                [(article_id, tag, fold_tag(tag), row["published_utc"]) for tag in article.tags])
            index_article(db.conn, article_id, row["published_utc"], article.title, article.lead, article.body,
                          article.tags, fields=fields)
    return len(batch)


_reader: dict[str, sqlite3.Connection] = {}  # a helper process's connection to the archive it reads


#: Words a helper keeps analysed: the generated vocabulary is larger than a crawl's cache
#: (textnorm.analyse) holds, and a miss costs 20 times a hit (~1 GB a helper).
HELPER_CACHE = 2_000_000


def _texts(path: str, columns: str, ids: list[int]) -> dict[int, tuple]:
    """{id: these columns} of articles of the archive at `path`, read in a helper process."""
    if path not in _reader:
        _reader[path] = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        textnorm.analyse = storyfacts.analyse = lru_cache(maxsize=HELPER_CACHE)(textnorm.analyse.__wrapped__)
    return {row[0]: row[1:] for row in _reader[path].execute(
        f"SELECT id, {columns} FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids)}


def _analysed(task: tuple[str, list[tuple[int, int]]]) -> list[tuple]:
    """The word index's rows of these (key, article id) pairs, their text read from the archive at `path`."""
    path, chunk = task
    texts = _texts(path, "title, lead, body, tags", [article_id for _, article_id in chunk])
    return [(key, *index_fields(*texts[article_id][:3]), wordindex.tag_tokens(texts[article_id][3]))
            for key, article_id in chunk]


def reindex(db, path: str, *, processes: int | None = None, progress=None) -> int:
    """Index every article of the archive at `path` (open as `db`) again, as wordindex.rebuild
    does, the words analysed on `processes` cores; one transaction per LOAD_BATCH articles, the
    indexer recorded at the end. Returns how many."""
    processes = processes or os.cpu_count() or 1
    keyed = sorted((wordindex.word_key(published_utc, article_id), article_id)
                   for article_id, published_utc in db.execute("SELECT id, published_utc FROM articles"))
    with transaction(db):
        wordindex.drop_tables(db.conn)
        db.execute("DELETE FROM word_terms")
    tasks = [(str(path), keyed[start:start + 200]) for start in range(0, len(keyed), 200)]
    done = 0
    with mp.get_context("fork").Pool(processes) as pool:
        analysed = chain.from_iterable(pool.imap(_analysed, tasks))  # in key order: FTS5 writes its
        while batch := list(islice(analysed, LOAD_BATCH)):  # pending terms out whenever a rowid is not above the last
            with transaction(db):
                for quarter in sorted({wordindex.quarter_of_key(row[0]) for row in batch}):
                    table = wordindex.ensure_table(db.conn, quarter)
                    db.conn.executemany(f"INSERT INTO {table} (rowid, {', '.join(wordindex.COLUMNS)}) "
                                        f"VALUES (?, ?, ?, ?, ?)",
                                        [row for row in batch if wordindex.quarter_of_key(row[0]) == quarter])
                wordindex.add_terms(db.conn, (text for row in batch for text in row[1:4]))
            done += len(batch)
            if progress:
                progress(done)
    with transaction(db):
        db.execute("INSERT OR REPLACE INTO archive_meta (name, value) VALUES ('indexer', ?)", (wordindex.INDEXER,))
    return done


def _read(task: tuple[str, list[int]]) -> list[tuple]:
    """(id, read_story) of these articles, their text read from the archive at `path`."""
    path, ids = task
    texts = _texts(path, "title, lead, body, published_day, fetched_at", ids)
    return [(article_id, read_story(*texts[article_id])) for article_id in ids]


def stories(db, path: str, *, processes: int | None = None, progress=None) -> int:
    """Give every article of the archive at `path` (open as `db`) that has no story profile its
    story, as `import` does: read on `processes` cores, recorded by `assign_story` (one
    transaction per LOAD_BATCH articles), then decided by `refresh`, which resumes where a kill
    left it. Returns how many articles were recorded."""
    processes = processes or os.cpu_count() or 1
    ids = [article_id for (article_id,) in db.execute(
        "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM story_profiles) ORDER BY id")]
    tasks = [(str(path), ids[start:start + 200]) for start in range(0, len(ids), 200)]
    done = 0
    with mp.get_context("fork").Pool(processes) as pool:
        read = chain.from_iterable(pool.imap(_read, tasks))
        while batch := list(islice(read, LOAD_BATCH)):
            with transaction(db):
                for article_id, reading in batch:
                    assign_story(db, article_id, reading)
            done += len(batch)
            if progress:
                progress(done)
    refresh(db, batch=LOAD_BATCH)
    return done
