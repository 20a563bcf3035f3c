"""Watches after real crawls (`newsarchive crawl` of a synthetic site, as cron runs it): two crawls
make two deliveries with no article twice, a changed article is not delivered again, a failing
watch never fails the crawl, and --no-watches leaves them."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime

import pytest
from conftest import crawl_mirrors, run_cli
from receivers import WebhookReceiver
from test_incremental import ALMATY, FeedMirror

from newsarchive.store.schema import open_db


class GrowingMirror(FeedMirror):
    """The synthetic site with `grow(k)`: k newer articles appear (the older keep their pages)."""

    def grow(self, k: int) -> list[int]:
        with self._lock:
            start = self.n + 1
            self.n += k
            for i in range(start, self.n + 1):
                self.articles[i] = self._make(i)
        return list(range(start, self.n + 1))


def pension(server, ids) -> set[str]:
    """The real URLs of the articles among `ids` about pensions (what the watch must find)."""
    return {server.article_url(i) for i in ids if server.articles[i]["tags"][0] == "Пенсия 2026"}


def crawl(db_path, server, *extra):
    result = crawl_mirrors(db_path, {"matritca": server}, *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture
def server():
    mirror = GrowingMirror(40)
    yield mirror
    mirror.stop()


def test_two_crawls_two_deliveries_no_article_twice(tmp_path, server):
    db_path = tmp_path / "news.db"
    receiver = WebhookReceiver()
    try:
        run_cli("watch", "add", "pension", "пенсия", "--webhook", receiver.url, "--feed", str(tmp_path / "p.atom"),
                "--db", str(db_path))
        first = crawl(db_path, server)
        expected_first = pension(server, range(1, 41))
        assert expected_first, "the synthetic site has articles about pensions"
        assert f"watch pension: {len(expected_first)} new; feed" in first.stdout
        (post,) = receiver.posts
        assert {item["url"] for item in post.items} == expected_first

        new_ids = server.grow(12)
        expected_second = pension(server, new_ids)
        assert expected_second, "the new articles include one about pensions"
        time.sleep(1.1)  # the changed article's feed date must be a later second than its last_seen
        changed = sorted(expected_first)[0]
        changed_id = next(i for i in range(1, 41) if server.article_url(i) == changed)
        server.modify(changed_id, when=datetime.now(ALMATY).replace(microsecond=0))
        second = crawl(db_path, server)
        assert f"watch pension: {len(expected_second)} new" in second.stdout
        with sqlite3.connect(db_path) as conn:
            (article_id,) = conn.execute("SELECT id FROM articles WHERE url = ?", [changed]).fetchone()
            assert conn.execute("SELECT count(*) FROM versions WHERE article_id = ?", [article_id]).fetchone() == (1,), \
                "the changed article was fetched again and stored as a new version"
        assert len(receiver.posts) == 2
        delivered = [item["url"] for post in receiver.posts for item in post.items]
        assert {item["url"] for item in receiver.posts[1].items} == expected_second
        assert len(delivered) == len(set(delivered)) == len(expected_first | expected_second)
        assert changed not in {item["url"] for item in receiver.posts[1].items}

        crawl(db_path, server)  # nothing new: no third delivery
        assert len(receiver.posts) == 2
    finally:
        receiver.stop()


def test_a_failing_watch_never_fails_the_crawl_and_no_watches_leaves_them(tmp_path, server):
    db_path = tmp_path / "news.db"
    receiver = WebhookReceiver(statuses=[500] * 10)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the feed's folder should be")
    try:
        run_cli("watch", "add", "pension", "пенсия", "--webhook", receiver.url, "--feed", str(blocker / "p.atom"),
                "--db", str(db_path))
        run_cli("watch", "add", "broken", "школы", "--db", str(db_path))
        with sqlite3.connect(db_path) as conn:  # a query a later newsarchive no longer accepts
            conn.execute("UPDATE watches SET query = 'AND (' WHERE name = 'broken'")
        result = crawl(db_path, server)
        assert "matritca.kz: 40 new" in result.stdout
        assert "warning: watch pension: webhook" in result.stderr and "HTTP 500" in result.stderr
        assert "warning: watch pension: feed" in result.stderr and "NotADirectoryError" in result.stderr
        assert "warning: watch broken: nothing to search for" in result.stderr
        db = open_db(db_path, create=False)
        assert db.execute("SELECT status, new FROM crawl_runs").fetchall() == [("finished", 40)]
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (40,)
        found = db.execute("SELECT count(*) FROM watch_hits").fetchone()[0]
        assert found == len(pension(server, range(1, 41)))

        server.grow(12)
        quiet = crawl(db_path, server, "--no-watches")
        assert "watch" not in quiet.stdout + quiet.stderr
        assert db.execute("SELECT count(*) FROM articles").fetchone() == (52,)
        assert db.execute("SELECT count(*) FROM watch_hits").fetchone() == (found,)
        db.close()
    finally:
        receiver.stop()
