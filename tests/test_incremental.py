"""Incremental crawling, end to end against a synthetic DLE mirror counted at the server:

* a second crawl of an unchanged mirror downloads no article page, gets 304 for its feed and
  stops its listing walk at the first page whose articles are all archived;
* an article whose feed date moves past what is stored is fetched again and updated, its old
  version kept in `versions`;
* after a crawl that did not finish, listings are walked in full (articles on older pages that
  the interrupted crawl never reached are not lost); after one that finished, they are not.
"""

from __future__ import annotations

import email.utils
import hashlib
import sqlite3
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import crawl_mirrors
from mirrors.server import SyntheticMirror

from newsarchive.crawl.archive import ArchiveHandle
from newsarchive.search import search_ids
from newsarchive.store.schema import open_db

ALMATY = ZoneInfo("Asia/Almaty")
#: The one extension a spider needs outside a crawl: its connection to the archive.
ARCHIVE = {"newsarchive.crawl.archive.ArchiveHandle": 0}
N = 60  # 3 listing pages of 20; the feed holds the newest 50
#: The listing pages a full walk requests: the 3 pages, and a 4th (404) its pagination pattern names.
ALL_PAGES = {"/news/", "/news/page/2/", "/news/page/3/", "/news/page/4/"}


class FeedMirror(SyntheticMirror):
    """The synthetic site, dated an hour before now, whose feed carries ETag and Last-Modified,
    honours If-None-Match and re-dates an updated item (pubDate = its modified date), as many CMSs do."""

    def __init__(self, n: int):
        from collections import Counter

        self.not_modified: Counter[str] = Counter()
        super().__init__(n, now=datetime.now(ALMATY).replace(microsecond=0) - timedelta(hours=1))

    def respond(self, handler, head):
        """Answers 304 when If-None-Match names the current ETag, as a real feed server does."""
        target = handler.path.split("#", 1)[0]
        found = self.lookup(target)
        asked = handler.headers.get("If-None-Match")
        if found and asked and found[1].get("ETag") == asked:
            with self._lock:
                self.requests[target] += 1
            self.not_modified[target] += 1
            handler.send_response(304)
            handler.send_header("ETag", asked)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        super().respond(handler, head)

    def _rss(self) -> str:
        items = []
        for i in range(self.n, max(0, self.n - self.FEED_SIZE), -1):
            a = self.articles[i]
            date = email.utils.format_datetime(datetime.fromisoformat(a["modified_at"] or a["published_at"]))
            link = f"{self.base_real}{a['path']}"
            items.append(f"<item><title>{a['title']}</title><link>{link}</link><pubDate>{date}</pubDate></item>")
        return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Матрица</title>'
                + "".join(items) + "</channel></rss>")

    def lookup(self, target):
        found = super().lookup(target)
        if found and target.split("?")[0] == "/rss.xml":
            status, headers, body = found
            headers = {**headers, "ETag": '"' + hashlib.sha1(body).hexdigest()[:16] + '"',
                       "Last-Modified": email.utils.format_datetime(self.now, usegmt=False)}
            return status, headers, body
        return found

    def article_pages(self) -> dict[str, int]:
        """Requests per article page (only those requested)."""
        paths = {a["path"] for a in self.articles.values()}
        return {p: n for p, n in self.requests.items() if p in paths}

    def listing_pages(self) -> set[str]:
        return {p for p in self.requests if p.startswith("/news/page/") or p in ("/news/", "/news")}


@pytest.fixture(scope="module")
def site():
    server = FeedMirror(N)
    yield server
    server.stop()


def crawl(db_path, server, *extra):
    server.reset()
    server.not_modified.clear()
    result = crawl_mirrors(db_path, {"matritca": server}, *extra)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_second_crawl_downloads_no_article_asks_the_feed_conditionally_and_stops_the_walk(site, tmp_path):
    db_path = tmp_path / "news.db"
    crawl(db_path, site)
    assert len(site.article_pages()) == N
    assert site.listing_pages() == ALL_PAGES
    assert site.not_modified["/rss.xml"] == 0

    crawl(db_path, site)
    assert site.article_pages() == {}
    assert site.not_modified["/rss.xml"] == 1, "the feed must be asked with its ETag and answered 304"
    assert site.listing_pages() == {"/news/"}, "page 1 is all archived: the walk stops there"
    db = open_db(db_path, create=False)
    assert db["articles"].count == N and db["versions"].count == 0
    runs = list(db.query("SELECT status, new, updated FROM crawl_runs ORDER BY id"))
    assert runs == [{"status": "finished", "new": N, "updated": 0}, {"status": "finished", "new": 0, "updated": 0}]
    (validator,) = db.query("SELECT * FROM http_validators")
    assert validator["url"] == "https://matritca.kz/rss.xml" and validator["etag"]
    db.close()


def test_article_whose_feed_date_moved_is_fetched_again_and_its_old_version_kept(tmp_path):
    server = FeedMirror(N)
    try:
        db_path = tmp_path / "news.db"
        crawl(db_path, server)
        db = open_db(db_path, create=False)
        url = server.article_url(55)
        old_body = db.execute("SELECT body FROM articles WHERE url = ?", [url]).fetchone()[0]
        time.sleep(1.1)  # the new feed date must be a later second than the stored last_seen
        changed = server.modify(55, when=datetime.now(ALMATY).replace(microsecond=0))

        crawl(db_path, server)
        assert server.article_pages() == {changed["path"]: 1}, "only the changed article is downloaded"
        row = db.execute("SELECT id, body, modified_at FROM articles WHERE url = ?", [url]).fetchone()
        assert "Обновлено: дополнение номер 1" in row[1]
        assert row[2] == changed["modified_at"]
        versions = list(db.query("SELECT * FROM versions"))
        assert len(versions) == 1 and versions[0]["article_id"] == row[0] and versions[0]["body"] == old_body
        assert search_ids(db, "дополнение", limit=None) == [row[0]]
        (run,) = db.query("SELECT new, updated FROM crawl_runs ORDER BY id DESC LIMIT 1")
        assert run == {"new": 0, "updated": 1}

        crawl(db_path, server)  # stored now: not fetched a third time
        assert server.article_pages() == {}
        assert db["versions"].count == 1
        db.close()
    finally:
        server.stop()


def test_listing_walk_stops_only_after_a_finished_crawl(site, tmp_path):
    # A first crawl that reads only listing page 1 and the feed: the 50 newest articles.
    finished = tmp_path / "finished.db"
    crawl(finished, site, "--max-pages", "1")
    interrupted = tmp_path / "interrupted.db"
    with sqlite3.connect(finished) as source, sqlite3.connect(interrupted) as copy:
        source.backup(copy)
    with sqlite3.connect(interrupted) as copy:  # as a killed crawl leaves its run
        copy.execute("UPDATE crawl_runs SET status = 'running', ended_at = NULL")
        copy.execute("DELETE FROM http_validators")

    crawl(finished, site)
    assert site.listing_pages() == {"/news/"}
    assert _count(finished) == 50

    crawl(interrupted, site)
    assert site.listing_pages() == ALL_PAGES
    assert set(site.article_pages()) == {site.articles[i]["path"] for i in range(1, N - 50 + 1)}
    assert _count(interrupted) == N


def _count(db_path) -> int:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_feed_and_sitemap_dates_decide_refresh(tmp_path):
    """The spider's rule: refresh an archived URL when its feed/sitemap date is later than its
    last_seen, fetched_at and modified_at, and not in the future."""
    from newsarchive.spiders.news import spider_for
    from scrapy.utils.test import get_crawler

    from newsarchive.model import Article
    from newsarchive.sites import get_site
    from newsarchive.store.archive import archive_article

    db_path = tmp_path / "news.db"
    db = open_db(db_path)
    body = "\n\n".join(["Абзац про пенсии и выплаты жителям области, подробности в материале."] * 3)
    archive_article(db, Article(url="https://matritca.kz/news/1-a.html", title="Заголовок", body=body,
                                published_at="2026-01-10T10:00:00+05:00", modified_at="2026-01-12T10:00:00+05:00",
                                site="matritca.kz", fetched_at="2026-01-11T10:00:00+05:00"),
                    now="2026-01-13T05:00:00+00:00")
    db.close()
    crawler = get_crawler(spider_for(get_site("matritca")), {"NEWSARCHIVE_DB": str(db_path), "EXTENSIONS": ARCHIVE})
    spider = crawler.spidercls.from_crawler(crawler)
    now = datetime(2026, 2, 1, tzinfo=ALMATY)
    url = "https://matritca.kz/news/1-a.html"
    assert spider.changed_since_archived(url, datetime(2026, 1, 14, tzinfo=ALMATY), now)
    assert not spider.changed_since_archived(url, datetime(2026, 1, 13, 9, 0, tzinfo=ALMATY), now), "before last_seen"
    assert not spider.changed_since_archived(url, datetime(2026, 3, 1, tzinfo=ALMATY), now), "future date"
    assert not spider.changed_since_archived(url, None, now)
    assert not spider.changed_since_archived("https://matritca.kz/news/2-b.html", datetime(2026, 1, 14, tzinfo=ALMATY), now)
    crawler.get_extension(ArchiveHandle).close()


def test_sitemap_children_are_asked_conditionally_and_changed_urls_refreshed(tmp_path):
    from newsarchive.spiders.news import spider_for
    from scrapy.http import Request, XmlResponse
    from scrapy.utils.test import get_crawler

    from newsarchive.model import Article
    from newsarchive.sites import get_site
    from newsarchive.store.archive import archive_article

    db_path = tmp_path / "news.db"
    db = open_db(db_path)
    body = "\n\n".join(["Абзац про пенсии и выплаты жителям области, подробности в материале."] * 3)
    for n in (1, 2):
        archive_article(db, Article(url=f"https://matritca.kz/news/{n}-a.html", title=f"Заголовок {n}", body=f"{n} {body}",
                                    published_at="2026-01-10T10:00:00+05:00", site="matritca.kz",
                                    fetched_at="2026-01-11T10:00:00+05:00"), now="2026-01-11T05:00:00+00:00")
    db.close()
    crawler = get_crawler(spider_for(get_site("matritca")),
                          {"NEWSARCHIVE_DB": str(db_path), "NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS": 100000, "EXTENSIONS": ARCHIVE})
    spider = crawler.spidercls.from_crawler(crawler, base_url="http://127.0.0.1:9")
    index = XmlResponse("http://127.0.0.1:9/sitemap.xml", request=Request("http://127.0.0.1:9/sitemap.xml"), body=(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://matritca.kz/sitemap-news.xml</loc></sitemap></sitemapindex>"))
    (child,) = list(spider.parse_sitemap(index))
    assert child.url == "http://127.0.0.1:9/sitemap-news.xml"
    assert child.meta["conditional"] and child.meta["validator_url"] == "https://matritca.kz/sitemap-news.xml"
    urlset = XmlResponse(child.url, request=child, body=(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://matritca.kz/news/1-a.html</loc><lastmod>2026-01-20T10:00:00+05:00</lastmod></url>"
        b"<url><loc>https://matritca.kz/news/2-a.html</loc><lastmod>2026-01-10T10:00:00+05:00</lastmod></url>"
        b"<url><loc>https://matritca.kz/news/3-a.html</loc><lastmod>2026-01-20T10:00:00+05:00</lastmod></url>"
        b"</urlset>"))
    requests = {r.meta["archive_url"].rsplit("/", 1)[1]: r for r in spider.parse_sitemap(urlset)}
    assert requests["1-a.html"].meta["refresh"] and requests["1-a.html"].dont_filter, "changed after last_seen"
    assert not requests["2-a.html"].meta["refresh"], "unchanged: left to the skip-archived middleware"
    assert not requests["3-a.html"].meta["refresh"], "not archived: an ordinary request"
    crawler.get_extension(ArchiveHandle).close()


def test_child_sitemaps_are_read_one_at_a_time_after_the_articles_found_before(tmp_path):
    """A site of many sitemaps is not one queue of every article it lists: an index gives its first
    child; each child, read or failed, gives the next, at a lower priority than its articles."""
    from newsarchive.spiders.news import spider_for
    from scrapy.http import Request, XmlResponse
    from scrapy.utils.test import get_crawler
    from twisted.python.failure import Failure

    from newsarchive.sites import get_site

    crawler = get_crawler(spider_for(get_site("matritca")),
                          {"NEWSARCHIVE_DB": str(tmp_path / "news.db"), "NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS": 100000,
                           "EXTENSIONS": ARCHIVE})
    spider = crawler.spidercls.from_crawler(crawler, base_url="http://127.0.0.1:9")
    children = "".join(f"<sitemap><loc>https://matritca.kz/sitemap-{n}.xml</loc></sitemap>" for n in (1, 2, 1, 3))
    children += "<sitemap><loc>https://matritca.kz/sitemap.xml</loc></sitemap>"  # the index itself: not again
    index = XmlResponse("http://127.0.0.1:9/sitemap.xml", request=Request("http://127.0.0.1:9/sitemap.xml"),
                        body=f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}</sitemapindex>'
                        .encode())
    (first,) = list(spider.parse_sitemap(index))
    assert first.url.endswith("/sitemap-1.xml")

    def urlset(request, numbers):
        urls = "".join(f"<url><loc>https://matritca.kz/news/{n}-a.html</loc></url>" for n in numbers)
        return XmlResponse(request.url, request=request,
                           body=f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode())

    *articles, second = list(spider.parse_sitemap(urlset(first, (1, 2))))
    assert [a.meta["archive_url"] for a in articles] == [f"https://matritca.kz/news/{n}-a.html" for n in (1, 2)]
    assert second.url.endswith("/sitemap-2.xml")
    assert second.priority < min(a.priority for a in articles), "read when the articles before it are fetched"
    assert second.dont_filter, "a child the duplicate filter dropped would end the chain: repeats are left out here"
    failed = Failure(ConnectionRefusedError("no answer"))
    failed.request = second
    (third,) = list(spider.sitemap_failed(failed))
    assert third.url.endswith("/sitemap-3.xml")
    assert list(spider.parse_sitemap(urlset(third, (3,))))[-1].url.endswith("/news/3-a.html"), "none left"
    crawler.get_extension(ArchiveHandle).close()
