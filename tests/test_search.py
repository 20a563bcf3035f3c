"""Search over an archive built through the real store path (normalise → store_article)."""

from __future__ import annotations

import pytest

from newsarchive.model import Article
from newsarchive.search import QueryError, search, search_ids, stats, tags, trend
from newsarchive.store.archive import store_article
from newsarchive.store.normalise import normalise_article
from newsarchive.store.schema import open_db

FILLER = (
    "Об этом сообщили в пресс-службе акимата области. Подробности будут опубликованы позже, "
    "отметили в ведомстве, добавив, что работа продолжается в штатном режиме."
)

#: key → (site, published_at, title, body, tags, language, story_region)
ARTICLES = {
    "pensii": ("kt.kz", "2026-01-13T09:08:00+05:00", "Индексация выплат в новом году",
               "С первого января пенсии вырастут на восемь процентов.", ["Пенсия 2026", "Экономика"], "ru", "national"),
    "pensiyu": ("caravan.kz", "2026-01-12T10:00:00+05:00", "Как оформить выплату онлайн",
                "Жители могут получить пенсию через портал электронного правительства.", ["ПЕНСИЯ  2026"], "ru", "national"),
    "pensiyami": ("matritca.kz", "2026-01-10T08:00:00+05:00", "ПРОБЛЕМЫ С ПЕНСИЯМИ В УСТЬ-КАМЕНОГОРСКЕ",
                  "Жалобы жителей на задержки рассмотрели в областном департаменте.", ["пенсия 2026", "ВКО"], "ru", "ВКО"),
    "yolka": ("matritca.kz", "2025-12-25T12:00:00+05:00", "Главную ёлку города зажгут в пятницу",
              "На центральной площади установили ёлку высотой двадцать метров.", ["Новый год", "Ёлка"], "ru", "ВКО"),
    "elka": ("kt.kz", "2025-12-20T12:00:00+05:00", "Елка в парке",
             "Новогоднюю елку в парке украсят волонтеры.", ["Новый год", "елка"], "ru", "Абайская область"),
    "phrase": ("kt.kz", "2026-01-05T09:00:00+05:00", "Единовременная выплата семьям",
               "Правительство утвердило: единовременная выплата составит сто тысяч тенге.", ["Соцподдержка"], "ru", "national"),
    "inflected": ("caravan.kz", "2026-01-06T09:00:00+05:00", "О размере единовременной выплаты",
                  "Размер единовременной выплаты пересмотрят, выплата единовременная не отменяется.", ["Соцподдержка"], "ru", "national"),
    "kazakh": ("kt.kz", "2026-01-07T09:00:00+05:00", "Зейнетақы туралы",
               "Зейнетақы мөлшері артады, хабарлайды ведомство.", ["Зейнетақы"], "kk", "national"),
    "rost": ("caravan.kz", "2026-01-08T09:00:00+05:00", "Рост цен замедлился",
             "Рост цен на продукты замедлился в декабре, сообщает статистика.", ["Экономика"], "ru", "national"),
}


def make_article(key: str) -> Article:
    site, published_at, title, body, tag_list, language, story_region = ARTICLES[key]
    return Article(
        url=f"https://{site}/news/{key}.html", title=title, lead=None, body=f"{body} {FILLER}",
        published_at=published_at, tags=list(tag_list), language=language, site=site,
        story_region=story_region, fetched_at="2026-01-14T00:00:00+00:00",
    )


def build_archive(path) -> tuple[object, dict[str, int]]:
    """An archive at `path` holding ARTICLES, stored the way a crawl stores them."""
    db = open_db(path)
    ids = {}
    for key in ARTICLES:
        result = store_article(db, normalise_article(make_article(key)), now="2026-01-14T00:00:00+00:00")
        ids[key] = result.article_id
    return db, ids


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "news.db"
    db, ids = build_archive(path)
    return db, ids


def found(db, ids, query=None, **kw) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[r["id"]] for r in search(db, query, limit=100, **kw)}


def test_pensiya_finds_every_inflection(archive):
    db, ids = archive
    assert {"pensii", "pensiyu", "pensiyami"} <= found(db, ids, "пенсия")
    assert {"pensii", "pensiyu", "pensiyami"} <= found(db, ids, "ПЕНСИЯ")


def test_yo_folds_both_ways(archive):
    db, ids = archive
    assert {"yolka", "elka"} <= found(db, ids, "ёлка")
    assert {"yolka", "elka"} <= found(db, ids, "елка")
    assert {"yolka", "elka"} <= found(db, ids, '"ёлку"')  # an exact form, ё or е


def test_phrase_matches_only_the_exact_phrase(archive):
    db, ids = archive
    assert found(db, ids, '"единовременная выплата"') == {"phrase"}
    assert found(db, ids, '"единовременной выплаты"') == {"inflected"}
    assert {"phrase", "inflected"} <= found(db, ids, "единовременная выплата")


def test_or_and_exclusion(archive):
    db, ids = archive
    assert found(db, ids, "ёлка OR пенсия") >= {"yolka", "elka", "pensii", "pensiyu", "pensiyami"}
    assert found(db, ids, "ёлка -парке") == {"yolka"}
    assert "phrase" not in found(db, ids, 'выплата -"единовременная выплата"')
    assert "inflected" in found(db, ids, 'выплата -"единовременная выплата"')


def test_filters_in_the_query_language(archive):
    db, ids = archive
    assert found(db, ids, "пенсия site:kt.kz") == {"pensii"}
    assert found(db, ids, 'tag:"пенсия 2026" region:ВКО') == {"pensiyami"}
    assert found(db, ids, "lang:kk") == {"kazakh"}


@pytest.mark.parametrize("hostile", [
    "пенсия-2026", '"', '""', "AND (", "*", "пенсия*", "NEAR(", "OR", "-", "'; DROP TABLE articles; --",
    'tag:"', "site:", "(((", "пенсия OR", "NOT", "^пенсия", "col:пенсия", "a" * 1000, "\\", "%_",
])
def test_hostile_input_never_raises_sqlite_errors(archive, hostile):
    db, _ = archive
    try:
        search(db, hostile)
    except QueryError as error:
        assert str(error)  # a message a person can read


def test_empty_query_is_newest_first(archive):
    db, ids = archive
    results = search(db, None, limit=3)
    assert [r["id"] for r in results] == [ids["pensii"], ids["pensiyu"], ids["pensiyami"]]
    assert search(db, "   ", limit=3) == results


def test_nothing_to_search_is_a_clear_error(archive):
    db, _ = archive
    with pytest.raises(QueryError, match="nothing to search"):
        search(db, "*")


def test_tags_fold_case_yo_and_spaces(archive):
    db, ids = archive
    expected = {"pensii", "pensiyu", "pensiyami"}
    for spelling in ("Пенсия 2026", "пенсия  2026", "ПЕНСИЯ 2026", " пенсия 2026 "):
        assert found(db, ids, tags=[spelling]) == expected
    assert found(db, ids, tags=["елка"]) == {"yolka", "elka"}
    assert found(db, ids, tags=["новый год", "ЁЛКА"]) == {"yolka", "elka"}
    assert found(db, ids, tags=["Пенсия 2026", "ВКО"]) == {"pensiyami"}


def test_filters_dates_sites_languages_regions(archive):
    db, ids = archive
    assert found(db, ids, since="2026-01-12", until="2026-01-13") == {"pensii", "pensiyu"}
    # 2026-01-12T10:00+05:00 is 05:00 UTC; the Kazakhstan day 2026-01-12 starts at 19:00 UTC the day before
    assert found(db, ids, since="2026-01-12T06:00:00+00:00") == {"pensii"}
    assert found(db, ids, sites=["caravan.kz", "www.kt.kz"], since="2026-01-07") == {"pensii", "pensiyu", "kazakh", "rost"}
    assert found(db, ids, languages=["kk"]) == {"kazakh"}
    assert found(db, ids, "ёлка", regions=["абайская область"]) == {"elka"}


def test_sort_and_paging(archive):
    db, ids = archive
    newest = search(db, "пенсия", sort="newest", limit=100)
    assert [r["published_at"] for r in newest] == sorted((r["published_at"] for r in newest), reverse=True)
    oldest = search(db, "пенсия", sort="oldest", limit=100)
    assert [r["id"] for r in oldest] == [r["id"] for r in reversed(newest)]
    page1 = search(db, None, limit=2)
    page2 = search(db, None, limit=2, offset=2)
    assert len(page1) == len(page2) == 2 and not {r["id"] for r in page1} & {r["id"] for r in page2}


def test_title_outranks_body(archive):
    db, ids = archive
    results = search(db, "ёлка")
    assert results[0]["id"] in (ids["yolka"], ids["elka"])
    assert search(db, "рост цен")[0]["id"] == ids["rost"]


def test_result_shape_and_snippet(archive):
    db, ids = archive
    (result,) = search(db, "пенсия site:kt.kz")
    for key in ("id", "url", "site", "title", "published_at", "tags", "region", "story_region", "snippet"):
        assert key in result
    assert result["tags"] == ["Пенсия 2026", "Экономика"]
    assert "[пенсии]" in result["snippet"]
    (result,) = search(db, '"единовременная выплата"')
    assert "[единовременная] [выплата]" in result["snippet"]


def test_search_ids_match_search(archive):
    db, _ = archive
    assert search_ids(db, "пенсия OR ёлка") == [r["id"] for r in search(db, "пенсия OR ёлка")]


def test_tags_listing(archive):
    db, _ = archive
    listing = {t["tag"]: t for t in tags(db)}
    pension = [t for t in tags(db, like="пенс")]
    assert len(pension) == 1 and pension[0]["articles"] == 3
    assert pension[0]["last_seen"] == "2026-01-13T04:08:00+00:00"
    assert "Новый год" in listing and listing["Новый год"]["articles"] == 2
    assert tags(db, like="ЁЛК")[0]["articles"] == 2


def test_tag_counts_per_period_and_trend(archive):
    db, _ = archive
    assert trend(db, tags=["пенсия 2026"], by="day") == [
        ("2026-01-10", 1), ("2026-01-11", 0), ("2026-01-12", 1), ("2026-01-13", 1)]
    assert trend(db, "ёлка", by="week") == [("2025-W51", 1), ("2025-W52", 1)]
    assert trend(db, tags=["новый год"], by="month") == [("2025-12", 2)]
    assert trend(db, "пенсия", by="month", since="2025-12-01", until="2026-02-10") == [
        ("2025-12", 0), ("2026-01", 3), ("2026-02", 0)]


def test_stats_per_site(archive):
    db, _ = archive
    by_site = {row["site"]: row for row in stats(db)}
    assert by_site["kt.kz"]["articles"] == 4
    assert by_site["kt.kz"]["newest_article"] == "2026-01-13T09:08:00+05:00"
    assert by_site["kt.kz"]["last_crawl"]


def test_hyphenated_input_searches_its_words(tmp_path):
    """`пенсия-2026` as typed is the words пенсия and 2026, not an error and not nothing."""
    from newsarchive.model import Article
    from newsarchive.store.archive import archive_article
    from newsarchive.store.schema import open_db

    db = open_db(tmp_path / "news.db")
    text = "Что изменится для пенсионеров: пенсия 2026 года вырастет, сообщили в министерстве труда республики."
    archive_article(db, Article(url="https://kt.kz/news/p-1", title="Пенсия-2026: что изменится", body=text))
    archive_article(db, Article(url="https://kt.kz/news/p-2", title="Пенсия за 2025 год", body=text.replace("2026", "2025")))
    assert [row["url"] for row in search(db, "пенсия-2026")] == ["https://kt.kz/news/p-1"]
