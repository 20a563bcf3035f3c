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

#: Sitemap entries older than this many days are not followed by a daily crawl (a backfill reads
#: them back to its start).
SITEMAP_MAX_AGE_DAYS = 30

#: How many days back the first crawl of a site reaches when its entry does not say
#: (`[discovery] first_crawl_days`); `-s NEWSARCHIVE_FIRST_CRAWL_DAYS=N` overrides both.
FIRST_CRAWL_DAYS = 30

#: Listing pages a backfill walks per listing at most (`--max-pages` bounds it further).
BACKFILL_MAX_PAGES = 500

#: A day archive is given up after this many days in a row whose page fails (the site has none).
DAY_ARCHIVE_MISSES = 3

#: A compressed sitemap is read up to this many bytes once decompressed (the sitemap protocol's
#: own limit is 50 MB).
SITEMAP_MAX_BYTES = 50 * 1024 * 1024

#: Child sitemaps of an index a backfill reads at most, newest first.
SITEMAP_MAX_FILES = 100

#: A listing page or feed whose links the entry's article patterns all miss, while at least this
#: many of them look like articles of the site, is read with the generic check instead (the site
#: has moved its articles to a new URL shape), and `health` flags the site.
SCHEME_CHANGE_MIN_LINKS = 5

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
