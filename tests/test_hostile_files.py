"""Broken files and careless commands: a file that is not an archive, a damaged or read-only one,
a full disk, an import file no one should have written, options that make no sense, output a page
wrote to take over a terminal or a spreadsheet. Each ends in a message (never a traceback), and
nothing that is not ours is changed. docs/HOSTILE.md lists each case and what the user sees.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, run_cli
from mirrors.server import serve_synthetic

from newsarchive.cli import cli
from newsarchive.crawl.runner import MIRROR_SETTINGS
from newsarchive.search.functions import READ_CHARS, register_functions
from newsarchive.store.importer import import_articles
from newsarchive.store.lock import crawl_lock
from newsarchive.store.schema import SCHEMA_VERSION, open_db

V2_ARCHIVE = Path(__file__).parent / "data" / "archive_v2.db"
READERS = {  # a read command and its arguments
    "search": ["search", "пенсия"], "tags": ["tags"], "stats": ["stats"], "trend": ["trend", "пенсия"],
    "health": ["health"], "sites": ["sites"], "serve": ["serve", "--port", "1"],
}
BODY = ("Жители Усть-Каменогорска обсудили с акимом города перерасчёт пенсий и новые выплаты ветеранам.\n\n"
        "В акимате напомнили, что обращаться в центр обслуживания населения для перерасчёта не нужно.")


def line(url: str = "https://kt.kz/rus/a_1.html", **fields) -> str:
    return json.dumps({"url": url, "title": "Пенсии вырастут", "body": BODY, "tags": ["Пенсия 2026"],
                       "published_at": "2026-01-13T09:08:00+05:00", **fields}, ensure_ascii=False)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    """An archive of three articles, one of which an older newsarchive stored with control
    characters and a formula in its title (written straight into the table: today's import cleans
    them)."""
    path = tmp_path_factory.mktemp("archive") / "news.db"
    db = open_db(path)
    import_articles(db, [line(f"https://kt.kz/rus/a_{n}.html", title=f"Пенсии вырастут {n}",
                              body=f"{BODY}\n\nМатериал номер {n} о выплатах жителям области.") for n in range(1, 4)])
    db.execute("UPDATE articles SET title = ? WHERE id = 1", ["=HYPERLINK(\"http://evil\")\x1b]0;pwned\x07\u202e"])
    db.execute("UPDATE article_tags SET tag = ? WHERE article_id = 1", ["Пенсия\x1b[2J 2026"])
    db.close()
    return path


def invoke(*args: str):
    """A command run in this process (faster than run_cli; `serve`, which would go on serving
    if it did not refuse, runs in a process of its own with a timeout): returncode, stdout, stderr."""
    if args[0] == "serve":
        return run_cli(*args, timeout=60)
    result = CliRunner().invoke(cli, list(args))
    result.returncode = result.exit_code
    return result


def fingerprint(path: Path) -> tuple:
    """The bytes of a file and which files lie beside it."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), sorted(p.name for p in path.parent.iterdir())


def other_programs_database(folder: Path) -> Path:
    path = folder / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Айгуль', '+7 777 000 00 00')")
    conn.commit()
    conn.close()
    return path


# Files that are not an archive: refused, unchanged ---------------------------------------------

@pytest.mark.parametrize("kind", ["other_program", "text", "empty"])
@pytest.mark.parametrize("command", sorted(READERS))
def test_read_command_refuses_what_is_no_archive_and_changes_nothing(command, kind, tmp_path):
    path = {"other_program": lambda: other_programs_database(tmp_path),
            "text": lambda: (tmp_path / "notes.txt").write_text("это не база данных\n" * 100) and tmp_path / "notes.txt",
            "empty": lambda: (tmp_path / "empty.db").touch() or tmp_path / "empty.db"}[kind]()
    before = fingerprint(path)
    result = invoke(*READERS[command], "--db", str(path))
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr and str(path) in result.stderr, result.stderr
    assert {"other_program": "not a newsarchive archive", "text": "not a SQLite database",
            "empty": "empty database"}[kind] in result.stderr
    assert fingerprint(path) == before, "not a byte written, no journal, no WAL, no lock file"


@pytest.mark.parametrize("command", [["import", "-"], ["reparse"], ["upgrade"], ["crawl", "matritca"]])
def test_writers_refuse_another_programs_database_too(command, tmp_path):
    path = other_programs_database(tmp_path)
    before = fingerprint(path)
    result = subprocess.run([sys.executable, "-m", "newsarchive", *command, "--db", str(path)], input=line(),
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 1 and "not a newsarchive archive" in result.stderr, result
    assert "Traceback" not in result.stderr
    assert fingerprint(path) == before


def test_a_damaged_archive_is_a_message(archive, tmp_path):
    damaged = tmp_path / "damaged.db"
    data = archive.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    for args in (["search", "пенсия"], ["stats"], ["tags"]):
        result = invoke(*args, "--db", str(damaged))
        assert result.returncode == 1 and "Traceback" not in result.stderr, result
        assert "damaged" in result.stderr or "not an archive" in result.stderr, result.stderr


def test_a_db_path_through_a_file_is_a_message(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    inside = blocker / "news.db"
    read = invoke("search", "пенсия", "--db", str(inside))
    assert read.returncode == 1 and "no archive at" in read.stderr and "Traceback" not in read.stderr
    write = subprocess.run([sys.executable, "-m", "newsarchive", "import", "-", "--db", str(inside)], input=line(),
                           capture_output=True, text=True, cwd=REPO, timeout=60)
    assert write.returncode == 1 and "Traceback" not in write.stderr, write
    assert "file.txt" in write.stderr
    assert blocker.read_text() == "x"


def test_trend_png_into_a_missing_folder_is_a_usage_error(archive, tmp_path):
    result = invoke("trend", "пенсия", "--png", str(tmp_path / "no" / "such" / "chart.png"), "--db", str(archive))
    assert result.returncode == 2 and "no folder" in result.stderr and "Traceback" not in result.stderr


# Older, read-only and full archives --------------------------------------------------------------

def test_an_older_archive_is_upgraded_by_upgrade_never_by_a_read_command(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(V2_ARCHIVE, path)
    before = fingerprint(path)
    for args in READERS.values():
        result = invoke(*args, "--db", str(path))
        assert result.returncode == 1 and "newsarchive upgrade --db" in result.stderr, (args, result.stderr)
    assert fingerprint(path) == before
    upgraded = run_cli("upgrade", "--db", str(path), timeout=120)
    assert upgraded.returncode == 0 and f"to {SCHEMA_VERSION}" in upgraded.stdout, upgraded
    assert run_cli("search", "школа", "--db", str(path), timeout=60).returncode == 0
    again = run_cli("upgrade", "--db", str(path), timeout=60)
    assert again.returncode == 0 and "up to date" in again.stdout


def _unshare_available() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt && true"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _unshare_available(), reason="needs root and mount namespaces (unshare -m)")


def in_namespace(setup: str, *args: str, then: list[str] | None = None, timeout: float = 120):
    """`python -m newsarchive ARGS` after shell `setup`, in a mount namespace of its own; `then`
    another newsarchive command run after it there, whatever its exit code (that of ARGS is kept)."""
    def command(words):
        return " ".join(f"'{a}'" for a in (sys.executable, "-m", "newsarchive", *words))
    script = f"{setup} && cd {REPO} && {command(args)}; code=$?"
    if then:
        script += f"; {command(then)}"
    return subprocess.run(["unshare", "-m", "sh", "-c", script + "; exit $code"],
                          capture_output=True, text=True, timeout=timeout)


@needs_mounts
def test_a_read_only_mount_can_be_searched(archive, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = open_db(folder / "news.db")  # a WAL archive, as crawls leave it
    import_articles(db, [line()])
    db.close()
    for args in (["search", "пенсия", "--format", "json"], ["stats"], ["tags"], ["trend", "пенсия"], ["health"],
                 ["sites"]):
        result = in_namespace(f"mount --bind -o ro {folder} {folder}", *args, "--db", str(folder / "news.db"))
        assert result.returncode == 0, (args, result.stderr[-2000:])
    found = in_namespace(f"mount --bind -o ro {folder} {folder}", "search", "пенсия", "--format", "json",
                         "--db", str(folder / "news.db"))
    assert json.loads(found.stdout)[0]["title"] == "Пенсии вырастут"
    crawl = in_namespace(f"mount --bind -o ro {folder} {folder}", "import", "-", "--db", str(folder / "news.db"))
    assert crawl.returncode == 1 and "Traceback" not in crawl.stderr, crawl.stderr[-2000:]


def _as_other_user() -> dict:
    """subprocess arguments that run a command as a user who may not write our files: the user
    nobody when we are root (file modes bind no root), else ourselves."""
    if os.geteuid() != 0:
        return {}
    try:
        subprocess.run([sys.executable, "-c", "pass"], user=65534, group=65534, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("root, and the user nobody cannot run this Python (the read-only mount test covers the case)")
    return {"user": 65534, "group": 65534, "env": {**os.environ, "HOME": "/tmp"}}


def test_an_archive_the_user_may_not_write_can_be_searched(tmp_path):
    other = _as_other_user()
    folder = tmp_path / "theirs"
    folder.mkdir()
    db = open_db(folder / "news.db")
    import_articles(db, [line()])
    db.close()
    os.chmod(folder / "news.db", 0o444)
    os.chmod(folder, 0o555)
    os.chmod(tmp_path, 0o755)
    try:
        result = subprocess.run([sys.executable, "-m", "newsarchive", "search", "пенсия", "--format", "json",
                                 "--db", str(folder / "news.db")], capture_output=True, text=True, cwd=REPO,
                                timeout=60, **other)
    finally:
        os.chmod(folder, 0o755)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout)[0]["title"] == "Пенсии вырастут"


@needs_mounts
def test_a_full_disk_is_a_message_and_what_was_stored_is_kept(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    big = "\n".join(line(f"https://kt.kz/rus/full_{n}.html", title=f"Статья {n}",
                         body=f"{BODY}\n\n" + f"Абзац номер {n}, достаточно длинный, чтобы занять место. " * 400)
                    for n in range(400))
    source = tmp_path / "big.jsonl"
    source.write_text(big, encoding="utf-8")
    db = folder / "news.db"
    result = in_namespace(f"mount -t tmpfs -o size=2m tmpfs {folder}", "import", str(source), "--db", str(db),
                          then=["search", "--tag", "Пенсия 2026", "--format", "json", "--limit", "1000", "--db", str(db)])
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "disk is full" in result.stderr, (result.stdout, result.stderr[-2000:])
    kept = json.loads(result.stdout)
    assert 0 < len(kept) < 400, "the batches stored before the disk filled are there, whole"


# Import: any line, any file ------------------------------------------------------------------

def test_import_goes_on_past_every_line_it_cannot_read(tmp_path):
    path = tmp_path / "mixed.jsonl"
    deep = '{"url": "https://kt.kz/rus/deep.html", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    lines = [
        line("https://kt.kz/rus/ok_1.html").encode(),
        "Пенсии: строка в windows-1251".encode("cp1251"),  # not UTF-8
        deep.encode(),
        b"\x00\x01\x02 binary",
        b'{"url": "https://kt.kz/rus/x.html", "title": "\\ud800", "body": "x"}',  # a lone surrogate
        line("https://kt.kz/rus/huge.html", body="х" * (9 << 20)).encode(),  # over MAX_IMPORT_LINE_BYTES
        line("https://kt.kz/rus/ok_2.html", title="Вторая статья", body=BODY + "\n\nЕщё один абзац о пенсиях жителей.",
             tags=["Пенсия 2026", "тег\x1b[31m"]).encode(),
        line("https://evil.example/rus/ok_3.html", site="kt.kz", title="Чужой сайт",
             body=BODY + "\n\nТретий материал, опубликованный на другом сайте.").encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    db_path = tmp_path / "news.db"
    result = run_cli("import", str(path), "--db", str(db_path), timeout=120)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.stdout.strip() == "3 new, 0 updated, 0 unchanged, 0 duplicate, 1 rejected, 4 invalid, 0 failed"
    conn = sqlite3.connect(db_path)
    reasons = dict(conn.execute("SELECT url, reason FROM failures"))
    assert reasons[f"{path}:2"] == "not_utf8" and reasons[f"{path}:3"] == "invalid_json"
    assert reasons[f"{path}:6"] == "line_too_long"
    sites = dict(conn.execute("SELECT url, site FROM articles"))
    assert sites["https://evil.example/rus/ok_3.html"] == "evil.example", "the site follows the URL's host"
    tags = json.loads(conn.execute("SELECT tags FROM articles WHERE url LIKE '%ok_2%'").fetchone()[0])
    assert tags == ["Пенсия 2026", "тег[31m"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_import_reads_a_file_with_a_byte_order_mark(encoding, tmp_path):
    path = tmp_path / "articles.jsonl"
    path.write_text(line() + "\n" + line("https://kt.kz/rus/a_2.html", body=BODY + "\n\nВторой материал о пенсиях.")
                    + "\n", encoding=encoding)
    result = run_cli("import", str(path), "--db", str(tmp_path / "news.db"), timeout=60)
    assert result.stdout.startswith("2 new"), result


def test_import_waits_for_a_crawl_or_says_it_would(tmp_path):
    db_path = tmp_path / "news.db"
    open_db(db_path).close()
    with crawl_lock(db_path):
        refused = subprocess.run([sys.executable, "-m", "newsarchive", "import", "-", "--no-wait", "--db", str(db_path)],
                                 input=line(), capture_output=True, text=True, cwd=REPO, timeout=60)
        assert refused.returncode == 3 and "another crawl is running" in refused.stderr, refused
        waiting = subprocess.Popen([sys.executable, "-m", "newsarchive", "import", "-", "--db", str(db_path)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   cwd=REPO)
        waiting.stdin.write(line())
        waiting.stdin.close()
        deadline_lines = []
        while not deadline_lines:
            deadline_lines = [waiting.stderr.readline()]
        assert "waiting for the crawl" in deadline_lines[0]
    out = waiting.stdout.read()
    assert waiting.wait(timeout=60) == 0 and out.startswith("1 new"), out


def test_a_crawl_while_an_import_holds_the_archive_exits_3_quietly(tmp_path):
    db_path = tmp_path / "news.db"
    open_db(db_path).close()
    with crawl_lock(db_path, what="import"):
        result = run_cli("crawl", "matritca", "--db", str(db_path), "--base-url", "matritca=http://127.0.0.1:9",
                         timeout=60)
    assert result.returncode == 3 and "another import is running" in result.stderr, result
    assert "Traceback" not in result.stderr


# Careless options -----------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["matritca", "--url", "http://127.0.0.1:9/"], "not both"),
    (["--url", "file:///etc/passwd"], "http(s) address"),
    (["--url", "data:text/html,x"], "http(s) address"),
    (["--url", "http://"], "http(s) address"),
    (["matritca", "--base-url", "matritca=file:///etc"], "http(s) address"),
    (["matritca", "--max-articles", "0"], "--max-articles"),
    (["matritca", "--max-articles", "-1"], "--max-articles"),
    (["matritca", "--max-articles", "nan"], "--max-articles"),
    (["matritca", "--max-minutes", "nan"], "--max-minutes"),
    (["matritca", "--max-minutes", "inf"], "--max-minutes"),
    (["matritca", "--max-minutes", "0"], "--max-minutes"),
    (["matritca", "--max-pages", "0"], "--max-pages"),
])
def test_crawl_options_that_make_no_sense_are_usage_errors(args, message, tmp_path):
    mirror = [] if "--base-url" in args or "matritca" not in args else ["--base-url", "matritca=http://127.0.0.1:9"]
    result = run_cli("crawl", *args, *mirror, "--db", str(tmp_path / "news.db"), timeout=60)  # nowhere to go if it ran
    assert result.returncode == 2 and message in result.stderr, result
    assert not (tmp_path / "news.db").exists(), "nothing was done"


def test_max_articles_stores_exactly_that_many(tmp_path):
    server = serve_synthetic(60)
    try:
        args = ["crawl", "matritca", "--db", str(tmp_path / "news.db"), f"--base-url=matritca={server.base_url}",
                "--max-articles", "5", "--max-pages", "3"]
        for key, value in {**MIRROR_SETTINGS, "CONCURRENT_REQUESTS_PER_DOMAIN": 16}.items():
            args += ["-s", f"{key}={value}"]
        result = run_cli(*args, timeout=120)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr[-2000:]
    conn = sqlite3.connect(tmp_path / "news.db")
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (5,)


@pytest.mark.parametrize("query", [
    'NEAR("пенсия" выплаты, 2)', '"незакрытая', "*", "пенсия*", "^пенсия", "title:пенсия", "{title}: пенсия",
    "пенсия AND OR NOT", "((((пенсия", "пенсия))))", "-", "--", "'; DROP TABLE articles; --", "\x1b[2J", "я" * 5000,
    "tag:", 'tag:"', "site:" + "x" * 3000, "пенсия -пенсия", "NOT пенсия", "\\\"\\", "%_%",
])
def test_search_takes_any_query_without_a_traceback(archive, query):
    result = CliRunner().invoke(cli, ["search", "--db", str(archive), "--", query])
    assert result.exit_code in (0, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.mark.parametrize("args, message", [
    (["--limit", str(10 ** 20)], "--limit"), (["--offset", str(10 ** 20)], "--offset"), (["--limit", "0"], "--limit"),
    (["--since", "0001-01-01"], "searched"), (["--until", "9999-12-31"], "no date after"),
    (["--since", "10000-01-01"], "not a date"), (["--since", "2026-02-30"], "not a date"),
])
def test_search_bounds_and_dates_beyond_the_calendar_are_usage_errors(archive, args, message):
    result = invoke("search", "пенсия", *args, "--db", str(archive))
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr, result


def test_a_trend_over_too_many_periods_is_a_usage_error(archive):
    result = invoke("trend", "пенсия", "--by", "day", "--since", "1900-01-01", "--db", str(archive))
    assert result.returncode == 2 and "--by month" in result.stderr, result


# Output a page wrote to take over a terminal or a spreadsheet ------------------------------------

RAW = ("\x1b", "\x07", "\u202e", "\x9b")


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_search_and_tags_print_stored_control_characters_escaped(archive, fmt):
    for args in (["search", "--tag", "Пенсия 2026"], ["tags"], ["stats"]):
        result = invoke(*args, "--format", fmt, "--db", str(archive))
        assert result.returncode == 0, result
        assert not any(ch in result.stdout for ch in RAW), (args, fmt, result.stdout[:500])
    shown = invoke("search", "--tag", "Пенсия 2026", "--format", fmt, "--db", str(archive)).stdout
    assert "pwned" in shown, "the text stays, its control characters are shown, not obeyed"


def test_csv_cells_are_never_formulas(archive):
    result = invoke("search", "--tag", "Пенсия 2026", "--format", "csv", "--db", str(archive))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    titles = [row["title"] for row in rows]
    assert any(title.startswith("'=HYPERLINK") for title in titles), titles
    assert not any(row[key].startswith(("=", "+", "@")) for row in rows for key in row)


def test_json_output_is_the_same_data_with_the_controls_escaped(archive):
    result = invoke("search", "--tag", "Пенсия 2026", "--format", "json", "--db", str(archive))
    titles = {row["title"] for row in json.loads(result.stdout)}
    assert '=HYPERLINK("http://evil")\x1b]0;pwned\x07\u202e' in titles, "a program reading the JSON gets it whole"


# datasette's SQL functions: bounded work, interruptible --------------------------------------

def test_sql_functions_read_a_bounded_part_of_a_huge_field():
    conn = sqlite3.connect(":memory:")
    register_functions(conn)
    body = "а " * READ_CHARS + "пенсия"
    assert conn.execute("SELECT na_match('', '', ?, 'пенсия')", [body]).fetchone() == (0,)
    assert conn.execute("SELECT na_match('', '', ?, 'пенсия')", ["пенсия"]).fetchone() == (1,)
    assert "[" not in conn.execute("SELECT na_snippet('', '', ?, 'пенсия')", [body]).fetchone()[0]


def test_sql_functions_running_queries_are_interrupted_by_a_time_limit(archive):
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    register_functions(conn)
    for function in ("na_search('пенсия')", "na_trend('пенсия', 'day')"):
        steps = []
        conn.set_progress_handler(lambda: steps.append(1) or 0, 10)
        conn.execute(f"SELECT {function}").fetchone()
        conn.set_progress_handler(lambda: 1, 10)  # what datasette's sql_time_limit_ms does when time is up
        with pytest.raises(sqlite3.OperationalError):
            conn.execute(f"SELECT {function}").fetchone()
        assert len(steps) > 10, "the queries the function runs are SQLite's steps, which a time limit interrupts"
    conn.close()


# Nothing can be reached ---------------------------------------------------------------------

def test_a_crawl_that_reaches_no_site_says_the_machine_seems_offline(tmp_path):
    closed = "http://127.0.0.1:9"  # discard: nothing listens
    args = ["crawl", "matritca", "kt", "--db", str(tmp_path / "news.db"),
            f"--base-url=matritca={closed}", f"--base-url=kt={closed}"]
    for key, value in MIRROR_SETTINGS.items():
        args += ["-s", f"{key}={value}"]
    result = run_cli(*args, timeout=120)
    assert result.returncode == 5, result
    assert "seems offline" in result.stderr and "Traceback" not in result.stderr
    assert "unreachable" in result.stdout
    assert len([line for line in result.stderr.splitlines() if "failed (unreachable)" in line]) <= 20, \
        "a line per page, not per retry or per library"


def test_an_error_no_callback_foresaw_is_one_noted_line_not_a_traceback(caplog):
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from newsarchive.crawl.failures import CallbackErrors, FailureLog

    crawler = get_crawler(settings_dict={"EXTENSIONS": {"newsarchive.crawl.failures.FailureLog": 1}})
    crawler.spider = None
    middleware = CallbackErrors.from_crawler(crawler)
    response = HtmlResponse("https://x.kz/a/1", request=Request("https://x.kz/a/1"), body=b"<html></html>")
    with caplog.at_level("DEBUG"):
        assert middleware.process_spider_exception(response, RecursionError("too deep"), None) == []
    assert crawler.stats.get_value("newsarchive/failure/extraction_error") == 1
    noted = [r for r in caplog.records if r.name == "newsarchive.crawl.failures" and r.levelname == "ERROR"]
    assert len(noted) == 1 and "RecursionError: too deep for https://x.kz/a/1" in noted[0].getMessage()
    assert isinstance(crawler.get_extension(FailureLog) or crawler._newsarchive_failure_log, FailureLog)
