"""A real `newsarchive crawl` of every fixture mirror into a real SQLite file, checked row by row
against the mirrors' manifests; then a second crawl that must add and download nothing."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import crawl_mirrors
from mirrors.server import load_manifest, mirror_names

from newsarchive.store.schema import open_db
from newsarchive.textnorm import fold_tag

ALMATY = ZoneInfo("Asia/Almaty")
FIELDS = ("title", "lead", "body", "author", "section", "credited_source", "credited_via", "language",
          "region", "story_region", "modified_at")


@pytest.fixture(scope="module")
def archive(mirrors, tmp_path_factory):
    db_path = tmp_path_factory.mktemp("e2e") / "news.db"
    first = crawl_mirrors(db_path, mirrors, "-s", "NEWSARCHIVE_STORY_BATCH=3")  # stories decided along the way too
    assert first.returncode == 0, first.stderr[-3000:]
    db = open_db(db_path, create=False)
    yield db_path, db, first
    db.close()


def expected_published(article: dict, fetched_at: str) -> str:
    value = article["published_at"]
    if not isinstance(value, dict):
        return value
    day_word, _, clock = value["relative"].partition(",")  # "Вчера, 09:15"; "Вчера, 2026 12:10" (ekaraganda.kz)
    hour, minute = (int(p) for p in clock.split()[-1].split(":"))
    fetched = datetime.fromisoformat(fetched_at).astimezone(ALMATY)
    back = {"сегодня": 0, "вчера": 1}[day_word.strip().lower()]
    when = (fetched - timedelta(days=back)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    return when.isoformat()


@pytest.mark.parametrize("name", mirror_names())
def test_every_field_of_every_mirrored_article(archive, name):
    _, db, _ = archive
    manifest = load_manifest(name)
    rows = {row["url"]: row for row in db.query("SELECT * FROM articles WHERE site = ?", [manifest["domain"]])}
    expected_urls = {a["url"] for a in manifest["articles"] if not a.get("duplicate_of")}
    assert set(rows) == expected_urls
    for article in manifest["articles"]:
        row = rows[article["url"]]
        for field in FIELDS:
            assert row[field] == article[field], (article["url"], field)
        assert [fold_tag(t) for t in json.loads(row["tags"])] == [fold_tag(t) for t in article["tags"]], article["url"]
        as_written = {r[0] for r in db.execute("SELECT tag FROM article_tags WHERE article_id = ?", [row["id"]])}
        assert as_written == set(article["tags"]), article["url"]
        assert json.loads(row["images"]) == article["images"], article["url"]
        assert row["published_at"] == expected_published(article, row["fetched_at"]), article["url"]


def test_syndicated_copies_share_a_story_with_their_original(archive):
    _, db, _ = archive
    copies = [a for name in mirror_names() for a in load_manifest(name)["articles"] if a.get("syndicated_from")]
    assert copies, "the mirrors must hold at least one re-published story"
    for copy in copies:
        pair = {row["url"]: row["story_id"] for row in db.query(
            "SELECT url, story_id FROM articles WHERE url IN (?, ?)", [copy["url"], copy["syndicated_from"]])}
        assert len(pair) == 2 and len(set(pair.values())) == 1, copy["url"]


def test_crawl_run_is_recorded_per_site(archive):
    _, db, _ = archive
    (run,) = db.query("SELECT * FROM crawl_runs")
    assert run["status"] == "finished" and run["new"] == db["articles"].count
    sites = {row["site"]: row for row in db.query("SELECT * FROM site_runs WHERE run_id = ?", [run["id"]])}
    for name in mirror_names():
        manifest = load_manifest(name)
        assert sites[manifest["domain"]]["new"] == len([a for a in manifest["articles"] if not a.get("duplicate_of")])


def test_second_crawl_adds_nothing_and_downloads_no_known_article(archive, mirrors):
    db_path, db, _ = archive
    before = db["articles"].count
    for server in mirrors.values():
        server.reset()
    second = crawl_mirrors(db_path, mirrors)
    assert second.returncode == 0, second.stderr[-3000:]
    assert db["articles"].count == before
    for name, server in mirrors.items():
        article_paths = {a["path"] for a in load_manifest(name)["articles"]}
        downloaded = {path for path in server.requests if path in article_paths}
        assert downloaded == set(), name


@pytest.mark.parametrize("name, region", [
    ("ВКО", "ВКО"), ("Өскемен", "ВКО"), ("Семей", "Абайская область"), ("Абай облысы", "Абайская область"),
    ("Жетісу", "Жетысуская область"), ("Талдыкорган", "Жетысуская область"), ("Ұлытау", "Улытауская область"),
    ("Жезказган", "Улытауская область"), ("Ақтөбе", "Актюбинская область"), ("Орал", "ЗКО"),
])
def test_region_search_returns_the_mirrors_stories_of_that_region_and_only_those(archive, name, region):
    from conftest import run_cli

    db_path, _, _ = archive
    expected = {a["url"] for name_ in mirror_names() for a in load_manifest(name_)["articles"]
                if (a["story_region"] or a["region"]) == region and not a.get("duplicate_of")}
    assert expected, f"the mirrors must hold {region} stories"
    result = run_cli("search", "--region", name, "--format", "json", "--limit", "1000", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert {row["url"] for row in json.loads(result.stdout)} == expected


def test_light_entries_read_the_feeds_their_front_page_advertises(archive, mirrors):
    from newsarchive.sites import load_sites

    light = [name for name, site in load_sites().items() if site.light and name in mirrors]
    assert light
    for name in light:
        advertised = [f for f in load_manifest(name)["feeds"] if f not in load_sites()[name].discovery.feeds]
        for feed in advertised:
            assert mirrors[name].fetched(feed) >= 1, (name, feed)
    assert any(f for name in light for f in load_manifest(name)["feeds"])


def test_plain_scrapy_crawl_of_a_mirror_with_base_url(tmp_path):
    """`scrapy crawl NAME -a base_url=…` (no newsarchive CLI): the same archive rows."""
    import subprocess
    import sys

    from conftest import REPO
    from mirrors.server import MIRRORS_DIR, serve_mirror

    from newsarchive.crawl.runner import MIRROR_SETTINGS

    db_path = tmp_path / "scrapy.db"
    settings = [arg for key, value in {**MIRROR_SETTINGS, "NEWSARCHIVE_DB": db_path}.items()
                for arg in ("-s", f"{key}={value}")]
    with serve_mirror(MIRRORS_DIR / "kt") as server:
        result = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "kt", "-a", f"base_url={server.base_url}",
                                 *settings], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    db = open_db(db_path, create=False)
    manifest = load_manifest("kt")
    rows = {row["url"]: row for row in db.query("SELECT * FROM articles")}
    assert set(rows) == {a["url"] for a in manifest["articles"]}
    for article in manifest["articles"]:
        assert rows[article["url"]]["body"] == article["body"]
    (run,) = db.query("SELECT status, sites FROM crawl_runs")
    assert run == {"status": "finished", "sites": "kt"}
