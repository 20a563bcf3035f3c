"""Storing speed on the paths a crawl and `newsarchive import` take (stories and all).

    .venv/bin/python bench/import_bench.py                 # an archive of 20,000 articles
    .venv/bin/python bench/import_bench.py --articles 5000

Articles come from the search benchmark's generator, as JSON lines. Reported, with baselines
from the same run:

- `import_articles` in batches of IMPORT_BATCH per transaction, against one article per
  transaction (what every import did before batches; a crawl still stores one at a time);
- storing one article at a time into an archive of --articles articles, against the same into
  an empty archive: per-article work must not grow with the archive (it did, by a scan of
  story_bands, until the old bands were deleted by key).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from search_bench import Generator  # noqa: E402

from newsarchive.store.importer import IMPORT_BATCH, import_articles  # noqa: E402
from newsarchive.store.schema import open_db  # noqa: E402
from newsarchive.textnorm import stem_text  # noqa: E402


def rate(db, lines: list[str], batch_size: int) -> float:
    """Articles per second through import_articles; every line must come out new."""
    started = time.perf_counter()
    counts = import_articles(db, lines, batch_size=batch_size)
    seconds = time.perf_counter() - started
    if counts != {"new": len(lines)}:
        raise RuntimeError(f"expected {len(lines)} new articles, got {dict(counts)}")
    return len(lines) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="size of the grown archive (default 20,000)")
    parser.add_argument("--sample", type=int, default=1_000, help="articles per timed sample (default 1,000)")
    args = parser.parse_args()

    print(f"generating {args.articles + args.sample:,} articles …", flush=True)
    generated = Generator().batch(0, args.articles + args.sample)
    lines = [json.dumps(article, ensure_ascii=False) for article in generated]
    for article in generated:  # the stemmer's cache warm for every run alike
        for text in (article["title"], article["lead"], article["body"]):
            stem_text(text)
    sample, grown, last = lines[:args.sample], lines[:args.articles], lines[args.articles:]

    with tempfile.TemporaryDirectory(prefix="newsarchive-import-bench-") as folder:
        one_by_one = rate(open_db(Path(folder, "one.db")), sample, 1)
        batched = rate(open_db(Path(folder, "batched.db")), sample, IMPORT_BATCH)
        print(f"growing an archive to {args.articles:,} articles …", flush=True)
        db = open_db(Path(folder, "grown.db"))
        growing = rate(db, grown, IMPORT_BATCH)
        into_grown = rate(db, last, 1)

    rows = [
        ("measure", "articles/s", "baseline", "ratio"),
        (f"import, {IMPORT_BATCH} a transaction (empty archive)", f"{batched:,.0f}", f"{one_by_one:,.0f}",
         f"{batched / one_by_one:.2f}x"),
        (f"import of {args.articles:,} articles, {IMPORT_BATCH} a transaction", f"{growing:,.0f}", "", ""),
        (f"one at a time into {args.articles:,} articles", f"{into_grown:,.0f}", f"{one_by_one:,.0f}",
         f"{into_grown / one_by_one:.2f}x"),
    ]
    print(f"\n{args.sample:,} articles a sample; baselines from this run: one article per transaction into an "
          "empty archive")
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        print("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))


if __name__ == "__main__":
    main()
