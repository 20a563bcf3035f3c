"""A crawl killed with SIGKILL at any moment, and run again, ends with the same archive as an
uninterrupted crawl: same articles and contents, no duplicates, SQLite and FTS indexes intact."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import REPO, indexed_words, word_tables
from mirrors.server import serve_synthetic

from newsarchive.crawl.runner import MIRROR_SETTINGS
from newsarchive.search import search_ids
from newsarchive.search.functions import register_functions

N = 500
KILLS = 5
COMPARED = ("url", "site", "title", "lead", "body", "published_at", "published_utc", "modified_at", "author",
            "section", "tags", "images", "credited_source", "credited_via", "language", "region", "story_region",
            "content_hash")


def start_crawl(db_path, server) -> subprocess.Popen:
    args = [sys.executable, "-m", "newsarchive", "crawl", "matritca", "--db", str(db_path),
            f"--base-url=matritca={server.base_url}", "--max-pages", str(N // server.PAGE_SIZE + 2)]
    for key, value in {**MIRROR_SETTINGS, "LOG_LEVEL": "WARNING"}.items():
        args += ["-s", f"{key}={value}"]
    return subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONHASHSEED": "0"})


def wait_for_articles(db_path, count: int, process: subprocess.Popen, timeout: float = 120) -> bool:
    """Wait until the archive holds `count` articles while `process` runs; False if it ended first."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
            try:
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= count:
                    return True
            finally:
                conn.close()
        except sqlite3.OperationalError:  # not created yet, or its schema is being written
            pass
        time.sleep(0.02)
    return False


def finish(process: subprocess.Popen, timeout: float = 300) -> None:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, (out, err[-3000:])


def integrity_problems(conn) -> list[str]:
    """PRAGMA integrity_check's complaints, less SQLite 3.40's false "NULL value in T.C" on
    WITHOUT ROWID tables whose primary key comes after a NOT NULL column (checked here directly)."""
    problems = []
    for (line,) in conn.execute("PRAGMA integrity_check"):
        if line == "ok":
            continue
        if line.startswith("NULL value in "):
            table, column = line.removeprefix("NULL value in ").split(".")
            if conn.execute(f"SELECT count(*) FROM {table} WHERE {column} IS NULL").fetchone()[0] == 0:
                continue
        problems.append(line)
    return problems


def snapshot(db_path) -> dict:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        assert integrity_problems(conn) == []
        for fts in word_tables(conn):
            conn.execute(f"INSERT INTO {fts}({fts}) VALUES('integrity-check')")  # raises when corrupt
        ids = {row["id"]: row["url"] for row in conn.execute("SELECT id, url FROM articles")}
        articles = {row["url"]: tuple(row[c] for c in COMPARED)
                    for row in conn.execute(f"SELECT {', '.join(COMPARED)} FROM articles")}
        per_article = {}
        for table, columns in {"article_tags": "tag_norm", "article_urls": "url",
                               "pages": "length(html_gz) > 0", "story_profiles": "length(profile)"}.items():
            rows: dict[str, list] = {}
            for article_id, value in conn.execute(f"SELECT article_id, {columns} FROM {table}"):
                rows.setdefault(ids[article_id], []).append(value)
            per_article[table] = {url: sorted(values) for url, values in rows.items()}
        per_article["word index"] = {ids[article_id]: held for article_id, held in indexed_words(conn).items()}
        stories: dict[int, set] = {}
        for article_id, story_id in conn.execute("SELECT id, story_id FROM articles"):
            stories.setdefault(story_id, set()).add(ids[article_id])
        register_functions(conn)
        fts_hits = {word: sorted(ids[i] for i in search_ids(conn, word, limit=None))
                    for word in ("пенсии", "Риддер", "абзац")}
        return {
            "count": conn.execute("SELECT count(*) FROM articles").fetchone()[0],
            "distinct_urls": conn.execute("SELECT count(DISTINCT url) FROM articles").fetchone()[0],
            "distinct_hashes": conn.execute("SELECT count(DISTINCT content_hash) FROM articles").fetchone()[0],
            "word_index_rows": sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in word_tables(conn)),
            "versions": conn.execute("SELECT count(*) FROM versions").fetchone()[0],
            "articles": articles,
            "per_article": per_article,
            "stories": sorted(sorted(urls) for urls in stories.values()),
            "fts_hits": fts_hits,
        }
    finally:
        conn.close()


def test_killed_and_restarted_crawl_ends_like_an_uninterrupted_one(tmp_path):
    seed = int(os.environ.get("CRASH_SEED", time.time_ns() % 100000))
    rnd = random.Random(seed)
    server = serve_synthetic(N, now=datetime.now(ZoneInfo("Asia/Almaty")).replace(microsecond=0) - timedelta(hours=1))
    try:
        reference = start_crawl(tmp_path / "reference.db", server)  # runs alongside the killed ones
        crashed = tmp_path / "crashed.db"
        # Kill moments are tied to progress, not to the clock, so a faster or slower machine still
        # kills each run mid-crawl: after a random number of archived articles, plus a random instant.
        # Kills fall in the first half: a restarted run skips what is archived and commits in batches,
        # so the last 100 articles can all be committed within the random instant, and a crawl that
        # finished before its kill would not be a kill (CI saw it: last kill at 374 of 500).
        thresholds = sorted(rnd.sample(range(10, N // 2), KILLS))
        moments = []
        for threshold in thresholds:
            process = start_crawl(crashed, server)
            if wait_for_articles(crashed, threshold, process):
                time.sleep(rnd.uniform(0, 0.2))
                process.send_signal(signal.SIGKILL)
                process.wait()
                moments.append(threshold)
            process.communicate()
        conn = sqlite3.connect(crashed)
        archived_before = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        unfinished = conn.execute("SELECT count(*) FROM crawl_runs WHERE status = 'running'").fetchone()[0]
        conn.close()
        context = f"seed {seed}, killed after {moments} articles, {archived_before} archived before the last run"
        assert len(moments) == KILLS and 0 < archived_before < N, context
        assert unfinished >= 1, context

        finish(start_crawl(crashed, server))
        finish(reference)
        expected, got = snapshot(tmp_path / "reference.db"), snapshot(crashed)
    finally:
        server.stop()

    assert expected["count"] == N, context
    for key in ("count", "distinct_urls", "distinct_hashes", "word_index_rows", "versions"):
        assert got[key] == expected[key] == expected["count"] or key == "versions" and got[key] == expected[key] == 0, (key, context)
    assert set(got["articles"]) == set(expected["articles"]), context
    differing = [url for url in expected["articles"] if got["articles"][url] != expected["articles"][url]]
    assert differing == [], context
    for table in expected["per_article"]:
        assert got["per_article"][table] == expected["per_article"][table], (table, context)
    assert got["stories"] == expected["stories"], context
    assert got["fts_hits"] == expected["fts_hits"], context
    assert all(len(urls) > 0 for urls in expected["fts_hits"].values())
    assert json.loads(expected["articles"][next(iter(expected["articles"]))][COMPARED.index("tags")])
