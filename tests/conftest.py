"""Shared test helpers: the repository paths, fixture mirrors, and crawls run as the user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from mirrors.server import mirror_names, serve_mirrors

from newsarchive.crawl.runner import MIRROR_SETTINGS

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED_DIR", REPO.parent / "shared"))


def run_cli(*args: str, timeout: float = 600, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m newsarchive ARGS` in a fresh process, as cron would."""
    return subprocess.run(
        [sys.executable, "-m", "newsarchive", *args],
        capture_output=True, text=True, cwd=REPO, timeout=timeout, env={**os.environ, **(env or {})},
    )


def import_file(tmp_path: Path, lines: list[str]):
    """`newsarchive import` of these JSON lines into a new archive: (what it printed, the archive)."""
    from click.testing import CliRunner

    from newsarchive.cli import cli
    from newsarchive.store.schema import open_db

    jsonl, db_path = tmp_path / "articles.jsonl", tmp_path / "news.db"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", str(jsonl), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    return result.output.strip(), open_db(db_path, create=False)


def crawl_mirrors(db_path: Path, servers: dict, *extra: str) -> subprocess.CompletedProcess:
    """`newsarchive crawl` of the given mirror servers into `db_path`."""
    args = ["crawl", *servers, "--db", str(db_path)]
    args += [f"--base-url={name}={server.base_url}" for name, server in servers.items()]
    for key, value in {**MIRROR_SETTINGS, "LOG_LEVEL": "WARNING"}.items():
        args += ["-s", f"{key}={value}"]
    return run_cli(*args, *extra)


@pytest.fixture(scope="session")
def mirrors():
    """Every fixture mirror, served on 127.0.0.1 for the whole session."""
    servers = serve_mirrors(mirror_names())
    yield servers
    for server in servers.values():
        server.stop()


def word_tables(conn) -> list[str]:
    """The word index's tables (a quarter each), newest first."""
    from newsarchive.store.wordindex import quarters, table_name

    return [table_name(quarter) for quarter in quarters(conn)]


def indexed_words(conn) -> dict[int, list[tuple]]:
    """What the contentless word index holds, per article id: sorted (table, term, column, offset)."""
    from newsarchive.store.wordindex import ID_MASK

    held: dict[int, list[tuple]] = {}
    for table in word_tables(conn):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}_instances")
        conn.execute(f"CREATE VIRTUAL TABLE temp.{table}_instances USING fts5vocab(main, {table}, instance)")
        for term, key, column, offset in conn.execute(f"SELECT term, doc, col, offset FROM temp.{table}_instances"):
            held.setdefault(key & ID_MASK, []).append((table, term, column, offset))
    return {article_id: sorted(rows) for article_id, rows in held.items()}
