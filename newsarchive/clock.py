"""Time: the current moment as stored, and ISO 8601 input where a missing offset means Kazakhstan time."""

from __future__ import annotations

from datetime import date, datetime, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from newsarchive import defaults

#: The sites' own clock (UTC+5 since 2024-03-01, UTC+6 before; zoneinfo knows both).
LOCAL = ZoneInfo(defaults.TIMEZONE)


def now_iso() -> str:
    """Now, in UTC, to the second: how the archive stamps first_seen, fetched_at, runs, failures."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def parse_iso(value: str | datetime | None) -> datetime | None:
    """A timezone-aware datetime from ISO 8601 text ("Z" allowed; no offset: Kazakhstan time);
    None for nothing or for text that is no ISO 8601 time."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)


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
    except ValueError:
        return None
