"""Search precision and recall on the judged morphology set (bench/morph/), the old stem-prefix
matching beside the archive's own search, in one run (part of `make eval`).

    .venv/bin/python bench/morph_eval.py          # figures, and the queries the search gets wrong
    .venv/bin/python bench/morph_eval.py --all    # every query's row

The corpus is imported with newsarchive's own import into a fresh archive; each query goes
through `newsarchive.search.search_ids` (every match, no paging), so what is measured is what
`newsarchive search` and datasette's search box answer.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.morph.score import load, old_stem_prefix, report, score  # noqa: E402
from newsarchive.search import QueryError, search_ids  # noqa: E402
from newsarchive.store.importer import import_articles  # noqa: E402
from newsarchive.store.schema import open_db  # noqa: E402


def archive_search(corpus: list[dict], folder: Path):
    """A search function over an archive holding the corpus: query → set of corpus ids."""
    db = open_db(folder / "morph.db")
    lines = [json.dumps({"url": f"https://judged.kz/news/{a['id']}", "title": a["title"], "body": a["body"],
                         "published_at": "2026-01-15T10:00:00+05:00", "language": "ru"}, ensure_ascii=False)
             for a in corpus]
    counts = import_articles(db, lines)
    if counts["new"] != len(corpus):
        raise RuntimeError(f"the corpus did not import whole: {dict(counts)}")
    corpus_id = {row[0]: int(row[1].rsplit("/", 1)[1]) for row in db.execute("SELECT id, url FROM articles")}

    def search(query: str) -> set[int]:
        try:
            return {corpus_id[i] for i in search_ids(db, query, limit=None)}
        except QueryError:
            return set()
    return search


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="every query's row, not only the wrong ones")
    args = parser.parse_args(argv)
    corpus, queries = load()
    with tempfile.TemporaryDirectory() as folder:
        new = score(archive_search(corpus, Path(folder)), corpus, queries)
    old = score(old_stem_prefix(corpus), corpus, queries)
    print(f"judged morphology set: {len(corpus)} articles, {len(queries)} queries (bench/morph/README.md)\n")
    print("| matching | micro precision | micro recall | macro precision | macro recall |")
    print("|---|---|---|---|---|")
    for name, result in (("old: Snowball stems as prefixes", old), ("newsarchive search (lemmas)", new)):
        micro, macro = result["micro"], result["macro"]
        print(f"| {name} | {micro['precision']:.3f} | {micro['recall']:.3f} | "
              f"{macro['precision']:.3f} | {macro['recall']:.3f} |")
    print()
    print(report("newsarchive search", new, corpus, all_rows=args.all))
    return 0


if __name__ == "__main__":
    sys.exit(main())
