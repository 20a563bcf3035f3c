"""A hostile site, broken files and careless commands: every case ends bounded, says why, and
leaves what the archive held before as it was. docs/HOSTILE.md lists each case and what the
user sees; the ids in brackets there are the ids here.

Crawls run as cron runs them (`newsarchive crawl` in a fresh process) against the hostile mirror
(tests/mirrors/server.py). A bomb gets a crawl of its own, whose peak memory (the process's
max RSS, from wait4) and wall time are measured: under 600 MB and two minutes. The other site
cases share one crawl of one hostile site.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import REPO, indexed_words
from mirrors import server as hostile

from newsarchive.crawl.runner import MIRROR_SETTINGS
from newsarchive.store.importer import import_articles
from newsarchive.store.schema import open_db

MB = 1 << 20
GB = 1 << 30
#: The issue's bounds for a crawl against one bomb.
MAX_RSS_MB = 600
MAX_SECONDS = 120

PARAGRAPHS = [
    "Жители Усть-Каменогорска обсудили с акимом города перерасчёт пенсий и новые выплаты ветеранам.",
    "В акимате напомнили, что обращаться в центр обслуживания населения для перерасчёта не нужно.",
    "Минимальная пенсия в следующем году составит шестьдесят пять тысяч тенге, сообщили в ведомстве.",
]


_PAGES = itertools.count(1)


def article_html(title: str = "Аким встретился с пенсионерами", paragraphs=PARAGRAPHS, head: str = "",
                 body_before: str = "", wrap=("", ""), unique: str | None = None) -> str:
    """An article page with a paragraph of its own (`unique`, else a number), so that no two
    pages are copies of each other."""
    paragraphs = [*paragraphs, f"Этот материал номер {unique or next(_PAGES)} больше нигде на сайте не опубликован."]
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title}</title>{head}</head><body>"
            f"{body_before}<h1>{title}</h1><div class=\"article-text\">{wrap[0]}{text}{wrap[1]}</div></body></html>")


# The archive before every crawl --------------------------------------------------------------

SEED = [
    {"url": f"https://kt.kz/rus/seed_{n}.html", "title": f"Статья архива номер {n}",
     "body": "\n\n".join(f"{p} (материал {n})" for p in PARAGRAPHS), "published_at": "2026-01-13T09:08:00+05:00",
     "tags": ["Пенсия 2026", f"Тег {n}"]}
    for n in range(1, 4)
]


@pytest.fixture(scope="module")
def seed_archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("seed") / "news.db"
    db = open_db(path)
    counts = import_articles(db, [json.dumps(a, ensure_ascii=False) for a in SEED])
    assert counts["new"] == len(SEED)
    db.close()
    return path


def archive_copy(seed_archive: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "news.db"
    shutil.copy(seed_archive, path)
    return path


def earlier_rows(db_path: Path) -> dict:
    """Everything the seed articles are: their rows, tags, URLs, pages, versions, index entries."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        ids = [row[0] for row in conn.execute("SELECT id FROM articles WHERE url LIKE 'https://kt.kz/rus/seed_%'")]
        marks = ",".join("?" * len(ids))
        return {
            "articles": conn.execute(f"SELECT * FROM articles WHERE id IN ({marks}) ORDER BY id", ids).fetchall(),
            "tags": conn.execute(f"SELECT * FROM article_tags WHERE article_id IN ({marks}) ORDER BY 1, 2", ids).fetchall(),
            "urls": conn.execute(f"SELECT * FROM article_urls WHERE article_id IN ({marks}) ORDER BY 1", ids).fetchall(),
            "versions": conn.execute(f"SELECT * FROM versions WHERE article_id IN ({marks})", ids).fetchall(),
            "words": {key: held for key, held in indexed_words(conn).items() if key in ids},
        }
    finally:
        conn.close()


# Crawls, measured --------------------------------------------------------------------------

@dataclass
class Crawl:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float
    db_path: Path

    def rows(self, sql: str, *params) -> list[tuple]:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def failures(self, url: str) -> set[str]:
        return {reason for (reason,) in self.rows("SELECT reason FROM failures WHERE url = ?", url)}

    def reasons(self, site: str) -> dict[str, int]:
        (row,) = self.rows("SELECT reasons FROM site_runs WHERE site = ? ORDER BY run_id DESC LIMIT 1", site)
        return json.loads(row[0])

    def article(self, url: str) -> dict | None:
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute("SELECT * FROM articles WHERE url = ?", [url]).fetchone()
            return dict(row) if row else None
        finally:
            conn.close()


def site_entry(folder: Path, name: str, *, feeds=(), sitemaps=(), listings=(), pattern: str = "^/a/") -> None:
    """A site entry `name` (domain name.kz) in the folder NEWSARCHIVE_SITES_DIR points at."""
    folder.mkdir(parents=True, exist_ok=True)
    listed = lambda items: "[" + ", ".join(json.dumps(i) for i in items) + "]"  # noqa: E731
    (folder / f"{name}.toml").write_text(
        f'name = "{name}"\ndomain = "{name}.kz"\nbase_url = "https://{name}.kz"\nregion = "national"\n'
        f"article_pattern = '{pattern}'\n\n[discovery]\nfeeds = {listed(feeds)}\nsitemaps = {listed(sitemaps)}\n"
        f"listings = {listed(listings)}\nmax_pages = 1\n", encoding="utf-8")


#: Runs a command and writes its exit status and peak memory (ru_maxrss of wait4, KB) to a file.
#: It runs in a small process of its own: Linux keeps the larger of a process's peak before and
#: after exec, so a crawl started straight from pytest would report pytest's size as its own.
MEASURE = """
import json, os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump({"status": os.waitstatus_to_exitcode(status), "max_rss_kb": usage.ru_maxrss}, out)
"""


def crawl(db_path: Path, sites_dir: Path, server, names: list[str], *extra: str, settings: dict | None = None,
          timeout: float = 300) -> Crawl:
    """`newsarchive crawl NAMES` of the hostile mirror in a fresh process: its exit code, output,
    wall time and peak memory (the crawl process's max RSS)."""
    args = [sys.executable, "-m", "newsarchive", "crawl", *names, "--db", str(db_path), *extra]
    args += [f"--base-url={name}={server.base_url}" for name in names]
    for key, value in {**MIRROR_SETTINGS, "LOG_LEVEL": "INFO", **(settings or {})}.items():
        args += ["-s", f"{key}={value}"]
    measured = db_path.parent / f"{names[0]}.measured.json"
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-c", MEASURE, str(measured), *args], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                               env={**os.environ, "NEWSARCHIVE_SITES_DIR": str(sites_dir)})
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    seconds = time.monotonic() - started
    result = json.loads(measured.read_text()) if measured.exists() else {"status": -9, "max_rss_kb": 0}
    return Crawl(result["status"], out, err, seconds, result["max_rss_kb"] / 1024, db_path)


@pytest.fixture(scope="module")
def server():
    mirror = hostile.serve_hostile()
    yield mirror
    mirror.stop()


# The bombs: one crawl each, memory and time measured ------------------------------------------

def _lines(head: bytes, item, tail: bytes, count: int, per_chunk: int = 2000):
    """A function making head + item(i) for i < count + tail, lazily, in chunks."""
    def chunks():
        yield head
        for start in range(0, count, per_chunk):
            yield b"".join(item(i) for i in range(start, min(count, start + per_chunk)))
        yield tail
    return chunks


SITEMAP_INDEX = b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
URLSET = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'


def endless_html():
    yield b"<!DOCTYPE html><html><head><title>x</title></head><body>"
    chunk = ("<p>" + "Бесконечная страница. " * 40 + "</p>").encode() * 50
    while True:
        yield chunk


#: id → (what the site does, its route, how the site entry finds it, crawl arguments,
#: the reason the crawl records for the URL).
BOMBS = {
    "gzip_bomb": ("an article page gzip-encoded, 4 GiB once decompressed",
                  lambda port: hostile.bomb(4 * GB, "gzip"), "listing", (), "too_large"),
    "deflate_bomb_sitemap": ("a sitemap deflate-encoded, 4 GiB once decompressed",
                             lambda port: hostile.bomb(4 * GB, "deflate", "application/xml"), "sitemap", (), "too_large"),
    "endless_page": ("an article page that never ends (no Content-Length)",
                     lambda port: hostile.stream(endless_html), "listing", (), "too_large"),
    "announced_10gb": ("an article page announcing 10 GB",
                       lambda port: hostile.stream(endless_html, length=10 * GB), "listing", (), "too_large"),
    "page_50mb": ("a 50 MB article page of text, its length announced",
                  lambda port: hostile.stream(endless_html, length=50 * MB), "listing", (), "too_large"),
    "sitemap_index_1m": ("a sitemap index of 1,000,000 children, made lazily",
                         lambda port: hostile.stream(_lines(SITEMAP_INDEX, lambda i: b"<sitemap><loc>/sm/%d.xml</loc></sitemap>" % i,
                                                            b"</sitemapindex>", 1_000_000), hostile.XML),
                         "sitemap", (), "too_large"),
    "urlset_1m": ("a sitemap of 1,000,000 article URLs, made lazily, with --max-minutes 1",
                  lambda port: hostile.stream(_lines(URLSET, lambda i: (
                      b"<url><loc>https://urlset1m.kz/a/2026/11/26/%d-pensii-vyrastut-s-yanvarya.html</loc>"
                      b"<lastmod>2026-11-26</lastmod></url>" % i), b"</urlset>", 1_000_000), hostile.XML),
                  "sitemap", ("--max-minutes", "1"), "too_large"),
    "sitemaps_max_minutes": ("a sitemap index of 1,000 sitemaps of 50,000 URLs each, made lazily, with --max-minutes 0.2",
                             lambda port: hostile.stream(_lines(SITEMAP_INDEX, lambda i: (
                                 b"<sitemap><loc>/sitemaps/%d.xml</loc></sitemap>" % i), b"</sitemapindex>", 1_000),
                                 hostile.XML),
                             "sitemap", ("--max-minutes", "0.2"), None),
    "urlset_300k_max5": ("a sitemap of 300,000 article URLs (within the size limit) with --max-articles 5",
                         lambda port: hostile.stream(_lines(URLSET, lambda i: b"<url><loc>/a/%d</loc></url>" % i,
                                                            b"</urlset>", 300_000), hostile.XML),
                         "sitemap", ("--max-articles", "5"), "too_many_entries"),
    "feed_1m": ("a feed of 1,000,000 items, made lazily",
                lambda port: hostile.stream(_lines(RSS, lambda i: b"<item><link>/a/%d</link></item>" % i,
                                                   b"</channel></rss>", 1_000_000), hostile.XML),
                "feed", (), "too_large"),
    "listing_1m_links": ("a listing page of 1,000,000 links, made lazily",
                         lambda port: hostile.stream(_lines(b"<html><body>", lambda i: b'<a href="/a/%d">x</a>' % i,
                                                            b"</body></html>", 1_000_000)),
                         "listing_page", (), "too_large"),
    "tiny_elements_page": ("an article page of 450,000 empty elements (under the size limit)",
                           lambda port: hostile.page(article_html(body_before="<p></p>" * 450_000)),
                           "listing", (), None),
}


@pytest.mark.parametrize("case", sorted(BOMBS))
def test_bomb_is_bounded_in_memory_and_time(case, server, seed_archive, tmp_path):
    what, behaviour, found_by, extra, reason = BOMBS[case]
    name = case.replace("_", "")[:20]
    target = server.route(f"/{name}/target", behaviour(server.port))
    discovery = {"listing": {"listings": [f"/{name}/list"]}, "listing_page": {"listings": [target]},
                 "sitemap": {"sitemaps": [target]}, "feed": {"feeds": [target]}}[found_by]
    if found_by == "listing":  # the article is listed on a page that is itself harmless
        server.route(f"/{name}/list", hostile.page(f'<html><body><a href="{target}">статья</a></body></html>'))
    # Articles a bomb's sitemap or feed names: small, harmless pages; child sitemaps: 50,000 URLs.
    server.route("/a/", lambda handler, mirror: hostile.page(article_html(
        title=f"Статья {handler.path.rsplit('/', 1)[-1]}", unique=handler.path))(handler, mirror), prefix=True)
    server.route("/sitemaps/", lambda handler, mirror: hostile.stream(_lines(
        URLSET, lambda i: b"<url><loc>/a/%s-%d</loc></url>" % (handler.path.encode()[10:-4], i), b"</urlset>", 50_000),
        hostile.XML)(handler, mirror), prefix=True)
    sites = tmp_path / "sites"
    site_entry(sites, name, pattern=f"^(/a/|{target}$)", **discovery)
    db_path = archive_copy(seed_archive, tmp_path / "archive")
    before = earlier_rows(db_path)

    result = crawl(db_path, sites, server, [name], *extra)

    context = f"{case}: {what}; exit {result.returncode}\n{result.stderr[-3000:]}"
    assert result.max_rss_mb < MAX_RSS_MB, context
    assert result.seconds < MAX_SECONDS, context
    assert "Traceback" not in result.stderr, context
    url = f"https://{name}.kz{target}"
    if reason is not None:
        assert reason in result.failures(url) or result.reasons(f"{name}.kz").get(reason), context
        assert reason in result.stdout, context  # the summary names it
    assert earlier_rows(db_path) == before, context
    print(f"\n{case}: peak {result.max_rss_mb:.0f} MB, {result.seconds:.1f} s, exit {result.returncode}")
    status = result.rows("SELECT status FROM crawl_runs ORDER BY id DESC LIMIT 1")[0][0]
    if case == "urlset_300k_max5":
        assert result.rows("SELECT count(*) FROM articles WHERE site = ?", f"{name}.kz") == [(5,)], context
        assert status == "closespider_itemcount" and result.returncode == 1, context  # the sitemap was cut
    elif case == "sitemaps_max_minutes":
        assert status == "closespider_timeout", context
    elif case == "tiny_elements_page":
        assert result.returncode in (0, 1), context
    else:
        assert result.returncode == 1 and status == "finished", context


# One hostile site, one crawl: every other way a site can fail, lie or attack -----------------

DEEP_JSONLD = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
ENTITY_BOMB = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">' +
               b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(9)) +
               b']><rss><channel><item><title>&j;</title><link>/a/entity</link></item></channel></rss>')
CONTROL_TITLE = "Пенсии\x1b]0;взломано\x07 вырастут &#27;[2J с января"


def _refused(reason):
    return ("refused", reason)


def _failed(reason):
    return ("failed", reason)


def _deferred(reason):
    return ("deferred", reason)


def _stored(check=lambda row: True, cut: str | None = None):
    return ("stored", check, cut)


def _rejected(reason):
    return ("rejected", reason)


def _document(reason):
    """A feed, sitemap or listing: its reason in the site's figures and the log, nothing stored from it."""
    return ("document", reason)


def site_cases(port: int) -> dict:
    """id → (what the site does, the path the crawl meets, {path: behaviour}, what must follow)."""
    ok = article_html()
    cp1251 = article_html(title="Аким и пенсионеры").encode("cp1251")
    cp1251_bom = b"\xef\xbb\xbf" + article_html(title="Аким и пенсионеры").encode("cp1251")
    return {
        # Redirects: refused, noted, never followed.
        "redirect_loop": ("two pages redirecting to each other", "/a/loop-1",
                          {"/a/loop-1": hostile.redirect("/a/loop-2"), "/a/loop-2": hostile.redirect("/a/loop-1")},
                          _refused("redirect_loop")),
        "redirect_self": ("a page redirecting to itself", "/a/self", {"/a/self": hostile.redirect("/a/self")},
                          _refused("redirect_loop")),
        "redirect_chain_30": ("a chain of 30 redirects", "/a/chain-0",
                              {**{f"/a/chain-{i}": hostile.redirect(f"/a/chain-{i + 1}") for i in range(30)},
                               "/a/chain-30": hostile.page(ok)}, _refused("too_many_redirects")),
        "redirect_offsite": ("a redirect to another site", "/a/offsite",
                             {"/a/offsite": hostile.redirect(f"http://localhost:{port}/a/elsewhere")},
                             _refused("offsite_redirect")),
        "redirect_file": ("a redirect to file:///etc/passwd", "/a/file",
                          {"/a/file": hostile.redirect("file:///etc/passwd")}, _refused("bad_redirect")),
        "redirect_data": ("a redirect to a data: URL", "/a/data",
                          {"/a/data": hostile.redirect("data:text/html,<h1>x</h1>")}, _refused("bad_redirect")),
        "meta_refresh_loop": ("a page whose <meta refresh> points at itself", "/a/refresh",
                              {"/a/refresh": hostile.meta_refresh("/a/refresh")}, _refused("redirect_loop")),
        # What the site does wrong: failed, tried again on the next run.
        "http_500": ("HTTP 500 (retried once: one failure, not two)", "/a/500",
                     {"/a/500": hostile.page("<h1>500</h1>", status=500)}, _failed("http_error")),
        "http_404": ("HTTP 404 for a page it listed", "/a/404", {"/a/404": hostile.page("<h1>404</h1>", status=404)},
                     _failed("http_error")),
        "hang": ("accepts the connection and never answers", "/a/hang", {"/a/hang": hostile.hang()}, _failed("timeout")),
        "drip": ("sends a byte every quarter second", "/a/drip", {"/a/drip": hostile.drip(ok.encode())},
                 _failed("timeout")),
        "truncated": ("announces 20,000 bytes, sends 2,000, hangs up", "/a/truncated",
                      {"/a/truncated": hostile.truncated(ok.encode()[:2000], 20_000)}, _failed("broken_response")),
        "empty_body": ("200 with an empty body", "/a/empty", {"/a/empty": hostile.page(b"")}, _failed("extraction_error")),
        # Come back later: deferred, exit code unaffected.
        "http_429": ("429 with Retry-After: 3600", "/a/429",
                     {"/a/429": hostile.page("slow down", status=429, headers={"Retry-After": "3600"})},
                     _deferred("rate_limited")),
        "http_503": ("503 without Retry-After", "/a/503", {"/a/503": hostile.page("busy", status=503)},
                     _deferred("unavailable")),
        "retry_after_9999": ("429 with Retry-After in the year 9999", "/a/429-9999",
                             {"/a/429-9999": hostile.page("later", status=429,
                                                          headers={"Retry-After": "Fri, 31 Dec 9999 23:59:59 GMT"})},
                             _deferred("rate_limited")),
        # What we refuse.
        "robots_forbidden": ("a page robots.txt forbids", "/a/private/1", {"/a/private/1": hostile.page(ok)},
                             _refused("robots_forbidden")),
        "html_5mb": ("an HTML article page of 5 MB (over the page limit, under the response limit)", "/a/5mb",
                     {"/a/5mb": hostile.page(article_html(paragraphs=["Абзац о пенсиях и выплатах жителям. " * 40] * 2000),
                                             headers=hostile.HTML)},
                     _refused("too_large")),
        # Bytes that are no page.
        "binary_jpeg": ("random bytes served as image/jpeg", "/a/jpeg",
                        {"/a/jpeg": hostile.page(os.urandom(20_000), headers={"Content-Type": "image/jpeg"})},
                        _rejected("no_title")),
        "binary_html": ("random bytes served as text/html", "/a/binary",
                        {"/a/binary": hostile.page(os.urandom(20_000))}, _rejected("no_title")),
        "bad_gzip": ("Content-Encoding: gzip on a body that is not gzip", "/a/bad-gzip",
                     {"/a/bad-gzip": hostile.page(ok, headers={**hostile.HTML, "Content-Encoding": "gzip"})},
                     _failed("broken_response")),
        "gzip_ok": ("a page honestly gzip-encoded", "/a/gzip",
                    {"/a/gzip": hostile.page(__import__("gzip").compress(article_html(title="Сжатая статья").encode()),
                                             headers={**hostile.HTML, "Content-Encoding": "gzip"})},
                    _stored(lambda row: row["title"] == "Сжатая статья")),
        # Charsets.
        "lying_utf16": ("a windows-1251 page whose header says utf-16", "/a/utf16",
                        {"/a/utf16": hostile.page(cp1251, headers={"Content-Type": "text/html; charset=utf-16"})},
                        _stored(lambda row: row["title"] == "Аким и пенсионеры")),
        "bom_cp1251": ("a UTF-8 byte-order mark before windows-1251 bytes", "/a/bom",
                       {"/a/bom": hostile.page(cp1251_bom, headers={"Content-Type": "text/html"})},
                       _stored(lambda row: row["title"] == "Аким и пенсионеры")),
        # Text: control characters, absurd dates, depth, size.
        "control_characters": ("control characters raw, as &#27;, as \\u001b in JSON-LD, bidi overrides in tags",
                               "/a/control",
                               {"/a/control": hostile.page(article_html(
                                   title=CONTROL_TITLE,
                                   head='<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
                                        '"x", "author": {"name": "Автор\\u001b[8m"}, "keywords": "Пенсия\\u202e2026"}'
                                        '</script><meta name="keywords" content="тег&#27;[31m">'))},
                               _stored(lambda row: not any(ch in json.dumps(row, ensure_ascii=False)
                                                           for ch in "\x1b\x07\u202e"))),
        "absurd_dates": ("<time> in 9999 west of UTC, a published date in the year 1", "/a/dates",
                         {"/a/dates": hostile.page(article_html(
                             head='<meta property="article:published_time" content="0001-01-01T00:00:00+05:00">',
                             body_before='<time datetime="9999-12-31T23:59:59-05:00">когда-то</time>'))},
                         _stored(lambda row: row["published_at"] is None)),
        "offset_25h": ("a <time> with an offset of 25 hours", "/a/offset",
                       {"/a/offset": hostile.page(article_html(
                           body_before='<time datetime="2026-11-20T10:00:00+25:00">20 ноября</time>'))},
                       _stored()),
        "deep_jsonld": ("JSON-LD nested 100,000 deep", "/a/deep-jsonld",
                        {"/a/deep-jsonld": hostile.page(article_html(title="Глубокий JSON", head=DEEP_JSONLD))},
                        _stored(lambda row: row["title"] == "Глубокий JSON")),
        "deep_300": ("the text nested 300 elements deep", "/a/deep-300",
                     {"/a/deep-300": hostile.page(article_html(wrap=("<div>" * 300, "</div>" * 300)))},
                     _stored(lambda row: PARAGRAPHS[1] in row["body"])),
        "deep_5000": ("the text nested 5,000 elements deep", "/a/deep-5000",
                      {"/a/deep-5000": hostile.page(article_html(wrap=("<div>" * 5000, "</div>" * 5000)))},
                      _stored(lambda row: PARAGRAPHS[1] in row["body"])),
        "huge_title": ("a title of 100,000 characters", "/a/title",
                       {"/a/title": hostile.page(article_html(title="Заголовок " * 10_000))},
                       _stored(lambda row: len(row["title"]) <= 1_000, cut="title_too_long")),
        "many_tags": ("1,000 tags", "/a/tags",
                      {"/a/tags": hostile.page(article_html(head='<meta name="news_keywords" content="' +
                                                            ", ".join(f"тег {i}" for i in range(1000)) + '">'))},
                      _stored(lambda row: len(json.loads(row["tags"])) == 100, cut="too_many_tags")),
        "long_body": ("3 MB of text", "/a/long",
                      {"/a/long": hostile.page(article_html(paragraphs=[f"Абзац {i}: " + "пенсии и выплаты жителям. " * 20
                                                                        for i in range(3_000)]))},
                      _stored(lambda row: 100_000 < len(row["body"]) <= 200_000, cut="body_too_long")),
        "many_images": ("1,000 images in JSON-LD", "/a/images",
                        {"/a/images": hostile.page(article_html(head='<script type="application/ld+json">{"@type": '
                                                                      '"NewsArticle", "image": [' + ", ".join(
                                                                          f'"https://img.kz/{i}.jpg"' for i in range(1000))
                                                                      + "]}</script>"))},
                        _stored(lambda row: len(json.loads(row["images"])) == 100, cut="too_many_images")),
        # Discovery documents.
        "feed_absurd_dates": ("a feed item dated 31 Dec 9999 west of UTC, one at +99:99", "/feed.xml",
                              {"/feed.xml": hostile.page(
                                  b'<rss><channel><item><link>/a/feed-item</link><pubDate>Fri, 31 Dec 9999 23:59:59 '
                                  b'-2359</pubDate></item><item><link>/a/feed-item-2</link><pubDate>2026-11-20T10:00:00+99:99'
                                  b"</pubDate></item></channel></rss>", headers=hostile.XML),
                               "/a/feed-item": hostile.page(article_html(title="Статья из ленты")),
                               "/a/feed-item-2": hostile.page(article_html(title="Вторая статья из ленты",
                                                                           paragraphs=PARAGRAPHS[::-1]))},
                              _document(None)),
        "feed_2000_items": ("a feed of 2,000 items", "/feed-2000.xml",
                            {"/feed-2000.xml": hostile.page(RSS + b"".join(b"<item><link>/x/%d</link></item>" % i
                                                                         for i in range(2000)) + b"</channel></rss>",
                                                            headers=hostile.XML)},
                            _document("too_many_entries")),
        "feed_entity_bomb": ("a feed with an entity bomb (a billion laughs)", "/feed-entities.xml",
                             {"/feed-entities.xml": hostile.page(ENTITY_BOMB, headers=hostile.XML)}, _document(None)),
        "sitemap_too_deep": ("sitemap indexes nested five deep (and one listing itself)", "/sm/deep-3.xml",
                             {"/sitemap.xml": hostile.page(SITEMAP_INDEX + b"<sitemap><loc>/sm/deep-2.xml</loc></sitemap>"
                                                           b"<sitemap><loc>/sitemap.xml</loc></sitemap></sitemapindex>",
                                                           headers=hostile.XML),
                              **{f"/sm/deep-{n}.xml": hostile.page(
                                  SITEMAP_INDEX + b"<sitemap><loc>/sm/deep-%d.xml</loc></sitemap></sitemapindex>" % (n + 1),
                                  headers=hostile.XML) for n in range(2, 6)}},
                             _document("too_deep")),
        "sitemap_60k": ("a sitemap of 60,000 URLs", "/sm/60k.xml",
                        {"/sm/60k.xml": hostile.page(URLSET + b"".join(b"<url><loc>/x/%d</loc></url>" % i
                                                                       for i in range(60_000)) + b"</urlset>",
                                                     headers=hostile.XML)},
                        _document("too_many_entries")),
        "sitemap_absurd_dates": ("a sitemap whose lastmod dates are in the years 1 and 9999", "/sm/dates.xml",
                                 {"/sm/dates.xml": hostile.page(
                                     URLSET + b"<url><loc>/a/sm-1</loc><lastmod>0001-01-01T00:00:00+05:00</lastmod></url>"
                                     b"<url><loc>/a/sm-2</loc><lastmod>9999-12-31T23:59:59-05:00</lastmod></url></urlset>",
                                     headers=hostile.XML),
                                  "/a/sm-1": hostile.page(article_html(title="Статья из карты сайта")),
                                  "/a/sm-2": hostile.page(article_html(title="Вторая статья из карты сайта"))},
                                 _document(None)),
        "listing_6000_links": ("a listing page of 6,000 links", "/links",
                               {"/links": hostile.page("<html><body>" + "".join(f'<a href="/x/{i}">{i}</a>'
                                                                              for i in range(6000)) + "</body></html>")},
                               _document("too_many_entries")),
    }


HOSTILE_SITE = {"feeds": ["/feed.xml", "/feed-2000.xml", "/feed-entities.xml"],
                "sitemaps": ["/sitemap.xml", "/sm/60k.xml", "/sm/dates.xml"], "listings": ["/", "/links"]}


@pytest.fixture(scope="module")
def site_crawl(server, seed_archive, tmp_path_factory):
    """One crawl of a site made of every case of site_cases."""
    cases = site_cases(server.port)
    for _, _, routes, _ in cases.values():
        for path, behaviour in routes.items():
            server.route(path, behaviour)
    front = [path for _, path, _, _ in cases.values() if path.startswith("/a/")]
    server.route("/", hostile.page("<html><body>" + "".join(f'<a href="{p}">{p}</a>' for p in front) + "</body></html>"))
    server.route("/robots.txt", hostile.page("User-agent: *\nDisallow: /a/private/\n",
                                             headers={"Content-Type": "text/plain"}))
    folder = tmp_path_factory.mktemp("site")
    site_entry(folder / "sites", "hostile", **HOSTILE_SITE)
    db_path = archive_copy(seed_archive, folder / "archive")
    before = earlier_rows(db_path)
    result = crawl(db_path, folder / "sites", server, ["hostile"], settings={
        "DOWNLOAD_TIMEOUT": 3, "RETRY_TIMES": 1, "NEWSARCHIVE_RETRY_BACKOFF_BASE": 0.1})
    return cases, result, before


@pytest.mark.parametrize("case", sorted(site_cases(0)))
def test_hostile_site_case(case, site_crawl):
    cases, result, _ = site_crawl
    what, path, _, expected = cases[case]
    url = f"https://hostile.kz{path}"
    context = f"{case}: {what}\n{result.stderr[-4000:]}"
    kind = expected[0]
    if kind in ("refused", "failed", "deferred", "rejected"):
        assert expected[1] in result.failures(url), context
        assert result.article(url) is None, context
        if kind != "rejected":
            assert f"{'left for the next run' if kind == 'deferred' else kind} ({expected[1]})" in result.stderr, context
    elif kind == "stored":
        row = result.article(url)
        assert row is not None, context
        assert expected[1](row), (context, {k: str(v)[:200] for k, v in row.items()})
        if expected[2]:
            assert f"({expected[2]})" in result.stderr and url in result.stderr, context
            assert result.reasons("hostile.kz").get(expected[2]), context
    elif kind == "document":
        if expected[1]:
            assert result.reasons("hostile.kz").get(expected[1]), context
            assert f"({expected[1]})" in result.stderr and url in result.stderr, context


def test_hostile_site_crawl_ends_bounded_says_why_and_leaves_the_archive_as_it_was(site_crawl):
    cases, result, before = site_crawl
    context = f"exit {result.returncode}\n{result.stdout}\n{result.stderr[-4000:]}"
    assert result.returncode == 1, context  # pages failed and were refused
    assert "Traceback" not in result.stderr, context
    assert result.max_rss_mb < MAX_RSS_MB and result.seconds < MAX_SECONDS, context
    assert earlier_rows(result.db_path) == before
    (run,) = result.rows("SELECT errors, refused, deferred, reasons FROM site_runs WHERE site = 'hostile.kz'")
    reasons = json.loads(run[3])
    assert run[0] == sum(n for r, n in reasons.items() if r in ("http_error", "timeout", "broken_response",
                                                                "extraction_error", "unreachable"))
    assert reasons["http_error"] == 2, "a 500 retried once and a 404: two failures, not four"
    assert run[2] == reasons["rate_limited"] + reasons["unavailable"] == 3
    for line in ("failed: ", "refused: ", "left for the next run: "):
        assert line in result.stdout, context
    # Log flooding: every line short, no page text, every failing URL named once by its note.
    lines = result.stderr.splitlines()
    assert max(len(line) for line in lines if not line.startswith((" ", "{", "'"))) < 1000, context
    assert PARAGRAPHS[0] not in result.stderr
    for case, (_, path, _, expected) in cases.items():
        if expected[0] in ("refused", "failed", "deferred"):
            url = f"https://hostile.kz{path}"
            assert sum(1 for line in lines if line.endswith(f" for {url}") and "crawl.failures" in line) == 1, (case, context)


def test_a_sitemap_gzip_file_is_read_up_to_the_limit_never_past_it():
    """What reads a `.xml.gz` sitemap (a file, not a Content-Encoding) uses limits.gunzip."""
    import gzip

    from newsarchive.crawl.limits import gunzip

    assert gunzip(gzip.compress(b"<urlset/>"), 100) == b"<urlset/>"
    assert gunzip(gzip.compress(b"<a>") + gzip.compress(b"</a>"), 100) == b"<a></a>"
    assert gunzip(hostile.compression_bomb(GB), 32 * MB) is None
    assert gunzip(gzip.compress(b"x" * 1000)[:-8], 10_000) is None and gunzip(b"<urlset/>", 100) is None
