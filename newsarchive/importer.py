"""Importing articles from JSON Lines, through the same validate/normalise/store path as a crawl."""

from __future__ import annotations

import json
from collections import Counter
from typing import IO, Iterable

from newsarchive.archive import archive_article, record_failure
from newsarchive.model import Article


def import_articles(db, lines: Iterable[str] | IO[str], *, source: str = "<stdin>") -> Counter:
    """Store every JSON object of `lines` (one article per line, the shape `extract` prints).

    Returns counts by outcome: new, updated, unchanged, duplicate, rejected, invalid.
    A bad line is recorded in `failures` with its line number and the import goes on.
    """
    counts: Counter = Counter()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict) or not data.get("url"):
                raise ValueError("not a JSON object with a url")
            data.pop("raw_html", None)  # a page is only kept as fetched, never from a file
            data.pop("http_encoding", None)
            article = Article.from_dict(data)
        except (ValueError, TypeError) as error:
            record_failure(db, f"{source}:{number}", "invalid_json", detail=str(error))
            counts["invalid"] += 1
            continue
        result = archive_article(db, article)
        counts[result.status if result else "rejected"] += 1
    return counts
