"""Stories: copies and rewrites of one event grouped whatever order they come in; other events —
the same date in another year, the same city on another day, a recap of the week — kept apart;
the origin the credit lines lead to. Checked on the labelled story set (bench/stories/) imported
with the real import, and on small cases that show each rule."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date

import numpy as np
import pytest
from conftest import REPO, crawl_mirrors
from hypothesis import given, settings
from hypothesis import strategies as st
from mirrors.server import load_manifest, mirror_names

from newsarchive.store.importer import import_articles
from newsarchive.store.schema import open_db
from newsarchive.store.stories import (
    VECTOR_TERMS,
    Link,
    cluster,
    origin,
    regroup,
    vectors,
)
from newsarchive.store.storyfacts import facts, stated_days
from newsarchive.store.transaction import transaction

STORY_SET = REPO / "bench" / "stories"


def load(set_name: str) -> tuple[list[dict], dict]:
    articles = [json.loads(line) for line in (STORY_SET / f"{set_name}.jsonl").read_text(encoding="utf-8").splitlines()]
    return articles, json.loads((STORY_SET / f"labels-{set_name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The labelled test set imported as `newsarchive import` imports it: its stories by event."""
    articles, labels = load("test")
    db = open_db(tmp_path_factory.mktemp("stories") / "news.db")
    assert import_articles(db, [json.dumps(a, ensure_ascii=False) for a in articles])["new"] == len(articles)
    story_of = {url: story for url, story in db.execute("SELECT url, story_id FROM articles")}
    events_in = defaultdict(set)
    for url, label in labels["articles"].items():
        events_in[story_of[url]].add(label["event"])
    return db, labels, story_of, events_in


def test_hard_negatives_never_share_a_story(imported):
    """Bomb threats on 13 February 2023 and 2025, two magnitude-6.7 earthquakes, four failures in
    one city in one week, the daily weather and rates: each pair the labels mark stays apart."""
    _, labels, _, events_in = imported
    merged = [(event, other) for event, info in labels["events"].items() for other in info["hard_negative_of"]
              if any({event, other} <= events for events in events_in.values())]
    assert merged == []
    kinds = {info.get("hard_negative_kind") for info in labels["events"].values()}
    assert {"same-date-other-year", "quake-same-magnitude", "utility-week", "daily-template"} <= kinds


def test_a_recap_does_not_swallow_the_stories_it_recaps(imported):
    _, labels, story_of, events_in = imported
    recaps = {event: info["mentions"] for event, info in labels["events"].items() if info.get("mentions")}
    assert recaps
    for event, mentioned in recaps.items():
        recap_urls = [url for url, label in labels["articles"].items() if label["event"] == event]
        for url in recap_urls:
            assert events_in[story_of[url]] == {event}, event
        for a in mentioned:
            for b in mentioned:
                if a < b:
                    assert not any({a, b} <= events for events in events_in.values()), (a, b)


def test_copies_of_one_report_share_a_story(imported):
    _, labels, story_of, _ = imported
    by_copy_group = defaultdict(set)
    for url, label in labels["articles"].items():
        if label["copy_group"]:
            by_copy_group[label["copy_group"]].add(story_of[url])
    assert by_copy_group and all(len(stories) == 1 for stories in by_copy_group.values())


def test_the_origin_is_the_credited_source(imported):
    db, labels, story_of, _ = imported
    origins = {story: url for story, url in db.execute(
        "SELECT s.id, a.url FROM stories s JOIN articles a ON a.id = s.origin_id")}
    credited = [(info["origin"], event) for event, info in labels["events"].items()
                if any(label["credits"] == info["origin"] for label in labels["articles"].values())]
    assert credited
    for url, event in credited:
        assert origins[story_of[url]] == url, event


def test_an_import_in_reverse_order_makes_the_same_stories(tmp_path):
    articles, _ = load("dev")
    groupings = []
    for name, order in (("forward", articles), ("reverse", articles[::-1])):
        db = open_db(tmp_path / f"{name}.db")
        import_articles(db, [json.dumps(a, ensure_ascii=False) for a in order])
        members = defaultdict(set)
        for url, story in db.execute("SELECT url, story_id FROM articles"):
            members[story].add(url)
        groupings.append({frozenset(urls) for urls in members.values()})
    assert groupings[0] == groupings[1]
    assert any(len(urls) > 2 for urls in groupings[0])


def test_regroup_decides_the_same_stories_again(imported, tmp_path):
    db, _, story_of, _ = imported
    before = defaultdict(set)
    for url, story in story_of.items():
        before[story].add(url)
    with transaction(db):
        regroup(db)
    after = defaultdict(set)
    for url, story in db.execute("SELECT url, story_id FROM articles"):
        after[story].add(url)
    assert {frozenset(v) for v in after.values()} == {frozenset(v) for v in before.values()}
    assert db.execute("SELECT count(*) FROM articles WHERE story_id IS NULL").fetchone() == (0,)


def _syndicated_pair():
    for name in mirror_names():
        for article in load_manifest(name)["articles"]:
            if article.get("syndicated_from"):
                source = next(n for n in mirror_names()
                              if any(a["url"] == article["syndicated_from"] for a in load_manifest(n)["articles"]))
                return name, source, article["url"], article["syndicated_from"]
    raise AssertionError("the mirrors must hold a re-published story")


def test_copies_arriving_in_reverse_order_across_two_crawls_form_one_story(mirrors, tmp_path):
    copy_site, source_site, copy_url, source_url = _syndicated_pair()
    for order in ((copy_site, source_site), (source_site, copy_site)):
        db_path = tmp_path / f"{order[0]}-first.db"
        for site in order:
            result = crawl_mirrors(db_path, {site: mirrors[site]})
            assert result.returncode == 0, result.stderr[-2000:]
        db = open_db(db_path)
        stories = dict(db.execute("SELECT url, story_id FROM articles WHERE url IN (?, ?)", [copy_url, source_url]))
        assert len(stories) == 2 and len(set(stories.values())) == 1, order
        (origin_url,) = db.execute("SELECT a.url FROM stories s JOIN articles a ON a.id = s.origin_id WHERE s.id = ?",
                                   [stories[copy_url]]).fetchone()
        assert origin_url == source_url
        db.close()


# --- the rules, one by one ---


def test_numbers_with_units_names_and_the_days_a_text_states():
    found = facts("Землетрясение магнитудой 6,7 ощутили в Алматы 21 сентября",
                  None, "Выплаты составят 157 843 тенге. Об этом сообщил Ерлан Карин в Астане.\n\n"
                  "В прошлом году — 150 000 тенге.", date(2024, 9, 21))
    (tenge,) = [values for values in found.numbers.values() if "157843" in values]
    assert "150000" in tenge  # «157 843 тенге», «150 000 тенге»: one unit, spaces read as thousands
    assert any("6.7" in values for values in found.numbers.values())  # «6,7» and «6.7» alike
    assert {"карин", "астана", "алматы"} <= found.names
    assert found.event_days == {date(2024, 9, 21).toordinal()}
    assert stated_days("13 февраля 2023 года и 13.02.2025", date(2025, 2, 13)) == {date(2025, 2, 13).toordinal()}


def test_a_chain_of_links_does_not_make_one_story():
    """A–B–C–D linked in a line: D links only to C, so it is not one story with A and B."""
    links = {(1, 2): Link("story", 0.9), (2, 3): Link("story", 0.8), (3, 4): Link("story", 0.7)}
    assert cluster([1, 2, 3, 4], links) == [[1, 2, 3], [4]]


def test_an_article_linked_to_one_version_of_each_of_two_stories_joins_neither():
    links = {(1, 2): Link("copy", 0.9), (2, 3): Link("story", 0.8), (1, 3): Link("story", 0.8),
             (4, 5): Link("story", 0.8), (5, 6): Link("story", 0.7), (4, 6): Link("story", 0.7),
             (7, 1): Link("story", 0.5), (7, 4): Link("story", 0.5)}
    assert cluster(list(range(1, 8)), links) == [[1, 2, 3], [4, 5, 6], [7]]


def test_origin_follows_the_credit_chain_and_else_is_the_earliest():
    members = [
        {"id": 1, "site": "lada.kz", "published_utc": "2025-02-13T05:00:00+00:00",
         "credited_source": "Lada.kz", "credited_via": "Tengrinews.kz"},  # «сообщает Lada.kz со ссылкой на…»
        {"id": 2, "site": "tengrinews.kz", "published_utc": "2025-02-13T05:30:00+00:00",
         "credited_source": "Kazinform", "credited_via": None},
        {"id": 3, "site": "inform.kz", "published_utc": "2025-02-13T06:00:00+00:00",
         "credited_source": None, "credited_via": None},
    ]
    assert origin(members) == 3
    for member in members:
        member["credited_source"] = member["credited_via"] = None
    assert origin(members) == 1


# An article's words: hashes from a small vocabulary (so that articles share them), counts, and
# rarities from a few levels (so that TF-IDF ties are common).
WORDS = st.one_of(st.dictionaries(st.integers(0, 300), st.integers(1, 6), max_size=VECTOR_TERMS),
                  st.dictionaries(st.integers(0, 300), st.integers(1, 6), min_size=VECTOR_TERMS, max_size=200))


@settings(max_examples=150, deadline=None)
@given(st.lists(WORDS, max_size=8), st.lists(st.sampled_from([0.5, 1.0, 2.5, 7.0]), min_size=301, max_size=301))
def test_an_articles_vector_is_its_own_top_terms_whoever_shares_the_batch(articles, levels):
    tokens, idf = np.arange(301, dtype=np.int64), np.array(levels)
    words = [(np.array(sorted(a), dtype=np.int64), np.array([a[h] for h in sorted(a)], dtype=np.int32))
             for a in articles]
    together = vectors(words, tokens, idf)
    for article, (terms, weights), alone in zip(articles, together, (vectors([w], tokens, idf)[0] for w in words)):
        tfidf = {h: (1 + np.log(count)) * levels[h] for h, count in article.items()}
        best = sorted(sorted(tfidf, key=lambda h: (tfidf[h], h))[-VECTOR_TERMS:])  # the larger hash on a tie
        assert terms.tolist() == best and alone[0].tolist() == best
        expected = np.array([tfidf[h] for h in best])
        np.testing.assert_allclose(weights, expected / (np.linalg.norm(expected) or 1), rtol=1e-6)
        np.testing.assert_array_equal(weights, alone[1])
