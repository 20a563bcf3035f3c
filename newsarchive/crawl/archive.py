"""The crawl's one connection to the archive, and its commits.

`ArchiveHandle` is a Scrapy extension: it opens the archive at NEWSARCHIVE_DB when the crawler
is built, and closes it when the engine has stopped, after every component that uses it
(middlewares, the pipeline, the spider, the run recorder) has done its last write at
spider_closed. Components reach it with `archive(crawler)`. The crawlers of one process (one
per site of a `newsarchive crawl`) share the connection: the last one to stop closes it.

Writes are committed in groups: the pipeline opens a group before it stores an article
(`group(crawler)`), and the group is committed once it is NEWSARCHIVE_COMMIT_SECONDS old (at the
next article, or by a timer when the crawl is waiting), and when the crawl ends. Each article is
still a savepoint of its own (newsarchive.store.transaction): one that fails is rolled back alone.
One commit a second instead of one an article spares rewriting the same index pages for every
article; a crawl killed outright loses at most the last second of articles, which are not in
the archive and so are fetched again by the next crawl. 0 commits every article on its own.
"""

from __future__ import annotations

import time

from scrapy import signals
from twisted.internet import task

from newsarchive.store.schema import open_db


class _Connection:
    """An archive connection shared by the crawlers of a process, with its open group of writes."""

    def __init__(self, path: str):
        self.path = path
        self.db = open_db(path)
        self.users = 0
        self.opened: float | None = None  # when the open group began

    def open_group(self) -> None:
        if not self.db.conn.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
            self.opened = time.monotonic()

    def commit_due(self, seconds: float) -> None:
        if self.opened is not None and time.monotonic() - self.opened >= seconds:
            self.commit()

    def commit(self) -> None:
        self.opened = None
        if self.db.conn.in_transaction:
            self.db.execute("COMMIT")


_connections: dict[str, _Connection] = {}


class ArchiveHandle:
    """Holds the crawl's connection to the archive (`db`, a sqlite_utils.Database)."""

    def __init__(self, crawler):
        path = str(crawler.settings.get("NEWSARCHIVE_DB"))
        self._connection = _connections.get(path) or _connections.setdefault(path, _Connection(path))
        self._connection.users += 1
        self.db = self._connection.db
        self.commit_seconds = crawler.settings.getfloat("NEWSARCHIVE_COMMIT_SECONDS", 1.0)
        self._timer = task.LoopingCall(self.commit_due)
        crawler.signals.connect(self._start_timer, signal=signals.engine_started)
        crawler.signals.connect(self.close, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_group(self) -> None:
        """Open a group of writes, unless one is open (or groups are off)."""
        if self.commit_seconds > 0:
            self._connection.open_group()

    def commit_due(self) -> None:
        """Commit the open group once it is commit_seconds old."""
        self._connection.commit_due(self.commit_seconds)

    def _start_timer(self) -> None:
        if self.commit_seconds > 0:
            self._timer.start(self.commit_seconds, now=False)

    def close(self) -> None:
        if self._timer.running:
            self._timer.stop()
        connection = self._connection
        connection.users -= 1
        try:
            connection.commit()
        finally:
            if connection.users <= 0:
                _connections.pop(connection.path, None)
                connection.db.close()


def handle(crawler) -> ArchiveHandle:
    found = crawler.get_extension(ArchiveHandle)
    if found is None:
        raise RuntimeError("newsarchive.crawl.archive.ArchiveHandle is not in EXTENSIONS")
    return found


def archive(crawler):
    """The archive of this crawl (the ArchiveHandle extension's connection)."""
    return handle(crawler).db
