"""Archiving what a site has published: `crawl --since`, a site's first crawl, a killed backfill that
carries on, unknown sites walked through their pagination, and entries that keep finding articles
after the site moved them to a new URL shape (issue 14).

The sites are generated (tests/mirrors/server.py: the synthetic DLE site; tests/mirrors/unseen.py:
a city portal, a DataLife Engine site in windows-1251, a site whose URL scheme changed), dated
back from the time of the test.
"""

from __future__ import annotations

import gzip
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import REPO, crawl_mirrors, run_cli
from mirrors.server import SyntheticMirror
from mirrors.unseen import DleMirror, PortalMirror, SchemeMirror

from newsarchive.crawl import backfill, discovery
from newsarchive.crawl.runner import MIRROR_SETTINGS
from newsarchive.sites import SiteError, site_from_dict
from newsarchive.store.schema import open_db

ALMATY = ZoneInfo("Asia/Almaty")
SETTINGS = [arg for key, value in {**MIRROR_SETTINGS, "LOG_LEVEL": "WARNING"}.items() for arg in ("-s", f"{key}={value}")]
#: The synthetic site of the backfill tests: 300 articles over six months (one every 14.4 hours),
#: 20 to a listing page; the daily crawl reads 5 pages (100 articles, two months).
N, SPACING = 300, timedelta(hours=14, minutes=24)


def now_almaty() -> datetime:
    return datetime.now(ALMATY).replace(microsecond=0) - timedelta(hours=1)


def six_months(**options) -> SyntheticMirror:
    return SyntheticMirror(N, now=now_almaty(), spacing=SPACING, **options)


def published_since(server: SyntheticMirror, day: date) -> set[str]:
    return {server.article_url(i) for i, a in server.articles.items()
            if datetime.fromisoformat(a["published_at"]).date() >= day}


def archived(db_path) -> set[str]:
    with sqlite3.connect(db_path) as conn:
        return {url for (url,) in conn.execute("SELECT url FROM articles")}


def article_requests(server: SyntheticMirror) -> dict[str, int]:
    paths = {a["path"] for a in server.articles.values()}
    return {path: n for path, n in server.requests.items() if path in paths}


def listing_requests(server) -> set[str]:
    return {path for path in server.requests if path == "/news/" or path.startswith("/news/page/")}


def crawl(db_path, server, *extra, expect: int = 0) -> subprocess.CompletedProcess:
    result = crawl_mirrors(db_path, {"matritca": server}, *extra)
    assert result.returncode == expect, result.stderr[-3000:]
    return result


# -- --since on a site entry ------------------------------------------------------------------------

def test_since_archives_exactly_what_was_published_since_the_date(tmp_path):
    server = six_months()
    try:
        since = (server.now - timedelta(days=90)).date()
        db_path = tmp_path / "news.db"
        first = crawl(db_path, server, "--since", since.isoformat())
        expected = published_since(server, since)
        assert 140 < len(expected) < 160  # 90 days of one every 14.4 hours, by the time of day
        assert archived(db_path) == expected, "exactly the articles published since the date"
        assert "listing pages walked, back to" in first.stdout
        walked = listing_requests(server)
        # the articles since are on listing pages 1-8 (20 a page, newest first); the walk stops at
        # the first page where at least half the items are older (page 8 or 9, by the time of day)
        last = next(page for page in range(1, N // 20 + 1) if 2 * min(20, max(0, 20 * page - len(expected))) >= 20)
        assert last in (8, 9)
        assert walked == {"/news/"} | {f"/news/page/{page}/" for page in range(2, last + 1)}
        older = {server.articles[i]["path"] for i in server.articles} - {p.removeprefix("https://matritca.kz")
                                                                          for p in expected}
        assert not older & set(article_requests(server)), "an article listed before the date is not downloaded"

        server.reset()
        crawl(db_path, server, "--since", since.isoformat())
        assert article_requests(server) == {}, "a second run downloads no article again"
        assert listing_requests(server) == {"/news/"}, "walked back that far already: the daily walk only"
    finally:
        server.stop()


def test_listings_cut_short_are_completed_from_the_day_archive(tmp_path):
    server = six_months(listing_limit=3)  # the site serves 3 listing pages (60 articles, 36 days)
    try:
        since = (server.now - timedelta(days=90)).date()
        db_path = tmp_path / "news.db"
        crawl(db_path, server, "--since", since.isoformat())
        assert archived(db_path) == published_since(server, since)
        days = {path for path in server.requests if path[1:5].isdigit()}
        assert days, "the day archive (/YYYY/MM/DD/) was walked"
        assert min(days) == f"/{since:%Y/%m/%d}/", "back to the date, and not a day further"
    finally:
        server.stop()


def test_first_crawl_reaches_back_its_window_then_stays_incremental(tmp_path):
    server = six_months()
    try:
        db_path = tmp_path / "news.db"
        crawl(db_path, server, "-s", "NEWSARCHIVE_FIRST_CRAWL_DAYS=90")
        start = (datetime.now(ALMATY) - timedelta(days=90)).date()
        assert archived(db_path) == published_since(server, start)
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("SELECT since, reason, finished_at IS NOT NULL FROM backfills").fetchall() == [
                (start.isoformat(), "first crawl", 1)]

        server.reset()
        crawl(db_path, server, "-s", "NEWSARCHIVE_FIRST_CRAWL_DAYS=90")
        assert article_requests(server) == {} and listing_requests(server) == {"/news/"}, "later crawls are daily"
    finally:
        server.stop()


class GatedMirror(SyntheticMirror):
    """Holds the answer to `gate` until released, so a crawl can be killed while it waits there."""

    gate = "/news/page/8/"

    def __init__(self, *args, **kwargs):
        self.reached, self.release = threading.Event(), threading.Event()
        super().__init__(*args, **kwargs)

    def respond(self, handler, head):
        if handler.path == self.gate and not self.release.is_set():
            self.reached.set()
            self.release.wait(60)
        super().respond(handler, head)


def wait_for_walk(db_path, pages: int, process: subprocess.Popen, timeout: float = 120) -> bool:
    """Wait until the backfill's listing walk has saved its position past `pages` pages."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        try:
            with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1) as conn:
                row = conn.execute("SELECT max(pages) FROM backfill_walks").fetchone()
            if row and row[0] and row[0] >= pages:
                return True
        except sqlite3.OperationalError:  # not created yet
            pass
        time.sleep(0.02)
    return False


def test_killed_backfill_carries_on_where_it_stopped_and_downloads_nothing_twice(tmp_path):
    server = GatedMirror(N, now=now_almaty(), spacing=SPACING)
    try:
        since = (server.now - timedelta(days=90)).date()
        db_path = tmp_path / "news.db"
        args = [sys.executable, "-m", "newsarchive", "crawl", "matritca", "--db", str(db_path),
                f"--base-url=matritca={server.base_url}", "--since", since.isoformat(), *SETTINGS]
        process = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert server.reached.wait(120), process.communicate(timeout=60)
        assert wait_for_walk(db_path, pages=5, process=process), process.communicate(timeout=60)
        process.send_signal(signal.SIGKILL)  # while it waits for listing page 8, past page 5
        process.communicate(timeout=60)
        before = archived(db_path)
        with sqlite3.connect(db_path) as conn:
            (finished,) = conn.execute("SELECT finished_at FROM backfills").fetchone()
            walked = conn.execute("SELECT pages, next_url, done FROM backfill_walks").fetchall()
        assert finished is None and 0 < len(before) < 151
        ((pages, next_url, done),) = walked
        assert 5 <= pages <= 7 and not done and next_url == f"https://matritca.kz/news/page/{pages + 1}/"

        server.reset()
        server.release.set()
        crawl(db_path, server)  # a plain crawl: the unfinished backfill goes on
        assert archived(db_path) == published_since(server, since)
        again = {path for path in article_requests(server) if server.base_real + path in before}
        assert again == set(), "no article archived before the kill is downloaded again"
        assert listing_requests(server) & {f"/news/page/{n}/" for n in range(2, pages + 1)} == set(), \
            "the listing pages walked before the kill are not walked again"
        with sqlite3.connect(db_path) as conn:
            assert conn.execute("SELECT finished_at IS NOT NULL FROM backfills").fetchone() == (1,)
    finally:
        server.release.set()
        server.stop()


# -- unknown sites: crawl --url URL --since D ----------------------------------------------------------

def crawl_url(db_path, server, since: date) -> subprocess.CompletedProcess:
    result = run_cli("crawl", "--url", server.base_url + "/", "--since", since.isoformat(), "--db", str(db_path),
                     *SETTINGS)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.mark.parametrize("make, days", [
    (lambda: PortalMirror(), 60),  # sitemap index with .xml.gz children, and "Все новости" ?page=N
    (lambda: PortalMirror(sitemap=False), 60),  # the same site without its sitemap: the pager alone
    (lambda: DleMirror(), 100),  # DLE, windows-1251: RSS of the newest, /page/N/, no sitemap
], ids=["portal", "portal-without-sitemap", "dle-cp1251"])
def test_unknown_site_since_a_date(tmp_path, make, days):
    server = make()
    try:
        since = (server.now - timedelta(days=days)).date()
        db_path = tmp_path / "news.db"
        crawl_url(db_path, server, since)
        wanted = server.since(since)
        with sqlite3.connect(db_path) as conn:
            rows = {url: (title, day) for url, title, day in conn.execute("SELECT url, title, published_day FROM articles")}
        right = [a for a in wanted if rows.get(server.url_of(a)) ==
                 (a["title"], a["published"].astimezone(ALMATY).date().isoformat())]
        share = len(right) / len(wanted)
        print(f"{type(server).__name__}: {len(right)} of {len(wanted)} articles since {since} archived right "
              f"({share:.0%})")
        assert len(wanted) >= 25 and share >= 0.95
        assert all(url.startswith(server.base_url) and not url.rstrip("/").endswith(("/2026", "/novosti"))
                   for url in rows), "only articles"

        server.reset()
        crawl_url(db_path, server, since)
        assert server.fetched_articles() == {}, "a second run downloads no article again"
    finally:
        server.stop()


def test_sitemap_children_are_chosen_by_lastmod_and_gzipped_ones_read(tmp_path):
    """A site entry that finds its articles through its sitemap only: the index's children dated
    since the date are read (the newest two are .xml.gz), older ones are not asked for."""
    server = PortalMirror()
    try:
        entries = tmp_path / "entries"
        entries.mkdir()
        (entries / "gorod.toml").write_text("""name = "gorod"
domain = "gorod-info.kz"
base_url = "https://gorod-info.kz"
region = "Павлодарская область"
article_pattern = '^/novosti/[a-z]+/[a-z0-9-]+-\\d+/$'
date_formats = ["12 ноября 2026, 10:25"]
[discovery]
sitemaps = ["/sitemap.xml"]
""", encoding="utf-8")
        since = (server.now - timedelta(days=60)).date()
        db_path = tmp_path / "news.db"
        result = run_cli("crawl", "gorod", "--since", since.isoformat(), "--db", str(db_path),
                         f"--base-url=gorod={server.base_url}", *SETTINGS, env={"NEWSARCHIVE_SITES_DIR": str(entries)})
        assert result.returncode == 0, result.stderr[-3000:]
        expected = {"https://gorod-info.kz" + server.path(a) for a in server.since(since)}
        assert archived(db_path) == expected
        children = {path for path in server.requests if path.startswith("/sitemaps/")}
        gzipped = {a["id"] for a in server.since(since) if server.child_name(
            a["published"].astimezone(ALMATY).strftime("%Y-%m")).endswith(".gz")}
        assert len(gzipped) >= 10 and {path for path in children if path.endswith(".xml.gz")}, \
            "the articles of the .xml.gz children are among those archived"
        months = {path.split("novosti-")[1][:7] for path in children if "novosti-" in path}
        assert min(months) == f"{since:%Y-%m}", "children older than the date are not read"
    finally:
        server.stop()


# -- an entry whose site moved its articles to a new URL shape ------------------------------------

@pytest.mark.parametrize("knows", ["old", "new", "both"])
def test_entry_keeps_finding_articles_after_a_change_of_url_scheme(tmp_path, knows):
    server = SchemeMirror()
    try:
        patterns = {"old": [server.OLD], "new": [server.NEW], "both": [server.OLD, server.NEW]}[knows]
        entries = tmp_path / "entries"
        entries.mkdir()
        (entries / "vestnik.toml").write_text(server.entry("vestnik", patterns), encoding="utf-8")
        env = {"NEWSARCHIVE_SITES_DIR": str(entries)}
        db_path = tmp_path / "news.db"
        result = run_cli("crawl", "vestnik", "--db", str(db_path), f"--base-url=vestnik={server.base_url}",
                         *SETTINGS, env=env)
        assert result.returncode == 0, result.stderr[-3000:]
        stored = archived(db_path)
        shares = [sum(server.real_url(a) in stored for a in page) / len(page) for page in server.listing_pages()]
        print(f"entry knowing the {knows} shape: share of each listing page's articles archived: {shares}")
        assert min(shares) >= 0.9
        assert server.fetched("/export/news.xml") >= 1, "the feed the front page advertises is read"

        health = run_cli("health", "--db", str(db_path), env=env)
        if knows == "both":
            assert health.returncode == 0 and "URL scheme" not in health.stdout
            return
        assert health.returncode == 1 and "vestnik-irtysh.kz: FLAGGED" in health.stdout, health.stdout
        assert "URL scheme changed?" in health.stdout and "vestnik.toml" in health.stdout
        with sqlite3.connect(db_path) as conn:
            (generic,) = conn.execute("SELECT generic_links FROM site_runs").fetchone()
        assert generic >= 20
    finally:
        server.stop()


# -- the parts ----------------------------------------------------------------------------------------

def test_gzipped_sitemap_is_read_within_its_bound():
    xml = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.kz/a-1-2</loc></url></urlset>'
    assert discovery.sitemap_body(gzip.compress(xml)) == xml
    assert discovery.sitemap_body(xml) == xml
    hits = []
    assert discovery.sitemap_body(gzip.compress(xml * 100), len(xml) * 10, lambda *hit: hits.append(hit)) == b""
    assert [reason for reason, _ in hits] == ["too_large"]
    assert discovery.sitemap_body(b"\x1f\x8bnot gzip at all") == b""


def test_child_sitemaps_are_chosen_by_lastmod_else_by_the_month_in_their_name():
    since = datetime(2026, 10, 15, tzinfo=ALMATY)
    children = [("https://x.kz/s-2026-08.xml", None), ("https://x.kz/a.xml", datetime(2026, 11, 1, tzinfo=ALMATY)),
                ("https://x.kz/b.xml", datetime(2026, 9, 1, tzinfo=ALMATY)), ("https://x.kz/posts_202610.xml.gz", None),
                ("https://x.kz/pages.xml", None), ("https://x.kz/tags.xml", None)]
    assert discovery.choose_sitemaps(children, since) == [
        "https://x.kz/a.xml", "https://x.kz/posts_202610.xml.gz", "https://x.kz/tags.xml", "https://x.kz/pages.xml"]
    assert discovery.choose_sitemaps(children, since, limit=2) == ["https://x.kz/a.xml", "https://x.kz/posts_202610.xml.gz"]


def _pager(url: str, *links) -> str | None:
    body = "<html><body><a href='/news/5-some-article.html'>5 причин</a>" + "".join(
        f"<a href='{href}'>{text}</a>" for href, text in links) + "</body></html>"
    return discovery.next_page(body.encode(), url)


@pytest.mark.parametrize("url, links, expected", [
    ("https://x.kz/", [("/page/2/", "2"), ("/page/3/", "3"), ("/page/2/", "Далее")], "https://x.kz/page/2/"),
    ("https://x.kz/page/3/", [("/", "1"), ("/page/2/", "2"), ("/page/4/", "4")], "https://x.kz/page/4/"),
    ("https://x.kz/news/", [("/news/?page=2", "2"), ("/news/?page=3", "3")], "https://x.kz/news/?page=2"),
    ("https://x.kz/news/?PAGEN_1=2", [("/news/?PAGEN_1=1", "1"), ("/news/?PAGEN_1=3", "3")],
     "https://x.kz/news/?PAGEN_1=3"),
    ("https://x.kz/news?start=20", [("/news", "«"), ("/news?start=40", "»")], "https://x.kz/news?start=40"),
    ("https://x.kz/index.php?do=cat&category=news", [("/index.php?do=cat&category=news&cstart=2", "2")],
     "https://x.kz/index.php?do=cat&category=news&cstart=2"),
    ("https://x.kz/lenta/list-2.html", [("/lenta/list-1.html", "1"), ("/lenta/list-3.html", "3")],
     "https://x.kz/lenta/list-3.html"),
    ("https://x.kz/", [("/?p=40290", "Статья о пенсиях")], None),  # WordPress ?p=ID is an article
    ("https://x.kz/news/", [("/news/page/2/", "Следующая")], "https://x.kz/news/page/2/"),
])
def test_next_page_of_the_usual_pagers(url, links, expected):
    assert _pager(url, *links) == expected


def test_rel_next_comes_first():
    body = b"<html><head><link rel='next' href='/archive?cursor=abc'></head><body><a href='/page/2/'>2</a></body></html>"
    assert discovery.next_page(body, "https://x.kz/") == "https://x.kz/archive?cursor=abc"


def test_listing_items_are_dated_by_their_own_date_never_the_page_header():
    page = """<html><body><div class="today">Сегодня 5 декабря 2026</div><ul>
    <li><span class="date">24.11.2026 10:25</span> <a href="/news/1-a.html">Итоги 2026 года: 12 школ</a></li>
    <li><a href="/news/2-b.html">Материал</a> <time datetime="2026-10-01T10:00:00+05:00">1 октября</time></li>
    <li><a href="/news/3-c.html">Без даты, 15 лет спустя</a></li>
    <li><div class="card"><a href="/news/4-d.html"><h3>Карточка</h3></a><p class="meta">Вчера, 09:15</p></div></li>
    <li><a href="/news/5-e.html">По времени</a><span data-unixtime="1795000000"></span></li>
    <li><a href="/news/6-f.html">Афиша</a><p>12 ноября состоится концерт</p></li>
    <li><a href="/news/7-g.html">Без класса</a><small>3 декабря 2026 г., 18:40</small></li></ul></body></html>"""
    links = [f"https://x.kz/news/{n}.html" for n in ("1-a", "2-b", "3-c", "4-d", "5-e", "6-f", "7-g")]
    now = datetime(2026, 12, 5, 12, 0, tzinfo=ALMATY)
    dates = discovery.listing_dates(page.encode(), "https://x.kz/", links, now=now)
    assert dates[links[0]] == datetime(2026, 11, 24, 10, 25, tzinfo=ALMATY)
    assert dates[links[1]].isoformat() == "2026-10-01T10:00:00+05:00"
    assert links[2] not in dates
    assert dates[links[3]] == datetime(2026, 12, 4, 9, 15, tzinfo=ALMATY)
    assert dates[links[4]].timestamp() == 1795000000
    assert links[5] not in dates, "a lead that mentions a day is not the item's date"
    assert dates[links[6]] == datetime(2026, 12, 3, 18, 40, tzinfo=ALMATY)


def test_day_archive_is_found_on_the_page():
    calendar = b"<html><body><a href='/2026/11/24/'>24</a><a href='/2026/11/25/'>25</a><a href='/news/1-a.html'>a</a></body></html>"
    assert discovery.day_archive(calendar, "https://x.kz/") == "/{yyyy}/{mm}/{dd}/"
    wordpress = b"<html><body><a href='/?m=20261124'>24</a></body></html>"
    assert discovery.day_archive(wordpress, "https://x.kz/") == "/?m={yyyy}{mm}{dd}"
    dle = b'<html><head><meta name="generator" content="DataLife Engine (http://dle-news.ru)"></head></html>'
    assert discovery.day_archive(dle, "https://x.kz/") == "/{yyyy}/{mm}/{dd}/"
    assert discovery.day_archive(b"<html><body><a href='/2026/11/slug-of-a-story'>x</a></body></html>", "https://x.kz/") is None
    assert discovery.day_of_archive_url("/{yyyy}/{mm}/{dd}/", "https://x.kz/2026/11/24/page/2/") == date(2026, 11, 24)


def test_url_shapes_group_links_of_one_scheme():
    assert discovery.url_shape("https://x.kz/materials/v-pavlodare-otkryli-shkolu-4021") == "/materials/{slug}"
    assert discovery.url_shape("https://x.kz/news/123-slug.html") == discovery.url_shape("https://x.kz/news/9-b-c.html")
    assert discovery.url_shape("https://x.kz/2026/11/slug-x/") == "/{n}/{n}/{slug}/"


def test_entries_may_list_several_article_url_shapes():
    base = {"name": "x", "domain": "x.kz", "base_url": "https://x.kz"}
    old = site_from_dict({**base, "article_pattern": r"^/news/\d+\.html$"})
    assert old.is_article_url("https://x.kz/news/1.html") and not old.is_article_url("https://x.kz/m/a-1")
    both = site_from_dict({**base, "article_pattern": r"^/news/\d+\.html$", "article_patterns": [r"^/m/[a-z]+-\d+$"]})
    assert both.is_article_url("https://x.kz/news/1.html") and both.is_article_url("https://x.kz/m/a-1")
    assert both.article_pattern == r"^/news/\d+\.html$" and len(both.patterns) == 2
    listed = site_from_dict({**base, "article_patterns": [r"^/m/[a-z]+-\d+$"]})
    assert listed.article_pattern and listed.is_article_url("https://x.kz/m/a-1")
    for bad in ({"article_patterns": ["("]}, {"article_patterns": "^/a$"},
                {"discovery": {"date_archive": "/{yyyy}/{mm}/"}}, {"discovery": {"first_crawl_days": -1}}):
        with pytest.raises(SiteError):
            site_from_dict({**base, **bad})


def test_window_of_a_crawl(tmp_path):
    db = open_db(tmp_path / "news.db")
    now = datetime(2026, 12, 5, 12, 0, tzinfo=ALMATY)
    first = backfill.window_for(db, "x.kz", "x.kz", since=None, first_crawl_days=30, now=now)
    assert first == backfill.Window(datetime(2026, 11, 5, tzinfo=ALMATY), "first crawl")
    assert backfill.window_for(db, "x.kz", "x.kz", since=None, first_crawl_days=0, now=now) is None
    asked = backfill.parse_since("2026-09-01")
    backfill.begin_backfill(db, "x.kz", backfill.Window(asked, "--since"))
    later = backfill.window_for(db, "x.kz", "x.kz", since=backfill.parse_since("2026-10-01"), first_crawl_days=30, now=now)
    assert later == backfill.Window(asked, "unfinished backfill"), "an unfinished backfill reaches further"
    backfill.finish_backfill(db, "x.kz")
    assert backfill.window_for(db, "x.kz", "x.kz", since=None, first_crawl_days=30, now=now) is None, \
        "a backfill that finished is no first crawl"
    with pytest.raises(ValueError):
        backfill.parse_since("1 сентября")


def test_a_walk_stops_where_most_items_are_older_than_the_start():
    start = datetime(2026, 9, 1, tzinfo=ALMATY)
    day = timedelta(days=1)
    assert backfill.goes_on([], start)
    assert backfill.goes_on([start - 400 * day] + [start + day] * 9, start), "an old pinned item does not stop it"
    assert not backfill.goes_on([start + day] * 4 + [start - day] * 6, start)


def test_generic_links_flag_the_site_by_name(tmp_path):
    from newsarchive.crawl.runs import record_site_run, site_figures, start_run
    from newsarchive.ops.health import site_health

    db = open_db(tmp_path / "news.db")
    run = start_run(db, ["matritca"])
    record_site_run(db, run, "matritca.kz", site_figures({"newsarchive/pages": 30, "newsarchive/new": 30,
                                                           "newsarchive/discovered": 30,
                                                           "newsarchive/generic_links": 30}))
    (warning,) = site_health(db, "matritca.kz").warnings
    assert "URL scheme changed?" in warning and "matritca.toml" in warning


def test_first_crawl_window_setting_overrides_entries_only_when_given():
    from newsarchive.spiders.news import spider_for
    from scrapy.utils.test import get_crawler

    from newsarchive.crawl.runner import crawl_settings
    from newsarchive.sites import get_site

    entry = site_from_dict({"name": "w", "domain": "w.kz", "base_url": "https://w.kz", "article_pattern": "^/a$",
                            "discovery": {"first_crawl_days": 7}})
    settings = crawl_settings(":memory:", {"NEWSARCHIVE_FIRST_CRAWL_DAYS": 90})  # -s NEWSARCHIVE_FIRST_CRAWL_DAYS=90
    crawler = get_crawler(spider_for(entry))
    crawler.settings = settings
    assert crawler.spidercls.from_crawler(crawler).first_crawl_days() == 90
    crawler.settings = crawl_settings(":memory:")
    assert crawler.spidercls.from_crawler(crawler).first_crawl_days() == 7, "the entry's own window"
    crawler = get_crawler(spider_for(get_site("kt")))
    crawler.settings = crawl_settings(":memory:")
    assert crawler.spidercls.from_crawler(crawler).first_crawl_days() == 30, "an entry without its own window"


def test_migrated_archive_has_the_backfill_tables(tmp_path):
    import shutil
    from pathlib import Path

    path = tmp_path / "archive.db"
    shutil.copy(Path(__file__).parent / "data" / "archive_v2.db", path)
    db = open_db(path)
    columns = {row[1] for row in db.execute("PRAGMA table_info(site_runs)")}
    assert {"generic_links", "listing_pages", "reached"} <= columns
    assert db["backfills"].exists() and db["backfill_walks"].exists()
