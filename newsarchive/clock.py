"""Time: the current moment as stored, ISO 8601 input, and Kazakhstan calendar days.

Every module reads times through here, with one rule: a time written without an offset is
Kazakhstan time (the sites' own clock), unless the caller asks to see that it had none.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from newsarchive import defaults

#: The sites' own clock (UTC+5 since 2024-03-01, UTC+6 before; zoneinfo knows both).
LOCAL = ZoneInfo(defaults.TIMEZONE)


def now() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def now_iso() -> str:
    """Now, in UTC, to the second: how the archive stamps first_seen, fetched_at, runs, failures."""
    return now().isoformat(timespec="seconds")


def parse_iso(value: str | datetime | None, *, assume_local: bool = True) -> datetime | None:
    """A datetime from ISO 8601 text ("Z" allowed), or None for nothing or for text that is no
    ISO 8601 time. Without an offset it is Kazakhstan time; `assume_local=False` returns such a
    time naive instead, for callers that must refuse it."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if parsed.tzinfo is None and assume_local:
        return parsed.replace(tzinfo=LOCAL)
    return parsed


def to_utc_iso(value: str | datetime | None) -> str | None:
    """An ISO 8601 time (no offset: Kazakhstan time) as UTC ISO text, what sorting and filters
    compare; None for nothing or for text that is no time."""
    parsed = parse_iso(value)
    if parsed is None:
        return None
    try:
        return parsed.astimezone(timezone.utc).isoformat()
    except (OverflowError, ValueError):  # year 1 or 9999 with an offset that leaves the calendar
        return None


def local_date(published_utc: str | None) -> date | None:
    """The Kazakhstan calendar day of a UTC ISO timestamp; None without one."""
    if not published_utc:
        return None
    return _local_date_of_hour(str(published_utc)[:13])  # offsets here are whole hours


def local_day(published_utc: str | None) -> str | None:
    """local_date as YYYY-MM-DD (articles.published_day)."""
    day = local_date(published_utc)
    return day.isoformat() if day else None


@lru_cache(maxsize=8192)
def _local_date_of_hour(utc_hour: str) -> date | None:
    try:
        return datetime.fromisoformat(utc_hour + ":00:00+00:00").astimezone(LOCAL).date()
    except (ValueError, OverflowError):
        return None
