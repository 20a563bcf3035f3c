"""A page's current-date header is not its publication date.

Many regional sites print today's date (or a clock) at the top of every page: "Сегодня 12 июля 2025
года, суббота" (semey.city), "Пятница, 13 Марта 2026" (ognialatau.kz), "Четверг, 10 октября"
(akmolinform.kz), a weather bar "Атырау, 10 апреля 17:36" (azh.kz). The generic date reader must
pass over it and take the story's own date, or none when the page shows none.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from newsarchive.clock import LOCAL
from newsarchive.extract import extract

FETCHED = datetime(2026, 12, 4, 15, 40, tzinfo=LOCAL)  # a Friday


def page(top: str, story_date: str = "", *, header_tag: str = "div", after: str = "") -> str:
    return f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>В Семее отремонтируют мост через Иртыш</title></head><body>
<{header_tag} class="top-bar"><span class="current-date">{top}</span> <a href="/">Главная</a> <a href="/news/">Новости</a></{header_tag}>
<div class="content">
<h1>В Семее отремонтируют мост через Иртыш</h1>
{story_date}
<div class="text">
<p>Капитальный ремонт автомобильного моста через Иртыш в Семее начнётся весной, сообщили в городском
отделе строительства. Движение по мосту ограничат на время работ, но полностью не закроют.</p>
<p>Подрядчик заменит деформационные швы, покрытие проезжей части и перила. Работы рассчитаны на два
сезона, их стоимость составит около четырёх миллиардов тенге из местного и республиканского бюджетов.</p>
<p>Для автобусов на время ремонта изменят схему движения: часть маршрутов пустят через новый мост.</p>
</div></div>
{after}
</body></html>"""


def published(html: str) -> str | None:
    return extract(html.encode(), "https://semey.example/novosti/101", fetched_at=FETCHED)["published_at"]


@pytest.mark.parametrize("header", [
    "Сегодня 4 декабря 2026 года, пятница",
    "Пятница, 04 Декабря 2026",
    "Пятница, 4 декабря",
    "Атырау, 4 декабря 15:36",
    "04.12.2026",
])
def test_header_before_the_headline_is_passed_over(header):
    story = '<div class="news-date">28.11.2026, 14:30</div>'
    assert published(page(header, story)) == "2026-11-28T14:30:00+05:00"


@pytest.mark.parametrize("header", ["Сегодня 4 декабря 2026 года, пятница", "Атырау, 4 декабря 15:36"])
def test_a_page_whose_only_date_is_the_header_has_no_publication_date(header):
    assert published(page(header)) is None


def test_header_in_a_header_element_after_the_headline_in_source_order():
    html = page("Пятница, 4 декабря", '<div class="news-date">27.11.2026, 09:05</div>')
    moved = html.replace('<div class="top-bar">', "").replace("</a></div>\n<div class=\"content\">",
                                                               '</a>\n<div class="content">')
    moved = moved.replace("</body>", '<header class="site-top"><span class="date">Пятница, 4 декабря</span></header></body>')
    assert published(moved) == "2026-11-27T09:05:00+05:00"


def test_a_story_of_the_fetch_day_keeps_its_date():
    # today's story with a time, under a today header: its own time wins
    assert published(page("Пятница, 4 декабря", '<div class="news-date">04.12.2026, 10:05</div>')) == \
        "2026-12-04T10:05:00+05:00"
    # a date without a time after the headline is the story's, even on the fetch day
    assert published(page("Главная", '<div class="news-date">04.12.2026</div>')) == "2026-12-04T00:00:00+05:00"
    # "Сегодня, 14:20" above the headline is a story's time, not a calendar
    assert published(page("Сегодня, 14:20")) == "2026-12-04T14:20:00+05:00"


def test_an_older_date_at_the_top_is_still_read():
    """Only a date on the fetch day can be a current-date header."""
    assert published(page("27.11.2026")) == "2026-11-27T00:00:00+05:00"


def test_structured_dates_are_not_second_guessed():
    html = page("Пятница, 4 декабря").replace(
        "</head>", '<meta property="article:published_time" content="2026-12-04T00:00:00+05:00"></head>')
    assert published(html) == "2026-12-04T00:00:00+05:00"


def test_a_date_written_in_several_elements():
    """pkzsk.info writes "Июн292021": month, day and year in elements of their own."""
    widget = ('<div class="post-date"><span class="post-date__month">Ноя</span><span class="post-date__day">24</span>'
              '<span class="post-date__year">2026</span></div>')
    assert published(page("Главная", widget)) == "2026-11-24T00:00:00+05:00"
