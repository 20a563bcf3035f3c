"""`make demo`: the whole path offline — serve the bundled mirrors, crawl them, search."""

from __future__ import annotations

from pathlib import Path

from newsarchive.crawl.runner import MIRROR_SETTINGS, CrawlSummary, crawl
from newsarchive.ops.mirror import serve_mirrors

DEMO_DB = "data/demo.db"
DEMO_TAG = "Пенсия 2026"


def demo(db_path: str = DEMO_DB) -> CrawlSummary:
    """Crawl every bundled mirror into a fresh archive at `db_path`."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    servers = serve_mirrors()
    try:
        return crawl(list(servers), db_path=db_path, settings={**MIRROR_SETTINGS, "LOG_LEVEL": "WARNING"},
                     base_urls={name: server.base_url for name, server in servers.items()})
    finally:
        for server in servers.values():
            server.stop()
