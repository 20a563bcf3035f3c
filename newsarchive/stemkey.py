"""The stemmed index's row key: an article's publication minute and its id in one integer.

`article_stems` rows, and so the rows of `article_stems_fts`, are keyed by

    key = minute << ID_BITS | article_id

where `minute` counts whole minutes from 1990-01-01 UTC to the publication (0 when the
article has no date). FTS5 keeps every doclist in key order and can seek to a key range, so
a date filter on a text search is a range of the index rather than a check on every match,
and "the newest matches" is the order the index is read in. `key & ID_MASK` is the article id.

The key is computed in Python (`stem_key`: bulk import hands it to the index helpers before
any row exists) and in SQL (`key_sql`: the trigger that follows a changed publication time);
both floor to the minute and must agree (tests/test_stemkey.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

#: Low bits for the article id (ids up to 137 billion).
ID_BITS = 37
ID_MASK = (1 << ID_BITS) - 1
#: 1990-01-01T00:00:00Z in Unix seconds; earlier (and undated) articles are minute 0.
EPOCH = 631_152_000
#: The last minute the key holds (year 2117); later times are clamped to it.
MAX_MINUTE = (1 << 26) - 1
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _minute(published_utc: str | None) -> int:
    if not published_utc:
        return 0
    try:
        moment = datetime.fromisoformat(str(published_utc).replace("Z", "+00:00"))
        if moment.tzinfo is None:  # as SQLite reads it
            moment = moment.replace(tzinfo=timezone.utc)
        microseconds = (moment - _UNIX_EPOCH) // timedelta(microseconds=1)
    except (ValueError, OverflowError, OSError):
        return 0
    seconds = (microseconds + 500) // 1000 // 1000  # SQLite reads time to the nearest millisecond
    return min(MAX_MINUTE, max(0, (seconds - EPOCH) // 60))


def stem_key(published_utc: str | None, article_id: int) -> int:
    """The key of an article's row in article_stems / article_stems_fts."""
    return _minute(published_utc) << ID_BITS | int(article_id)


def key_sql(published: str, article_id: str) -> str:
    """The same key as an SQL expression over two SQL expressions (strftime, no extension needed)."""
    minute = f"(CAST(strftime('%s', {published}) AS INTEGER) - {EPOCH}) / 60"
    return f"((min({MAX_MINUTE}, max(0, coalesce({minute}, 0))) << {ID_BITS}) | ({article_id}))"


def article_id_sql(key: str) -> str:
    """The article id held in a key, as SQL."""
    return f"({key} & {ID_MASK})"


def key_range(since_utc: str | None, until_utc: str | None) -> tuple[int | None, int | None]:
    """Key bounds (low inclusive, high exclusive) covering every article published in
    [since_utc, until_utc): whole minutes, so a few rows of the bounding minutes fall inside
    too; callers keep the exact condition on published_utc."""
    low = _minute(since_utc) << ID_BITS if since_utc else None
    high = (_minute(until_utc) + 1) << ID_BITS if until_utc else None
    return low, high
