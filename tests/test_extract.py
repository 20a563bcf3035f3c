"""The extractor on small hand-written pages that mimic Kazakh news sites, and on ../shared/eval."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from newsarchive.clock import LOCAL
from newsarchive.extract import ExtractionError, extract
from newsarchive.model import EXTRACTED_FIELDS
from newsarchive.sites import Site

PAGES = Path(__file__).parent / "pages"
EVAL_RU = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "ru"
FETCHED = datetime(2026, 1, 20, 12, 0, tzinfo=LOCAL)


def load(name: str, url: str, **kwargs) -> dict:
    return extract((PAGES / name).read_bytes(), url, fetched_at=FETCHED, **kwargs)


@pytest.fixture(scope="module")
def dle():
    return load("dle_article.html", "https://matritca.example/news/101-v-ust-kamenogorske.html")


@pytest.fixture(scope="module")
def jsonld():
    return load("jsonld_article.html", "https://news.example.kz/economy/tarify-na-teplo-123456/?utm_source=tg")


def test_returns_exactly_the_model_fields(dle):
    assert tuple(dle) == EXTRACTED_FIELDS
    json.dumps(dle, ensure_ascii=False)


def test_dle_page_in_windows_1251_without_structured_data(dle):
    assert dle["title"] == "В Усть-Каменогорске открыли новую школу на 600 мест"
    assert dle["published_at"] == "2026-01-13T09:08:00+05:00"
    assert dle["canonical_url"] == "https://matritca.example/news/101-v-ust-kamenogorske-otkryli-shkolu.html"
    assert dle["language"] == "ru"


def test_body_keeps_every_paragraph_of_the_story(dle):
    body = dle["body"]
    assert body.startswith("В микрорайоне Защита")
    assert "столовая на двести посадочных мест" in body
    assert "трехсменного обучения" in body
    assert body.count("\n\n") == 2


@pytest.mark.parametrize(
    "boilerplate",
    ["°C", "USD", "Читайте также", "Фото:", "Поделиться", "Комментарии", "Подписывайтесь", "Популярное",
     "Пенсия 2026", "При использовании", "Теги"],
)
def test_body_drops_widgets_and_furniture(dle, boilerplate):
    assert boilerplate not in dle["body"]


def test_tags_are_the_articles_not_the_trending_block(dle):
    assert dle["tags"] == ["школы", "образование", "Усть-Каменогорск"]


def test_author_section_credit_and_image_caption(dle):
    assert dle["author"] == "Мария Иванова"
    assert dle["section"] == "Образование"
    assert dle["credited_source"] == "Matritca.kz" and dle["credited_via"] is None
    assert dle["images"] == [
        {"url": "https://matritca.example/uploads/posts/2026-01/school.jpg", "caption": "Новая школа в микрорайоне Защита"}
    ]


def test_structured_data_first(jsonld):
    assert jsonld["title"] == "Тарифы на тепло вырастут с февраля"
    assert jsonld["lead"] == "Антимонопольное ведомство согласовало новые тарифы для теплоснабжающей организации."
    assert jsonld["published_at"] == "2026-01-15T10:30:00+05:00"
    assert jsonld["modified_at"] == "2026-01-15T12:00:00+05:00"
    assert jsonld["author"] == "Алия Сейткали"
    assert jsonld["section"] == "Экономика"
    assert jsonld["tags"] == ["тарифы", "ЖКХ", "отопление"]
    assert jsonld["canonical_url"] == "https://news.example.kz/economy/tarify-na-teplo-123456/"
    assert jsonld["images"][0] == {"url": "https://news.example.kz/img/teplo.jpg", "caption": None}


def test_credit_chain(jsonld):
    assert (jsonld["credited_source"], jsonld["credited_via"]) == ("Lada.kz", "Tengrinews.kz")


def test_body_of_structured_page(jsonld):
    assert jsonld["body"].startswith("С первого февраля")
    assert jsonld["body"].endswith("без повторной подачи документов.")
    assert "Поделиться" not in jsonld["body"] and "Цены на бензин" not in jsonld["body"]


def test_kazakh_page():
    article = load("kazakh_article.html", "https://ustinka.example/kz/vko/1.html")
    assert article["language"] == "kk"
    assert article["published_at"] == "2026-01-13T09:08:00+05:00"
    assert article["credited_source"] == "Устинка LIVE"
    assert "Басты бет" not in article["body"]


def test_site_selectors_come_first_and_remove_drops_blocks():
    site = Site(
        name="kt", domain="kt.kz", base_url="https://www.kt.kz",
        selectors={"title": "header.page-heading h1", "published": "div.page-meta span:first-child",
                   "body": "div.page-content", "tags": ".page-tags a"},
        remove=(".inline-ad",),
    )
    article = load("site_selectors.html", "https://www.kt.kz/rus/vko/dorogi_1234567890.html", site=site)
    assert article["title"] == "В ВКО отремонтируют 40 километров дорог"
    assert article["published_at"] == "2026-01-13T09:08:00+05:00"
    assert article["body"].startswith("Усть-Каменогорск. 13 января. KAZAKHSTAN TODAY")
    assert "Реклама" not in article["body"]
    assert "Читайте также" not in article["body"] and "Фото:" not in article["body"]
    assert article["body"].endswith("Подрядчиков определят по итогам конкурса.")
    assert article["tags"] == ["дороги", "ВКО"]


def test_selector_that_matches_nothing_falls_back_silently():
    site = Site(name="x", domain="x.kz", base_url="https://x.kz",
                selectors={"title": "h1.nope", "body": "div.nope", "published": "span.nope"})
    article = load("site_selectors.html", "https://x.kz/1.html", site=site)
    assert article["title"] == "В ВКО отремонтируют 40 километров дорог"
    assert "сорок километров дорог" in article["body"]
    assert article["published_at"] == "2026-01-13T09:08:00+05:00"


def test_invalid_site_selector_does_not_crash():
    site = Site(name="x", domain="x.kz", base_url="https://x.kz", selectors={"body": "div[[["}, remove=("::::",))
    assert "сорок километров" in load("site_selectors.html", "https://x.kz/1.html", site=site)["body"]


def test_date_in_the_future_of_the_fetch_is_rejected():
    html = ("<html><head><meta property='article:published_time' content='2026-03-01T10:00:00+05:00'></head>"
            "<body><h1>Заголовок</h1><p>Текст.</p></body></html>")
    assert extract(html, fetched_at=FETCHED)["published_at"] is None


@pytest.mark.parametrize("page", [b"", "   ", None])
def test_empty_input_raises(page):
    with pytest.raises(ExtractionError):
        extract(page)


def test_garbage_input_does_not_crash():
    article = extract(b"\x00\x01\x02 not html at all <<<>>>", "https://x.kz/1")
    assert tuple(article) == EXTRACTED_FIELDS


def _eval_pages():
    if not (EVAL_RU / "ground_truth.jsonl").exists():
        return []
    rows = [json.loads(line) for line in (EVAL_RU / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(row, id=row["id"]) for row in rows]


@pytest.mark.skipif(not EVAL_RU.is_dir(), reason=f"{EVAL_RU} absent: the third-party eval pages are not in this checkout")
@pytest.mark.parametrize("row", _eval_pages())
def test_every_eval_page_gives_json(row):
    article = extract((EVAL_RU / row["html"]).read_bytes(), row.get("url") or None)
    assert tuple(article) == EXTRACTED_FIELDS
    assert json.loads(json.dumps(article, ensure_ascii=False)) == article
    assert isinstance(article["tags"], list) and isinstance(article["images"], list)


def test_story_beside_a_news_feed_leaves_feed_captions_and_legal_notes_out():
    article = load("story_with_feed.html", "https://region.example.kz/news/12.html")
    body = article["body"]
    assert article["title"] == "Аким области встретился с фермерами"
    assert body.startswith("Аким Восточно-Казахстанской области провел встречу")
    assert body.endswith("на следующий год.")
    for furniture in ("мост", "уголь", "Риддере", "Фото пресс-службы", "Все права защищены", "гиперссылка"):
        assert furniture not in body


def test_short_news_of_two_paragraphs_split_by_a_weather_line():
    article = load("short_news.html", "https://ustinka.example/vko/2.html")
    paragraphs = article["body"].split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("В четверг") and paragraphs[1].startswith("В городской теплосети")
    assert article["credited_source"] == "Ustinka.kz"


def test_weather_news_keeps_its_temperatures():
    html = (
        "<html><body><div class='weather-widget'>Астана -25°C</div><h1>Морозы усилятся</h1><div>"
        "<p>В выходные в северных областях Казахстана ожидается до -35°C, сообщили синоптики Казгидромета.</p>"
        "<p>Днем в Астане температура не поднимется выше -28°C, на дорогах возможна гололедица и метели.</p>"
        "</div></body></html>"
    )
    body = extract(html, fetched_at=FETCHED)["body"]
    assert "до -35°C" in body and "выше -28°C" in body and "Астана -25°C" not in body


def test_story_paragraphs_that_start_like_furniture_are_kept():
    html = (
        "<html><body><h1>Акимат предупредил жителей</h1><div>"
        "<p>В Семее из-за сильного ветра могут быть перебои с электричеством, сообщили в акимате города.</p>"
        "<p>Рекомендуем жителям не оставлять машины под деревьями, сказали в департаменте по ЧС.</p>"
        "<p>Комментарии к ситуации дали также в энергоснабжающей компании, обещав бригады наготове.</p>"
        "<p>Поделиться: <a href='#'>VK</a> <a href='#'>Telegram</a></p>"
        "</div></body></html>"
    )
    body = extract(html, fetched_at=FETCHED)["body"]
    assert "Рекомендуем жителям" in body and "Комментарии к ситуации" in body and "Поделиться" not in body
