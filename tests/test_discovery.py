from datetime import datetime, timedelta, timezone

from newsarchive.crawl import discovery
from newsarchive.urls import looks_like_article

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://matritca.kz/news/1-a.html</link><pubDate>Tue, 24 Nov 2026 10:25:00 +0500</pubDate></item>
<item><title>b</title><guid>https://matritca.kz/news/2-b.html</guid></item>
</channel></rss>"""

ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="/news/3-c.html"/>
<updated>2026-11-24T10:25:00+05:00</updated></entry></feed>"""

INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://x.kz/sitemap-2022.xml</loc><lastmod>2022-01-01</lastmod></sitemap>
<sitemap><loc>https://x.kz/sitemap-new.xml</loc></sitemap></sitemapindex>"""


def test_rss_items_give_links_and_dates():
    entries = discovery.feed_entries(RSS, "https://matritca.kz/rss.xml")
    assert [link for link, _ in entries] == ["https://matritca.kz/news/1-a.html", "https://matritca.kz/news/2-b.html"]
    assert entries[0][1] == datetime(2026, 11, 24, 5, 25, tzinfo=timezone.utc)


def test_atom_links_are_made_absolute():
    assert discovery.feed_entries(ATOM, "https://matritca.kz/feed") == [
        ("https://matritca.kz/news/3-c.html", datetime.fromisoformat("2026-11-24T10:25:00+05:00"))
    ]


def test_broken_feed_gives_nothing_instead_of_an_error():
    assert discovery.feed_entries(b"<html>not a feed", "https://x.kz/") == []
    assert discovery.feed_entries(b"", "https://x.kz/") == []


def test_sitemap_index_and_lastmod_cut_off():
    sitemaps, pages = discovery.sitemap_entries(INDEX, "https://x.kz/sitemap.xml")
    assert pages == []
    recent = [loc for loc, lastmod in sitemaps if discovery.is_recent(lastmod, 30)]
    assert recent == ["https://x.kz/sitemap-new.xml"]
    assert not discovery.is_recent(datetime.now(timezone.utc) - timedelta(days=31), 30)


def test_robots_sitemap_lines_and_alternate_feeds():
    assert discovery.robots_sitemaps(b"User-agent: *\nDisallow: /admin\nSitemap: https://x.kz/s.xml\n") == [
        "https://x.kz/s.xml"
    ]
    page = b'<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body></body></html>'
    assert discovery.alternate_feeds(page, "https://x.kz/") == ["https://x.kz/rss.xml"]


def test_article_looking_links_of_an_unknown_site():
    host = "example.kz"
    assert looks_like_article("https://example.kz/news/12345-pensii-vyrastut.html", host)
    assert looks_like_article("https://example.kz/2026/11/pensii-vyrastut-s-yanvarya", host)
    assert not looks_like_article("https://example.kz/tag/pensiya-2026/", host)
    assert not looks_like_article("https://example.kz/category/economy/page/2/", host)
    assert not looks_like_article("https://other.kz/news/12345-x.html", host)
    assert not looks_like_article("https://example.kz/", host)


def test_an_updated_atom_entry_is_dated_by_its_latest_date():
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://x.kz/news/1-a.html"/>
    <published>2026-11-20T10:00:00+05:00</published><updated>2026-11-24T18:30:00+05:00</updated></entry></feed>"""
    ((_, date),) = discovery.feed_entries(atom, "https://x.kz/feed")
    assert date == datetime.fromisoformat("2026-11-24T18:30:00+05:00")


def test_feed_dates_without_offset_are_kazakhstan_time():
    rss = b"""<rss><channel><item><link>https://x.kz/news/1-a.html</link>
    <pubDate>2026-11-24T10:25:00</pubDate></item></channel></rss>"""
    ((_, date),) = discovery.feed_entries(rss, "https://x.kz/rss")
    assert date == datetime.fromisoformat("2026-11-24T10:25:00+05:00")
