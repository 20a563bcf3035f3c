"""Every date format of ../shared/SITES.md, relative dates, labels, and impossible dates."""

from datetime import datetime

import pytest

from newsarchive.clock import LOCAL
from newsarchive.extract import parse_date
from newsarchive.extract.dates import date_from_url, to_iso

FETCHED = datetime(2026, 1, 20, 18, 30, tzinfo=LOCAL)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("13.01.2026, 09:08", "2026-01-13T09:08:00+05:00"),
        ("14:05, 03.11.2025", "2025-11-03T14:05:00+05:00"),
        ("14:05 03.11.2025", "2025-11-03T14:05:00+05:00"),
        ("03.11.2025 · 14:05", "2025-11-03T14:05:00+05:00"),
        ("13:51, 15 августа 2025", "2025-08-15T13:51:00+05:00"),
        ("20:09, 04 Ноябрь 2025", "2025-11-04T20:09:00+05:00"),
        ("14 ноября 2023, 15:24", "2023-11-14T15:24:00+06:00"),
        ("2025-11-03T14:05:00+05:00", "2025-11-03T14:05:00+05:00"),
        ("2025-05-14T20:28:12.467+03:00", "2025-05-14T20:28:12+03:00"),
        ("2025-11-03T09:05:00Z", "2025-11-03T09:05:00+00:00"),
        ("2025-11-03", "2025-11-03T00:00:00+05:00"),
        ("13 қаңтар 2026, 09:08", "2026-01-13T09:08:00+05:00"),
        ("2025 жылғы 15 тамыз", "2025-08-15T00:00:00+05:00"),
        ("1 желтоқсан 2025", "2025-12-01T00:00:00+05:00"),
        ("Опубликовано: 13.01.2026, 09:08", "2026-01-13T09:08:00+05:00"),
        ("Дата публикации: 14:05, 03.11.2025", "2025-11-03T14:05:00+05:00"),
        ("Thu, 08 Jan 2026 17:46:00 +0200", "2026-01-08T17:46:00+02:00"),
    ],
)
def test_absolute_formats(text, expected):
    assert to_iso(parse_date(text, FETCHED)) == expected


def test_offset_before_march_2024_is_utc_plus_6():
    assert to_iso(parse_date("10.01.2024, 10:00", FETCHED)) == "2024-01-10T10:00:00+06:00"
    assert to_iso(parse_date("10.03.2024, 10:00", FETCHED)) == "2024-03-10T10:00:00+05:00"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Сегодня, 14:20", "2026-01-20T14:20:00+05:00"),
        ("сегодня, 13:51", "2026-01-20T13:51:00+05:00"),
        ("Вчера, 09:15", "2026-01-19T09:15:00+05:00"),
        ("только что", "2026-01-20T18:30:00+05:00"),
        ("2 часа назад", "2026-01-20T16:30:00+05:00"),
    ],
)
def test_relative_dates_count_from_fetch_time(text, expected):
    assert to_iso(parse_date(text, FETCHED)) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10:15", "2026-01-20T10:15:00+05:00"),
        ("в 9:05", "2026-01-20T09:05:00+05:00"),
        ("00:00:30", "2026-01-20T00:00:30+05:00"),
        ("23:59", "2026-01-19T23:59:00+05:00"),  # later than the fetch: yesterday's
        ("25:00", None),
        ("10:75", None),
    ],
)
def test_a_time_alone_is_its_most_recent_moment(text, expected):
    assert to_iso(parse_date(text, FETCHED)) == expected


def test_a_time_alone_needs_no_dateparser(monkeypatch):
    monkeypatch.setattr("newsarchive.extract.dates._slow_parse", lambda text, now: pytest.fail(f"slow parse of {text!r}"))
    assert to_iso(parse_date("14:05", FETCHED)) == "2026-01-20T14:05:00+05:00"


def test_day_without_year_is_the_most_recent_past_one():
    assert to_iso(parse_date("18.янв 10:25", FETCHED)) == "2026-01-18T10:25:00+05:00"
    assert to_iso(parse_date("22.мар 10:25", FETCHED)) == "2025-03-22T10:25:00+05:00"


@pytest.mark.parametrize("text", ["2026-02-01", "21.01.2026, 10:00", "Сегодня, 23:59", "12.05.1985", "", "   ", "нет даты"])
def test_future_ancient_and_empty_dates_are_rejected(text):
    assert parse_date(text, FETCHED) is None


def test_result_is_timezone_aware():
    value = parse_date("13.01.2026, 09:08", FETCHED)
    assert value.tzinfo is not None and value.utcoffset().total_seconds() == 5 * 3600


def test_dateparser_fallback_reads_unusual_forms():
    assert to_iso(parse_date("3 дня назад", FETCHED)) == "2026-01-17T18:30:00+05:00"


def test_date_from_url():
    assert to_iso(date_from_url("https://x.kz/social/2020/02/18/slug.html", FETCHED)) == "2020-02-18T00:00:00+06:00"
    assert date_from_url("https://x.kz/news/12345-slug.html", FETCHED) is None
