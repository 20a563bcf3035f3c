"""Readers querying the archive continuously while a crawl writes it never see "database is locked".

The readers are plain sqlite3 connections opened read-only, as datasette opens them, but with no
busy timeout at all, so that any moment the writer blocks a reader shows up as an error instead
of a wait: keyword search over both FTS indexes, a tag search, counts, and a reader that opens a
fresh connection for every query.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import REPO
from mirrors.server import serve_synthetic

from newsarchive.crawl.runner import MIRROR_SETTINGS
from newsarchive.search.functions import register_functions

N = 120

QUERIES = [
    ("""SELECT a.url, na_snippet(a.title, a.lead, a.body, :q) FROM json_each(na_search(:q, 20)) AS hit
        JOIN articles a ON a.id = hit.value""", {"q": "пенсии"}),
    ("SELECT na_search(?, 20)", ["пенсия OR налог"]),  # the word index's year tables, as datasette reads them
    ("""SELECT a.title, a.published_at FROM article_tags t JOIN articles a ON a.id = t.article_id
        WHERE t.tag_norm = ? ORDER BY a.published_utc DESC LIMIT 20""", ["пенсия 2026"]),
    ("SELECT site, count(*), max(published_utc) FROM articles GROUP BY site", []),
]


class Reader(threading.Thread):
    def __init__(self, db_path, stop: threading.Event, fresh_connection: bool):
        super().__init__(daemon=True)
        self.uri = f"file:{db_path}?mode=ro"
        self.stop = stop
        self.fresh = fresh_connection
        self.queries = 0
        self.errors: list[str] = []
        self.counts: list[int] = []

    def run(self):
        conn = None if self.fresh else sqlite3.connect(self.uri, uri=True, timeout=0)
        while not self.stop.is_set():
            for sql, params in QUERIES:
                try:
                    current = sqlite3.connect(self.uri, uri=True, timeout=0) if self.fresh else conn
                    register_functions(current)
                    current.execute(sql, params).fetchall()
                    self.counts.append(current.execute("SELECT count(*) FROM articles").fetchone()[0])
                    if self.fresh:
                        current.close()
                    self.queries += 1
                except sqlite3.Error as error:
                    self.errors.append(f"{type(error).__name__}: {error}")
                time.sleep(0.002)  # leave the crawl some CPU
        if conn is not None:
            conn.close()


def test_readers_never_see_database_is_locked_during_a_crawl(tmp_path):
    db_path = tmp_path / "news.db"
    server = serve_synthetic(N, now=datetime.now(ZoneInfo("Asia/Almaty")).replace(microsecond=0) - timedelta(hours=1))
    args = [sys.executable, "-m", "newsarchive", "crawl", "matritca", "--db", str(db_path),
            f"--base-url=matritca={server.base_url}", "--max-pages", "10"]
    # Commits a fifth of a second apart: the 120 articles are stored in about a second.
    for key, value in {**MIRROR_SETTINGS, "LOG_LEVEL": "WARNING", "NEWSARCHIVE_COMMIT_SECONDS": "0.2"}.items():
        args += ["-s", f"{key}={value}"]
    stop = threading.Event()
    readers: list[Reader] = []
    crawl = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ))
    try:
        while crawl.poll() is None and not _has_schema(db_path):
            time.sleep(0.05)
        readers = [Reader(db_path, stop, fresh_connection=(i == 0)) for i in range(4)]
        for reader in readers:
            reader.start()
        out, err = crawl.communicate(timeout=300)
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=30)
        if crawl.poll() is None:
            crawl.kill()
        server.stop()
    assert crawl.returncode == 0, err[-3000:]

    errors = [e for reader in readers for e in reader.errors]
    assert [e for e in errors if "locked" in e or "busy" in e] == []
    assert errors == []
    assert all(reader.queries > 20 for reader in readers), [r.queries for r in readers]
    seen = {count for reader in readers for count in reader.counts}
    assert any(0 < count < N for count in seen), ("the readers must have read while articles were being written", sorted(seen))
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == N


def _has_schema(db_path) -> bool:
    if not db_path.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
            return conn.execute("PRAGMA user_version").fetchone()[0] > 0
    except sqlite3.Error:
        return False
