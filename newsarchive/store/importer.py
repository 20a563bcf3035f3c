"""Importing articles from JSON Lines, through the same validate/normalise/store path as a crawl."""

from __future__ import annotations

import json
from collections import Counter
from typing import IO, Iterable

from newsarchive.model import Article
from newsarchive.store.archive import (
    StoreResult,
    archive_article,
    record_failure,
)
from newsarchive.store.stories import refresh
from newsarchive.store.transaction import transaction

#: Articles stored per transaction: one commit, and one write of the new index segments, per
#: batch instead of per article.
IMPORT_BATCH = 500
#: The outcomes `import_articles` counts, in the order the CLI prints them.
OUTCOMES = ("new", "updated", "unchanged", "duplicate", "rejected", "invalid", "failed")


def import_articles(db, lines: Iterable[str] | IO[str], *, source: str = "<stdin>",
                    batch_size: int = IMPORT_BATCH) -> Counter:
    """Store every JSON object of `lines` (one article per line, the shape `extract` prints).

    Returns counts by outcome (OUTCOMES). A line that is not an article is recorded in
    `failures` with its line number ("invalid"), and so is an article that fails while it is
    stored ("failed", with the error); the import goes on. Articles are stored `batch_size` to
    a transaction: an interrupted import keeps every batch before the one it was storing. At the
    end the stories of the articles stored are decided once more with the whole file's words
    counted (newsarchive.store.stories.refresh, `batch_size` articles to a transaction), so that
    they do not depend on the order of the file's lines.
    """
    counts: Counter = Counter()
    batch: list[tuple[int, str, Article]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            article = _parse(line)
        except (ValueError, TypeError) as error:
            record_failure(db, f"{source}:{number}", "invalid_json", detail=str(error))
            counts["invalid"] += 1
            continue
        batch.append((number, line, article))
        if len(batch) >= batch_size:
            _store_batch(db, batch, counts, source)
            batch = []
    _store_batch(db, batch, counts, source)
    refresh(db, batch=batch_size)
    return counts


def _parse(line: str) -> Article:
    data = json.loads(line)
    if not isinstance(data, dict) or not data.get("url"):
        raise ValueError("not a JSON object with a url")
    data.pop("raw_html", None)  # a page is only kept as fetched, never from a file
    data.pop("http_encoding", None)
    return Article.from_dict(data)


def _store_batch(db, batch: list[tuple[int, str, Article]], counts: Counter, source: str) -> None:
    """Archive the batch's articles in one transaction. When one of them fails, the batch is
    rolled back and stored again an article at a time, so that only that one is left out."""
    if not batch:
        return
    try:
        with transaction(db):
            results = [archive_article(db, article) for _, _, article in batch]
    except Exception:
        results = []
        for number, line, _ in batch:
            try:  # parsed again: storing normalises the article in place
                results.append(archive_article(db, _parse(line)))
            except Exception as error:
                record_failure(db, f"{source}:{number}", "store_error", detail=f"{type(error).__name__}: {error}")
                results.append(StoreResult("failed"))
    counts.update(result.status for result in results)
