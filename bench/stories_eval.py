"""Story grouping on the labelled story set (bench/stories/): copies and rewrites, pairwise
precision, recall and F1, and the origins found — newsarchive beside the plain TF-IDF baseline,
in one run (part of `make eval`).

    .venv/bin/python bench/stories_eval.py            # dev and test
    .venv/bin/python bench/stories_eval.py test

Each set is imported with newsarchive's own import (`import_articles`, the path `newsarchive
import` takes) into a fresh archive, in file order; what is scored is what that archive holds:
`articles.story_id`, the copy links between articles, `stories.origin_id`. The same set imported
in reverse order must give the same stories (printed as "order").
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.stories.score import (  # noqa: E402
    COPY_THRESHOLD,
    STORY_THRESHOLD,
    load,
    origin_accuracy,
    pairwise,
    rewrites,
    tfidf_baseline,
    truth_groups,
)
from newsarchive.store.importer import import_articles  # noqa: E402
from newsarchive.store.schema import open_db  # noqa: E402


def archive_grouping(articles: list[dict], path: Path) -> tuple[dict, dict, dict]:
    """Import the articles; (story by url, copy group by url, origin url by story)."""
    db = open_db(path)
    counts = import_articles(db, [json.dumps(a, ensure_ascii=False) for a in articles])
    if counts["new"] != len(articles):
        raise RuntimeError(f"the set did not import whole: {dict(counts)}")
    url_of = dict(db.execute("SELECT id, url FROM articles").fetchall())
    stories = {url_of[a]: s for a, s in db.execute("SELECT id, story_id FROM articles")}
    parent = {a: a for a in url_of}

    def root(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in db.execute("SELECT article_id, other_id FROM story_links WHERE kind = 'copy'"):
        parent[root(a)] = root(b)
    copy_groups = {url_of[a]: root(a) for a in url_of}
    origins = {s: url_of[o] for s, o in db.execute("SELECT id, origin_id FROM stories")}
    db.close()
    return stories, copy_groups, origins


def same_partition(a: dict, b: dict) -> bool:
    """Do two groupings (url → group) put the same urls together?"""
    def groups(grouping):
        found = {}
        for url, group in grouping.items():
            found.setdefault(group, set()).add(url)
        return {frozenset(g) for g in found.values()}
    return groups(a) == groups(b)


def line(name: str, m: dict) -> str:
    return f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['tp']} / {m['fp']} / {m['fn']} |"


def evaluate(set_name: str, folder: Path) -> None:
    articles, labels = load(set_name)
    stories, copy_groups, origins = archive_grouping(articles, folder / f"{set_name}.db")
    reverse, _, _ = archive_grouping(list(reversed(articles)), folder / f"{set_name}-reverse.db")
    base_copies, _ = tfidf_baseline(articles, COPY_THRESHOLD)
    base_stories, base_origins = tfidf_baseline(articles, STORY_THRESHOLD)
    print(f"\n{set_name}: {len(articles)} articles, {len({a['event'] for a in labels['articles'].values()})} events "
          f"(bench/stories/README.md)\n")
    print("| measure | precision | recall | F1 | tp / fp / fn |")
    print("|---|---|---|---|---|")
    print(line("copies: newsarchive", pairwise(truth_groups(labels, "copy"), copy_groups)))
    print(line(f"copies: TF-IDF baseline (cosine ≥ {COPY_THRESHOLD})", pairwise(truth_groups(labels, "copy"), base_copies)))
    print(line("rewrites: newsarchive", rewrites(labels, stories)))
    print(line(f"rewrites: TF-IDF baseline (cosine ≥ {STORY_THRESHOLD})", rewrites(labels, base_stories)))
    print(line("stories (all same-event pairs): newsarchive", pairwise(truth_groups(labels, "story"), stories)))
    print(line("stories: TF-IDF baseline", pairwise(truth_groups(labels, "story"), base_stories)))
    ours, theirs = origin_accuracy(labels, origins, stories), origin_accuracy(labels, base_origins, base_stories)
    print(f"\norigin right: newsarchive {ours['accuracy']:.3f} ({ours['right']} of {ours['events']}; wrong: "
          f"{', '.join(ours['wrong']) or '-'}), baseline {theirs['accuracy']:.3f} ({theirs['right']} of {theirs['events']})")
    print(f"order: imported in reverse, the same stories: {'yes' if same_partition(stories, reverse) else 'NO'}")


def main(argv: list[str] | None = None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or ["dev", "test"]
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            evaluate(name, Path(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main())
