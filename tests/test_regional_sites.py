"""Every region has an outlet (issue 19): the entries' coverage and kinds as `newsarchive sites` shows
them, one spider each, light entries (generic discovery and extraction) and what check-live says of
them, and the mirrors' current-date headers."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest
from conftest import REPO, run_cli
from mirrors.server import MIRRORS_DIR, load_manifest, serve_mirror

from newsarchive.clock import LOCAL
from newsarchive.ops.mirror import render_today
from newsarchive.regions import regions
from newsarchive.sites import SiteError, load_sites, site_from_dict


@pytest.fixture(scope="module")
def listed():
    result = run_cli("sites", "--format", "json", "--db", "/nonexistent/news.db")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sites_json_covers_the_regions_with_full_and_light_entries(listed):
    covered = {row["region"] for row in listed} - {"national"}
    assert covered <= set(regions())
    assert len(covered) >= 16
    assert {row["kind"] for row in listed} == {"full", "light"}
    for row in listed:
        assert row["kind"] == load_sites()[row["name"]].kind
    # a light entry says so, and has only a feed or a listing to start from
    for row in listed:
        if row["kind"] == "light":
            assert row["discovery"] in ("feed", "listing", "feed, listing")


def test_sites_table_shows_the_kind(listed):
    result = run_cli("sites", "--db", "/nonexistent/news.db")
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.strip()}
    for row in listed:
        assert lines[row["name"]][2] == row["kind"], lines[row["name"]]


def test_every_entry_has_its_own_spider(listed):
    result = subprocess.run([sys.executable, "-m", "scrapy", "list"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    spiders = set(result.stdout.split())
    assert {row["name"] for row in listed} <= spiders


# -- light entries -------------------------------------------------------------------------------------

LIGHT = site_from_dict({"name": "x", "domain": "example.kz", "base_url": "https://example.kz", "kind": "light",
                        "discovery": {"listings": ["/"]}})


def test_a_light_entry_takes_any_item_of_its_feeds_and_article_like_links_of_its_pages():
    assert LIGHT.light and LIGHT.article_re is None
    assert LIGHT.is_article_url("https://example.kz/2026/11/short/", "feed")
    assert LIGHT.is_article_url("https://www.example.kz/p?id=5", "feed")
    assert not LIGHT.is_article_url("https://other.kz/news/12345-pensii-vyrastut.html", "feed")
    assert not LIGHT.is_article_url("https://example.kz/", "feed")
    assert LIGHT.is_article_url("https://example.kz/news/12345-pensii-vyrastut.html")
    assert not LIGHT.is_article_url("https://example.kz/category/novosti/")
    assert not LIGHT.is_article_url("https://example.kz/about")


def test_entry_kinds_are_checked():
    base = {"name": "x", "domain": "x.kz", "base_url": "https://x.kz"}
    with pytest.raises(SiteError, match="kind"):
        site_from_dict({**base, "kind": "heavy", "article_pattern": "^/a$"})
    with pytest.raises(SiteError, match="article_pattern"):
        site_from_dict(base)  # a full entry without a pattern would find nothing
    with pytest.raises(SiteError, match="no selectors"):
        site_from_dict({**base, "kind": "light", "selectors": {"title": "h1"}})
    assert site_from_dict({**base, "article_pattern": "^/a$"}).kind == "full"


def test_check_live_reports_what_the_generic_extractor_reads_of_a_light_entry():
    with serve_mirror(MIRRORS_DIR / "zhetysutv") as light, serve_mirror(MIRRORS_DIR / "semey") as full:
        ok = run_cli("check-live", "zhetysutv", "semey", f"--base-url=zhetysutv={light.base_url}",
                     f"--base-url=semey={full.base_url}")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    out = ok.stdout
    assert "zhetysutv: ok" in out and "semey: ok" in out
    assert "listing /ru/: 2 article links" in out
    assert "advertised feed /ru/feed/: 3 article links" in out
    titles = {a["title"] for a in load_manifest("zhetysutv")["articles"]} | {a["title"] for a in load_manifest("semey")["articles"]}
    shown = [line.split(": ", 1)[1] for line in out.splitlines() if "generic title:" in line]
    assert len(shown) == 2 and set(shown) <= titles
    assert "generic date: NOT FOUND" in out  # semey.city: only today's date at the top of its pages


def test_check_live_of_a_light_entry_whose_front_page_shows_no_article(tmp_path):
    (tmp_path / "robots.txt").write_text("User-agent: *\nDisallow:\n")
    (tmp_path / "index.html").write_text('<html><head><meta charset="utf-8"></head><body><a href="/category/news/">'
                                         "Новости</a> <a href=\"/about\">О нас</a></body></html>", encoding="utf-8")
    with serve_mirror(tmp_path) as server:
        result = run_cli("check-live", "yujanka", f"--base-url=yujanka={server.base_url}")
    assert result.returncode == 1
    assert "yujanka: CHECK" in result.stdout and "listing /: 0 article links" in result.stdout
    assert "  article " not in result.stdout and "generic title" not in result.stdout


# -- current-date headers in the mirrors -------------------------------------------------------------------

def test_mirror_serves_todays_date_where_a_page_prints_it():
    when = datetime(2026, 3, 13, 9, 5, tzinfo=LOCAL)
    page = "Сегодня {{today:utf-8:{day} {mon} {y}}} года, {{today:utf-8:{wd}}} | {{today:utf-8:{Wd}, {d} {Mon} {y} {H}:{M}}}"
    assert render_today(page.encode(), when).decode() == \
        "Сегодня 13 марта 2026 года, пятница | Пятница, 13 Марта 2026 09:05"
    assert render_today("{{today:windows-1251:{nom}}}".encode(), when) == "Март".encode("cp1251")
    with serve_mirror(MIRRORS_DIR / "semey") as server:
        article = load_manifest("semey")["articles"][0]["path"]
        body = server.lookup(article)[2].decode()
    today = datetime.now(LOCAL)
    assert "{{today" not in body and f"Сегодня {today.day} " in body
