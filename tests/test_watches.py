"""Watches: stored searches (add, list, show, remove), what is new to each (only articles archived
after it was created, each once, a changed article never again, a story's further articles
grouped under it), the Atom feed (file and `serve`), the digest, and the schema step."""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3

import feedparser
import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from newsarchive.cli import cli
from newsarchive.model import Article
from newsarchive.store.archive import store_article
from newsarchive.store.normalise import normalise_article
from newsarchive.store.schema import SCHEMA_VERSION, open_db
from newsarchive.store.stories import refresh
from newsarchive.watch import add_watch, digest, get_watch, render, run_watches
from newsarchive.watch.atom import feed_xml
from newsarchive.watch.deliver import email_due, watch_lock

_SYLLABLES = "ба ве ги до жу за ки ло му не по ру са ти фу ха це чи ша ют ям ел ар ос ин".split()


def body_for(seed: str, text: str) -> str:
    """`text` and 60 words made up from `seed`: bodies of different seeds share no words, so they
    are different stories; bodies of one seed are copies."""
    rnd = random.Random(seed)
    words = ["".join(rnd.choice(_SYLLABLES) for _ in range(rnd.randint(3, 4))) for _ in range(20)]
    return text + " " + " ".join(rnd.choice(words) for _ in range(60)) + "."


def store(db, slug: str, title: str, text: str, *, site: str = "kt.kz", tags=("Пенсия 2026",), story: str | None = None,
          published: str = "2026-11-14T09:00:00+05:00", now: str = "2026-11-14T05:00:00+00:00") -> int:
    """Store an article the way a crawl does, its story decided at the end (a crawl of one
    article); `story`: the seed of its body (same seed, same story)."""
    body = body_for(story or slug, text)
    if story:
        body += f" Источник: {site}."
    article = Article(url=f"https://{site}/news/{slug}.html", title=title, body=body, published_at=published,
                      tags=list(tags), language="ru", site=site, fetched_at=now)
    article_id = store_article(db, normalise_article(article), now=now).article_id
    refresh(db)
    return article_id


def run(*args, ok=True):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "news.db"
    open_db(path).conn.close()
    return str(path)


# --- the commands -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["watch"], ["watch", "add"], ["watch", "list"], ["watch", "show"],
                                     ["watch", "remove"], ["watch", "run"], ["digest"]])
def test_help(command):
    assert "Usage: " in run(*command, "--help").output


def test_add_list_show_remove(db_path, tmp_path):
    out = run("watch", "add", "pension", "пенсия", "-штраф", "--tag", "Пенсия 2026", "--site", "kt.kz",
              "--region", "ВКО", "--feed", str(tmp_path / "pension.atom"), "--webhook", "http://127.0.0.1:9/hook",
              "--email", "monitor@example.kz", "--email-at", "7:30", "--smtp", "mail.example.kz:587",
              "--smtp-security", "starttls", "--db", db_path).output
    assert "watch pension: пенсия -штраф --tag \"Пенсия 2026\" --site kt.kz --region ВКО" in out
    assert "daily, first run after 07:30" in out
    run("watch", "add", "schools", "школы", "--lang", "ru", "--db", db_path)
    listed = json.loads(run("watch", "list", "--format", "json", "--db", db_path).output)
    assert [w["name"] for w in listed] == ["pension", "schools"]
    pension = listed[0]
    assert pension["query"] == "пенсия -штраф" and pension["tags"] == ["Пенсия 2026"] and pension["sites"] == ["kt.kz"]
    assert {c["kind"] for c in pension["channels"]} == {"feed", "email", "webhook"}
    email = next(c for c in pension["channels"] if c["kind"] == "email")
    assert email["settings"] == {"at": "07:30", "smtp_host": "mail.example.kz", "smtp_port": 587,
                                 "smtp_security": "starttls"}
    assert "pension" in run("watch", "list", "--db", db_path).output
    shown = run("watch", "show", "pension", "--db", db_path).output
    assert "found 0 articles" in shown and "webhook http://127.0.0.1:9/hook: 0 to deliver" in shown
    assert json.loads(run("watch", "show", "schools", "--format", "json", "--db", db_path).output)["languages"] == ["ru"]
    assert "removed watch pension" in run("watch", "remove", "pension", "--db", db_path).output
    assert [w["name"] for w in json.loads(run("watch", "list", "--format", "json", "--db", db_path).output)] == ["schools"]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM watch_channels").fetchone() == (0,)


def test_clear_errors(db_path):
    run("watch", "add", "pension", "пенсия", "--db", db_path)
    duplicate = run("watch", "add", "pension", "пенсии", "--db", db_path, ok=False)
    assert duplicate.exit_code == 2 and "a watch named 'pension' exists already" in duplicate.output
    searched = run("search", "AND (", "--db", db_path, ok=False)
    added = run("watch", "add", "broken", "AND (", "--db", db_path, ok=False)
    assert added.exit_code == searched.exit_code == 2
    assert added.output.splitlines()[-1] == searched.output.splitlines()[-1]
    assert "nothing to search for in 'AND ('" in added.output
    for args in (["watch", "show", "nope"], ["watch", "remove", "nope"], ["watch", "run", "nope"],
                 ["digest", "--since", "2026-01-01", "--watch", "nope"]):
        result = run(*args, "--db", db_path, ok=False)
        assert result.exit_code == 2 and "no watch named 'nope' (watches: pension)" in result.output, args
    for args, message in (
        (["bad name", "x"], "watch name 'bad name'"),
        (["all"], "a watch needs words to look for or a filter"),
        (["x", "пенсия", "--webhook", "ftp://example.kz/"], "an http:// or https:// URL"),
        (["x", "пенсия", "--email", "not-an-address"], "not an e-mail address"),
        (["x", "пенсия", "--email-at", "25:00", "--email", "a@example.kz"], "a Kazakhstan time of day HH:MM"),
        (["x", "пенсия", "--smtp", "mail:port", "--email", "a@example.kz"], "use HOST or HOST:PORT"),
        (["x", "пенсия", "--email-at", "08:00"], "need --email"),
        (["x", "пенсия", "--tga", "y"], "no such option: --tga"),
    ):
        result = run("watch", "add", *args, "--db", db_path, ok=False)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    assert "no archive at" in run("watch", "list", "--db", db_path + ".missing", ok=False).output


def test_two_watches_cannot_write_one_feed_file(db_path, tmp_path):
    run("watch", "add", "a", "пенсия", "--feed", str(tmp_path / "f.atom"), "--db", db_path)
    result = run("watch", "add", "b", "школы", "--feed", str(tmp_path / "f.atom"), "--db", db_path, ok=False)
    assert result.exit_code == 2 and "watch 'a' writes its feed there already" in result.output
    result = run("watch", "add", "c", "школы", "--feed", str(tmp_path), "--db", db_path, ok=False)
    assert "is a directory" in result.output


# --- what is new -------------------------------------------------------------------------------


def urls(run_result) -> list[str]:
    return [item["url"] for item in run_result.items]


def test_a_watch_sees_only_articles_archived_after_it_was_created(db_path):
    db = open_db(db_path)
    before = store(db, "before", "Пенсии вырастут", "Пенсии вырастут с января.")
    add_watch(db, "pension", "пенсия", now="2026-11-14T05:00:00+00:00")
    after = store(db, "after", "Пенсии пересчитают", "Пенсии пересчитают в декабре.")
    store(db, "other", "Ремонт дорог", "Дороги отремонтируют летом.", tags=["Дороги"])
    # The older article changes after the watch was created: still not the watch's.
    store(db, "before", "Пенсии вырастут на 8%", "Пенсии вырастут с января на восемь процентов.")
    assert db.execute("SELECT count(*) FROM versions WHERE article_id = ?", [before]).fetchone() == (1,)
    (found,) = run_watches(db)
    assert urls(found) == ["https://kt.kz/news/after.html"] and found.items[0]["hit"]
    assert db.execute("SELECT article_id FROM watch_hits").fetchall() == [(after,)]


def test_each_article_once_and_a_changed_article_is_not_new_again(db_path):
    db = open_db(db_path)
    add_watch(db, "pension", "пенсия")
    store(db, "one", "Пенсии вырастут", "Пенсии вырастут с января.")
    assert urls(run_watches(db)[0]) == ["https://kt.kz/news/one.html"]
    assert run_watches(db)[0].items == []
    store(db, "one", "Пенсии вырастут на 8%", "Пенсии вырастут с января на восемь процентов.")  # a new version
    store(db, "two", "Пенсии и возраст", "Возраст выхода на пенсию не изменится.")
    assert db.execute("SELECT count(*) FROM versions").fetchone() == (1,)
    assert urls(run_watches(db)[0]) == ["https://kt.kz/news/two.html"]
    assert run_watches(db)[0].items == []
    assert db.execute("SELECT count(*), count(DISTINCT article_id) FROM watch_hits").fetchone() == (2, 2)


def test_an_article_that_comes_to_match_when_it_changes_is_found_then(db_path):
    db = open_db(db_path)
    add_watch(db, "pension", "пенсия")
    store(db, "one", "Тарифы на воду", "Тарифы на воду пересмотрят.")
    assert run_watches(db)[0].items == []
    store(db, "one", "Тарифы на воду и пенсии", "Тарифы на воду пересмотрят, пенсии тоже.")  # a new version
    assert urls(run_watches(db)[0]) == ["https://kt.kz/news/one.html"]
    store(db, "one", "Тарифы на воду и пенсии", "Тарифы на воду пересмотрят, пенсии тоже. Дополнено.")
    assert run_watches(db)[0].items == []


def test_articles_of_any_date_are_checked_old_new_and_undated(db_path):
    """A run searches within the publication dates of what was archived since the last one (the
    stemmed index is in date order): an old article backfilled, today's, and an undated one."""
    db = open_db(db_path)
    add_watch(db, "pension", "пенсия")
    store(db, "old", "Пенсии в 2019", "Пенсии в 2019 году.", published="2019-03-01T09:00:00+05:00")
    store(db, "new", "Пенсии сегодня", "Пенсии сегодня выплатят.")
    store(db, "undated", "Пенсии без даты", "Пенсии без даты публикации.", published=None)
    store(db, "between", "Тарифы", "Тарифы на воду пересмотрят.", published="2023-06-01T09:00:00+05:00")
    assert sorted(urls(run_watches(db)[0])) == ["https://kt.kz/news/new.html", "https://kt.kz/news/old.html",
                                                "https://kt.kz/news/undated.html"]


def test_filters_and_query_language_are_search_s(db_path):
    db = open_db(db_path)
    add_watch(db, "kt-pension", "пенсия -штраф", sites=["kt.kz"])
    add_watch(db, "tag", tags=["пенсия  2026"])  # tags fold as in search
    add_watch(db, "phrase", '"единовременная выплата"')
    store(db, "a", "Пенсии вырастут", "Пенсии вырастут с января.")
    store(db, "b", "Пенсии и штрафы", "Пенсии и штрафы пересмотрят.")
    store(db, "c", "Пенсии в Алматы", "Пенсии в Алматы выплатят раньше.", site="caravan.kz")
    store(db, "d", "Выплата семьям", "Единовременная выплата составит сто тысяч.", tags=["Соцподдержка"])
    found = {r.watch: sorted(u.rsplit("/", 1)[1] for u in urls(r)) for r in run_watches(db)}
    assert found == {"kt-pension": ["a.html"], "tag": ["a.html", "b.html", "c.html"], "phrase": ["d.html"]}


def test_a_story_s_further_articles_are_grouped_under_it(db_path, tmp_path):
    db = open_db(db_path)
    add_watch(db, "pension", "пенсия", feed=str(tmp_path / "pension.atom"))
    first = store(db, "first", "Пенсии проиндексируют", "Пенсии проиндексируют с января.", story="index")
    store(db, "unrelated", "Льготы на проезд к пенсии", "К пенсии добавят льготы на проезд.")
    (run1,) = run_watches(db, now="2026-11-14T05:30:00+00:00")
    assert [(i["url"].rsplit("/", 1)[1], i["new_story"]) for i in run1.items] == [("first.html", True),
                                                                                  ("unrelated.html", True)]
    feed1 = feedparser.parse(tmp_path / "pension.atom")
    copy = store(db, "copy", "Пенсии проиндексируют", "Пенсии проиндексируют с января.", story="index",
                 site="caravan.kz", now="2026-11-14T06:00:00+00:00")
    story_id = db.execute("SELECT story_id FROM articles WHERE id = ?", [first]).fetchone()[0]
    assert db.execute("SELECT story_id FROM articles WHERE id = ?", [copy]).fetchone()[0] == story_id
    (run2,) = run_watches(db, now="2026-11-14T06:17:00+00:00")
    (item,) = run2.items
    assert item["url"] == "https://caravan.kz/news/copy.html" and item["new_story"] is False
    assert item["story_url"] == "https://kt.kz/news/first.html" and item["story_id"] == story_id
    # The feed: still one entry per story, the story's entry updated (same id) and listing the copy.
    feed2 = feedparser.parse(tmp_path / "pension.atom")
    assert len(feed2.entries) == len(feed1.entries) == 2
    assert {e.id for e in feed2.entries} == {e.id for e in feed1.entries}
    updated = next(e for e in feed2.entries if e.link == "https://kt.kz/news/first.html")
    assert "caravan.kz/news/copy.html" in updated.content[0].value and updated.updated.startswith("2026-11-14T06:17")
    # The digest: one story with the copy under it.
    text = render(digest(db, "2026-11-14"), "md")
    assert text.count("Пенсии проиндексируют") == 2 and "  - also caravan.kz: [Пенсии проиндексируют]" in text
    assert "3 articles, 2 stories" in text and "Per site: kt.kz 2, caravan.kz 1" in text


def test_watch_run_json_and_table(db_path):
    run("watch", "add", "pension", "пенсия", "--db", db_path)
    run("watch", "add", "roads", "дороги", "--db", db_path)
    db = open_db(db_path)
    store(db, "one", "Пенсии вырастут", "Пенсии вырастут с января.")
    store(db, "road", "Ремонт дорог", "Дороги отремонтируют летом.", tags=["Дороги"])
    rows = json.loads(run("watch", "run", "--format", "json", "--db", db_path).output)
    assert [(r["watch"], r["url"]) for r in rows] == [("pension", "https://kt.kz/news/one.html"),
                                                      ("roads", "https://kt.kz/news/road.html")]
    for row in rows:
        assert {"watch", "url", "title", "site", "published_at", "story_id", "new_story", "snippet"} <= set(row)
        assert row["site"] == "kt.kz" and row["published_at"] == "2026-11-14T09:00:00+05:00"
    assert json.loads(run("watch", "run", "--format", "json", "--db", db_path).output) == []
    store(db, "two", "Пенсии пересчитают", "Пенсии пересчитают в декабре.")
    table = run("watch", "run", "pension", "--db", db_path).output
    assert "pension: 1 new" in table and "https://kt.kz/news/two.html" in table and "roads" not in table
    assert "roads: nothing new" in run("watch", "run", "--db", db_path).output


def test_a_second_run_waits_for_none_and_says_so(db_path):
    run("watch", "add", "pension", "пенсия", "--db", db_path)
    with watch_lock(db_path):
        result = run("watch", "run", "--db", db_path, ok=False)
    assert result.exit_code == 3 and "are being run by pid" in result.output


def test_a_watch_whose_query_fails_leaves_the_others_running(db_path):
    db = open_db(db_path)
    add_watch(db, "pension", "пенсия")
    add_watch(db, "roads", "дороги")
    db.execute("UPDATE watches SET query = 'AND (' WHERE name = 'pension'")  # as if the language changed
    store(db, "road", "Ремонт дорог", "Дороги отремонтируют летом.", tags=["Дороги"])
    result = run("watch", "run", "--db", db_path, ok=False)
    assert result.exit_code == 1 and "watch pension: failed: nothing to search for" in result.output
    assert "roads: 1 new" in result.output


# --- the feed -----------------------------------------------------------------------------------


def test_atom_feed_validates_and_its_ids_are_stable(db_path, tmp_path):
    path = tmp_path / "feeds" / "pension.atom"
    db = open_db(db_path)
    watch = add_watch(db, "pension", "пенсия", feed=str(path))
    for n in range(3):
        store(db, f"a{n}", f"Пенсии: новость {n}", f"Пенсии и выплаты, новость номер {n}.")
    run_watches(db, now="2026-11-14T06:00:00+00:00")
    first = feedparser.parse(path)
    assert first.bozo == 0, first.bozo_exception
    assert first.version == "atom10" and first.feed.id == f"urn:uuid:{watch.uuid}"
    assert first.feed.title == "newsarchive: pension" and first.feed.updated.startswith("2026-11-14T06:00")
    assert len(first.entries) == 3
    for entry in first.entries:
        assert entry.id.startswith("urn:uuid:") and entry.link.startswith("https://kt.kz/news/a")
        assert entry.title.startswith("Пенсии: новость") and entry.published and entry.updated
        assert entry.author == "kt.kz" and [t.term for t in entry.tags] == ["Пенсия 2026"]
    ids = {entry.link: entry.id for entry in first.entries}
    data = path.read_bytes()
    run_watches(db, now="2026-11-14T07:00:00+00:00")  # nothing new: the file is not rewritten
    assert path.read_bytes() == data
    store(db, "a3", "Пенсии: новость 3", "Пенсии и выплаты, новость номер 3.")
    run_watches(db, now="2026-11-14T08:00:00+00:00")
    second = feedparser.parse(path)
    assert second.bozo == 0 and len(second.entries) == 4
    assert second.entries[0].link == "https://kt.kz/news/a3.html"  # the newest first
    assert {e.link: e.id for e in second.entries if e.link in ids} == ids
    path.unlink()  # a feed file lost is written again from the record, the same ids
    run_watches(db)
    assert {e.link: e.id for e in feedparser.parse(path).entries} == {e.link: e.id for e in second.entries}


def datasette_get(db_path, url):
    from datasette.app import Datasette

    async def fetch():
        response = await Datasette([db_path]).client.get(url)
        return response.status_code, response.headers.get("content-type"), response.content

    return asyncio.run(fetch())


def test_serve_answers_the_same_feed(db_path, tmp_path):
    path = tmp_path / "pension.atom"
    db = open_db(db_path)
    watch = add_watch(db, "pension", "пенсия", feed=str(path))
    store(db, "one", "Пенсии вырастут", "Пенсии вырастут с января.")
    run_watches(db)
    status, kind, body = datasette_get(db_path, "/-/watches/pension.atom")
    assert status == 200 and kind.startswith("application/atom+xml")
    served = feedparser.parse(body)
    assert served.bozo == 0 and served.feed.id == f"urn:uuid:{watch.uuid}"
    assert served.feed.links[0].rel == "self" and served.feed.links[0].href.endswith("/-/watches/pension.atom")
    assert body == feed_xml(db, get_watch(db, "pension"), self_url=served.feed.links[0].href)
    assert path.read_bytes() == feed_xml(db, get_watch(db, "pension"))  # the same, less the self link
    assert datasette_get(db_path, "/-/watches/nope.atom")[0] == 404
    status, _, page = datasette_get(db_path, "/-/watches")
    assert status == 200 and b"/-/watches/pension.atom" in page


def test_served_archive_hides_the_channels_addresses(db_path):
    run("watch", "add", "pension", "пенсия", "--webhook", "https://hooks.example.kz/T0/SECRET",
        "--email", "monitor@example.kz", "--db", db_path)
    _, _, body = datasette_get(db_path, "/news/watch_channels.json?_shape=array")
    rows = json.loads(body)
    assert len(rows) == 2 and all(row["target"] is None and row["settings"] is None for row in rows)
    _, _, body = datasette_get(db_path, "/news.json?_shape=array&sql=select+target,+settings+from+watch_channels")
    assert b"SECRET" not in body and b"monitor@" not in body
    assert json.loads(body) == [{"target": None, "settings": None}] * 2


# --- digest ---------------------------------------------------------------------------------------


def test_digest_groups_by_watch_day_site_and_story(db_path):
    db = open_db(db_path)
    add_watch(db, "pension", "пенсия")
    add_watch(db, "roads", "дороги")
    store(db, "p1", "Пенсии проиндексируют", "Пенсии проиндексируют с января.", story="index")
    store(db, "p2", "Пенсии проиндексируют", "Пенсии проиндексируют с января.", story="index", site="caravan.kz")
    store(db, "p3", "Пенсии в ВКО", "Пенсии в ВКО выплатят раньше.", site="ustinka.kz",
          published="2026-11-13T18:00:00+05:00")
    store(db, "r1", "Ремонт дорог", "Дороги отремонтируют летом.", tags=["Дороги"])
    run_watches(db, now="2026-11-14T05:00:00+00:00")
    store(db, "r2", "Дороги закроют", "Дороги закроют на ремонт.", tags=["Дороги"], now="2026-11-15T05:00:00+00:00")
    run_watches(db, now="2026-11-15T05:00:00+00:00")

    md = run("digest", "--since", "2026-11-14", "--until", "2026-11-14", "--db", db_path).output
    assert "## pension — 3 articles, 2 stories" in md and "## roads — 1 article, 1 story" in md
    assert "Per site: caravan.kz 1, kt.kz 1, ustinka.kz 1" in md
    assert md.index("### 2026-11-14") < md.index("### 2026-11-13")  # newest day first
    assert "#### kt.kz\n\n- [Пенсии проиндексируют](https://kt.kz/news/p1.html) — 09:00\n" \
           "  - also caravan.kz: [Пенсии проиндексируют](https://caravan.kz/news/p2.html) — 09:00" in md
    assert "#### ustinka.kz\n\n- [Пенсии в ВКО](https://ustinka.kz/news/p3.html) — 18:00" in md
    assert "r2.html" not in md
    only = run("digest", "--since", "2026-11-15", "--watch", "roads", "--db", db_path).output
    assert "r2.html" in only and "pension" not in only and "r1.html" not in only
    page = BeautifulSoup(run("digest", "--since", "2026-11-14", "--format", "html", "--db", db_path).output,
                         "html.parser")
    assert [h.text for h in page.find_all("h2")] == ["pension — 3 articles, 2 stories", "roads — 2 articles, 2 stories"]
    story = page.find("a", href="https://kt.kz/news/p1.html").find_parent("li")
    assert [a["href"] for a in story.find_all("a")] == ["https://kt.kz/news/p1.html", "https://caravan.kz/news/p2.html"]
    text = run("digest", "--since", "2026-11-14", "--format", "text", "--db", db_path).output
    assert "    * Пенсии проиндексируют\n      https://kt.kz/news/p1.html  09:00" in text
    empty = run("digest", "--since", "2027-01-01", "--db", db_path).output
    assert "The watches found nothing new." in empty
    assert run("digest", "--since", "yesterday", "--db", db_path, ok=False).exit_code == 2


# --- e-mail timing, schema ----------------------------------------------------------------------


def test_daily_email_is_due_once_a_day_after_its_hour(db_path):
    db = open_db(db_path)
    watch = add_watch(db, "pension", "пенсия", emails=["a@example.kz"], now="2026-11-13T10:00:00+00:00")
    (channel,) = watch.channels
    assert channel.settings["at"] == "08:00"
    # 08:00 in Almaty (UTC+5) is 03:00 UTC.
    assert not email_due(db, channel, "2026-11-14T02:59:00+00:00")
    assert email_due(db, channel, "2026-11-14T03:17:00+00:00")
    db.execute("""INSERT INTO watch_sends (channel_id, after_hit, last_hit, key, created_at, sent_at)
                  VALUES (?, 0, 1, 'k', '2026-11-14T03:17:00+00:00', '2026-11-14T03:17:01+00:00')""", [channel.id])
    assert not email_due(db, channel, "2026-11-14T20:00:00+00:00")
    assert email_due(db, channel, "2026-11-15T03:00:00+00:00")


def test_an_archive_of_version_4_gains_the_watch_tables(tmp_path):
    path = tmp_path / "v4.db"
    db = open_db(path)
    store(db, "one", "Пенсии вырастут", "Пенсии вырастут с января.")
    for table in ("watch_sends", "watch_hits", "watch_channels", "watches"):
        db.execute(f"DROP TABLE {table}")
    db.execute("PRAGMA user_version = 4")
    db.conn.close()
    db = open_db(path)
    assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert db.execute("SELECT count(*) FROM articles").fetchone() == (1,)
    add_watch(db, "pension", "пенсия")
    store(db, "two", "Пенсии пересчитают", "Пенсии пересчитают в декабре.")
    assert urls(run_watches(db)[0]) == ["https://kt.kz/news/two.html"]
