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
#: this many listing pages per listing; compressed sitemaps are read up to this many bytes, and
#: at most this many child sitemaps of an index.
NEWSARCHIVE_FIRST_CRAWL_DAYS = defaults.FIRST_CRAWL_DAYS
NEWSARCHIVE_BACKFILL_MAX_PAGES = defaults.BACKFILL_MAX_PAGES
NEWSARCHIVE_SITEMAP_MAX_BYTES = defaults.SITEMAP_MAX_BYTES
NEWSARCHIVE_SITEMAP_MAX_FILES = defaults.SITEMAP_MAX_FILES
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
#: Waits before retries (newsarchive.crawl.middlewares.BackoffRetryMiddleware): Retry-After when the
#: site sends one (a longer one than NEWSARCHIVE_RETRY_AFTER_MAX seconds gives the page up until
#: the next run), else NEWSARCHIVE_RETRY_BACKOFF_BASE × 2ⁿ seconds, at most NEWSARCHIVE_RETRY_BACKOFF_MAX.
NEWSARCHIVE_RETRY_BACKOFF_BASE = 2.0
NEWSARCHIVE_RETRY_BACKOFF_MAX = 60.0
NEWSARCHIVE_RETRY_AFTER_MAX = 300.0
DOWNLOAD_TIMEOUT = 30
COOKIES_ENABLED = False
#: A live progress table (newsarchive.crawl.progress) on the terminal; `newsarchive crawl` turns it on
#: when stdout is a terminal.
NEWSARCHIVE_PROGRESS = False

# Nothing listens on a port for remote code or a console.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    "newsarchive.crawl.middlewares.SkipArchivedArticles": 50,
    "newsarchive.crawl.middlewares.ConditionalRequests": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newsarchive.crawl.middlewares.BackoffRetryMiddleware": 550,
}
ITEM_PIPELINES = {
    "newsarchive.crawl.pipelines.ArchivePipeline": 300,
}
EXTENSIONS = {
    "newsarchive.crawl.archive.ArchiveHandle": 0,
    "newsarchive.crawl.runs.CrawlRunRecorder": 500,
    "newsarchive.crawl.progress.ProgressDisplay": 510,
}

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
