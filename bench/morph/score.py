"""Precision and recall of a search function on the judged set (corpus.jsonl + queries.jsonl).

    python bench/morph/score.py            # the old stem-prefix matching: figures and the queries it gets wrong
    python bench/morph/score.py --all      # every query's row, not only the wrong ones
    python bench/morph/score.py --json     # the figures as JSON

Use from other code:

    from bench.morph.score import load, score
    corpus, queries = load()
    result = score(my_search, corpus, queries)     # my_search(query: str) -> set[int] of article ids
    result["micro"]["precision"], result["macro"]["recall"], result["rows"]

Definitions (per query q: R = relevant ids, F = ids the search returned, TP = |R ∩ F|):
  micro precision = Σ TP / Σ |F|        micro recall = Σ TP / Σ |R|
  macro precision = mean of TP/|F|      macro recall = mean of TP/|R|
  A query whose search returns nothing has precision 1.0 if it has no relevant article, else 0.0
  (every query in the set has at least one relevant article).

`old_stem_prefix(corpus)` is the matching the archive used before issue #15, rewritten here as a
reference (it does not import newsarchive): text folded (casefold, ё → е), `\\w+` tokens, Snowball
Russian stems (PyStemmer; the English stemmer for ASCII words); a query stem of 4+ characters
matches every token whose stem starts with it, a shorter one only an equal stem; every query word
must match somewhere in title + body.

Needs PyStemmer (and nothing else) for the old matching; the judge (judge.py) needs pymorphy3.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
QUERIES = HERE / "queries.jsonl"

#: The old matching's threshold: stems this long or longer also match as prefixes.
MIN_PREFIX_STEM = 4

_WORD = re.compile(r"\w+")

Search = Callable[[str], "set[int]"]


def _load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load(corpus_path: Path = CORPUS, queries_path: Path = QUERIES) -> tuple[list[dict], list[dict]]:
    """(corpus, queries): the articles ({id, title, body}) and the judged queries
    ({query, note, words, relevant})."""
    return _load_jsonl(corpus_path), _load_jsonl(queries_path)


def _ratio(num: int, den: int, empty: float) -> float:
    return num / den if den else empty


def score(search: Search, corpus: list[dict], queries: list[dict]) -> dict:
    """Run `search` on every query and compare with `relevant`.

    Returns {"micro": {precision, recall}, "macro": {precision, recall}, "queries": n,
    "rows": [{query, relevant, returned, tp, precision, recall, false_positives, misses}]}.
    `corpus` is not read here (the search closes over it); it is taken so that callers
    build their search from the same articles.
    """
    del corpus  # the search function already knows the articles
    rows = []
    for q in queries:
        relevant = set(q["relevant"])
        returned = set(search(q["query"]))
        tp = len(relevant & returned)
        rows.append({
            "query": q["query"],
            "relevant": len(relevant),
            "returned": len(returned),
            "tp": tp,
            "precision": _ratio(tp, len(returned), 1.0 if not relevant else 0.0),
            "recall": _ratio(tp, len(relevant), 1.0),
            "false_positives": sorted(returned - relevant),
            "misses": sorted(relevant - returned),
        })
    sum_tp = sum(r["tp"] for r in rows)
    sum_ret = sum(r["returned"] for r in rows)
    sum_rel = sum(r["relevant"] for r in rows)
    n = len(rows) or 1
    return {
        "queries": len(rows),
        "micro": {"precision": _ratio(sum_tp, sum_ret, 1.0), "recall": _ratio(sum_tp, sum_rel, 1.0)},
        "macro": {"precision": sum(r["precision"] for r in rows) / n,
                  "recall": sum(r["recall"] for r in rows) / n},
        "rows": rows,
    }


# --- the old matching, as a reference ------------------------------------------------------------


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def old_stem_prefix(corpus: list[dict]) -> Search:
    """The pre-#15 matching: Snowball stems, a query stem of 4+ characters as a prefix."""
    import Stemmer

    stemmers = {"ru": Stemmer.Stemmer("russian"), "en": Stemmer.Stemmer("english")}

    def stem(word: str) -> str:
        return stemmers["en" if word.isascii() else "ru"].stemWord(word)

    # article id → the set of its stems; and every distinct stem → the articles holding it
    by_stem: dict[str, set[int]] = {}
    for article in corpus:
        for word in set(_WORD.findall(_fold(article["title"] + "\n" + article["body"]))):
            by_stem.setdefault(stem(word), set()).add(article["id"])
    all_stems = sorted(by_stem)

    def matching(query_stem: str) -> set[int]:
        if len(query_stem) < MIN_PREFIX_STEM:
            return set(by_stem.get(query_stem, ()))
        found: set[int] = set()
        for s in all_stems:  # a sorted list: prefix matches are one run, but the set is small anyway
            if s.startswith(query_stem):
                found |= by_stem[s]
        return found

    def search(query: str) -> set[int]:
        words = _WORD.findall(_fold(query))
        if not words:
            return set()
        result = None
        for w in words:
            ids = matching(stem(w))
            result = ids if result is None else result & ids
        return result or set()

    return search


# --- printing -------------------------------------------------------------------------------------


def _titles(corpus: list[dict]) -> dict[int, str]:
    return {a["id"]: a["title"] for a in corpus}


def report(name: str, result: dict, corpus: list[dict], *, all_rows: bool = False, examples: int = 2) -> str:
    lines = [
        f"{name}: {result['queries']} queries",
        f"  micro  precision {result['micro']['precision']:.3f}   recall {result['micro']['recall']:.3f}",
        f"  macro  precision {result['macro']['precision']:.3f}   recall {result['macro']['recall']:.3f}",
    ]
    rows = result["rows"] if all_rows else [r for r in result["rows"] if r["false_positives"] or r["misses"]]
    if rows:
        titles = _titles(corpus)
        lines.append("")
        lines.append(("every query" if all_rows else f"queries it gets wrong ({len(rows)})") + ":")
        lines.append(f"  {'query':<22} {'rel':>4} {'ret':>4} {'tp':>4} {'P':>6} {'R':>6}  {'FP':>3} {'miss':>4}")
        for r in rows:
            lines.append(f"  {r['query']:<22} {r['relevant']:>4} {r['returned']:>4} {r['tp']:>4} "
                         f"{r['precision']:>6.2f} {r['recall']:>6.2f}  {len(r['false_positives']):>3} {len(r['misses']):>4}")
            for label, ids in (("FP", r["false_positives"]), ("miss", r["misses"])):
                for i in ids[:examples]:
                    lines.append(f"      {label:<4} #{i}: {titles.get(i, '?')[:80]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the old stem-prefix matching on the judged set.")
    parser.add_argument("--all", action="store_true", help="print every query's row")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--examples", type=int, default=2, help="example articles per error kind (default 2)")
    args = parser.parse_args(argv)

    corpus, queries = load()
    result = score(old_stem_prefix(corpus), corpus, queries)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "rows"} | {"rows": result["rows"]},
                         ensure_ascii=False, indent=1))
        return 0
    n_rel = sum(len(q["relevant"]) for q in queries)
    print(f"judged set: {len(corpus)} articles, {len(queries)} queries, {n_rel} relevant pairs\n")
    print(report("old stem-prefix matching (Snowball stems, 4+ character stems as prefixes)",
                 result, corpus, all_rows=args.all, examples=args.examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
