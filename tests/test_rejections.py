"""A page that is not an article is rejected with its reason, the crawl goes on, nothing half-stored."""

import re
import shutil

from conftest import crawl_mirrors
from mirrors.server import MIRRORS_DIR, load_manifest, serve_mirror

from newsarchive.store.schema import open_db


def test_page_without_text_is_recorded_as_failure_and_others_are_archived(tmp_path):
    mirror = tmp_path / "matritca"
    shutil.copytree(MIRRORS_DIR / "matritca", mirror)
    articles = load_manifest("matritca")["articles"]
    broken = articles[0]
    page = mirror / broken["path"].lstrip("/")
    html = page.read_text(encoding="utf-8")
    emptied = re.sub(r"<p>.*?</p>", "", html, flags=re.S)
    emptied = re.sub(r'<script type="application/ld\+json">.*?</script>', "", emptied, flags=re.S)
    page.write_text(emptied, encoding="utf-8")

    db_path = tmp_path / "news.db"
    with serve_mirror(mirror) as server:
        result = crawl_mirrors(db_path, {"matritca": server})
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1 rejected" in result.stdout
    db = open_db(db_path, create=False)
    assert {r["url"] for r in db.query("SELECT url FROM articles")} == {a["url"] for a in articles[1:]}
    (failure,) = db.query("SELECT url, reason, run_id FROM failures")
    assert failure["url"] == broken["url"] and failure["reason"] in ("no_body", "body_too_short", "no_text")
    assert failure["run_id"] == next(db.query("SELECT id FROM crawl_runs"))["id"]
    assert db.execute("SELECT COUNT(*) FROM article_urls WHERE url = ?", [broken["url"]]).fetchone()[0] == 0


def test_a_rejected_page_is_not_downloaded_again_on_the_next_run(tmp_path):
    mirror = tmp_path / "matritca"
    shutil.copytree(MIRRORS_DIR / "matritca", mirror)
    broken = load_manifest("matritca")["articles"][0]
    page = mirror / broken["path"].lstrip("/")
    page.write_text(re.sub(r"<p>.*?</p>", "", page.read_text(encoding="utf-8"), flags=re.S), encoding="utf-8")
    db_path = tmp_path / "news.db"
    with serve_mirror(mirror) as server:
        assert crawl_mirrors(db_path, {"matritca": server}).returncode == 0
        server.reset()
        assert crawl_mirrors(db_path, {"matritca": server}).returncode == 0
        assert server.fetched(broken["path"]) == 0
    db = open_db(db_path, create=False)
    assert db["failures"].count == 1
    from newsarchive.ops.health import site_health

    assert site_health(db, "matritca.kz").ok


def test_crawl_by_domain_records_the_site_name(tmp_path):
    db_path = tmp_path / "news.db"
    with serve_mirror(MIRRORS_DIR / "kt") as server:
        from conftest import run_cli

        from newsarchive.crawl.runner import MIRROR_SETTINGS

        settings = [arg for key, value in MIRROR_SETTINGS.items() for arg in ("-s", f"{key}={value}")]
        result = run_cli("crawl", "kt.kz", f"--base-url=kt.kz={server.base_url}", "--db", str(db_path), *settings)
    assert result.returncode == 0, result.stderr[-2000:]
    db = open_db(db_path, create=False)
    assert [r["sites"] for r in db.query("SELECT sites FROM crawl_runs")] == ["kt"]
    assert db["articles"].count == len(load_manifest("kt")["articles"])
