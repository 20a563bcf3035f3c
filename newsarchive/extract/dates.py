"""Dates as Kazakh and Russian news pages write them, to tz-aware datetimes.

Common numeric and month-name formats are read with regular expressions (fast, and day-first as
the sites mean it); anything else goes to dateparser. A date in the future of the fetch time or
before EARLIEST_YEAR is rejected.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from newsarchive.clock import LOCAL
from newsarchive.defaults import (
    DATE_FUTURE_SLACK_MINUTES,
    DATE_LANGUAGES,
    EARLIEST_YEAR,
    TIMEZONE,
)
from newsarchive.months import month_number

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?(?![\d:])"
)
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?![\d.]\d)")
_WORD_DATE = re.compile(
    r"(?<!\d)(\d{1,2})(?:\s*|\.|-)([^\W\d_]{3,12})\.?(?:[,\s]+(\d{4}))?(?!\d)"
)
_YEAR_FIRST_WORD = re.compile(r"(?<!\d)(\d{4})\s*(?:ж\.|жыл\w*)?\s+(\d{1,2})\s+([^\W\d_]{3,12})")
_TIME = re.compile(r"(?<![\d:])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])")
_TZ_SUFFIX = re.compile(r"(?:\bUTC|\bGMT)\s*([+-]\d{1,2})(?::?(\d{2}))?|(?<=\d)\s+([+-]\d{2}):?(\d{2})\b")
_MONTH_FIRST = re.compile(r"\b([^\W\d_]{3,12})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)")
_PM = re.compile(r"\d\s*(pm|p\.m\.)", re.I)
_RELATIVE_DAY = re.compile(
    r"^(сегодня|вчера|позавчера|бүгін|кеше|today|yesterday)\b", re.I
)
_DAYS_BACK = {"сегодня": 0, "бүгін": 0, "today": 0, "вчера": 1, "кеше": 1, "yesterday": 1, "позавчера": 2}
_JUST_NOW = re.compile(r"^(только что|жаңа ғана|just now)$", re.I)
#: A time alone, as listings write today's news ("10:15", "в 10:15").
_BARE_TIME = re.compile(r"^(?:в\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?$", re.I)
# Leading labels such as "Опубликовано:", "Дата публикации:", "Обновлено" before the date itself.
_LABEL = re.compile(
    r"^(?:[^\W\d_]+[\s.]*){1,4}[:\-–—]\s*(?=\S)|"
    r"^(?:опубликовано|обновлено|изменено|добавлено|дата|published|updated|posted|жарияланды)\s+(?=\d)",
    re.I,
)
_DIGIT = re.compile(r"\d")
_RELATIVE_WORDS = set(_DAYS_BACK) | {"только", "назад", "жаңа"}


def _offset(text: str | None) -> timezone | None:
    if not text:
        return None
    if text == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return _zone(sign, hours, minutes)


def _zone(sign: int, hours: int, minutes: int) -> timezone | None:
    """The UTC offset, or None for one no clock has (24 hours or more, 60 minutes or more)."""
    if hours >= 24 or minutes >= 60:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _local(year, month, day, hour=0, minute=0, second=0, tz=None) -> datetime | None:
    try:
        naive = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
    except ValueError:
        return None
    return naive.replace(tzinfo=tz or LOCAL)


def _time_of(text: str) -> tuple[int, int, int]:
    match = _TIME.search(text)
    if not match:
        return 0, 0, 0
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    if hour > 23 or minute > 59:
        return 0, 0, 0
    return hour, minute, second


def _text_tz(text: str) -> timezone | None:
    match = _TZ_SUFFIX.search(text)
    if not match:
        return timezone.utc if re.search(r"\b(?:GMT|UTC)\b", text) else None
    hours, minutes = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    sign = -1 if hours.startswith("-") else 1
    return _zone(sign, abs(int(hours)), int(minutes or 0))


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:  # "26" is 2026; "0001" is the year 1
        year += 2000 if year < 70 else 1900
    return year


def _fast_parse(text: str, now: datetime) -> datetime | None:
    """The formats the sites use, read day-first; None when none applies."""
    match = _ISO.search(text)
    if match:
        y, mo, d, h, mi, s, off = match.groups()
        zone = _offset(off)
        if off and zone is None:  # an offset no clock has: the date cannot be placed
            return None
        return _local(y, mo, d, h or 0, mi or 0, s or 0, zone)
    local_now = now.astimezone(LOCAL)
    if _JUST_NOW.match(text):
        return now
    match = _RELATIVE_DAY.match(text)
    if match:
        day = local_now - timedelta(days=_DAYS_BACK[match.group(1).lower()])
        h, mi, s = _time_of(text)
        return _local(day.year, day.month, day.day, h, mi, s)
    match = _BARE_TIME.match(text)
    if match:  # the most recent such moment: today's, else (later than the fetch) yesterday's
        h, mi, s = match.groups()
        if int(h) > 23 or int(mi) > 59 or int(s or 0) > 59:
            return None
        value = _local(local_now.year, local_now.month, local_now.day, h, mi, s)
        if value > now + timedelta(minutes=DATE_FUTURE_SLACK_MINUTES):
            value -= timedelta(days=1)
        return value
    tz = _text_tz(text)
    match = _NUMERIC.search(text)
    if match:
        d, mo, y = match.groups()
        h, mi, s = _time_of(text[: match.start()] + " " + text[match.end():])
        return _local(_year(y), mo, d, h, mi, s, tz)
    match = _YEAR_FIRST_WORD.search(text)
    if match and month_number(match.group(3)):
        y, d, word = match.groups()
        h, mi, s = _time_of(text[: match.start()] + " " + text[match.end():])
        return _local(y, month_number(word), d, h, mi, s, tz)
    match = _MONTH_FIRST.search(text)
    if match and month_number(match.group(1)):
        word, d, y = match.groups()
        h, mi, s = _time_of(text[: match.start()] + " " + text[match.end():])
        if _PM.search(text) and h < 12:
            h += 12
        return _local(y, month_number(word), d, h, mi, s, tz)
    for match in _WORD_DATE.finditer(text):
        d, word, y = match.groups()
        month = month_number(word)
        if not month:
            continue
        rest = text[: match.start()] + " " + text[match.end():]
        h, mi, s = _time_of(rest)
        if y is None:
            year_match = re.search(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", rest)
            if year_match:
                y = year_match.group(1)
        if y is not None:
            return _local(y, month, d, h, mi, s, tz)
        # No year: the most recent such day not after the fetch time.
        guess = _local(local_now.year, month, d, h, mi, s, tz)
        if guess and guess > now + timedelta(days=1):
            guess = _local(local_now.year - 1, month, d, h, mi, s, tz)
        return guess
    return None


@lru_cache(maxsize=1)
def _dateparser():
    import dateparser  # slow to import; only the rare unusual format needs it

    return dateparser


def _slow_parse(text: str, now: datetime) -> datetime | None:
    settings = {
        "TIMEZONE": TIMEZONE,
        "RETURN_AS_TIMEZONE_AWARE": True,
        "RELATIVE_BASE": now.astimezone(LOCAL).replace(tzinfo=None),
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY",
    }
    try:
        return _dateparser().parse(text, languages=DATE_LANGUAGES, settings=settings)
    except Exception:  # dateparser has more ways to fail than it documents; an unreadable date is None
        return None


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip(" \t\n|·•,")
    for _ in range(2):
        match = _LABEL.match(text)
        if not match:
            break
        label_word = text[: match.end()].split()[0].lower().strip(":,")
        if label_word in _RELATIVE_WORDS:
            break
        text = text[match.end():].strip()
    return text


def is_plausible(value: datetime | None, fetched_at: datetime | None = None) -> bool:
    """A date a news page can carry: not before EARLIEST_YEAR, not after the fetch time."""
    if value is None:
        return False
    now = fetched_at or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=LOCAL)
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL)
    try:
        return value.year >= EARLIEST_YEAR and value <= now + timedelta(minutes=DATE_FUTURE_SLACK_MINUTES)
    except (OverflowError, ValueError):  # 9999-12-31 west of UTC: past the calendar's end
        return False


def parse_date(text: str | None, fetched_at: datetime | None = None) -> datetime | None:
    """A tz-aware datetime from a date as a page writes it, or None when unreadable or impossible.

    Times without an offset are Kazakhstan time; relative dates ("Вчера, 09:15", "2 часа назад",
    "только что") count from `fetched_at` (default: now); a day without a year is the most recent
    such day.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    now = fetched_at or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=LOCAL)
    text = _clean(text[:1000])
    if not text or len(text) > 200:
        return None
    try:
        value = _fast_parse(text, now)
    except (ValueError, OverflowError):  # a number no calendar holds
        value = None
    if value is None and _DIGIT.search(text):
        value = _slow_parse(text, now)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL)
    return value if is_plausible(value, now) else None


def to_iso(value: datetime | None) -> str | None:
    """ISO 8601 with offset, to the second."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL)
    return value.replace(microsecond=0).isoformat()


_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?=[/_-]|\.html|$)")


def date_from_url(url: str | None, fetched_at: datetime | None = None) -> datetime | None:
    """A date written in a URL path (/2020/09/23/...), as midnight Kazakhstan time."""
    if not url:
        return None
    match = _URL_DATE.search(url)
    if not match:
        return None
    value = _local(*match.groups())
    return value if is_plausible(value, fetched_at) else None
