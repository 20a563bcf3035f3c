"""Search benchmark: build a large archive of generated Russian news, then time the queries.

    .venv/bin/python bench/search_bench.py                # 1,000,000 articles (make bench)
    .venv/bin/python bench/search_bench.py --articles 50000

The generator writes realistic-looking text: a vocabulary of inflected Russian words (news
lemmas with their case/number/verb forms, function words, and a long tail of rarer lemmas)
drawn with Zipf frequencies, sentences with capitals and punctuation, 1–5 tags per article
from a Zipf-distributed tag list, 20 sites, three years of dates. Generation runs in a
second process; the import (normalise_article + newsarchive.bulk.bulk_import: articles,
urls, tags, stems, both FTS indexes) is timed on its own.

Reported: import rate (and the store_article path on a sample, as the baseline), p50/p95
latency of a tag query, a one-word query and word + tag + date range through
newsarchive.query.search, baselines measured in the same run (a LIKE scan, the raw
unstemmed FTS index), and database size per article.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsarchive.archive import store_article  # noqa: E402
from newsarchive.bulk import bulk_import  # noqa: E402
from newsarchive.db import open_db  # noqa: E402
from newsarchive.model import Article  # noqa: E402
from newsarchive.normalise import normalise_article  # noqa: E402
from newsarchive.query import search  # noqa: E402

SEED = 20260113
BATCH = 5_000

# --- vocabulary ---

PARADIGMS = {
    "ия": ["ия", "ии", "ию", "ией", "ий", "иям", "иями", "иях"],
    "а": ["а", "ы", "е", "у", "ой", "ам", "ами", "ах", ""],
    "м": ["", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах"],
    "о": ["о", "а", "у", "ом", "е", "ам", "ами", "ах"],
    "ь": ["ь", "и", "ью", "ей", "ям", "ями", "ях"],
    "adj": ["ый", "ая", "ое", "ые", "ого", "ой", "ому", "ым", "ых", "ую", "ыми"],
    "adj2": ["ий", "ая", "ое", "ие", "ого", "ой", "ому", "им", "их", "ую", "ими"],
    "v1": ["ать", "ает", "ают", "ал", "ала", "али", "ало", "аем"],
    "v2": ["ить", "ит", "ят", "ил", "ила", "или", "ило", "им"],
}
LEMMAS = """
пенс:ия компан:ия стат:ия полиц:ия комисс:ия территор:ия информац:ия ситуац:ия организац:ия
программ:а выплат:а систем:а работ:а страна:м област:ь власт:ь помощ:ь школ:а больниц:а дорог:а
семь:ия цен:а вод:а земл:ия неделя:м служб:а сфер:а реформ:а проверк:а авар:ия
город:м район:м акимат:м закон:м проект:м вопрос:м рынок:м бюджет:м суд:м жител:м
министр:м депутат:м президент:м рост:м процент:м год:м тенге:м объект:м центр:м
случа:м пожар:м водител:м студент:м врач:м учител:м бизнес:м кредит:м налог:м
ремонт:м транспорт:м автобус:м аэропорт:м сотрудник:м специалист:м
решени:о строительств:о министерств:о правительств:о предприяти:о здани:о
населени:о образовани:о здравоохранени:о заседани:о соглашени:о
нов:adj государствен:adj област:adj городск:adj2 социальн:adj экономическ:adj2 национальн:adj
сельск:adj2 нефтян:adj международн:adj дорожн:adj медицинск:adj2 летн:adj2 зимн:adj2
сообщ:v1 получ:v2 заяв:v2 рассказ:v1 отмеч:v1 провер:v2 повыш:v1 снижа:v1 выпуска:v1 реш:v2
объяв:v2 установ:v2 постро:v2 задерж:v1 открыва:v1 обсужд:v1 утверд:v2 выдел:v2
""".split()
FUNCTION_WORDS = ("в и на с по что не о за из к для от как это по также а но до при после более "
                  "уже его их который которые этом году года тысяч млн млрд так же всех").split()
PLACES = ("Усть-Каменогорск Семей Алматы Астана Шымкент Караганда Павлодар Актобе Атырау Риддер "
          "Зыряновск Алтай Кокшетау Костанай Тараз Уральск Петропавловск Туркестан Кызылорда Актау").split()
SITES = ["kt.kz", "caravan.kz", "matritca.kz", "tengrinews.kz", "zakon.kz", "nur.kz", "kazinform.kz",
         "ustinka.kz", "yk-news.kz", "vesti.kz", "time.kz", "sputnik.kz", "inform.kz", "vecher.kz",
         "rudnyi.kz", "kursiv.media", "ekonomist.kz", "khabar.kz", "el.kz", "24.kz"]
TAG_WORDS = ("Пенсия Экономика Происшествия ДТП Пожар Образование Здравоохранение Погода Спорт Культура "
             "Налоги Бюджет Строительство Транспорт Акимат Суд Полиция Выборы Коронавирус Паводок ЖКХ "
             "Тарифы Инфляция Тенге Нефть Экология Дороги Школа Выплаты Соцподдержка").split()
#: Story regions are given (the gazetteer in normalise_article is not what is measured here).
REGIONS = ["national"] * 6 + ["ВКО", "Абайская область", "Алматы", "Астана", "Карагандинская область"]
SYLLABLES = [c + v for c in "бвгдзклмнпрстфхцчшщ" for v in "аеиоуя"]

ZIPF_S = 1.07


def zipf_weights(n: int, s: float = ZIPF_S) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return np.cumsum(weights / weights.sum())


def build_vocabulary(rng: random.Random, tail_lemmas: int = 40_000) -> tuple[list[list[str]], list[str]]:
    """Lemmas by frequency rank, each a list of its word forms; and the news lemmas' forms.

    Function words take the top ranks; the news lemmas are spread geometrically from rank
    40 to rank 20,000 among generated lemmas, so that the words people search for range
    from very common (in ~15% of articles) to rare (a few hundred articles per million).
    """
    kinds = list(PARADIGMS)
    tail, seen = [], set()
    while len(tail) < tail_lemmas:
        stem_part = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        stem_part = stem_part[:-1] if rng.random() < 0.5 else stem_part
        if stem_part not in seen:
            seen.add(stem_part)
            tail.append([stem_part + ending for ending in PARADIGMS[rng.choice(kinds)]])
    news = []
    for entry in LEMMAS:
        stem_part, paradigm = entry.split(":")
        news.append([stem_part + ending for ending in PARADIGMS[paradigm]])
    news.insert(len(news) // 3, list(PLACES))
    rng.shuffle(news)
    lemmas = [[w] for w in FUNCTION_WORDS] + tail
    low, high = 40, 20_000
    for i, forms in enumerate(news):
        rank = int(low * (high / low) ** (i / max(1, len(news) - 1)))
        lemmas.insert(rank, forms)
    return lemmas, [form for forms in news for form in forms if form not in PLACES]


def build_tags(rng: random.Random, count: int = 3_000) -> list[str]:
    tags = ["Пенсия 2026", "ВКО", "Абайская область"] + TAG_WORDS + PLACES
    while len(tags) < count:
        tags.append(f"{rng.choice(TAG_WORDS)} {rng.choice(PLACES + [str(y) for y in range(2015, 2027)])}"
                    if rng.random() < 0.5 else f"{rng.choice(TAG_WORDS)}-{len(tags)}")
    return list(dict.fromkeys(tags))


class Generator:
    """Deterministic article generator; `batch(start, n)` gives article dicts."""

    def __init__(self, seed: int = SEED):
        rng = random.Random(seed)
        self.lemmas, self.news_forms = build_vocabulary(rng)
        self.lemma_cdf = zipf_weights(len(self.lemmas))
        self.tags = build_tags(rng)
        self.tag_cdf = zipf_weights(len(self.tags), 0.9)
        self.site_cdf = zipf_weights(len(SITES), 0.8)
        self.start = datetime(2023, 6, 1, tzinfo=timezone(timedelta(hours=5)))
        self.span_minutes = 3 * 365 * 24 * 60

    def words(self, rng: np.random.Generator, n: int) -> list[str]:
        picks = np.searchsorted(self.lemma_cdf, rng.random(n))
        form_picks = rng.random(n)
        out = []
        for lemma_index, r in zip(picks.tolist(), form_picks.tolist()):
            forms = self.lemmas[min(lemma_index, len(self.lemmas) - 1)]
            out.append(forms[int(r * r * len(forms))])  # first forms (nominative) more frequent
        return out

    def text(self, rng: np.random.Generator, n_words: int) -> str:
        tokens = self.words(rng, n_words)
        sentences, i = [], 0
        while i < len(tokens):
            length = int(rng.integers(7, 18))
            sentence = tokens[i:i + length]
            if len(sentence) > 5 and rng.random() < 0.5:
                sentence[len(sentence) // 2] += ","
            sentences.append(sentence[0].capitalize() + (" " + " ".join(sentence[1:]) if len(sentence) > 1 else "") + ".")
            i += length
        return " ".join(sentences)

    def article(self, rng: np.random.Generator, number: int) -> dict:
        site = SITES[int(np.searchsorted(self.site_cdf, rng.random()))]
        published = self.start + timedelta(minutes=int(rng.integers(0, self.span_minutes)))
        n_tags = int(rng.integers(1, 6))
        tag_picks = np.searchsorted(self.tag_cdf, rng.random(n_tags))
        tags = list(dict.fromkeys(self.tags[min(int(t), len(self.tags) - 1)] for t in tag_picks))
        paragraphs = [self.text(rng, int(rng.integers(35, 75))) for _ in range(int(rng.integers(3, 6)))]
        return {
            "url": f"https://{site}/news/{published:%Y/%m/%d}/{number}.html",
            "site": site,
            "title": self.text(rng, int(rng.integers(6, 12))).rstrip("."),
            "lead": self.text(rng, int(rng.integers(15, 30))),
            "body": "\n\n".join(paragraphs),
            "published_at": published.isoformat(),
            "tags": tags,
            "language": "ru",
            "story_region": REGIONS[int(rng.integers(0, len(REGIONS)))],
            "fetched_at": (published + timedelta(hours=1)).astimezone(timezone.utc).isoformat(),
        }

    def batch(self, start: int, n: int) -> list[dict]:
        rng = np.random.default_rng(SEED + start)
        return [self.article(rng, start + i) for i in range(n)]


def _produce(total: int, queue) -> None:
    generator = Generator()
    for start in range(0, total, BATCH):
        queue.put(generator.batch(start, min(BATCH, total - start)))
    queue.put(None)


def to_article(data: dict) -> Article:
    return normalise_article(Article(**data))


# --- measuring ---


def timed(func, *args, **kwargs) -> float:
    started = time.perf_counter()
    func(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def build(path: Path, total: int) -> dict:
    db = open_db(path)
    db.execute("PRAGMA cache_size = -262144")  # 256 MiB page cache for the import
    queue = mp.get_context("fork").Queue(maxsize=4)
    producer = mp.get_context("fork").Process(target=_produce, args=(total, queue), daemon=True)
    producer.start()
    import_seconds = waiting = 0.0
    started = time.perf_counter()
    done = 0
    while True:
        wait_started = time.perf_counter()
        batch = queue.get()
        waiting += time.perf_counter() - wait_started
        if batch is None:
            break
        t0 = time.perf_counter()
        bulk_import(db, (to_article(a) for a in batch), batch_size=BATCH, now="2026-01-14T00:00:00+00:00")
        import_seconds += time.perf_counter() - t0
        done += len(batch)
        if done % 100_000 == 0 or done == total:
            print(f"  {done:>9,} articles  {done / import_seconds:,.0f}/s import  "
                  f"({time.perf_counter() - started:,.0f} s wall)", flush=True)
    producer.join()
    wall = time.perf_counter() - started
    t0 = time.perf_counter()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA optimize")
    checkpoint = time.perf_counter() - t0
    return {"import_seconds": import_seconds, "wall_seconds": wall, "waiting_seconds": waiting,
            "checkpoint_seconds": checkpoint}


def store_path_rate(sample: int) -> float:
    """Articles per second through store_article (one transaction each), on a fresh archive."""
    generator = Generator()
    articles = [to_article(a) for a in generator.batch(10_000_000, sample)]
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "store.db")
        started = time.perf_counter()
        for article in articles:
            store_article(db, article, now="2026-01-14T00:00:00+00:00")
        return sample / (time.perf_counter() - started)


def query_workload(generator: Generator, rounds: int, rng: random.Random):
    """(tag, word, word+tag+range) argument sets, drawn the way people search: popular tags
    and news words more often."""
    popular_tags = generator.tags[:200]
    tag_weights = [1 / (i + 1) ** 0.9 for i in range(len(popular_tags))]
    words = generator.news_forms
    tag_queries = [{"tags": [rng.choices(popular_tags, tag_weights)[0]]} for _ in range(rounds)]
    word_queries = [{"query": rng.choice(words)} for _ in range(rounds)]
    combined = []
    for _ in range(rounds):
        since = datetime(2023, 6, 1) + timedelta(days=rng.randrange(0, 3 * 365 - 60))
        combined.append({"query": rng.choice(words), "tags": [rng.choices(popular_tags, tag_weights)[0]],
                         "since": since.date().isoformat(),
                         "until": (since + timedelta(days=rng.choice((7, 30, 90)))).date().isoformat()})
    return tag_queries, word_queries, combined


def run_queries(db, workload: list[dict]) -> list[float]:
    return [timed(search, db, w.get("query"), tags=w.get("tags", ()), since=w.get("since"), until=w.get("until"))
            for w in workload]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1_000_000, help="archive size (default 1,000,000)")
    parser.add_argument("--rounds", type=int, default=200, help="queries per kind")
    parser.add_argument("--db", help="keep the archive here (default: a temporary file, removed)")
    parser.add_argument("--reuse", action="store_true", help="query an existing --db without rebuilding")
    args = parser.parse_args()

    tmp = None
    if args.db:
        path = Path(args.db)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="newsarchive-bench-")
        path = Path(tmp.name) / "bench.db"
    print(f"archive: {path}")
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        print(f"building {args.articles:,} articles …", flush=True)
        figures = build(path, args.articles)
        rate = args.articles / figures["import_seconds"]
        baseline_rate = store_path_rate(min(2_000, args.articles))
        print(f"import: {rate:,.0f} articles/s (normalise + bulk_import, {figures['import_seconds']:,.0f} s; "
              f"wall {figures['wall_seconds']:,.0f} s incl. waiting {figures['waiting_seconds']:,.0f} s for the "
              f"generator; checkpoint {figures['checkpoint_seconds']:,.0f} s)")
        print(f"  baseline store_article one by one: {baseline_rate:,.0f} articles/s → bulk is "
              f"{rate / baseline_rate:.1f}× faster")

    db = open_db(path, create=False)
    (count,) = db.execute("SELECT count(*) FROM articles").fetchone()
    size = sum(os.path.getsize(str(path) + s) for s in ("", "-wal") if os.path.exists(str(path) + s))
    print(f"size: {size / 2**20:,.0f} MiB, {size / count:,.0f} bytes/article ({count:,} articles)")
    try:
        tables = db.execute("""SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8""").fetchall()
        print("  by table: " + ", ".join(f"{name} {bytes_ / count:,.0f}" for name, bytes_ in tables))
    except Exception as error:  # dbstat is optional in SQLite builds
        print(f"  (no per-table sizes: {error})")

    rng = random.Random(SEED)
    generator = Generator()
    tag_q, word_q, combined_q = query_workload(generator, args.rounds, rng)
    run_queries(db, tag_q[:20] + word_q[:20])  # warm the page cache as a running server would be
    results = {}
    for name, workload in (("tag", tag_q), ("one word", word_q), ("word + tag + date range", combined_q)):
        results[name] = percentiles(run_queries(db, workload))
    baseline = baselines(db, word_q[:5])
    print(f"queries ({args.rounds} each, search() with limit 20, ranked when there are words):")
    for name, (p50, p95) in results.items():
        verdict = "ok" if p95 <= 20 else "over the 20 ms target"
        print(f"  {name:<24} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   {verdict}")
    like_p50, raw_p50 = baseline
    word_p50 = results["one word"][0]
    print(f"baselines, same words: LIKE scan p50 {like_p50:,.0f} ms ({like_p50 / word_p50:,.0f}× slower); "
          f"raw unstemmed FTS (exact form only, bm25) p50 {raw_p50:,.2f} ms ({raw_p50 / word_p50:.2f}×)")
    if tmp:
        tmp.cleanup()


def baselines(db, word_queries: list[dict]) -> tuple[float, float]:
    """p50 of a LIKE '%word%' scan (what search without an index costs) and of the raw FTS index."""
    like, raw = [], []
    for w in word_queries:
        word = w["query"]
        like.append(timed(lambda: db.execute(
            "SELECT id FROM articles WHERE title LIKE ? OR lead LIKE ? OR body LIKE ? ORDER BY published_utc DESC LIMIT 20",
            [f"%{word}%"] * 3).fetchall()))
        raw.append(timed(lambda: db.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 10.0, 4.0, 1.0) LIMIT 20",
            [f'"{word}"']).fetchall()))
    return statistics.median(like), statistics.median(raw)


if __name__ == "__main__":
    main()
