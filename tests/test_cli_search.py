"""The read commands: search, tags, stats, trend, serve — help, output formats, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from test_search import build_archive

from newsarchive.cli import cli

COMMANDS = ["search", "tags", "stats", "trend", "serve"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "news.db"
    build_archive(path)
    return str(path)


def run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("command", COMMANDS)
def test_help(command):
    result = run(command, "--help")
    assert "Usage: " in result.output and "--db" in result.output


def test_search_help_documents_the_query_language():
    output = run("search", "--help").output
    for option in ("--tag", "--site", "--region", "--lang", "--since", "--until", "--sort", "--limit",
                   "--offset", "--format"):
        assert option in output
    assert "exact phrase" in output and "tag:" in output


def test_search_json(db_path):
    rows = json.loads(run("search", "пенсия", "--db", db_path, "--format", "json").output)
    assert len(rows) == 3
    for row in rows:
        assert {"url", "site", "title", "published_at", "tags", "snippet"} <= set(row)
        assert isinstance(row["tags"], list)
    assert any("[пенсию]" in row["snippet"] for row in rows)


def test_search_tag_folding_from_the_command_line(db_path):
    rows = json.loads(run("search", "--tag", "пенсия  2026", "--db", db_path, "--format", "json").output)
    assert {row["url"].rsplit("/", 1)[1] for row in rows} == {"pensii.html", "pensiyu.html", "pensiyami.html"}
    rows = json.loads(run("search", "--tag", "Пенсия 2026", "--tag", "вко", "--db", db_path, "--format", "json").output)
    assert [row["site"] for row in rows] == ["matritca.kz"]


def test_search_jsonl_csv_and_table(db_path):
    lines = run("search", "ёлка", "--db", db_path, "--format", "jsonl").output.splitlines()
    assert len(lines) == 2 and all(json.loads(line)["title"] for line in lines)
    table = list(csv.DictReader(io.StringIO(run("search", "ёлка", "--db", db_path, "--format", "csv").output)))
    assert len(table) == 2 and json.loads(table[0]["tags"])
    output = run("search", "ёлка", "--db", db_path).output
    assert "Главную ёлку города зажгут в пятницу" in output and "matritca.kz" in output


def test_search_filters_paging_and_sort(db_path):
    def urls(*args):
        return [r["url"] for r in json.loads(run("search", *args, "--db", db_path, "--format", "json").output)]

    assert len(urls("--site", "kt.kz", "--lang", "ru")) == 3
    assert urls("--lang", "kk") == ["https://kt.kz/news/kazakh.html"]
    assert urls("--since", "2026-01-12", "--until", "2026-01-12") == ["https://caravan.kz/news/pensiyu.html"]
    everything = urls("--limit", "100")
    assert urls("--limit", "3", "--offset", "3") == everything[3:6]
    assert urls("пенсия", "--sort", "oldest")[0] == "https://matritca.kz/news/pensiyami.html"


@pytest.mark.parametrize("hostile", ["пенсия-2026", '"', "AND (", "*", "NEAR(", 'tag:"'])
def test_search_hostile_input_is_a_message_not_a_traceback(db_path, hostile):
    result = run("search", hostile, "--db", db_path, "--format", "json", ok=False)
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert "Error:" in result.output and "Traceback" not in result.output


def test_bad_date_is_a_usage_error(db_path):
    result = run("search", "--since", "вчера", "--db", db_path, ok=False)
    assert result.exit_code == 2 and "not a date" in result.output


@pytest.mark.parametrize("command", ["search", "tags", "stats", "trend", "serve"])
def test_missing_archive_is_a_clear_error(tmp_path, command):
    missing = tmp_path / "none.db"
    result = run(command, "--db", str(missing), ok=False)
    assert result.exit_code == 1
    assert "no archive at" in result.output
    assert not missing.exists()


def test_tags_command(db_path):
    rows = json.loads(run("tags", "--like", "ПЕНС", "--db", db_path, "--format", "json").output)
    assert rows == [{"tag": "Пенсия 2026", "articles": 3, "last_seen": "2026-01-13T04:08:00+00:00"}]
    assert "Новый год" in run("tags", "--db", db_path).output


def test_stats_command(db_path):
    rows = {r["site"]: r for r in json.loads(run("stats", "--db", db_path, "--format", "json").output)}
    assert rows["kt.kz"]["articles"] == 4 and rows["matritca.kz"]["articles"] == 2
    assert "total" in run("stats", "--db", db_path).output


def test_trend_command_with_sparkline_and_png(db_path, tmp_path):
    png = tmp_path / "trend.png"
    output = run("trend", "пенсия", "--by", "day", "--db", db_path, "--png", str(png)).output
    assert "2026-01-11  0" in output and "█▁██" in output
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    rows = json.loads(run("trend", "--tag", "новый год", "--by", "month", "--db", db_path, "--format", "json").output)
    assert rows == [{"period": "2025-12", "articles": 2}]


def test_query_words_may_start_with_a_dash_and_come_unquoted(tmp_path):
    """`search -word` excludes; unquoted words are one query; a mistyped --option is an error."""
    from click.testing import CliRunner

    from newsarchive.cli import cli
    from newsarchive.model import Article
    from newsarchive.store.archive import archive_article
    from newsarchive.store.schema import open_db

    db_path = tmp_path / "news.db"
    db = open_db(db_path)
    body = "Жители Риддера обсуждают пенсии и выплаты, рассказали в акимате города в понедельник утром."
    archive_article(db, Article(url="https://kt.kz/a-1", title="Пенсии в Риддере", body=body))
    archive_article(db, Article(url="https://kt.kz/b-2", title="Пенсии в Семее",
                                body=body.replace("Риддера", "Семея") + " Штрафы тоже выросли."))
    db.close()
    runner = CliRunner()
    excluded = runner.invoke(cli, ["search", "пенсии", "-штрафы", "--format", "json", "--db", str(db_path)])
    assert excluded.exit_code == 0, excluded.output
    assert [row["url"] for row in json.loads(excluded.output)] == ["https://kt.kz/a-1"]
    typo = runner.invoke(cli, ["search", "пенсии", "--limt", "3", "--db", str(db_path)])
    assert typo.exit_code == 2 and "no such option: --limt" in typo.output
