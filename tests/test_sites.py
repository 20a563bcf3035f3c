"""Site entries: every entry loads, matches its mirror, and its selectors find the manifest's values."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from mirrors.server import MIRRORS_DIR, MirrorServer, load_manifest, mirror_names
from parsel import Selector

from newsarchive.extract import _without_shortcodes
from newsarchive.regions import regions
from newsarchive.sites import SITES_DIR, SiteError, load_sites, site_from_dict

SITES = load_sites()
NAMES = sorted(SITES)
EAST_KZ = {"matritca.kz", "caravan.kz", "kt.kz", "ustinka.kz", "time.kz"}
REGIONS = {"national", *regions()}
#: No Russian-language outlet of Ulytau region was found: a Kazakh-language light entry stands in.
KAZAKH_ONLY = {"saryarqa"}


def test_at_least_15_sites_with_east_kazakhstan_table():
    assert len(SITES) >= 15
    assert EAST_KZ <= {s.domain for s in SITES.values()}


def test_every_site_has_a_mirror_and_every_mirror_a_site():
    assert set(mirror_names()) == set(SITES)


@pytest.mark.parametrize("name", NAMES)
def test_entry_is_well_formed(name):
    site = SITES[name]
    assert re.fullmatch(r"[a-z][a-z0-9_]*", site.name), "spider name must be identifier-like"
    assert site.base_url.startswith("https://") and site.domain in site.base_url
    assert site.region in REGIONS
    assert set(site.languages) <= {"ru", "kk"} and ("ru" in site.languages or name in KAZAKH_ONLY)
    assert site.kind in ("full", "light")
    if site.kind == "full":
        assert site.article_pattern and site.article_re is not None
    else:  # domain, a feed or the front page, region: the generic discovery and extraction do the rest
        assert not site.selectors and not site.remove
    assert site.discovery.methods, "a site needs at least one discovery method"
    for path in site.discovery.feeds + site.discovery.sitemaps + site.discovery.listings:
        assert path.startswith("/")
    if site.discovery.pagination:
        assert "{n}" in site.discovery.pagination and site.discovery.listings
    assert site.date_formats


def test_kt_is_restricted_to_its_east_kazakhstan_section():
    kt = SITES["kt"]
    assert kt.is_article_url("https://www.kt.kz/rus/vostochno-kazahstanskaya_oblast/v_vko_test_1153589100.html")
    assert not kt.is_article_url("https://www.kt.kz/rus/economy/natsbank_sohranil_stavku_1153589012.html")


def test_bad_entries_are_refused(tmp_path):
    with pytest.raises(SiteError):
        site_from_dict({"name": "x", "domain": "x.kz"})
    with pytest.raises(SiteError):
        site_from_dict({"name": "x", "domain": "x.kz", "base_url": "https://x.kz", "article_pattern": "("})
    with pytest.raises(SiteError):
        site_from_dict({"name": "x", "domain": "x.kz", "base_url": "https://x.kz", "selectors": {"titel": "h1"}})


def test_entries_are_package_data():
    assert SITES_DIR == Path(__file__).resolve().parents[1] / "newsarchive" / "sites"
    assert len(list(SITES_DIR.glob("*.toml"))) == len(SITES)


# -- entry against mirror -------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=NAMES)
def served(request):
    name = request.param
    server = MirrorServer(MIRRORS_DIR / name)
    yield SITES[name], load_manifest(name), server
    server.stop()


def get(server: MirrorServer, path: str) -> bytes:
    found = server.lookup(path)
    assert found is not None, f"{server.name}: {path} not served"
    return found[2]


def test_manifest_matches_entry(served):
    site, manifest, _ = served
    assert manifest["site"] == site.name
    assert manifest["domain"] == site.domain and manifest["base_url"] == site.base_url
    assert manifest["region"] == site.region
    assert len(manifest["articles"]) >= 3


def test_article_pattern_matches_articles_and_nothing_else(served):
    site, manifest, _ = served
    for art in manifest["articles"]:
        assert art["url"] == site.base_url + art["path"]
        assert site.is_article_url(art["url"]), art["path"]
    for path in manifest["feeds"] + manifest["sitemaps"] + manifest["listings"] + manifest["other_pages"]:
        assert not site.is_article_url(site.base_url + path), path


def test_discovery_paths_are_served(served):
    site, manifest, server = served
    assert get(server, "/robots.txt").startswith(b"User-agent")
    for path in site.discovery.feeds:
        assert path in manifest["feeds"] and get(server, path).lstrip().startswith(b"<?xml")
    for path in site.discovery.sitemaps:
        assert path in manifest["sitemaps"] and b"<urlset" in get(server, path)
    for path in site.discovery.listings:
        assert path in manifest["listings"] and get(server, path)
    if site.discovery.pagination:
        assert site.discovery.pagination.format(n=2) in manifest["listings"]
        get(server, site.discovery.pagination.format(n=2))


def test_every_article_reachable_from_feed_or_listing(served):
    """Sitemap entries age out (SITEMAP_MAX_AGE_DAYS): every article is also linked from a feed or listing."""
    site, manifest, server = served
    live = set(manifest["feeds"]) | set(manifest["listings"])
    for art in manifest["articles"]:
        assert set(art["found_in"]) & live, art["path"]
        for page in art["found_in"]:
            raw = get(server, page).decode("utf-8" if "utf-8" in _ctype(server, page) else "cp1251")
            assert art["path"].replace("&", "&amp;") in raw or art["url"] in raw, (page, art["path"])


def _ctype(server, path):
    return server.lookup(path)[1]["Content-Type"]


def _charset(server, path) -> str:
    ctype = _ctype(server, path)
    return ctype.split("charset=", 1)[1] if "charset=" in ctype else "utf-8"


def test_relative_dates_have_no_absolute_date_anywhere(served):
    site, manifest, server = served
    for art in manifest["articles"]:
        if isinstance(art["published_at"], dict):
            page = _decode(server, art)
            assert art["published_at"]["relative"] in page
            assert "published_time" not in page and "datePublished" not in page
            for feed in manifest["feeds"]:
                feed_xml = get(server, feed).decode(_charset(server, feed))
                item = feed_xml.split(art["url"])
                if len(item) > 1:
                    assert "<pubDate>" not in item[1].split("</item>")[0]


def _decode(server, art) -> str:
    return get(server, art["path"]).decode(art["encoding"])


def _texts(nodes) -> list[str]:
    out = []
    for node in nodes:
        ps = node.css("p")
        if ps:
            out += [" ".join("".join(p.css("::text").getall()).split()) for p in ps]
        else:
            out.append(" ".join("".join(node.css("::text").getall()).split()))
    return [t for t in out if t]


def _selected(site, sel: Selector, key: str) -> list[str]:
    nodes = sel.css(site.selectors[key])
    for css in site.remove:
        for bad in nodes.css(css):
            bad.drop()
    return _texts(nodes)


def test_selectors_find_the_manifest_values(served):
    """What a site-entry-driven extractor gets from the mirror is what the manifest says."""
    site, manifest, server = served
    for art in manifest["articles"]:
        sel = Selector(_decode(server, art))
        s = site.selectors
        if "title" in s:
            assert _selected(site, sel, "title") == [art["title"]]
        if "body" in s:  # without a raw shortcode the theme leaks (otyrar.kz), as the extractor drops it
            assert _without_shortcodes("\n\n".join(_selected(site, sel, "body"))) == art["body"], art["path"]
        if "lead" in s:
            assert _selected(site, sel, "lead") == [art["lead"]]
        if "author" in s:
            assert _selected(site, sel, "author") == ([art["author"]] if art["author"] else [])
        if "tags" in s:
            assert _selected(site, sel, "tags") == art["tags"]
        if "images" in s:
            srcs = sel.css(s["images"] + "::attr(src)").getall()
            assert [site.url(u) for u in srcs] == [i["url"] for i in art["images"]]
            assert sel.css(s["images"] + "::attr(alt)").getall() == [i["caption"] for i in art["images"]]
        if "published" in s:
            shown = sel.css(s["published"])
            assert shown, art["path"]
            if isinstance(art["published_at"], dict):
                assert _texts(shown) == [art["published_at"]["relative"]]


@pytest.mark.parametrize("name", ["caravan"])
def test_sites_without_selectors_carry_json_ld(name):
    """caravan.kz has no known selectors: the generic extractor must find everything in JSON-LD/OpenGraph.
    (The regional outlets without selectors carry no JSON-LD: the generic extractor reads their markup.)"""
    manifest, server = load_manifest(name), MirrorServer(MIRRORS_DIR / name)
    for art in manifest["articles"]:
        sel = Selector(_decode(server, art))
        data = json.loads(sel.css("script[type='application/ld+json']::text").get())
        assert data["headline"] == art["title"] and data["articleBody"] == art["body"]
        assert data.get("author", {}).get("name") == art["author"]
        assert [m for m in sel.css("meta[property='article:tag']::attr(content)").getall()] == art["tags"]
    server.stop()


def test_manifest_keys_are_complete():
    keys = {"path", "url", "title", "lead", "body", "published_at", "modified_at", "author", "section", "tags",
            "images", "credited_source", "credited_via", "language", "region", "story_region", "encoding",
            "declared_charset", "found_in", "syndicated_from"}
    for name in NAMES:
        for art in load_manifest(name)["articles"]:
            assert set(art) == keys


# -- the corpus as a whole ---------------------------------------------------------------------------------

#: Regional outlets whose stored pages show no tags: their mirrors carry none.
UNTAGGED = {"semey", "diapazon", "ognialatau", "azh", "ekaraganda", "saryarqa", "vecher", "kokshetoday", "panorama",
            "uralskweek"}

def all_articles():
    return [(name, a) for name in NAMES for a in load_manifest(name)["articles"]]


def test_corpus_requirements():
    arts = all_articles()
    assert len(arts) >= 30
    by_site = {}
    for name, a in arts:
        by_site.setdefault(name, []).append(a)
    for name, items in by_site.items():
        if name in UNTAGGED:
            assert not any(a["tags"] for a in items), f"{name}: tags the facts do not show"
        else:
            assert any(a["tags"] for a in items), f"{name}: no tagged article"
        assert any(a["credited_source"] for a in items), f"{name}: no re-published article"
        assert len(items) >= 3
    relative = {name for name, a in arts if isinstance(a["published_at"], dict)}
    # nur and 365info carry machine-readable dates only; most regional outlets' date formats are unknown
    assert len(relative) >= 14
    assert "ekaraganda" in relative  # "Вчера, 2026 12:10", seen on tv.ekaraganda.kz
    undated = {name for name, a in arts if a["published_at"] is None}
    assert undated == {"semey"}  # no publication date on its pages, only today's date at the top
    pension = [a for _, a in arts if any(" ".join(t.casefold().split()) == "пенсия 2026" for t in a["tags"])]
    assert len(pension) >= 5
    assert len({t for a in pension for t in a["tags"] if "2026" in t and "ен" in t.casefold()}) >= 3  # spellings
    raw = "".join((MIRRORS_DIR / "info365" / a["path"].lstrip("/")).read_text() for a in load_manifest("info365")["articles"])
    assert "Пенсия  2026" in raw  # an extra space in the page's tag: search must fold it
    assert any(a["language"] == "kk" for _, a in arts)
    assert any(a["encoding"] == "windows-1251" and a["declared_charset"] is None for _, a in arts)


def test_syndicated_copies_share_paragraphs_with_their_original():
    urls = {a["url"]: a for _, a in all_articles()}
    copies = [a for _, a in all_articles() if a["syndicated_from"]]
    assert len(copies) >= 2
    for copy in copies:
        original = urls[copy["syndicated_from"]]
        assert copy["title"] != original["title"] and copy["credited_source"]
        same = set(copy["body"].split("\n\n")) & set(original["body"].split("\n\n"))
        assert len(same) >= 2


def test_windows_1251_page_has_no_charset_header():
    site = SITES["ng"]
    manifest = load_manifest("ng")
    server = MirrorServer(MIRRORS_DIR / "ng")
    try:
        for art in manifest["articles"]:
            status, headers, body = server.lookup(art["path"])
            assert art["encoding"] == "windows-1251"
            assert "charset" not in headers["Content-Type"]
            assert art["title"] in body.decode("cp1251")
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
            if art["declared_charset"] is None:
                assert b"charset" not in body.lower()
    finally:
        server.stop()
    assert site.is_article_url(manifest["articles"][0]["url"])
