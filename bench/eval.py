"""Extraction quality on ../shared/eval: newsarchive against trafilatura and readability-lxml, same run.

Body metric (the Article Extraction Benchmark's): tokens are \\w+ matches, case kept; multisets of
4-token shingles of prediction and truth; per page TP/FP/FN normalised to sum 1; precision and recall
averaged over pages; F1 of the two averages. Title, date (see date_ok: the day in Kazakhstan time for
truths with an offset, the UTC day for bare-day truths, as the truth set writes them), author and
tags are scored where the truth has them. Per-page results go to bench/out/eval-results.json.

    python bench/eval.py            # both sets
    NEWSARCHIVE_EVAL_DIR=/path python bench/eval.py
"""

from __future__ import annotations

import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsarchive.defaults import TIMEZONE  # noqa: E402

EVAL_DIR = Path(os.environ.get("NEWSARCHIVE_EVAL_DIR") or ROOT.parent / "shared" / "eval")
OUT = ROOT / "bench" / "out" / "eval-results.json"
LOCAL = ZoneInfo(TIMEZONE)
TOKEN = re.compile(r"\w+")


# --- the metric -------------------------------------------------------------------------------


def shingles(text: str | None, n: int = 4) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def body_scores(truth: str, pred: str | None) -> tuple[float, float]:
    """(precision, recall) of one page."""
    t, p = shingles(truth), shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    if total == 0:
        return 1.0, 1.0
    tp, fp, fn = tp / total, fp / total, fn / total
    if tp == 0:
        return 0.0, 0.0
    return tp / (tp + fp), tp / (tp + fn)


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


# --- the pages --------------------------------------------------------------------------------


def load_pages() -> list[dict]:
    pages = []
    ru = EVAL_DIR / "ru"
    if (ru / "ground_truth.jsonl").exists():
        for line in (ru / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            pages.append({
                "set": "ru",
                "id": row["id"],
                "url": row.get("url") or None,
                "html": (ru / row["html"]).read_bytes(),
                "body": row.get("body") if "body" in row.get("task", []) else None,
                "title": row.get("title") if "title" in row.get("task", []) else None,
                "date": row.get("date") if "date" in row.get("task", []) else None,
                "authors": row.get("authors") if "authors" in row.get("task", []) else None,
                "tags": row.get("tags") if "tags" in row.get("task", []) else None,
            })
    aeb = EVAL_DIR / "aeb"
    if (aeb / "ground-truth.json").exists():
        truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
        for page_id, row in sorted(truth.items()):
            path = aeb / "html" / f"{page_id}.html.gz"
            if not path.exists():
                continue
            pages.append({
                "set": "aeb",
                "id": page_id,
                "url": row.get("url"),
                "html": gzip.decompress(path.read_bytes()),
                "body": row.get("articleBody"),
                "title": None, "date": None, "authors": None, "tags": None,
            })
    return pages


# --- the extractors ---------------------------------------------------------------------------


def run_newsarchive(html: bytes, url: str | None) -> dict:
    from newsarchive.extract import extract

    out = extract(html, url)
    return {"body": out["body"], "title": out["title"], "date": out["published_at"],
            "author": out["author"], "tags": out["tags"]}


def run_trafilatura(html: bytes, url: str | None) -> dict:
    import trafilatura

    return {"body": trafilatura.extract(html, url=url)}


def meta_trafilatura(html: bytes, url: str | None) -> dict:
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None:
        return {}
    get = doc.get if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    tags = get("tags") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    return {"title": get("title"), "date": get("date"), "author": get("author"), "tags": tags}


def run_readability(html: bytes, url: str | None) -> dict:
    from lxml import html as lxml_html
    from readability import Document

    from newsarchive.extract.content import element_text

    doc = Document(html, url=url)
    summary = doc.summary(html_partial=True)
    body = element_text(lxml_html.fromstring(summary)) if summary.strip() else ""
    return {"body": body, "title": doc.short_title()}


TOOLS = {"newsarchive": run_newsarchive, "trafilatura": run_trafilatura, "readability": run_readability}


# --- scoring of the other fields ---------------------------------------------------------------


def _fold(text) -> str:
    return re.sub(r"\s+", " ", str(text or "").casefold().replace("ё", "е")).strip(" .«»\"")


def _moment(value) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00")) if value else None
    except ValueError:
        return None


def _day_in(moment: datetime, zone) -> date:
    return moment.astimezone(zone).date() if moment.tzinfo else moment.date()


def date_ok(truth: str, pred) -> bool:
    """The same publication day, read in the truth's own frame. A truth with a time and an
    offset is compared as a Kazakhstan day (both sides converted). A truth given as a bare
    day is a UTC day: that is the ground truth's convention (on the ru set every bare-day
    truth is the UTC day of the time the page states, including the pages where the UTC, the
    page's own and the Kazakhstan day differ). A prediction that is itself a bare day is
    compared as written."""
    wanted, got = _moment(truth), _moment(pred)
    if got is None or wanted is None:
        return False
    if wanted.tzinfo and len(truth) > 10:
        return _day_in(wanted, LOCAL) == _day_in(got, LOCAL)
    return wanted.date() == _day_in(got, ZoneInfo("UTC"))


def date_kz_ok(truth: str, pred) -> bool:
    """Both read as Kazakhstan days, a bare-day truth taken as one too (what no correct
    time can meet where the truth is a UTC day and the Kazakhstan day is the next)."""
    wanted, got = _moment(truth), _moment(pred)
    if got is None or wanted is None:
        return False
    return (_day_in(wanted, LOCAL) if len(truth) > 10 else wanted.date()) == _day_in(got, LOCAL)


def date_page_ok(truth: str, pred) -> bool:
    """A bare-day truth against the day as the page wrote it (the prediction's own offset)."""
    wanted, got = _moment(truth), _moment(pred)
    if got is None or wanted is None:
        return False
    if wanted.tzinfo and len(truth) > 10:
        return _day_in(wanted, LOCAL) == _day_in(got, LOCAL)
    return wanted.date() == got.date()


def authors_ok(truth: list[str], pred) -> bool:
    pred = _fold(pred)
    return bool(pred) and all(_fold(name) in pred for name in truth)


def tags_ok(truth: list[str], pred) -> bool:
    return {_fold(t) for t in truth} == {_fold(t) for t in (pred or [])}


# --- the run ----------------------------------------------------------------------------------


def evaluate(pages: list[dict]) -> list[dict]:
    results = []
    for page in pages:
        for tool, run in TOOLS.items():
            row = {"set": page["set"], "id": page["id"], "tool": tool}
            started = time.perf_counter()
            try:
                out = run(page["html"], page["url"])
                row["error"] = None
            except Exception as exc:  # a crash is a failure to count, not a reason to stop
                out = {}
                row["error"] = f"{type(exc).__name__}: {exc}"
            row["ms"] = (time.perf_counter() - started) * 1000
            if tool == "trafilatura" and any(page[k] for k in ("title", "date", "authors", "tags")):
                try:
                    out.update(meta_trafilatura(page["html"], page["url"]))
                except Exception:
                    pass
            if page["body"] is not None:
                row["precision"], row["recall"] = body_scores(page["body"], out.get("body"))
                if not (out.get("body") or "").strip():
                    row["error"] = row["error"] or "empty body"
            if page["title"] is not None:
                row["title_ok"] = _fold(page["title"]) == _fold(out.get("title"))
            if page["date"] is not None:
                row["date_ok"] = date_ok(page["date"], out.get("date"))
                row["date_kz_ok"] = date_kz_ok(page["date"], out.get("date"))
                row["date_page_ok"] = date_page_ok(page["date"], out.get("date"))
                row["date"] = out.get("date")
            if page["authors"] is not None:
                row["author_ok"] = authors_ok(page["authors"], out.get("author"))
            if page["tags"] is not None:
                row["tags_ok"] = tags_ok(page["tags"], out.get("tags"))
            results.append(row)
    return results


def _accuracy(rows: list[dict], key: str) -> str:
    scored = [r[key] for r in rows if key in r]
    return f"{sum(scored)}/{len(scored)}" if scored else "-"


def table(results: list[dict]) -> str:
    header = (f"{'set':<4} {'tool':<12} {'pages':>5} {'body P':>7} {'body R':>7} {'body F1':>7} "
              f"{'title':>6} {'date':>6} {'KZ day':>6} {'page':>6} {'author':>6} {'tags':>5} {'fail':>5} {'ms med':>7}")
    lines = [header, "-" * len(header)]
    for page_set in ("ru", "aeb"):
        for tool in TOOLS:
            rows = [r for r in results if r["set"] == page_set and r["tool"] == tool]
            if not rows:
                continue
            bodies = [r for r in rows if "precision" in r]
            p = statistics.mean(r["precision"] for r in bodies) if bodies else 0.0
            rc = statistics.mean(r["recall"] for r in bodies) if bodies else 0.0
            fails = sum(1 for r in rows if r.get("error"))
            ms = statistics.median(r["ms"] for r in rows)
            lines.append(
                f"{page_set:<4} {tool:<12} {len(rows):>5} {p:>7.3f} {rc:>7.3f} {f1(p, rc):>7.3f} "
                f"{_accuracy(rows, 'title_ok'):>6} {_accuracy(rows, 'date_ok'):>6} {_accuracy(rows, 'date_kz_ok'):>6} {_accuracy(rows, 'date_page_ok'):>6} "
                f"{_accuracy(rows, 'author_ok'):>6} {_accuracy(rows, 'tags_ok'):>5} {fails:>5} {ms:>7.1f}"
            )
    return "\n".join(lines)


def main() -> int:
    if not EVAL_DIR.is_dir():
        print(f"eval: {EVAL_DIR} not found; nothing to measure (set $NEWSARCHIVE_EVAL_DIR to point at it).")
        return 0
    pages = load_pages()
    if not pages:
        print(f"eval: no pages with ground truth under {EVAL_DIR}.")
        return 0
    only = os.environ.get("NEWSARCHIVE_EVAL_SET")
    if only:
        pages = [p for p in pages if p["set"] == only]
    # Warm-up: imports and first-call caches are not what a crawl pays per page.
    for run in TOOLS.values():
        try:
            run(pages[0]["html"], pages[0]["url"])
        except Exception:
            pass
    results = evaluate(pages)
    print(table(results))
    print("\ndate: the same day in the truth's frame (a truth with an offset: Kazakhstan days; a bare-day "
          "truth: the UTC day, the truth set's convention);\nKZ day: both as Kazakhstan days, a bare-day truth "
          "too; page: a bare-day truth against the day as the page wrote it")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nper-page results: {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
