"""Crawl benchmark: `newsarchive crawl --url` against the Scrapy spiders a user would write.

    .venv/bin/python bench/crawl_bench.py                      # 3,000 articles, then 20,000 for memory
    .venv/bin/python bench/crawl_bench.py --articles 1000 --memory-articles 0

A generated site (bench/gensite.py: OpenGraph, JSON-LD, sitemaps, a feed; text from
bench/corpus.py) is served on 127.0.0.1 from a process of its own, and crawled in this run by:

- a fetch-only Scrapy spider (sitemaps → every article, nothing done with the pages);
- a Scrapy spider that runs trafilatura on every page and writes JSON lines (bench/baseline_spider.py);
- `newsarchive crawl --url`, into a fresh archive: extraction, validation, dedup, the word
  index, stories.

All with throttling off (no delay, no autothrottle, 16 requests at a time), each timed from
start to exit (interpreter start-up and, for newsarchive, the stories' refresh included), the
three in turn --rounds times (this 2-core machine varies by ±15% from one crawl to the next).
Reported: each one's median pages/s (the spiders) and archived articles/s (newsarchive), the
ratio of the medians and each round's ratio;
then the peak memory (RSS, the crawl's process and its helpers together) of a crawl of
--memory-articles articles.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gensite import GeneratedSite  # noqa: E402

BIN = Path(sys.executable).parent
UNTHROTTLED = ["-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "DOWNLOAD_DELAY=0",
               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "TELNETCONSOLE_ENABLED=False",
               "-s", "REMOTE_CONTROL_ENABLED=False"]
#: The crawl ratio the reshape issue asks for: archived articles/s against the trafilatura spider's pages/s.
TARGET_RATIO = 1.0
RSS_TARGET_MB = 300


def tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (kB, from /proc)."""
    total = 0
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    todo = [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total


def run(command: list[str], cwd: str) -> tuple[float, int, subprocess.CompletedProcess]:
    """(seconds, peak RSS of the process tree in kB, the finished process)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def watch() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(process.pid))
            done.wait(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    watcher.join()
    return seconds, peak, subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def spider(site_url: str, folder: str, extract: bool) -> tuple[float, int]:
    """(seconds, pages fetched) of the baseline spider; run outside the project (no scrapy.cfg)."""
    output = Path(folder) / "pages.jsonl"
    command = [str(BIN / "scrapy"), "runspider", str(Path(__file__).parent / "baseline_spider.py"),
               "-a", f"site={site_url}", "-s", "LOG_LEVEL=INFO", *UNTHROTTLED]
    if extract:
        command += ["-a", "extract=trafilatura", "-O", str(output)]
    seconds, _, done = run(command, folder)
    if done.returncode != 0:
        raise RuntimeError(f"the baseline spider failed: {done.stderr[-2000:]}")
    pages = _stat(done.stderr, "response_received_count")
    if extract:
        items = sum(1 for _ in output.open(encoding="utf-8"))
        if items < pages * 0.9:
            raise RuntimeError(f"trafilatura extracted {items} of {pages} pages")
    return seconds, pages


def _stat(log: str, name: str) -> int:
    for line in log.splitlines():
        if f"'{name}':" in line:
            return int(line.split(f"'{name}':")[1].split(",")[0].strip(" }"))
    raise RuntimeError(f"no {name} in the spider's stats")


def newsarchive_crawl(site_url: str, folder: str) -> tuple[float, int, int]:
    """(seconds, articles archived, peak RSS kB) of `newsarchive crawl --url` into a fresh archive."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    db = Path(folder) / "bench.db"
    seconds, peak, done = run([str(BIN / "newsarchive"), "crawl", "--url", site_url, "--db", str(db),
                               "--no-watches", "--no-progress", *UNTHROTTLED], folder)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"newsarchive crawl failed ({done.returncode}): {done.stderr[-2000:]}")
    with sqlite3.connect(db) as conn:
        (archived,) = conn.execute("SELECT count(*) FROM articles").fetchone()
    return seconds, archived, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=3_000, help="articles of the compared crawls (default 3,000)")
    parser.add_argument("--memory-articles", type=int, default=20_000,
                        help="articles of the crawl whose memory is measured (default 20,000; 0: skip)")
    parser.add_argument("--rounds", type=int, default=3, help="times each of the three crawls runs (default 3)")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="newsarchive-crawl-bench-") as folder:
        print(f"generating a site of {args.articles:,} articles …", flush=True)
        rates: dict[str, list[float]] = {"fetch": [], "trafilatura": [], "newsarchive": []}
        with GeneratedSite(args.articles) as site:
            for round_number in range(1, args.rounds + 1):
                print(f"round {round_number} of {args.rounds}", flush=True)
                fetch_seconds, fetched = spider(site.url, folder, extract=False)
                print(f"  fetch-only spider: {fetched:,} pages in {fetch_seconds:,.1f} s", flush=True)
                trafilatura_seconds, extracted = spider(site.url, folder, extract=True)
                print(f"  trafilatura spider: {extracted:,} pages in {trafilatura_seconds:,.1f} s", flush=True)
                seconds, archived, peak = newsarchive_crawl(site.url, f"{folder}/round{round_number}")
                print(f"  newsarchive crawl: {archived:,} articles archived in {seconds:,.1f} s, "
                      f"peak RSS {peak / 1024:,.0f} MB", flush=True)
                rates["fetch"].append(fetched / fetch_seconds)
                rates["trafilatura"].append(extracted / trafilatura_seconds)
                rates["newsarchive"].append(archived / seconds)
        fetch_rate, trafilatura_rate, rate = (statistics.median(rates[k]) for k in ("fetch", "trafilatura", "newsarchive"))
        each = " ".join(f"{ours / theirs:.2f}" for ours, theirs in zip(rates["newsarchive"], rates["trafilatura"]))
        rows.append(("fetch-only Scrapy spider, pages/s", f"{fetch_rate:,.0f}", ""))
        rows.append(("Scrapy + trafilatura → JSON lines, pages/s", f"{trafilatura_rate:,.0f}", ""))
        rows.append(("newsarchive crawl --url, archived/s", f"{rate:,.0f}", ""))
        verdict = "ok" if rate / trafilatura_rate >= TARGET_RATIO else f"UNDER {TARGET_RATIO:.1f}"
        rows.append(("  ratio to Scrapy + trafilatura", f"{rate / trafilatura_rate:.2f}x", verdict))
        rows.append(("  ratio to fetch-only", f"{rate / fetch_rate:.2f}x", ""))
        rows.append(("  each round's ratio to Scrapy + trafilatura", each, ""))
        if args.memory_articles:
            print(f"generating a site of {args.memory_articles:,} articles for the memory crawl …", flush=True)
            with GeneratedSite(args.memory_articles) as site:
                seconds, archived, peak = newsarchive_crawl(site.url, folder + "/memory")
            print(f"  newsarchive crawl: {archived:,} articles in {seconds:,.1f} s ({archived / seconds:,.0f}/s)",
                  flush=True)
            rows.append((f"peak RSS, crawl of {archived:,} articles, MB", f"{peak / 1024:,.0f}",
                         "ok" if peak / 1024 <= RSS_TARGET_MB else f"OVER {RSS_TARGET_MB}"))
    print()
    print(f"{os.cpu_count()} cores; all crawls unthrottled, 16 requests at a time, timed start to exit; "
          f"medians of {args.rounds} rounds")
    width = max(len(r[0]) for r in rows)
    for name, value, verdict in rows:
        print(f"{name.ljust(width)}  {value.rjust(8)}  {verdict}".rstrip())


if __name__ == "__main__":
    main()
