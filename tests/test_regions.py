"""Story regions from the gazetteer: datelines, inflected names, the 2022 split of ВКО."""

from __future__ import annotations

import json

import pytest
from mirrors.server import load_manifest, mirror_names

from newsarchive.regions import (
    GAZETTEER_PATH,
    canonical_region,
    dateline_region,
    mentions,
    normalise_region,
    regions,
    story_region,
)
from newsarchive.sites import load_sites


def test_gazetteer_has_17_oblasts_and_3_cities():
    data = json.loads(GAZETTEER_PATH.read_text(encoding="utf-8"))
    kinds = [r["kind"] for r in data["regions"]]
    assert kinds.count("oblast") == 17 and kinds.count("city") == 3
    names = regions()
    for new in ("Абайская область", "Жетысуская область", "Улытауская область", "ВКО"):
        assert new in names
    assert {"Астана", "Алматы", "Шымкент"} <= set(names)
    for r in data["regions"]:
        assert r["full"] and r["kk"] and r["center"]


def test_site_entry_regions_are_gazetteer_names():
    for site in load_sites().values():
        assert site.region == "national" or site.region in regions()


@pytest.mark.parametrize(
    "body, region",
    [
        ("Усть-Каменогорск. 13 января. KAZAKHSTAN TODAY - В Павлодаре и Павлодаре прошёл форум.", "ВКО"),
        ("Семей. 21 ноября. KAZAKHSTAN TODAY - В Усть-Каменогорске и Риддере ...", "Абайская область"),
        ("КОСТАНАЙ. KAZINFORM – Аграрии Павлодара и Павлодарской области ...", "Костанайская область"),
        ("АСТАНА, 24 ноября. Депутаты обсудили бюджет Алматы.", "Астана"),
        ("Риддер. 25 ноября. Открыли арену.", "ВКО"),
    ],
)
def test_dateline_wins(body, region):
    assert dateline_region(body) == region
    assert story_region("В Алматы и Алматы снова Алматы", body) == region


def test_no_dateline_when_the_text_just_starts():
    assert dateline_region("В Риддере открыли арену. Семей. Тоже.") is None
    assert dateline_region("Депутаты. 24 ноября обсудили") is None


@pytest.mark.parametrize(
    "text, region",
    [
        ("в Усть-Каменогорске", "ВКО"),
        ("из Усть-Каменогорска", "ВКО"),
        ("в Семее", "Абайская область"),
        ("школьников Семея", "Абайская область"),
        ("в Риддере", "ВКО"),
        ("Шемонаихе", "ВКО"),
        ("в Глубоковском районе", "ВКО"),
        ("Урджарского района", "Абайская область"),
        ("Восточно-Казахстанской области", "ВКО"),
        ("Абайской области", "Абайская область"),
        ("в Павлодаре", "Павлодарская область"),
        ("в Экибастузе", "Павлодарская область"),
        ("в Актау", "Мангистауская область"),
        ("в Жанаозене", "Мангистауская область"),
        ("в Костанае", "Костанайская область"),
        ("в Рудном", "Костанайская область"),
        ("из Кызылорды", "Кызылординская область"),
        ("в Уральске", "ЗКО"),
        ("в Алматы", "Алматы"),
        ("в Алматинской области", "Алматинская область"),
        ("Өскеменде", "ВКО"),
        ("Өскеменнің", "ВКО"),
        ("Семейде", "Абайская область"),
        ("Абай облысының", "Абайская область"),
        ("в Конаеве", "Алматинская область"),
        ("в Жезказгане", "Улытауская область"),
        ("в Талдыкоргане", "Жетысуская область"),
    ],
)
def test_inflected_names(text, region):
    assert mentions(text) == (region,)


@pytest.mark.parametrize(
    "text",
    [
        "для многодетных семей",  # семей = families, not Семей
        "по проспекту Абая",  # a street named after the poet, not Абайская область
        "казахстанской фондовой бирже",
        "в Казахстане",
        "Ривьера и Рига",
    ],
)
def test_not_places(text):
    assert mentions(text) == ()


def test_2022_split_of_east_kazakhstan():
    assert story_region("В Семее открыли музей", "Музей Семея ждёт гостей.") == "Абайская область"
    assert story_region("В Аягозе построят школу", "Школа в Аягозе на 600 мест.") == "Абайская область"
    assert story_region("В Усть-Каменогорске открыли музей", "Музей ждёт гостей.") == "ВКО"
    assert story_region("В Риддере выпал снег", "Снег в Риддере.") == "ВКО"
    assert normalise_region("Семей") == "Абайская область"
    assert normalise_region("Усть-Каменогорск") == "ВКО"


def test_most_mentioned_place_and_ties():
    body = "В Павлодаре прошёл форум. Гости из Актау приехали в Павлодар на два дня."
    assert story_region("Форум", body) == "Павлодарская область"
    tie = "Делегация из Актау посетила Костанай."
    assert story_region("", tie) == "Мангистауская область"  # first named
    assert story_region("", tie, outlet_region="Костанайская область") == "Костанайская область"
    assert story_region("Курс тенге укрепился", "Доллар подешевел на бирже.") is None
    assert story_region("", "", outlet_region="ВКО") is None


@pytest.mark.parametrize(
    "user, canonical",
    [
        ("ВКО", "ВКО"),
        ("вко", "ВКО"),
        (" Вко ", "ВКО"),
        ("Восточно-Казахстанская область", "ВКО"),
        ("восточно-казахстанская обл.", "ВКО"),
        ("Шығыс Қазақстан облысы", "ВКО"),
        ("East Kazakhstan", "ВКО"),
        ("Абайская область", "Абайская область"),
        ("абайская", "Абайская область"),
        ("Абай облысы", "Абайская область"),
        ("павлодарская", "Павлодарская область"),
        ("Мангистауская область", "Мангистауская область"),
        ("зко", "ЗКО"),
        ("Алматы", "Алматы"),
        ("алматинская область", "Алматинская область"),
        ("national", "national"),
        ("Усть-Каменогорск", "ВКО"),
        # an oblast's bare name, Russian and Kazakh, and its official "область X" form
        ("Абай", "Абайская область"),
        ("область Абай", "Абайская область"),
        ("Жетісу", "Жетысуская область"),
        ("Жетысу", "Жетысуская область"),
        ("область Жетісу", "Жетысуская область"),
        ("Ұлытау", "Улытауская область"),
        ("Улытау", "Улытауская область"),
        ("область Ұлытау", "Улытауская область"),
        ("Жамбыл", "Жамбылская область"),
        ("Ақмола", "Акмолинская область"),
        ("Түркістан облысы", "Туркестанская область"),
        ("ЮКО", "Туркестанская область"),
        ("Маңғыстау", "Мангистауская область"),
        ("Батыс Қазақстан облысы", "ЗКО"),
        ("Солтүстік Қазақстан", "СКО"),
        # centres, in Russian and Kazakh
        ("Семей", "Абайская область"),
        ("Өскемен", "ВКО"),
        ("Талдыкорган", "Жетысуская область"),
        ("Талдықорған", "Жетысуская область"),
        ("Жезказган", "Улытауская область"),
        ("Жезқазған", "Улытауская область"),
        ("Кокшетау", "Акмолинская область"),
        ("Ақтөбе", "Актюбинская область"),
        ("Конаев", "Алматинская область"),
        ("Атырау", "Атырауская область"),
        ("Орал", "ЗКО"),
        ("Тараз", "Жамбылская область"),
        ("Қарағанды", "Карагандинская область"),
        ("Қызылорда", "Кызылординская область"),
        ("Петропавл", "СКО"),
        ("Түркістан", "Туркестанская область"),
        ("Нұр-Сұлтан", "Астана"),
        ("Алматы қаласы", "Алматы"),
        ("Шымкент", "Шымкент"),
    ],
)
def test_normalise_region(user, canonical):
    assert normalise_region(user) == canonical


def test_every_region_answers_to_its_names_and_centre():
    data = json.loads(GAZETTEER_PATH.read_text(encoding="utf-8"))
    for r in data["regions"]:
        for name in (r["name"], r["full"], r["kk"], r["center"]):
            assert normalise_region(name) == r["name"], name


def test_bare_oblast_names_are_no_places_in_a_text():
    """"Абай" is a region when a user types it, not when a text names the poet or his street."""
    assert mentions("Памятник Абаю открыли на площади") == ()
    assert mentions("в области Абай") == ("Абайская область",)


def test_stored_regions_have_one_spelling():
    assert canonical_region("Восточно-Казахстанская область") == "ВКО"
    assert canonical_region("Абай облысы") == "Абайская область"
    assert canonical_region("ВКО") == "ВКО"
    assert canonical_region("national") == "national"
    assert canonical_region("unknown") == "unknown"
    assert canonical_region(None) is None


def test_normalise_unknown_is_none():
    assert normalise_region("Атлантида") is None
    assert normalise_region("") is None


def test_every_mirror_article_gets_its_manifest_story_region():
    sites = load_sites()
    checked = 0
    for name in mirror_names():
        for art in load_manifest(name)["articles"]:
            got = story_region(art["title"], art["body"], sites[name].region, lead=art["lead"])
            assert got == art["story_region"], (name, art["path"])
            checked += 1
    assert checked >= 30


def test_mirrors_cover_east_kazakhstan_and_abai():
    found = {a["story_region"] for n in mirror_names() for a in load_manifest(n)["articles"]}
    assert {"ВКО", "Абайская область", "Павлодарская область", "Костанайская область",
            "Мангистауская область", None} <= found
