"""Region names are one vocabulary: what is stored (and datasette facets), and what `--region`
accepts — any region's Russian or Kazakh name, its short forms, or its centre — through the CLI."""

from __future__ import annotations

import json

import pytest
from conftest import import_file, run_cli

from newsarchive.regions import regions

FILLER = ("Работы ведут две подрядные организации, их завершение намечено на конец следующего года, "
          "сообщили в пресс-службе местного исполнительного органа.")

#: key → (outlet region as the import line writes it, title, first paragraph)
ARTICLES = {
    "semey": ("Абай облысы", "Новая ледовая арена", "В Семее открыли ледовую арену на тысячу зрителей."),
    "ayagoz": ("область Абай", "Школа на 600 мест", "В Аягозе построят школу на шестьсот мест."),
    "oskemen": ("Восточно-Казахстанская область", "Ремонт набережной", "В Усть-Каменогорске отремонтируют набережную Иртыша."),
    "taldyk": ("область Жетісу", "Новые автобусы", "В Талдыкоргане на линии вышли двадцать новых автобусов."),
    "zhezkazgan": ("Ұлытау облысы", "Ремонт котельной", "В Жезказгане завершили ремонт городской котельной."),
    "ulytau_outlet": ("Улытауская область", "Конкурс чтецов", "Победителей областного конкурса чтецов наградили дипломами."),
    "aktobe": ("Актюбинская область", "Пенсии выплатят раньше", "Пенсионеры Актобе получат выплаты раньше обычного."),
    "kyzylorda": ("Қызылорда облысы", "Саженцы вдоль набережной", "В Кызылорде высадили три тысячи саженцев ивы."),
}


def line(key: str) -> str:
    region, title, first = ARTICLES[key]
    return json.dumps({"url": f"https://regions.example.kz/news/{key}-100", "title": title,
                       "body": f"{first}\n\n{FILLER}", "published_at": "2026-11-20T10:00:00+05:00",
                       "region": region}, ensure_ascii=False)


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("regions")
    output, db = import_file(tmp, [line(key) for key in ARTICLES])
    assert output.startswith("8 new,"), output
    yield tmp / "news.db", db
    db.close()


def test_stored_regions_are_canonical(archive):
    _, db = archive
    stored = {row["region"] for row in db.query("SELECT DISTINCT region FROM articles")}
    stories = {row["story_region"] for row in db.query("SELECT DISTINCT story_region FROM articles")} - {None}
    assert stored <= set(regions()) and stories <= set(regions())
    by_key = {row["url"].rsplit("/", 1)[1].rsplit("-", 1)[0]: row for row in db.query("SELECT * FROM articles")}
    assert by_key["semey"]["region"] == by_key["ayagoz"]["region"] == "Абайская область"
    assert by_key["oskemen"]["region"] == "ВКО"
    assert by_key["taldyk"]["region"] == "Жетысуская область"
    assert by_key["zhezkazgan"]["region"] == by_key["ulytau_outlet"]["region"] == "Улытауская область"


@pytest.mark.parametrize("name, keys", [
    ("Семей", {"semey", "ayagoz"}),
    ("Абай", {"semey", "ayagoz"}),
    ("Абай облысы", {"semey", "ayagoz"}),
    ("область Абай", {"semey", "ayagoz"}),
    ("Абайская область", {"semey", "ayagoz"}),
    ("Өскемен", {"oskemen"}),
    ("ВКО", {"oskemen"}),
    ("Шығыс Қазақстан облысы", {"oskemen"}),
    ("Жетісу", {"taldyk"}),
    ("Талдыкорган", {"taldyk"}),
    ("Талдықорған", {"taldyk"}),
    ("Ұлытау", {"zhezkazgan", "ulytau_outlet"}),
    ("Жезказган", {"zhezkazgan", "ulytau_outlet"}),
    ("Ақтөбе", {"aktobe"}),
    ("Актюбинская", {"aktobe"}),
    ("Қызылорда облысы", {"kyzylorda"}),
])
def test_search_by_any_name_of_a_region(archive, name, keys):
    db_path, _ = archive
    result = run_cli("search", "--region", name, "--format", "json", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    found = {row["url"].rsplit("/", 1)[1].rsplit("-", 1)[0] for row in json.loads(result.stdout)}
    assert found == keys, name


def test_query_language_region_filter_takes_the_same_names(archive):
    db_path, _ = archive
    result = run_cli("search", "region:Жетісу", "--format", "json", "--db", str(db_path))
    assert result.returncode == 0, result.stderr
    assert [row["region"] for row in json.loads(result.stdout)] == ["Жетысуская область"]


def test_datasette_facets_count_one_value_per_region(archive):
    from test_datasette import get_json

    db_path, _ = archive
    facets = get_json(db_path, "/news/articles.json")["facet_results"]
    outlet = {item["value"]: item["count"] for item in facets["region"]["results"]}
    story = {item["value"]: item["count"] for item in facets["story_region"]["results"]}
    assert set(outlet) <= set(regions()) and set(story) - {None} <= set(regions())
    assert outlet["Абайская область"] == 2 and outlet["Улытауская область"] == 2
    assert story["Абайская область"] == 2 and story["Улытауская область"] == 1  # one text names no place
