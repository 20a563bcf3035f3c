"""The archive-filling commands as a user runs them: extract, import, crawl --url, sites."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import SHARED, import_file, run_cli
from mirrors.server import MIRRORS_DIR, load_manifest, serve_mirror

from newsarchive.cli import cli
from newsarchive.crawl.runner import MIRROR_SETTINGS
from newsarchive.sites import load_sites
from newsarchive.store.schema import open_db

COMMANDS = ["crawl", "import", "extract", "sites", "health", "demo", "check-live"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    first_line = cli.commands[command].help.strip().split("\n")[0]
    assert " ".join(first_line.split()[:4]) in " ".join(result.output.split())


def test_extract_prints_one_json_object_with_the_article(tmp_path):
    article = load_manifest("matritca")["articles"][0]
    page = MIRRORS_DIR / "matritca" / article["path"].lstrip("/")
    result = CliRunner().invoke(cli, ["extract", str(page), "--url", article["url"]])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["title"] == article["title"] and data["body"] == article["body"]


def test_extract_then_import_goes_through_validation_and_dedupe(tmp_path):
    lines = []
    for article in load_manifest("kt")["articles"]:
        page = MIRRORS_DIR / "kt" / article["path"].lstrip("/")
        out = CliRunner().invoke(cli, ["extract", str(page), "--url", article["url"]])
        lines.append(out.output.strip())
    lines.append(json.dumps({"url": "https://kt.kz/rus/x_1111111111.html", "title": "", "body": "нет"}))
    lines.append("{not json")
    output, db = import_file(tmp_path, lines + lines[:1])
    n = len(load_manifest("kt")["articles"])
    assert output == f"{n} new, 0 updated, 1 unchanged, 0 duplicate, 1 rejected, 1 invalid, 0 failed"
    assert db["articles"].count == n
    reasons = sorted(r["reason"] for r in db.query("SELECT reason FROM failures"))
    assert reasons == ["invalid_json", "no_title"]


def test_every_russian_eval_page_extracts_to_json_without_a_crash():
    truth = SHARED / "eval" / "ru" / "ground_truth.jsonl"
    if not truth.exists():
        pytest.skip(f"../shared/eval is absent ({truth}); extraction is measured only where it exists")
    runner = CliRunner()
    for line in truth.read_text(encoding="utf-8").splitlines():
        page = json.loads(line)
        result = runner.invoke(cli, ["extract", str(truth.parent / page["html"]), "--url", page["url"]])
        assert result.exit_code == 0, (page["id"], result.output[-500:])
        assert isinstance(json.loads(result.output), dict), page["id"]


UNKNOWN_ARTICLE = """<html><head><title>{title} | Вести Приречья</title>
<meta property="og:title" content="{title}">
<meta property="article:published_time" content="2026-11-2{n}T09:00:00+05:00">
<meta property="article:tag" content="Пенсия 2026"></head>
<body><nav><a href="/">Главная</a> <a href="/category/obshchestvo/">Общество</a></nav>
<article><h1>{title}</h1>
<p>Жители Приречья обсуждают, как изменятся пенсии с 1 января: прибавка составит около восьми процентов.</p>
<p>В районном отделении Госкорпорации рассказали, что перерасчёт пройдёт автоматически и без заявлений.</p>
<p>Пенсионерам советуют проверить реквизиты карточного счёта до двадцатого декабря. Статья номер {n}.</p>
</article><footer>© Вести Приречья</footer></body></html>"""


def write_unknown_site(root):
    """A small site with no entry: robots.txt names its sitemap, the front page announces its feed."""
    articles = {f"/2026/11/pensii-v-prirechye-{n}-novost/": f"Пенсии в Приречье: новость {n}" for n in (1, 2, 3)}
    (root / "robots.txt").write_text("User-agent: *\nSitemap: /sitemap.xml\n")
    links = "".join(f'<a href="{path}">{title}</a>' for path, title in articles.items())
    (root / "index.html").write_text(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed/"></head>'
        f"<body>{links}<a href=\"/category/obshchestvo/\">Общество</a></body></html>", encoding="utf-8")
    first = next(iter(articles))
    (root / "sitemap.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{first}</loc></url></urlset>")
    for n, (path, title) in enumerate(articles.items(), 1):
        page = root / path.strip("/") / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(UNKNOWN_ARTICLE.format(title=title, n=n), encoding="utf-8")
    return articles


def test_crawl_of_an_unknown_site_by_auto_discovery(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    articles = write_unknown_site(site)
    db_path = tmp_path / "news.db"
    with serve_mirror(site) as server:
        settings = [arg for key, value in MIRROR_SETTINGS.items() for arg in ("-s", f"{key}={value}")]
        result = run_cli("crawl", "--url", server.base_url + "/", "--db", str(db_path), *settings)
        requested = set(server.requests)
    assert result.returncode == 0, result.stderr[-2000:]
    assert {"/robots.txt", "/sitemap.xml"} <= requested
    db = open_db(db_path, create=False)
    rows = list(db.query("SELECT title, tags, published_at FROM articles"))
    assert {row["title"] for row in rows} == set(articles.values())
    assert all(json.loads(row["tags"]) == ["Пенсия 2026"] for row in rows)


def test_sites_lists_every_entry_with_region_and_discovery():
    result = CliRunner().invoke(cli, ["sites", "--format", "json", "--db", "/nonexistent/news.db"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {row["name"] for row in rows} == set(load_sites()) and len(rows) >= 15
    assert all(row["region"] and row["discovery"] != "none" for row in rows)


def test_scrapy_list_names_every_site():
    import subprocess
    import sys

    from conftest import REPO

    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert set(load_sites()) <= set(result.stdout.split()) and len(load_sites()) >= 15


def test_crawl_rejects_an_unknown_site_name():
    result = CliRunner().invoke(cli, ["crawl", "no-such-site", "--db", "/tmp/never.db"])
    assert result.exit_code == 2 and "unknown site" in result.output


def test_import_refuses_wrongly_typed_fields_line_by_line(tmp_path):
    body = "Жители Усть-Каменогорска получат новые школы и больницы, сообщили в акимате области. " * 3
    good = {"url": "https://kt.kz/rus/vostochno-kazahstanskaya_oblast/x_1234567890.html", "title": "Школы",
            "body": body, "tags": ["Школы"]}
    bad = [{**good, "tags": "Пенсия"}, {**good, "url": 123}, {**good, "title": ["T"]},
           {**good, "images": "http://a/b.jpg"}]
    output, db = import_file(tmp_path, [json.dumps(line, ensure_ascii=False)
                                        for line in [*bad, {**good, "raw_html": "<p>"}]])
    assert output == "1 new, 0 updated, 0 unchanged, 0 duplicate, 0 rejected, 4 invalid, 0 failed"
    details = [r["detail"] for r in db.query("SELECT detail FROM failures ORDER BY id")]
    assert [d.split(" ")[0] for d in details] == ["tags", "url", "title", "images"]
    assert json.loads(next(db.query("SELECT tags FROM articles"))["tags"]) == ["Школы"]


def test_extract_errors_are_messages_not_tracebacks(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = CliRunner().invoke(cli, ["extract", str(empty)])
    assert result.exit_code == 1 and "empty page" in result.output and result.exception.__class__ is SystemExit
    page = MIRRORS_DIR / "kt" / load_manifest("kt")["articles"][0]["path"].lstrip("/")
    bad_time = CliRunner().invoke(cli, ["extract", str(page), "--fetched-at", "yesterday"])
    assert bad_time.exit_code == 2 and "not an ISO 8601 time" in bad_time.output


def test_relative_dates_are_read_against_fetched_at_in_kazakhstan_time():
    article = next(a for a in load_manifest("kt")["articles"] if isinstance(a["published_at"], dict))
    page = MIRRORS_DIR / "kt" / article["path"].lstrip("/")
    result = CliRunner().invoke(cli, ["extract", str(page), "--url", article["url"],
                                      "--fetched-at", "2026-03-02T01:30"])
    assert result.exit_code == 0, result.output
    hour, minute = article["published_at"]["relative"].split(", ")[1].split(":")
    assert json.loads(result.output)["published_at"] == f"2026-03-01T{hour}:{minute}:00+05:00"
