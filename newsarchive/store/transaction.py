"""The archive's transactions: one article, one transaction (or one batch, an import's)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import sqlite_utils


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
