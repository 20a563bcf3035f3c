"""Scrapy settings for newsarchive. Ours are NEWSARCHIVE_*; the rest is polite crawling."""

import os

from newsarchive import __version__, defaults

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["newsarchive.spiders"]
NEWSPIDER_MODULE = "newsarchive.spiders"

#: Where articles are stored (the CLI passes --db here).
NEWSARCHIVE_DB = defaults.db_path()
#: Contact URL named in the User-Agent, so site owners can reach whoever runs the crawl.
NEWSARCHIVE_CONTACT_URL = os.environ.get("NEWSARCHIVE_CONTACT_URL", "https://github.com/newsarchive/newsarchive")
NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS = defaults.SITEMAP_MAX_AGE_DAYS
NEWSARCHIVE_LISTING_MAX_PAGES = defaults.LISTING_MAX_PAGES
#: Backfills (newsarchive.crawl.backfill): a site's first crawl reaches back this many days unless its
#: entry says otherwise (set here, with -s, it overrides every entry); a backfill walks at most
#: this many listing pages per listing, and at most this many child sitemaps of an index.
NEWSARCHIVE_FIRST_CRAWL_DAYS = defaults.FIRST_CRAWL_DAYS
NEWSARCHIVE_BACKFILL_MAX_PAGES = defaults.BACKFILL_MAX_PAGES
NEWSARCHIVE_SITEMAP_MAX_FILES = defaults.SITEMAP_MAX_FILES

# Limits on what a site sends (newsarchive.defaults explains each). A hit is refused or cut, logged
# once with its URL and counted under its reason (newsarchive.failures); the crawl goes on.
#: Any response after decompression; an article or listing page (anything but XML) at most MAX_PAGE_BYTES.
NEWSARCHIVE_MAX_RESPONSE_BYTES = defaults.MAX_RESPONSE_BYTES
NEWSARCHIVE_MAX_PAGE_BYTES = defaults.MAX_PAGE_BYTES
NEWSARCHIVE_MAX_SITEMAP_ENTRIES = defaults.MAX_SITEMAP_ENTRIES
NEWSARCHIVE_MAX_SITEMAP_CHILDREN = defaults.MAX_SITEMAP_CHILDREN
NEWSARCHIVE_MAX_DISCOVERED = defaults.MAX_DISCOVERED
NEWSARCHIVE_MAX_SITEMAP_DEPTH = defaults.MAX_SITEMAP_DEPTH
NEWSARCHIVE_MAX_FEED_ITEMS = defaults.MAX_FEED_ITEMS
NEWSARCHIVE_MAX_PAGE_LINKS = defaults.MAX_PAGE_LINKS
NEWSARCHIVE_MAX_REDIRECTS = defaults.MAX_REDIRECTS
#: Stored text: longer fields are cut, more tags or images left out (newsarchive.store.normalise).
NEWSARCHIVE_MAX_TITLE_CHARS = defaults.MAX_TITLE_CHARS
NEWSARCHIVE_MAX_LEAD_CHARS = defaults.MAX_LEAD_CHARS
NEWSARCHIVE_MAX_BODY_CHARS = defaults.MAX_BODY_CHARS
NEWSARCHIVE_MAX_FIELD_CHARS = defaults.MAX_FIELD_CHARS
NEWSARCHIVE_MAX_TAGS = defaults.MAX_TAGS
NEWSARCHIVE_MAX_TAG_CHARS = defaults.MAX_TAG_CHARS
NEWSARCHIVE_MAX_IMAGES = defaults.MAX_IMAGES
#: Articles stored per site (`--max-articles`): none past it, even those already downloading.
NEWSARCHIVE_MAX_ARTICLES = None
#: Scrapy's own caps stay above ours as a backstop (ours stop a download first, and say why).
DOWNLOAD_MAXSIZE = 2 * defaults.MAX_RESPONSE_BYTES
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 2 * defaults.MAX_REDIRECTS
#: Seconds of writes committed together (newsarchive.crawl.archive); 0: every article on its own.
NEWSARCHIVE_COMMIT_SECONDS = 1.0
#: Stored articles whose stories are decided together (newsarchive.store.stories.refresh), and at the crawl's end.
NEWSARCHIVE_STORY_BATCH = defaults.STORY_BATCH
#: A helper process analyses the articles' text while the crawl fetches (newsarchive.crawl.analysis):
#: None: when the machine has more than one core; False: all in the crawl's process.
NEWSARCHIVE_ANALYSIS_HELPER = None
#: The crawl_runs row this crawl reports to (set by `newsarchive crawl`; a bare `scrapy crawl` makes its own).
NEWSARCHIVE_RUN_ID = None

USER_AGENT = f"newsarchive/{__version__} (+{NEWSARCHIVE_CONTACT_URL})"

# Politeness: robots.txt, one or two requests at a time per site, adaptive delays.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: A page that failed after its retries is noted once by the spider (newsarchive.crawl.failures).
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
#: Waits before retries (newsarchive.crawl.middlewares.BackoffRetryMiddleware): Retry-After when the
#: site sends one (a longer one than NEWSARCHIVE_RETRY_AFTER_MAX seconds gives the page up until
#: the next run), else NEWSARCHIVE_RETRY_BACKOFF_BASE × 2ⁿ seconds, at most NEWSARCHIVE_RETRY_BACKOFF_MAX.
NEWSARCHIVE_RETRY_BACKOFF_BASE = 2.0
NEWSARCHIVE_RETRY_BACKOFF_MAX = 60.0
NEWSARCHIVE_RETRY_AFTER_MAX = 300.0
DOWNLOAD_TIMEOUT = 30
COOKIES_ENABLED = False
#: Items of one response processed at a time. A page gives one article; Scrapy starts this many
#: tasks for every response, and its default of 100 cost 1.8 ms an article in the crawl's process.
CONCURRENT_ITEMS = 4
#: Bytes of pages being processed before the crawl fetches no more (Scrapy's default: 5,000,000).
#: Pages wait here while the helper prepares their articles; 2 MB is a second's work on two cores,
#: and holds ~20 MB less at the peak than the default did.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 2_000_000
#: A live progress table (newsarchive.crawl.progress) on the terminal; `newsarchive crawl` turns it on
#: when stdout is a terminal.
NEWSARCHIVE_PROGRESS = False

# Nothing listens on a port for remote code or a console.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "newsarchive.crawl.middlewares.SkipArchivedArticles": 50,
    "newsarchive.crawl.middlewares.ConditionalRequests": 60,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "newsarchive.crawl.middlewares.RobotsTxt": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsarchive.crawl.middlewares.BackoffRetryMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newsarchive.crawl.middlewares.GuardedMetaRefresh": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "newsarchive.crawl.limits.BoundedResponses": 590,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "newsarchive.crawl.middlewares.GuardedRedirects": 600,
}
SPIDER_MIDDLEWARES = {
    "newsarchive.crawl.failures.CallbackErrors": 950,  # next to the spider: its errors come here first
}
ITEM_PIPELINES = {
    "newsarchive.crawl.pipelines.ArchivePipeline": 300,
}
EXTENSIONS = {
    "newsarchive.crawl.archive.ArchiveHandle": 0,
    "newsarchive.crawl.analysis.TextAnalyser": 0,
    "newsarchive.crawl.failures.FailureLog": 1,
    "newsarchive.crawl.runs.CrawlRunRecorder": 500,
    "newsarchive.crawl.progress.ProgressDisplay": 510,
}

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
