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

#: Lines shorter than this are menus, captions and labels; a body needs MIN_BODY_CHARS of longer
#: lines besides its title and lead.
MIN_TEXT_LINE_CHARS = 40

#: Sitemap entries older than this many days are not followed.
SITEMAP_MAX_AGE_DAYS = 30

#: A page rejected by validation is not downloaded again for this many days.
RETRY_REJECTED_AFTER_DAYS = 7

#: Listing pages walked per listing at most.
LISTING_MAX_PAGES = 5


def db_path(explicit: str | None = None) -> str:
    """The archive path: explicit argument, else $NEWSARCHIVE_DB, else data/news.db."""
    return explicit or os.environ.get("NEWSARCHIVE_DB") or DEFAULT_DB_PATH

# --- extraction ---

#: A page date later than the fetch time by more than this is rejected as impossible.
DATE_FUTURE_SLACK_MINUTES = 60

#: Share of Kazakh-specific letters (әғқңөұүһі) among Cyrillic letters above which text is Kazakh.
KAZAKH_LETTER_SHARE = 0.02

#: Blocks of body text shorter than this (characters) count as "short" to the content model.
BLOCK_SHORT_CHARS = 70

#: Blocks longer than this with prose-like word use count as good without looking at their neighbours.
BLOCK_LONG_CHARS = 200

#: Share of a block's characters inside links above which it is navigation, not text.
MAX_LINK_DENSITY = 0.33

#: Tags longer than this (characters) are headlines, not tags.
MAX_TAG_CHARS = 60
