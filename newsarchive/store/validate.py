"""Validation: an article is stored whole or rejected with a reason, never half."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from newsarchive import clock, defaults
from newsarchive.model import Article
from newsarchive.urls import canonicalize_url

#: What no address holds: control characters and white space.
_UNSAFE_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")


class Rejected(Exception):
    """An article that cannot be stored; `reason` is a short code, `detail` says why."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


def _parse_iso(value: str, field: str) -> datetime:
    parsed = clock.parse_iso(value, assume_local=False) if isinstance(value, str) else None
    if parsed is None:
        raise Rejected("bad_date", f"{field} is not ISO 8601: {value!r:.60}")
    if parsed.tzinfo is None:
        raise Rejected("bad_date", f"{field} has no UTC offset: {value!r:.60}")
    return parsed


def validate_article(article: Article, *, now: datetime | None = None) -> Article:
    """Return `article` unchanged when it can be stored; raise Rejected otherwise. A date later
    than a day after `now` (default: when the article was fetched, else the present) is impossible."""
    if not article.url:
        raise Rejected("no_url")
    if not isinstance(article.url, str) or len(article.url) > 4096 or _UNSAFE_URL.search(article.url.strip()):
        raise Rejected("bad_url", f"{article.url!r:.200} is not an address (control characters, spaces or too long)")
    try:
        canonicalize_url(article.url)
    except ValueError as error:
        raise Rejected("bad_url", f"{article.url!r:.200}: {error}") from None
    parts = urlsplit(article.url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise Rejected("bad_url", f"{article.url!r:.200} is not an http(s) address with a host")
    if not (article.title or "").strip():
        raise Rejected("no_title", "no headline found")
    body = (article.body or "").strip()
    if not body:
        raise Rejected("no_body", "no article text found")
    if len(body) < defaults.MIN_BODY_CHARS:
        raise Rejected("body_too_short", f"{len(body)} characters, fewer than {defaults.MIN_BODY_CHARS}")
    repeated = {(article.title or "").strip(), (article.lead or "").strip()}
    text = sum(len(line) for line in map(str.strip, body.splitlines())
               if len(line) >= defaults.MIN_TEXT_LINE_CHARS and line not in repeated)
    if text < defaults.MIN_BODY_CHARS:
        raise Rejected("no_text", f"only {text} characters in lines of text besides the title and lead: "
                                  "menus or captions, not an article")
    if now is None:
        now, fetched = clock.now(), clock.parse_iso(article.fetched_at)
        now = fetched if fetched is not None and fetched < now else now
    latest = now + timedelta(days=1)
    for field in ("published_at", "modified_at"):
        value = getattr(article, field)
        if not value:
            continue
        when = _parse_iso(value, field)
        try:
            impossible = when.year < defaults.EARLIEST_YEAR or when > latest
        except (OverflowError, ValueError):  # 9999-12-31 with a negative offset: past the calendar's end in UTC
            impossible = True
        if impossible:
            raise Rejected("impossible_date", f"{field} {value!r:.60} is before {defaults.EARLIEST_YEAR} or in the future")
    return article
