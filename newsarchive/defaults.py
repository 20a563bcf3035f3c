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

#: Child sitemaps of an index a backfill reads at most, newest first.
SITEMAP_MAX_FILES = 100

#: A listing page or feed whose links the entry's article patterns all miss, while at least this
#: many of them look like articles of the site, is read with the generic check instead (the site
#: has moved its articles to a new URL shape), and `health` flags the site.
SCHEME_CHANGE_MIN_LINKS = 5
#: ... and at most this many: a page of thousands of such links is no news listing (a link farm, a
#: site map in HTML), and fetching them all would cost the site and the crawl more than it finds.
SCHEME_CHANGE_MAX_LINKS = 300

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

# --- limits on what a site controls ---
# Every input a site (or a file given to `import`) controls is bounded. A hit is logged once with
# its URL and counted under its reason (newsarchive.failures); the crawl goes on. The crawl's
# limits are Scrapy settings of the same name with NEWSARCHIVE_ in front (newsarchive.crawl.settings).

#: Any response, after decompression (gzip bombs included): larger ones are refused (`too_large`).
#: Sitemaps may reach 50 MB by the protocol; the sites we follow stay far below this.
MAX_RESPONSE_BYTES = 32 * 1024 * 1024

#: An HTML page (an article or a listing): larger ones are refused (`too_large`) before they are
#: parsed. Kazakh news pages are 50–500 KB; parsing and extraction cost grows with the markup.
MAX_PAGE_BYTES = 4 * 1024 * 1024

#: Elements of a parsed page beyond which its text is read without the content model (which
#: weighs every block against its neighbours); real article pages have a few thousand.
MAX_PAGE_ELEMENTS = 60_000

#: Entries read from one sitemap URL set (the protocol's own maximum is 50,000).
MAX_SITEMAP_ENTRIES = 50_000

#: Child sitemaps followed from one sitemap index, and per site in one crawl.
MAX_SITEMAP_CHILDREN = 1_000

#: Article URLs one site's discovery yields in one crawl (each is a request waiting in memory);
#: past it discovery stops and the rest waits for the next crawl.
MAX_DISCOVERED = 50_000

#: Sitemap indexes within indexes: the site entry's sitemap is level 1; deeper ones are not followed.
MAX_SITEMAP_DEPTH = 3

#: Items read from one RSS or Atom feed.
MAX_FEED_ITEMS = 1_000

#: Links read from one listing or front page.
MAX_PAGE_LINKS = 5_000

#: Redirects followed for one request (a loop is refused at its first repeat).
MAX_REDIRECTS = 10

#: Stored text is cut to these lengths (characters); each cut is logged and counted.
MAX_TITLE_CHARS = 1_000
MAX_LEAD_CHARS = 5_000
MAX_BODY_CHARS = 200_000
#: author, section, credited source and agency.
MAX_FIELD_CHARS = 500
#: Tags kept per article (the first ones); a tag longer than MAX_TAG_CHARS is dropped.
MAX_TAGS = 100
#: Images kept per article (the first ones).
MAX_IMAGES = 100

#: Elements nested deeper than this are read as one run of text (their text is kept, their
#: structure is not): the parser and the content model need not go deeper.
MAX_TREE_DEPTH = 160

#: A line of an `import` file longer than this (bytes) is skipped and recorded, unread.
MAX_IMPORT_LINE_BYTES = 8 * 1024 * 1024

#: An `import` commits its batch of articles at least this often (seconds), so that no other
#: writer waits on it for long (SQLite lets one write at a time; readers never wait).
IMPORT_BATCH_SECONDS = 2.0

#: A crawl decides the stories of the articles it stored (newsarchive.store.stories.refresh)
#: each time this many are waiting, and at its end: until then a new article is in a story of
#: its own.
STORY_BATCH = 500

#: Search results per request at most (--limit), and the largest --offset.
MAX_SEARCH_LIMIT = 100_000
MAX_SEARCH_OFFSET = 10_000_000

#: Periods a trend may count at most (a century of days; ask --by month beyond).
MAX_TREND_PERIODS = 40_000

#: Longest search query (characters) and most characters of one field the SQL functions read.
MAX_QUERY_CHARS = 2_000
