"""A site that changes its template is flagged by `newsarchive health` after the next crawl,
while the generic fallback still archives its articles."""

from __future__ import annotations

import json
import re
import shutil

from conftest import crawl_mirrors, run_cli
from newsarchive.db import open_db
from newsarchive.health import site_health
from newsarchive.mirror import MIRRORS_DIR, load_manifest, serve_mirror


def test_renamed_body_container_is_flagged_and_articles_still_archived(tmp_path):
    mirror = tmp_path / "matritca"
    shutil.copytree(MIRRORS_DIR / "matritca", mirror)
    manifest = load_manifest("matritca")
    late = manifest["articles"][:2]  # published after the site's redesign
    hidden = {a["path"]: (mirror / a["path"].lstrip("/")).read_text(encoding="utf-8") for a in late}
    for path in hidden:
        (mirror / path.lstrip("/")).unlink()
    db_path = tmp_path / "news.db"

    with serve_mirror(mirror) as server:
        first = crawl_mirrors(db_path, {"matritca": server})
        assert first.returncode == 0, first.stderr[-2000:]
        db = open_db(db_path, create=False)
        assert site_health(db, "matritca.kz").ok

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
