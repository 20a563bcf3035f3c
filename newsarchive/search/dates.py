"""Dates as a person types them into a search, and the periods a trend counts by.

A day ("2026-11-01") is a Kazakhstan calendar day; a time without an offset is Kazakhstan time.
Bounds become UTC ISO text, comparable with articles.published_utc.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from newsarchive.clock import LOCAL, parse_iso
from newsarchive.defaults import MAX_TREND_PERIODS
from newsarchive.search.querylang import QueryError

PERIODS = ("day", "week", "month")


def parse_bound(value: str | date | datetime | None, *, end: bool = False) -> str | None:
    """A date filter as a UTC ISO string comparable with articles.published_utc.

    "YYYY-MM-DD" is a Kazakhstan calendar day: as `since` its first moment, as `until` (end=True)
    the first moment of the next day (the bound is exclusive). Other input is ISO 8601.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = parse_iso(value)
    else:
        day = value if isinstance(value, date) else _day(str(value).strip())
        if day is not None:
            try:
                moment = datetime.combine(day + timedelta(days=1 if end else 0), time(), LOCAL)
            except OverflowError:
                raise QueryError(f"no date after {day.isoformat()} can be searched") from None
        else:
            moment = parse_iso(str(value).strip()[:100])
            if moment is None:
                raise QueryError(f"not a date: {str(value).strip()!r:.60} (use YYYY-MM-DD or an ISO 8601 time)")
    try:
        return moment.astimezone(timezone.utc).isoformat()
    except (OverflowError, ValueError):
        raise QueryError(f"not a date that can be searched: {str(value)[:60]} (the calendar ends there)") from None


def bound_day(value: str | date | datetime | None) -> date | None:
    """The Kazakhstan calendar day a date filter starts on."""
    if value is None or value == "":
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return datetime.fromisoformat(parse_bound(value)).astimezone(LOCAL).date()


def _day(text: str) -> date | None:
    if len(text) != 10:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def check_period(by: str) -> str:
    if by not in PERIODS:
        raise QueryError(f"--by must be one of {', '.join(PERIODS)}, not {by!r}")
    return by


def period_label(day: date, by: str) -> str:
    """The label of the period holding `day`: 2026-01-13, 2026-W03, 2026-01."""
    check_period(by)
    if by == "day":
        return day.isoformat()
    if by == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{day.year}-{day.month:02d}"


def period_start(day: date, by: str) -> date:
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    return day


def next_period(day: date, by: str) -> date:
    if by == "day":
        return day + timedelta(days=1)
    if by == "week":
        return day + timedelta(days=7)
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def periods(first: date, last: date, by: str) -> list[str]:
    """Every period label from the one holding `first` to the one holding `last`; a QueryError
    for more than MAX_TREND_PERIODS of them."""
    span = {"day": 1, "week": 7, "month": 28}[check_period(by)]
    if (last - first).days // span > MAX_TREND_PERIODS:
        raise QueryError(f"{first.isoformat()} to {last.isoformat()} is more than {MAX_TREND_PERIODS} "
                         f"{by}s: narrow --since/--until or count --by month")
    labels, day = [], period_start(first, by)
    while day <= last:
        labels.append(period_label(day, by))
        try:
            day = next_period(day, by)
        except OverflowError:
            break
    return labels
