"""A live progress table for crawls run on a terminal: one row per site.

`ProgressDisplay` is a Scrapy extension, on when NEWSARCHIVE_PROGRESS is true (`newsarchive crawl`
sets it when stdout is a terminal). Every spider of the process reports to one shared board,
drawn with rich.live; log records are printed above the table instead of through it.
"""

from __future__ import annotations

import logging
import sys
import threading
import time

from rich.console import Console
from rich.live import Live
from rich.table import Table
from scrapy import signals
from scrapy.exceptions import NotConfigured

#: Columns: heading → Scrapy stats key.
COLUMNS = {
    "requests": "downloader/request_count",
    "pages": "newsarchive/pages",
    "new": "newsarchive/new",
    "updated": "newsarchive/updated",
    "known": "newsarchive/skipped_known",
    "rejected": "newsarchive/rejected",
    "refused": "newsarchive/refused",
    "errors": "newsarchive/errors",
}
#: What a backfill's listing walks have done (newsarchive.crawl.backfill): pages walked, the oldest day
#: reached, the day they reach back to. Shown under the table, one line per site that walks back.
WALK_STATS = {
    "walked": "newsarchive/listing_pages",
    "reached": "newsarchive/reached",
    "since": "newsarchive/window",
}


def render(rows: list[dict]) -> Table:
    """The table for rows of {"site", "status", "elapsed", and one value per COLUMNS key}."""
    table = Table(title="newsarchive crawl", title_justify="left", expand=False)
    table.add_column("site")
    table.add_column("status")
    for name in COLUMNS:
        table.add_column(name, justify="right")
    table.add_column("time", justify="right")
    for row in rows:
        errors = row.get("errors", 0)
        cells = [str(row.get(name, 0)) for name in COLUMNS]
        if errors:
            cells[-1] = f"[red]{errors}[/red]"
        minutes, seconds = divmod(int(row.get("elapsed", 0)), 60)
        table.add_row(row["site"], row["status"], *cells, f"{minutes}:{seconds:02d}")
    walks = [f"{row['site']}: reaching back to {row['since']}: {row.get('walked') or 0} listing pages walked, "
             f"oldest item {row.get('reached') or '-'}" for row in rows if row.get("since")]
    if walks:
        table.caption = "\n".join(walks)
        table.caption_justify = "left"
    return table


class Board:
    """The sites of this process and their stats; draws itself while any site runs."""

    def __init__(self, console: Console | None = None):
        self.console = console
        self.sites: dict[str, dict] = {}
        self.live: Live | None = None
        self._handlers: list[tuple[logging.StreamHandler, object]] = []
        self._lock = threading.Lock()

    def rows(self) -> list[dict]:
        rows = []
        with self._lock:
            entries = list(self.sites.items())
        for site, entry in entries:
            stats = entry["stats"]
            row = {"site": site, "status": entry["status"],
                   "elapsed": (entry["ended"] or time.monotonic()) - entry["started"]}
            for name, key in COLUMNS.items():
                row[name] = int(stats.get_value(key, 0) or 0)
            for name, key in WALK_STATS.items():
                row[name] = stats.get_value(key)
            rows.append(row)
        return rows

    def __rich__(self) -> Table:
        return render(self.rows())

    def opened(self, site: str, stats) -> None:
        with self._lock:
            self.sites[site] = {"stats": stats, "status": "running", "started": time.monotonic(), "ended": None}
        if self.live is None:
            self.live = Live(self, console=self.console or Console(), refresh_per_second=2,
                             redirect_stdout=True, redirect_stderr=True, transient=False)
            self.live.start()
            self._route_logs_through_live()

    def closed(self, site: str, reason: str) -> None:
        with self._lock:
            if site in self.sites:
                self.sites[site]["status"] = reason
                self.sites[site]["ended"] = time.monotonic()
            running = any(entry["status"] == "running" for entry in self.sites.values())
        if not running and self.live is not None:
            self._restore_logs()
            self.live.stop()
            self.live = None

    def _route_logs_through_live(self) -> None:
        # Scrapy's log handler holds the real stderr; point it at rich's proxy so records are
        # printed above the table.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is sys.__stderr__:
                self._handlers.append((handler, handler.setStream(sys.stderr)))

    def _restore_logs(self) -> None:
        for handler, stream in self._handlers:
            handler.setStream(stream)
        self._handlers.clear()


BOARD = Board()


class ProgressDisplay:
    """Reports one spider's figures to the process's board."""

    def __init__(self, crawler):
        if not crawler.settings.getbool("NEWSARCHIVE_PROGRESS"):
            raise NotConfigured
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @staticmethod
    def _site(spider) -> str:
        return getattr(getattr(spider, "site", None), "domain", None) or spider.name

    def spider_opened(self, spider):
        BOARD.opened(self._site(spider), self.crawler.stats)

    def spider_closed(self, spider, reason):
        BOARD.closed(self._site(spider), reason)
