"""The mirror server: real paths, query-string files, headers, request counts, synthetic mode."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from mirrors.server import (
    MIRRORS_DIR,
    load_manifest,
    mirror_names,
    normalise_query,
    query_file,
    serve_mirror,
    serve_mirrors,
    serve_synthetic,
)
from parsel import Selector

from newsarchive.sites import load_sites


def fetch(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture()
def site_dir(tmp_path: Path) -> Path:
    files = {
        "index.html": "<html>home</html>",
        "news/index.html": "<html>news 1</html>",
        "news/index@p=2.html": "<html>news 2</html>",
        "news/page/2/index.html": "<html>page 2</html>",
        "news/1-story.html": "<html>story</html>",
        "index@p=42.html": "<html>wp post 42</html>",
        "modules/news/article@storyid=7.php": "<html>xoops 7</html>",
        "modules/news/article@a=1&b=2.php": "<html>two params</html>",
        "tags/Пенсия 2026/index.html": "<html>tag</html>",
        "rss": '<?xml version="1.0"?><rss></rss>',
        "feed/index.xml": '<?xml version="1.0"?><rss></rss>',
        "robots.txt": "User-agent: *\n",
        "manifest.json": "{}",
        "_secret.txt": "no",
    }
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (tmp_path / "old.html").write_bytes("<html>Старая страница</html>".encode("cp1251"))
    (tmp_path / "_headers.json").write_text(
        json.dumps({"/old.html": {"Content-Type": "text/html"}, "/news/1-story.html": {"X-Test": "yes"}}),
        encoding="utf-8",
    )
    return tmp_path


def test_paths_and_directories(site_dir):
    with serve_mirror(site_dir) as srv:
        assert srv.base_url.startswith("http://127.0.0.1:")
        assert fetch(srv.url("/"))[2] == b"<html>home</html>"
        assert fetch(srv.url("/news/"))[2] == b"<html>news 1</html>"
        assert fetch(srv.url("/news"))[2] == b"<html>news 1</html>"
        assert fetch(srv.url("/news/page/2/"))[2] == b"<html>page 2</html>"
        assert fetch(srv.url("/news/1-story.html"))[2] == b"<html>story</html>"
        assert fetch(srv.url("/feed/"))[2].startswith(b"<?xml")
        assert fetch(srv.url("/tags/%D0%9F%D0%B5%D0%BD%D1%81%D0%B8%D1%8F%202026/"))[2] == b"<html>tag</html>"


def test_not_found_and_private_files(site_dir):
    with serve_mirror(site_dir) as srv:
        for path in ("/nope.html", "/news/2-missing.html", "/manifest.json", "/_headers.json", "/_secret.txt",
                     "/news/?p=3", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2e%2e/" + site_dir.name + "x/a"):
            assert fetch(srv.url(path))[0] == 404, path


def test_query_strings_map_to_files(site_dir):
    with serve_mirror(site_dir) as srv:
        assert fetch(srv.url("/news/?p=2"))[2] == b"<html>news 2</html>"
        assert fetch(srv.url("/?p=42"))[2] == b"<html>wp post 42</html>"
        assert fetch(srv.url("/modules/news/article.php?storyid=7"))[2] == b"<html>xoops 7</html>"
        assert fetch(srv.url("/modules/news/article.php?b=2&a=1"))[2] == b"<html>two params</html>"
        assert fetch(srv.url("/modules/news/article.php?storyid=8"))[0] == 404


def test_query_file_names():
    assert query_file("/news/", "p=2") == "news/index@p=2.html"
    assert query_file("/", "p=4211") == "index@p=4211.html"
    assert query_file("/modules/news/article.php", "storyid=7") == "modules/news/article@storyid=7.php"
    assert query_file("/rss") == "rss"
    assert query_file("/tag/x", "page=2") == "tag/x@page=2"
    assert query_file("/rss/", index="index.xml") == "rss/index.xml"
    assert normalise_query("b=2&a=1") == "a=1&b=2"
    assert normalise_query("u=a/b") == "u=a%2Fb"


def test_content_types_and_extra_headers(site_dir):
    with serve_mirror(site_dir) as srv:
        assert fetch(srv.url("/news/"))[1]["Content-Type"] == "text/html; charset=utf-8"
        assert "xml" in fetch(srv.url("/rss"))[1]["Content-Type"]
        assert "html" in fetch(srv.url("/modules/news/article.php?storyid=7"))[1]["Content-Type"]
        assert fetch(srv.url("/robots.txt"))[1]["Content-Type"].startswith("text/plain")
        status, headers, body = fetch(srv.url("/old.html"))
        assert headers["Content-Type"] == "text/html"  # no charset: the page is windows-1251
        assert body.decode("cp1251") == "<html>Старая страница</html>"
        assert fetch(srv.url("/news/1-story.html"))[1]["X-Test"] == "yes"


def test_request_counter(site_dir):
    with serve_mirror(site_dir) as srv:
        assert srv.requests["/news/1-story.html"] == 0
        fetch(srv.url("/news/1-story.html"))
        fetch(srv.url("/news/1-story.html"))
        fetch(srv.url("/news/?p=2"))
        fetch(srv.url("/missing"))
        assert srv.requests["/news/1-story.html"] == 2
        assert srv.requests["/news/?p=2"] == 1
        assert srv.requests["/missing"] == 1  # 404s are counted too
        assert srv.fetched("/news/1-story.html") == 2
        srv.reset()
        assert sum(srv.requests.values()) == 0


def test_head_and_concurrency(site_dir):
    with serve_mirror(site_dir) as srv:
        req = urllib.request.Request(srv.url("/news/"), method="HEAD")
        with urllib.request.urlopen(req) as resp:
            assert resp.status == 200 and resp.read() == b""
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: fetch(srv.url("/news/1-story.html"))[0], range(40)))
        assert results == [200] * 40
        assert srv.requests["/news/1-story.html"] == 40


def test_stop_frees_the_port(site_dir):
    srv = serve_mirror(site_dir)
    port = srv.port
    srv.stop()
    again = serve_mirror(site_dir, port=port)
    try:
        assert fetch(again.url("/"))[0] == 200
    finally:
        again.stop()


def test_bundled_mirrors_serve_every_manifest_path():
    servers = serve_mirrors()
    try:
        assert set(servers) == set(mirror_names()) and len(servers) >= 15
        assert len({s.port for s in servers.values()}) == len(servers)
        for name, srv in servers.items():
            manifest = load_manifest(name)
            for path in manifest["feeds"] + manifest["listings"] + [a["path"] for a in manifest["articles"]]:
                assert fetch(srv.url(path))[0] == 200, (name, path)
    finally:
        for srv in servers.values():
            srv.stop()
    assert MIRRORS_DIR == Path(__file__).resolve().parents[1] / "newsarchive" / "data" / "mirrors"


def test_serve_mirrors_by_directory(site_dir):
    servers = serve_mirrors([site_dir, "matritca"])
    try:
        assert set(servers) == {site_dir.name, "matritca"}
    finally:
        for srv in servers.values():
            srv.stop()


# -- synthetic mode -------------------------------------------------------------------------------------------

def test_synthetic_site_shape():
    with serve_synthetic(510) as syn:
        assert len(syn.articles) == 510
        rss = fetch(syn.url("/rss.xml"))[2].decode()
        assert rss.count("<item>") == 50
        assert syn.articles[510]["path"] in rss and syn.articles[460]["path"] not in rss
        first = fetch(syn.url("/news/"))[2].decode()
        assert first.count('class="line-news"') == 20 and syn.articles[510]["path"] in first
        last = fetch(syn.url("/news/page/26/"))[2].decode()
        assert last.count('class="line-news"') == 10 and syn.articles[1]["path"] in last
        assert fetch(syn.url("/news/page/27/"))[0] == 404
        assert fetch(syn.url("/robots.txt"))[0] == 200
        paths = {a["path"] for a in syn.articles.values()}
        assert len(paths) == 510
        matritca = load_sites()["matritca"]
        assert all(matritca.is_article_url("https://matritca.kz" + p) for p in paths)


def test_synthetic_is_deterministic():
    with serve_synthetic(30, seed=1) as a, serve_synthetic(30, seed=1) as b, serve_synthetic(30, seed=2) as c:
        assert a.articles == b.articles
        assert fetch(a.url(a.articles[7]["path"]))[2] == fetch(b.url(b.articles[7]["path"]))[2]
        assert a.articles != c.articles


def test_synthetic_pages_match_matritca_selectors():
    site = load_sites()["matritca"]
    with serve_synthetic(25) as syn:
        art = syn.articles[12]
        sel = Selector(fetch(syn.url(art["path"]))[2].decode())
        assert sel.css(site.selectors["title"] + "::text").get() == art["title"]
        body = "\n\n".join(sel.css(site.selectors["body"] + " p::text").getall())
        assert body == art["body"]
        assert sel.css(site.selectors["tags"] + "::text").getall() == art["tags"]
        assert sel.css(site.selectors["author"] + "::text").get() == art["author"]


def test_synthetic_modify_changes_one_article():
    with serve_synthetic(60) as syn:
        before = {i: fetch(syn.url(a["path"]))[2] for i, a in syn.articles.items() if i in (5, 6)}
        changed = syn.modify(5)
        assert changed["modified_at"] and "Обновлено" in changed["body"]
        after5 = fetch(syn.url(syn.articles[5]["path"]))[2]
        assert after5 != before[5] and "Обновлено".encode() in after5
        assert b"article:modified_time" in after5
        assert fetch(syn.url(syn.articles[6]["path"]))[2] == before[6]
        assert syn.article_url(5) == "https://matritca.kz" + syn.articles[5]["path"]
        assert syn.requests[syn.articles[5]["path"]] == 2
