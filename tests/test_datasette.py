"""Datasette over the archive: the plugin's SQL functions, bundled metadata, canned queries —
the same answers as the library and the CLI — and the search page in headless Chromium."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from conftest import REPO, word_tables
from test_search import build_archive

from newsarchive.cli import cli
from newsarchive.model import Article
from newsarchive.search import search, tags, trend
from newsarchive.store.archive import store_article
from newsarchive.store.normalise import normalise_article
from newsarchive.store.schema import open_db

QUERIES = ["пенсия", "ёлка", "елка", '"единовременная выплата"', "выплата -\"единовременная выплата\"",
           "ёлка OR пенсия", 'tag:"пенсия  2026"', "пенсия site:kt.kz", "region:ВКО", "пенсия-2026", "AND ("]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("datasette") / "news.db"
    db, ids = build_archive(path)
    return path, db, ids


def get_json(path, url: str):
    from datasette.app import Datasette

    async def fetch():
        datasette = Datasette([str(path)])  # as `datasette PATH` starts it: the plugin supplies the rest
        response = await datasette.client.get(url)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(fetch())


def canned(path, name: str, **params) -> list[dict]:
    return get_json(path, f"/news/{name}.json?_shape=array&" + urllib.parse.urlencode(params))


def test_table_search_box_searches_as_the_cli_does(archive):
    path, db, ids = archive
    for query in ("пенсии", "ПЕНСИЯМИ", "ёлка", "пенсия site:kt.kz", "пенс*"):
        rows = get_json(path, "/news/articles.json?_search=" + urllib.parse.quote(query) + "&_shape=array&_size=max")
        assert {row["id"] for row in rows} == {r["id"] for r in search(db, query, limit=None)}, query
    rows = get_json(path, "/news/articles.json?_search=" + urllib.parse.quote("пенсии") + "&_shape=array")
    assert {ids["pensii"], ids["pensiyu"], ids["pensiyami"]} <= {row["id"] for row in rows}
    rows = get_json(path, "/news/articles.json?_search=" + urllib.parse.quote('пенсия-2026 "') + "&_shape=array")
    assert rows == []  # hostile input is escaped, not an error


@pytest.mark.parametrize("query", QUERIES)
def test_canned_search_equals_library_and_cli(archive, query):
    path, db, _ = archive
    browser = [row["id"] for row in canned(path, "search", q=query)]
    try:
        library = [row["id"] for row in search(db, query, limit=50)]
    except ValueError:  # QueryError: the browser shows no rows
        library = []
    assert browser == library
    result = CliRunner().invoke(cli, ["search", query, "--db", str(path), "--format", "json", "--limit", "50"])
    command_line = [row["id"] for row in json.loads(result.output)] if result.exit_code == 0 else []
    assert set(browser) == set(command_line)


def test_canned_search_has_marked_snippets(archive):
    path, _, _ = archive
    (row,) = canned(path, "search", q="пенсия site:kt.kz")
    assert "[пенсии]" in row["snippet"]


def test_canned_by_tag_folds_like_the_cli(archive):
    path, db, ids = archive
    rows = canned(path, "by_tag", tag="ПЕНСИЯ   2026")
    assert {row["id"] for row in rows} == {r["id"] for r in search(db, tags=["пенсия 2026"], limit=None)}
    assert {row["id"] for row in canned(path, "by_tag", tag="елка")} == {ids["yolka"], ids["elka"]}


def test_canned_trend_equals_library(archive):
    path, db, _ = archive
    for query, by in (("пенсия", "day"), ("tag:\"новый год\"", "week"), ("", "month")):
        rows = canned(path, "trend", q=query, by=by)
        assert [(r["period"], r["articles"]) for r in rows] == trend(db, query, by=by)


def test_canned_tags_equal_the_cli(archive):
    """Same counts and the same spelling of each tag ("Пенсия 2026", not "ПЕНСИЯ  2026")."""
    path, db, _ = archive
    for like in ("", "пенс", "ЁЛК"):
        browser = [(r["tag"], r["articles"]) for r in canned(path, "tags", like=like)]
        library = [(r["tag"], r["articles"]) for r in tags(db, like=like or None)]
        assert sorted(browser) == sorted(library) and browser
    assert ("Пенсия 2026", 3) in [(r["tag"], r["articles"]) for r in canned(path, "tags", like="пенс")]


def test_sql_functions_in_arbitrary_sql(archive):
    path, db, ids = archive
    sql = " union all ".join(f"select na_article_id(rowid) as article_id from {t} where {t} match na_fts('ПЕНСИЯМИ')"
                             for t in word_tables(db.conn))
    rows = get_json(path, "/news.json?_shape=array&sql=" + urllib.parse.quote(sql))
    assert {r["article_id"] for r in rows} == {ids["pensii"], ids["pensiyu"], ids["pensiyami"]}
    sql = "select na_fold('Ёлка  В Парке') as folded, na_words('пенсиями') as words"
    assert get_json(path, "/news.json?_shape=array&sql=" + urllib.parse.quote(sql)) == [
        {"folded": "елка в парке", "words": "пенсия"}]


def test_a_plain_datasette_start_has_the_archive_metadata_and_queries(archive):
    """`datasette news.db`, no options: the plugin supplies queries, facets and hidden tables."""
    path, _, _ = archive
    data = get_json(path, "/news.json")
    assert {"search", "by_tag", "trend", "tags"} <= {query["name"] for query in data["queries"]}
    hidden = {table["name"] for table in data["tables"] if table["hidden"]}
    shown = {table["name"] for table in data["tables"] if not table["hidden"]}
    assert {"pages", "http_validators", "word_terms", "tag_spellings", "archive_meta"} <= hidden
    assert any(name.startswith("article_words_") for name in hidden)
    assert "articles" in shown and not any(name.startswith("article_words_") for name in shown)


def test_tag_facet_has_one_entry_per_folded_tag(tmp_path):
    path = tmp_path / "news.db"
    db = open_db(path)
    for number, tag in enumerate(("пенсия  2026", "ПЕНСИЯ 2026", "Пенсия 2026", "МРП 2026", "мрп 2026"), 1):
        store_article(db, normalise_article(Article(
            url=f"https://kt.kz/rus/a/{number}.html", site="kt.kz", title=f"Пенсии, выпуск {number}",
            body=f"Пенсии и выплаты, выпуск {number}: подробности для жителей области. " * 3,
            published_at="2026-01-09T10:00:00+05:00", tags=[tag], language="ru")))
    facet = get_json(path, "/news/articles.json")["facet_results"]["tags"]["results"]
    assert {item["value"]: item["count"] for item in facet} == {"Пенсия 2026": 3, "МРП 2026": 2}
    assert sorted(r["tag"] for r in tags(db)) == ["МРП 2026", "Пенсия 2026"]


def test_articles_table_opens_on_the_reader_columns_newest_first(archive):
    from datasette.app import Datasette

    path, db, _ = archive

    async def fetch():
        datasette = Datasette([str(path)])
        first = await datasette.client.get("/news/articles")
        page = await datasette.client.get(first.headers["location"])
        explicit = await datasette.client.get("/news/articles?_col=body")
        return first, page, explicit

    first, page, explicit = asyncio.run(fetch())
    assert first.status_code == 302 and first.headers["location"].startswith("/news/articles?_col=published_at")
    html = BeautifulSoup(page.text, "lxml")
    headers = [th.get("data-column") for th in html.select("table.rows-and-columns th")]
    assert headers == ["id", "published_at", "site", "title", "tags", "story_id"]
    shown = [int(td.get_text(strip=True)) for td in html.select("td.col-id")]
    newest = [row[0] for row in db.execute("SELECT id FROM articles ORDER BY published_utc DESC, id DESC")]
    assert shown == newest[:len(shown)]
    assert explicit.status_code == 200  # a chosen column set is left as asked


def test_metadata_facets(archive):
    path, _, _ = archive
    data = get_json(path, "/news/articles.json")
    facets = data["facet_results"]
    assert {"site", "tags", "published_day"} <= set(facets)
    tags = {item["value"]: item["count"] for item in facets["tags"]["results"]}
    assert tags["Новый год"] == 2


def test_date_facet_counts_kazakhstan_days_as_trend_does(tmp_path):
    path = tmp_path / "news.db"
    db = open_db(path)
    for number, published in ((1, "2026-01-09T02:00:00+05:00"), (2, "2026-01-09T20:00:00+05:00"),
                              (3, "2026-01-10T04:30:00+05:00")):  # the first and third: the day before in UTC
        store_article(db, normalise_article(Article(
            url=f"https://kt.kz/rus/a/{number}.html", site="kt.kz", title=f"Паводок {number}",
            body=f"Паводок в области, сводка {number}: уровень воды растёт. " * 3, published_at=published,
            language="ru")))
    facet = get_json(path, "/news/articles.json")["facet_results"]["published_day"]["results"]
    browser = {item["value"]: item["count"] for item in facet}
    assert browser == {day: count for day, count in trend(db, "паводок", by="day") if count}
    assert browser == {"2026-01-09": 2, "2026-01-10": 1}


# --- the real server, in a real browser ---


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(archive):
    path, _, _ = archive
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "newsarchive", "serve", "--db", str(path), "--port", str(port)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("newsarchive serve did not start: " + process.stdout.read().decode())
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_refuses_writes(server):
    sql = "insert into failures (url, reason, at) values ('x', 'y', 'z')"
    request = urllib.request.Request(server + "/news.json?sql=" + urllib.parse.quote(sql))
    try:
        body = urllib.request.urlopen(request, timeout=10).read().decode()
    except urllib.error.HTTPError as error:
        body = error.read().decode()
    assert "Statement must be a SELECT" in body or "readonly" in body.lower()


#: Where the browser tests keep their screenshots (build/ is not committed).
SCREENSHOTS = REPO / "build" / "screenshots"


def chromium(*args: str, url: str, tmp_path) -> str:
    """Headless Chromium on a page: its DOM after scripts ran (or what `args` ask, e.g. a screenshot)."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        pytest.skip("no chromium binary (apt-get install -y chromium)")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium'}"]
    return subprocess.run([binary, *flags, *args, url], capture_output=True, text=True, timeout=60, check=True).stdout


def test_articles_table_and_its_search_box_in_headless_chromium(server, archive, tmp_path):
    _, db, _ = archive
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "articles-search.png"
    url = f"{server}/news/articles?_search={urllib.parse.quote('пенсии')}"
    page = BeautifulSoup(chromium("--dump-dom", url=url, tmp_path=tmp_path), "lxml")
    assert page.select_one("input[name=_search]")["value"] == "пенсии"  # the table's own search box
    headers = [th.get("data-column") for th in page.select("table.rows-and-columns th")]
    assert headers == ["id", "published_at", "site", "title", "tags", "story_id"]
    shown = {int(td.get_text(strip=True)) for td in page.select("td.col-id")}
    assert shown == {r["id"] for r in search(db, "пенсии", limit=None)} and len(shown) >= 3
    chromium(f"--screenshot={shot}", "--window-size=1400,900", url=url, tmp_path=tmp_path)
    assert shot.stat().st_size > 10_000  # kept for a person to look at


def test_search_page_in_headless_chromium(server, archive, tmp_path):
    _, db, _ = archive
    query = "пенсия"
    url = f"{server}/news/search?q={urllib.parse.quote(query)}"
    page = BeautifulSoup(chromium("--dump-dom", url=url, tmp_path=tmp_path), "lxml")
    assert page.select_one("input[name=q]")["value"] == query  # the form carries the query typed
    shown_ids = [int(td.get_text(strip=True)) for td in page.select("table.rows-and-columns td.col-id")]
    shown_titles = [td.get_text(strip=True) for td in page.select("table.rows-and-columns td.col-title")]
    expected = search(db, query, limit=50)
    assert shown_ids == [r["id"] for r in expected]
    assert shown_titles == [r["title"] for r in expected]
    assert page.select("table.rows-and-columns td.col-snippet mark")  # matched forms highlighted
