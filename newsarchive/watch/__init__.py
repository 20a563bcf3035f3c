"""Watches: saved searches whose new matches are delivered after every crawl, exactly once per
channel (newsarchive.watch.deliver says how), as an Atom feed, e-mail and a webhook, and a digest
of what they found. See README.md, "Watches"."""

from newsarchive.watch.definitions import (
    Watch,
    WatchError,
    add_watch,
    get_watch,
    list_watches,
    remove_watch,
    watch_figures,
)
from newsarchive.watch.deliver import (
    WatchLocked,
    WatchRun,
    run_after_crawl,
    run_watches,
)
from newsarchive.watch.digest import digest, render

__all__ = ["Watch", "WatchError", "WatchLocked", "WatchRun", "add_watch", "get_watch", "list_watches",
           "remove_watch", "watch_figures", "run_watches", "run_after_crawl", "digest", "render"]
