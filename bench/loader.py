"""The search benchmark's loader: a large archive for searching, quickly — test data, not a product path.

`load(db, articles)` writes what a search reads — `articles`, `article_urls`, `article_tags` and
the word index — with the product's own functions (normalise_article, row_of, tag_spellings,
index_article), the words analysed on every core (newsarchive.store.wordindex.index_fields) and
one transaction per LOAD_BATCH articles. It leaves out the stories (no search reads them) and
the raw pages: tests/test_bench_loader.py shows that those tables come out exactly as
`newsarchive import` writes them.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from typing import Iterable, Iterator

from newsarchive.model import Article
from newsarchive.sites import site_for_url
from newsarchive.store.archive import ARTICLE_COLUMNS, row_of
from newsarchive.store.normalise import normalise_article
from newsarchive.store.schema import tag_spellings
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
