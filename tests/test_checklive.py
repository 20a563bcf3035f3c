"""check-live: what each discovery step and an article page show of a site entry, read from a
fixture mirror; and the command itself, crawling a mirror as it would crawl the real site."""

import os

from conftest import run_cli
from mirrors.server import MIRRORS_DIR, load_manifest, serve_mirror

from newsarchive.ops.checklive import article_links, selectors_matching
from newsarchive.sites import get_site


def test_article_links_of_each_discovery_step():
    site, manifest = get_site("matritca"), load_manifest("matritca")
    articles = {article["url"] for article in manifest["articles"]}
    feed = (MIRRORS_DIR / "matritca" / "rss.xml").read_bytes()
    links, children = article_links(site, "feed", feed, "https://matritca.kz/rss.xml")
    assert links and set(links) <= articles and children == []
    listing = (MIRRORS_DIR / "matritca" / "news" / "index.html").read_bytes()
    links, _ = article_links(site, "listing", listing, "https://matritca.kz/news/")
    assert links and set(links) <= articles


def test_selectors_of_a_faithful_page_match_and_a_renamed_one_does_not():
    site = get_site("matritca")
    page = next(p for p in (MIRRORS_DIR / "matritca" / "news").glob("*.html") if p.name != "index.html")
    matched = selectors_matching(site, page.read_text(encoding="utf-8"))
    assert matched["body"] and matched["title"]
    assert selectors_matching(site, "<html><body><h1>x</h1><div class='renamed-body'>t</div></body></html>")["body"] is False


def test_check_live_command_against_a_mirror(tmp_path):
    with serve_mirror(MIRRORS_DIR / "matritca") as server:
        ok = run_cli("check-live", "matritca", f"--base-url=matritca={server.base_url}")
        entry = (MIRRORS_DIR.parent.parent / "sites" / "matritca.toml").read_text(encoding="utf-8")
        (tmp_path / "matritca.toml").write_text(entry.replace("body = \"div[id^='news-id-']\"",
                                                              "body = \"div.renamed-body\""), encoding="utf-8")
        broken = run_cli("check-live", "matritca", f"--base-url=matritca={server.base_url}",
                         env={"NEWSARCHIVE_SITES_DIR": str(tmp_path)})
        offline = run_cli("check-live", "matritca", "--base-url=matritca=http://127.0.0.1:9")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "matritca: ok" in ok.stdout and "selector body: matches" in ok.stdout
    assert "feed /rss.xml: " in ok.stdout and " article links" in ok.stdout
    assert broken.returncode == 1 and "selector body: NO MATCH" in broken.stdout, broken.stdout + broken.stderr
    assert offline.returncode == 1 and "error" in offline.stdout
    assert os.environ.get("NEWSARCHIVE_SITES_DIR") is None
