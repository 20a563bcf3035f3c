"""A site that changes its template is flagged by `newsarchive health` after the next crawl,
while the generic fallback still archives its articles."""

from __future__ import annotations

import json
import re
import shutil

from conftest import crawl_mirrors, run_cli
from mirrors.server import MIRRORS_DIR, load_manifest, query_file, serve_mirror

from newsarchive.ops.health import site_health
from newsarchive.store.schema import open_db


def _file(mirror, path: str):
    return mirror / query_file(path)


def _write(mirror, path: str, text: str) -> None:
    _file(mirror, path).write_text(text, encoding="utf-8")


def test_renamed_body_container_is_flagged_and_articles_still_archived(tmp_path):
    mirror = tmp_path / "matritca"
    shutil.copytree(MIRRORS_DIR / "matritca", mirror)
    manifest = load_manifest("matritca")
    late = manifest["articles"][:2]  # published after the site's redesign: not listed before it
    hidden = {a["path"]: (mirror / a["path"].lstrip("/")).read_text(encoding="utf-8") for a in late}
    indexes = {path: _file(mirror, path).read_text(encoding="utf-8") for path in manifest["feeds"] + manifest["listings"]}
    for path, text in indexes.items():
        lines = [line for line in text.splitlines() if not any(hidden_path in line for hidden_path in hidden)]
        _write(mirror, path, "\n".join(lines))
    db_path = tmp_path / "news.db"

    with serve_mirror(mirror) as server:
        first = crawl_mirrors(db_path, {"matritca": server})
        assert first.returncode == 0, first.stderr[-2000:]
        db = open_db(db_path, create=False)
        assert site_health(db, "matritca.kz").ok

        for path, text in indexes.items():
            _write(mirror, path, text)
        for path, html in hidden.items():
            redesigned = re.sub(r'id="news-id-(\d+)"', r'class="story-text" data-id="\1"', html)
            assert redesigned != html
            (mirror / path.lstrip("/")).write_text(redesigned, encoding="utf-8")
        second = crawl_mirrors(db_path, {"matritca": server})
    assert "selector 'body'" in second.stderr

    report = site_health(db, "matritca.kz")
    assert any("selector 'body'" in warning for warning in report.warnings), report
    cli = run_cli("health", "matritca.kz", "--db", str(db_path))
    assert cli.returncode == 1 and "FLAGGED" in cli.stdout and "selector 'body'" in cli.stdout

    stored = {row["url"]: row for row in db.query("SELECT url, title, body FROM articles")}
    for article in late:
        assert stored[article["url"]]["title"] == article["title"]
        assert article["body"].split("\n\n")[0] in stored[article["url"]]["body"]
    run = list(db.query("SELECT missed_selectors FROM site_runs ORDER BY run_id DESC LIMIT 1"))[0]
    assert json.loads(run["missed_selectors"])["body"] == 1.0


def test_article_pages_that_fail_are_errors_and_flag_the_site(tmp_path):
    mirror = tmp_path / "matritca"
    shutil.copytree(MIRRORS_DIR / "matritca", mirror)
    for article in load_manifest("matritca")["articles"]:  # the site lists articles it then refuses
        (mirror / article["path"].lstrip("/")).unlink()
    db_path = tmp_path / "news.db"
    with serve_mirror(mirror) as server:
        result = crawl_mirrors(db_path, {"matritca": server})
    assert result.returncode == 1, result.stdout  # finished, but pages failed
    assert "failed (http_error): HTTP 404 for https://matritca.kz/news/" in result.stderr
    db = open_db(db_path, create=False)
    report = site_health(db, "matritca.kz")
    assert any("no article page could be downloaded" in w for w in report.warnings), report


def test_health_takes_names_or_domains_and_refuses_unknown_sites(tmp_path):
    db_path = tmp_path / "news.db"
    missing = run_cli("health", "--db", str(db_path))
    assert missing.returncode == 1 and "no archive at" in missing.stderr and "Traceback" not in missing.stderr
    open_db(db_path).close()
    assert run_cli("health", "matritca", "--db", str(db_path)).returncode == 0
    unknown = run_cli("health", "no-such-site", "--db", str(db_path))
    assert unknown.returncode == 2 and "unknown site" in unknown.stderr
