"""Defaults in one place: every tunable of newsarchive starts here."""

import os

#: Where the archive lives unless --db or $NEWSARCHIVE_DB says otherwise.
DEFAULT_DB_PATH = "data/news.db"

#: Local time of every site we follow.
TIMEZONE = "Asia/Almaty"

#: Languages handed to dateparser (Russian and Kazakh month names).
DATE_LANGUAGES = ["ru", "kk"]

#: Dates before this year are impossible for the sites we archive.
EARLIEST_YEAR = 1991

#: Articles shorter than this (characters of body text) are rejected.
MIN_BODY_CHARS = 80

#: Sitemap entries older than this many days are not followed.
SITEMAP_MAX_AGE_DAYS = 30

#: Listing pages walked per listing at most.
LISTING_MAX_PAGES = 5


def db_path(explicit: str | None = None) -> str:
    """The archive path: explicit argument, else $NEWSARCHIVE_DB, else data/news.db."""
    return explicit or os.environ.get("NEWSARCHIVE_DB") or DEFAULT_DB_PATH
