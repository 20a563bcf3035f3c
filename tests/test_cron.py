"""`newsarchive crawl` fit for cron, run as cron runs it (a fresh process): the lock between two
real processes, bounded runs, one crawl_runs row per run, documented exit codes, quiet logs off a
terminal and a live table on one; and politeness: defaults, Retry-After and backoff."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO, run_cli
from mirrors.server import SyntheticMirror

from newsarchive.crawl.runner import MIRROR_SETTINGS

ALMATY = ZoneInfo("Asia/Almaty")


def synthetic(n: int, cls=SyntheticMirror, **kwargs) -> SyntheticMirror:
    return cls(n, now=datetime.now(ALMATY).replace(microsecond=0) - timedelta(hours=1), **kwargs)


def crawl_args(db_path, server, *extra: str, settings: dict | None = None, quiet: bool = True) -> list[str]:
    args = ["crawl", "matritca", "--db", str(db_path), f"--base-url=matritca={server.base_url}", *extra]
    values = {**MIRROR_SETTINGS, **({"LOG_LEVEL": "WARNING"} if quiet else {}), **(settings or {})}
    for key, value in values.items():
        args += ["-s", f"{key}={value}"]
    return args


def popen(args: list[str], **kwargs) -> subprocess.Popen:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen([sys.executable, "-m", "newsarchive", *args], cwd=REPO, text=True, **kwargs)


def runs(db_path) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute("SELECT * FROM crawl_runs ORDER BY id")]


def articles(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def wait_for(condition, process: subprocess.Popen, what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert process.poll() is None, f"the crawl ended before {what}: {process.communicate()}"
        assert time.monotonic() < deadline, f"waited too long for {what}"
        time.sleep(0.05)


# The lock ---------------------------------------------------------------------------------

def test_second_crawl_exits_at_once_with_the_lock_message_while_the_first_runs(tmp_path):
    db_path = tmp_path / "news.db"
    lock = tmp_path / "news.db.lock"
    server = synthetic(40)
    first = popen(crawl_args(db_path, server, settings={"DOWNLOAD_DELAY": 0.3, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}))
    try:
        wait_for(lambda: lock.exists() and lock.read_text().split()[:1] == [str(first.pid)], first, "the lock")
        second = run_cli(*crawl_args(db_path, server), timeout=120)
        assert first.poll() is None, "the first crawl must still be running when the second gives up"
        assert second.returncode == 3, second
        assert "another crawl is running" in second.stderr and str(first.pid) in second.stderr

        # SIGTERM (systemd stop, kill): the first crawl stops cleanly, says so, exit code 4.
        wait_for(lambda: db_path.exists() and _safe_count(db_path) > 0, first, "a first article")
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=120)
        assert first.returncode == 4, (out, err)
        (run,) = runs(db_path)  # the refused crawl wrote no run
        assert run["status"] == "shutdown" and run["ended_at"]
    finally:
        if first.poll() is None:
            first.kill()
        server.stop()


def _safe_count(db_path) -> int:
    try:
        return articles(db_path)
    except sqlite3.Error:
        return 0


# Bounded runs, runs rows, logs ------------------------------------------------------------

@pytest.fixture(scope="module")
def site():
    server = synthetic(100)
    yield server
    server.stop()


def test_max_articles_bounds_the_run_quietly_and_the_next_run_carries_on(site, tmp_path):
    db_path = tmp_path / "news.db"
    bounded = run_cli(*crawl_args(db_path, site, "--max-articles", "10", "--max-pages", "10", quiet=False))
    assert bounded.returncode == 0, bounded.stderr[-3000:]
    assert " INFO: " not in bounded.stderr, "off a terminal the log is warnings and errors only"
    assert "matritca.kz:" in bounded.stdout and "new" in bounded.stdout
    (run,) = runs(db_path)
    assert run["status"] == "closespider_itemcount" and 10 <= run["new"] < 100
    assert run["new"] == articles(db_path)

    rest = run_cli(*crawl_args(db_path, site, "--max-pages", "10", "-v", quiet=False))
    assert rest.returncode == 0 and " INFO: " in rest.stderr
    assert articles(db_path) == 100, "after a bounded run the next one walks the listing in full"
    assert [r["status"] for r in runs(db_path)] == ["closespider_itemcount", "finished"]
    assert sum(r["new"] for r in runs(db_path)) == 100


def test_max_minutes_bounds_the_run(site, tmp_path):
    db_path = tmp_path / "news.db"
    result = run_cli(*crawl_args(db_path, site, "--max-minutes", "0.03", "--max-pages", "10",
                                 settings={"DOWNLOAD_DELAY": 0.25, "CONCURRENT_REQUESTS_PER_DOMAIN": 1}))
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = runs(db_path)
    assert run["status"] == "closespider_timeout" and articles(db_path) < 100, (
        run, articles(db_path), result.stdout[-2000:], result.stderr[-3000:])


def test_exit_codes_are_documented_in_help():
    result = run_cli("crawl", "--help")
    assert result.returncode == 0
    for line in ("0  finished", "1  finished, but pages failed", "2  bad usage", "3  another crawl holds",
                 "4  interrupted"):
        assert line in result.stdout
    unknown = run_cli("crawl", "no-such-site", "--db", os.devnull)
    assert unknown.returncode == 2


def test_live_progress_table_on_a_terminal(site, tmp_path):
    db_path = tmp_path / "news.db"
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    process = popen(crawl_args(db_path, site, "--max-articles", "5"), stdout=slave, env=env)
    os.close(slave)
    output = bytearray()
    reader = threading.Thread(target=_drain, args=(master, output), daemon=True)
    reader.start()
    _, err = process.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    text = output.decode("utf-8", "replace")
    assert process.returncode == 0, err
    for word in ("matritca.kz", "pages", "new", "errors", "closespider_itemcount"):
        assert word in text, (word, text[-2000:])


def _drain(fd: int, into: bytearray) -> None:
    while True:
        try:
            ready, _, _ = select.select([fd], [], [], 30)
            if not ready:
                return
            chunk = os.read(fd, 65536)
        except OSError:
            return
        if not chunk:
            return
        into.extend(chunk)


# Politeness -------------------------------------------------------------------------------

def test_polite_defaults():
    from newsarchive.crawl import settings

    assert settings.ROBOTSTXT_OBEY is True
    assert settings.AUTOTHROTTLE_ENABLED is True
    assert settings.CONCURRENT_REQUESTS_PER_DOMAIN in (1, 2)
    assert settings.DOWNLOAD_DELAY >= 0.5
    assert settings.NEWSARCHIVE_CONTACT_URL in settings.USER_AGENT and "newsarchive" in settings.USER_AGENT
    assert 429 in settings.RETRY_HTTP_CODES and 503 in settings.RETRY_HTTP_CODES
    assert settings.DOWNLOADER_MIDDLEWARES["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert "newsarchive.crawl.middlewares.BackoffRetryMiddleware" in settings.DOWNLOADER_MIDDLEWARES


def test_retry_delay_rules():
    from newsarchive.crawl.middlewares import (
        backoff_seconds,
        retry_after_seconds,
        retry_delay,
    )

    now = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
    assert retry_after_seconds(b"7") == 7
    assert retry_after_seconds("Thu, 26 Nov 2026 12:00:30 GMT", now=now) == 30
    assert retry_after_seconds(b"soon") is None and retry_after_seconds(None) is None
    assert [backoff_seconds(n, 2, 60) for n in (1, 2, 3, 4, 5, 6)] == [2, 4, 8, 16, 32, 60]
    assert retry_delay(b"5", 1, base=2, cap=60, retry_after_max=300) == 5
    assert retry_delay(None, 3, base=2, cap=60, retry_after_max=300) == 8
    assert retry_delay(b"3600", 1, base=2, cap=60, retry_after_max=300) is None


class ThrottlingMirror(SyntheticMirror):
    """Answers 429 + Retry-After to the first request of one article, 503 (no Retry-After) to the
    first two of another, and 429 with a Retry-After of an hour to a third; records request times."""

    def __init__(self, n: int, **kwargs):
        self.times: dict[str, list[float]] = {}
        super().__init__(n, **kwargs)
        self.slow, self.flaky, self.gone = (self.articles[i]["path"] for i in (n, n - 1, n - 2))

    def lookup(self, target):
        path = target.split("?")[0]
        with self._lock:
            seen = self.times.setdefault(path, [])
            seen.append(time.monotonic())
            count = len(seen)
        if path == self.slow and count == 1:
            return 429, {"Retry-After": "2", "Content-Type": "text/plain"}, b"slow down"
        if path == self.flaky and count <= 2:
            return 503, {"Content-Type": "text/plain"}, b"busy"
        if path == self.gone:
            return 429, {"Retry-After": "3600", "Content-Type": "text/plain"}, b"come back in an hour"
        return super().lookup(target)


def test_retries_honour_retry_after_and_back_off(tmp_path):
    db_path = tmp_path / "news.db"
    server = synthetic(5, cls=ThrottlingMirror)
    try:
        result = run_cli(*crawl_args(db_path, server, settings={
            "RETRY_TIMES": 3, "NEWSARCHIVE_RETRY_BACKOFF_BASE": 0.5, "NEWSARCHIVE_RETRY_AFTER_MAX": 60}))
        assert result.returncode == 0, result.stderr[-3000:]
        slow, flaky, gone = server.times[server.slow], server.times[server.flaky], server.times[server.gone]
    finally:
        server.stop()
    with sqlite3.connect(db_path) as conn:
        urls = {row[0] for row in conn.execute("SELECT url FROM articles")}
    real = {path: "https://matritca.kz" + path for path in (server.slow, server.flaky, server.gone)}
    assert real[server.slow] in urls and real[server.flaky] in urls and real[server.gone] not in urls
    assert len(slow) == 2 and slow[1] - slow[0] >= 2, "the retry waits as long as Retry-After asks"
    assert len(flaky) == 3 and flaky[1] - flaky[0] >= 0.5 and flaky[2] - flaky[1] >= 1.0, "base × 2ⁿ backoff"
    assert len(gone) == 1, "a Retry-After longer than NEWSARCHIVE_RETRY_AFTER_MAX is left to the next run"
