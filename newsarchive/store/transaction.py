"""The archive's transactions: one article, one transaction (or one batch, an import's, or the
articles of a crawl's second: newsarchive.crawl.archive)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    import sqlite_utils


@contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error: one article, one transaction.

    Inside a transaction already open on the connection (an importer's batch of articles, a
    crawl's group), the work is a savepoint of it: rolled back alone on an error, committed when
    that transaction commits."""
    if db.conn.in_transaction:
        db.execute("SAVEPOINT article")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK TO article")
            db.execute("RELEASE article")
            raise
        db.execute("RELEASE article")
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
