"""Search benchmark: build a large archive of generated Russian news, then time the queries.

    .venv/bin/python bench/search_bench.py                # 1,000,000 articles (make bench)
    .venv/bin/python bench/search_bench.py --articles 50000

The generator writes realistic-looking text: a vocabulary of inflected Russian words (news
lemmas with their case/number/verb forms, function words, and a long tail of rarer lemmas)
drawn with Zipf frequencies, sentences with capitals and punctuation, 1–5 tags per article
from a Zipf-distributed tag list, 20 sites, three years of dates. Body length and the share of
function words are set from real pages (FUNCTION_SHARE, PARAGRAPH_WORDS, PARAGRAPHS); each run
prints the generated text's profile beside that of ../shared/eval/ru, when it is there.
Generating and normalise_article (what a crawl's pipeline does before storage) run on every
core first; the import (newsarchive.bulk.bulk_import: articles, urls, tags, stems, both FTS
indexes) is timed on its own.

Reported: import rate (and the store_article path on a sample, as the baseline), p50/p95
latency of a tag query, a one-word query and word + tag + date range through
newsarchive.search.sql.search, baselines measured in the same run (a LIKE scan, the raw
unstemmed FTS index), and database size per article.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import pickle
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsarchive.bulk import bulk_import  # noqa: E402

from newsarchive.model import Article  # noqa: E402
from newsarchive.search import search  # noqa: E402
from newsarchive.search.dates import parse_bound  # noqa: E402
from newsarchive.store.archive import store_article  # noqa: E402
from newsarchive.store.normalise import normalise_article  # noqa: E402
from newsarchive.store.schema import open_db  # noqa: E402
from newsarchive.textnorm import fold_tag, words  # noqa: E402

SEED = 20261126
BATCH = 5_000
#: The import rate the search issue asks for (articles per second).
IMPORT_TARGET = 5_000

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
#: Share of function words among generated words, and words per body paragraph and paragraphs
#: per body: set so that the text's profile (text_profile) matches the Russian eval pages'
#: (../shared/eval/ru: 2,978 characters and 419 words a body, 29% of them STOP_WORDS); the seed
#: article is 3,456 characters long.
FUNCTION_SHARE = 0.30
PARAGRAPH_WORDS = (50, 100)
PARAGRAPHS = (3, 9)


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
        # Three whole years (UTC): the newest year's table of the stemmed index is full, the
        # worst case for a search (newsarchive.store.stemindex keeps a table per year).
        self.start = datetime(2023, 1, 1, tzinfo=timezone.utc)
        self.span_minutes = 3 * 365 * 24 * 60
        self._flatten()

    def _flatten(self) -> None:
        """One distribution over the content words' forms: a lemma's Zipf weight times its
        form's share, form k of n drawn as int(r² n) (the first forms, nominative, more
        frequent); and one (Zipf) over the function words."""
        lemma_p = np.diff(np.concatenate(([0.0], self.lemma_cdf)))
        forms, probabilities = [], []
        function_words = set(FUNCTION_WORDS)
        for p, lemma_forms in zip(lemma_p.tolist(), self.lemmas):
            if lemma_forms[0] in function_words:  # drawn on their own, FUNCTION_SHARE of the words
                continue
            n = len(lemma_forms)
            for k, form in enumerate(lemma_forms):
                forms.append(form)
                probabilities.append(p * (((k + 1) / n) ** 0.5 - (k / n) ** 0.5))
        self.forms = np.array(forms, dtype=object)
        self.form_cdf = np.cumsum(probabilities)
        self.form_cdf /= self.form_cdf[-1]
        self.function_words = np.array(list(dict.fromkeys(FUNCTION_WORDS)), dtype=object)
        self.function_cdf = zipf_weights(len(self.function_words))

    def words(self, rng: np.random.Generator, n: int) -> list[str]:
        content = self.forms[np.minimum(np.searchsorted(self.form_cdf, rng.random(n)), len(self.forms) - 1)]
        function = self.function_words[np.minimum(np.searchsorted(self.function_cdf, rng.random(n)),
                                                  len(self.function_words) - 1)]
        return np.where(rng.random(n) < FUNCTION_SHARE, function, content).tolist()

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
        paragraphs = [self.text(rng, int(rng.integers(*PARAGRAPH_WORDS))) for _ in range(int(rng.integers(*PARAGRAPHS)))]
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


def _generate(job: tuple[int, int, str]) -> tuple[str, float, float]:
    """Generate, normalise and pickle one batch; (file, generating s, normalising s)."""
    start, n, folder = job
    generator = _worker_generator()
    t0 = time.perf_counter()
    batch = generator.batch(start, n)
    t1 = time.perf_counter()
    articles = [to_article(a) for a in batch]
    t2 = time.perf_counter()
    path = os.path.join(folder, f"{start:09d}.pickle")
    with open(path, "wb") as out:
        pickle.dump(articles, out, protocol=pickle.HIGHEST_PROTOCOL)
    return path, t1 - t0, t2 - t1


_GENERATOR = None


def _worker_generator() -> "Generator":
    global _GENERATOR
    if _GENERATOR is None:
        _GENERATOR = Generator()
    return _GENERATOR


def to_article(data: dict) -> Article:
    return normalise_article(Article(**data))


# --- measuring ---


def timed(func, *args, **kwargs) -> float:
    started = time.perf_counter()
    func(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


def cpu_budget(cpu: dict[str, dict[str, float]], articles: int) -> str:
    """The import's CPU per article against what IMPORT_TARGET leaves on this machine's cores,
    with the part spent inside FTS5 (the helpers' inserts and final merge) and the stemmer."""
    cores = os.cpu_count() or 1
    budget = cores * 1e6 / IMPORT_TARGET
    total = sum(sum(steps.values()) for steps in cpu.values()) * 1e6 / articles
    fts = sum(steps.get(step, 0.0) for steps in cpu.values() for step in ("indexing", "optimize")) * 1e6 / articles
    stemming = cpu.get("stem", {}).get("stemming", 0.0) * 1e6 / articles
    return (f"cpu per article: {total:,.0f} µs, against {budget:,.0f} µs for {IMPORT_TARGET:,}/s on {cores} "
            f"cores with no idle time; of it FTS5 indexing {fts:,.0f} µs and stemming {stemming:,.0f} µs")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


#: Common Russian function words (pronouns, prepositions, conjunctions, particles), for the
#: text profile only.
STOP_WORDS = frozenset("""
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было
вот от меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас нибудь уж
вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб
без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь
этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец два об
другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем
хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это
также который которые которая которого
""".split())
EVAL_TRUTH = (Path(os.environ.get("NEWSARCHIVE_EVAL_DIR") or Path(__file__).resolve().parents[2] / "shared" / "eval")
              / "ru" / "ground_truth.jsonl")


def text_profile(bodies: list[str]) -> str:
    """Characters and words a body, the share of a body's words that are distinct, and the
    share of all words that are function words: what the generator is set from."""
    tokens = [words(body) for body in bodies]
    total = sum(map(len, tokens)) or 1
    distinct = sum(len(set(t)) / len(t) for t in tokens if t) / max(1, sum(1 for t in tokens if t))
    stop = sum(word in STOP_WORDS for t in tokens for word in t) / total
    return (f"{sum(map(len, bodies)) / len(bodies):,.0f} characters and {total / len(bodies):,.0f} words a body, "
            f"{distinct:.2f} of a body's words distinct, {stop:.2f} of the words function words")


def print_text_profile(first_batch: str) -> None:
    with open(first_batch, "rb") as source:
        generated = [article.body for article in pickle.load(source)[:2_000]]
    print(f"  text generated: {text_profile(generated)}", flush=True)
    if not EVAL_TRUTH.exists():
        print(f"  (no {EVAL_TRUTH} to compare the text with)", flush=True)
        return
    with open(EVAL_TRUTH, encoding="utf-8") as truth:
        real = [body for body in (json.loads(line).get("body") for line in truth if line.strip()) if body]
    print(f"  the {len(real)} Russian eval pages: {text_profile(real)}", flush=True)


def generate(total: int, folder: str) -> dict:
    """The corpus as normalised articles (what a crawl's pipeline hands to storage), in
    pickled batches, generated on every core before anything is timed."""
    started = time.perf_counter()
    jobs = [(start, min(BATCH, total - start), folder) for start in range(0, total, BATCH)]
    with mp.get_context("fork").Pool(os.cpu_count() or 2) as pool:
        done = pool.map(_generate, jobs, chunksize=1)
    return {"files": [f for f, _, _ in done], "generate_cpu": sum(g for _, g, _ in done),
            "normalise_cpu": sum(n for _, _, n in done), "wall": time.perf_counter() - started}


def load_corpus(folder: str | None, total: int) -> dict | None:
    """A corpus of `total` articles saved in `folder` by an earlier run, if there is one."""
    manifest = Path(folder or "", "corpus.json")
    if not folder or not manifest.exists():
        return None
    corpus = json.loads(manifest.read_text())
    if corpus.get("articles") != total or corpus.get("seed") != SEED or not all(map(os.path.exists, corpus["files"])):
        return None
    return corpus


def save_corpus(folder: str | None, total: int, corpus: dict) -> None:
    if folder:
        Path(folder, "corpus.json").write_text(json.dumps({**corpus, "articles": total, "seed": SEED}))


def build(path: Path, files: list[str], total: int) -> dict:
    """Import the pickled batches with one bulk_import call (a fresh archive: one transaction,
    the FTS indexes built by its helper processes); timed from the first read to the commit."""
    db = open_db(path)
    started = time.perf_counter()
    reading = 0.0

    def articles():
        nonlocal reading
        done = 0
        for file in files:
            t0 = time.perf_counter()
            with open(file, "rb") as source:
                batch = pickle.load(source)
            reading += time.perf_counter() - t0
            yield from batch
            done += len(batch)
            if done % 100_000 == 0 or done == total:
                print(f"  {done:>9,} articles handed over  ({time.perf_counter() - started:,.0f} s)", flush=True)

    result = bulk_import(db, articles(), now="2026-01-14T00:00:00+00:00")
    import_seconds = time.perf_counter() - started
    t0 = time.perf_counter()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA optimize")
    checkpoint = time.perf_counter() - t0
    db.conn.close()
    return {"import_seconds": import_seconds, "checkpoint_seconds": checkpoint, "reading_seconds": reading,
            "inserted": result.inserted, "through_store": result.through_store, "phases": result.seconds,
            "cpu": result.cpu, "journal": result.journal}


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
        since = datetime(2023, 1, 1) + timedelta(days=rng.randrange(0, 3 * 365 - 90))
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
    parser.add_argument("--baseline-rounds", type=int, default=5, help="naive (LIKE) queries per kind")
    parser.add_argument("--db", help="keep the archive here (default: a temporary file, removed)")
    parser.add_argument("--reuse", action="store_true", help="query an existing --db without rebuilding")
    parser.add_argument("--corpus", help="keep the generated articles in this folder and use them again "
                                         "next time (default: generated afresh, removed)")
    parser.add_argument("--import-only", action="store_true", help="stop after the import (no queries)")
    args = parser.parse_args()

    tmp = tempfile.TemporaryDirectory(prefix="newsarchive-bench-", dir=os.environ.get("BENCH_TMPDIR"))
    path = Path(args.db) if args.db else Path(tmp.name) / "bench.db"
    print(f"archive: {path}")
    rows = []  # (measure, value, baseline, ratio)
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        if args.corpus:
            Path(args.corpus).mkdir(parents=True, exist_ok=True)
        corpus = load_corpus(args.corpus, args.articles)
        if corpus is None:
            print(f"generating {args.articles:,} articles (all cores, not timed as import) …", flush=True)
            corpus = generate(args.articles, args.corpus or tmp.name)
            save_corpus(args.corpus, args.articles, corpus)
        else:
            print(f"using the {args.articles:,} articles generated earlier in {args.corpus}")
        print(f"  {corpus['wall']:,.0f} s; per core: generating {args.articles / corpus['generate_cpu']:,.0f}/s, "
              f"normalise_article {args.articles / corpus['normalise_cpu']:,.0f}/s", flush=True)
        print_text_profile(corpus["files"][0])
        print("importing (one bulk_import call) …", flush=True)
        figures = build(path, corpus["files"], args.articles)
        if not args.corpus:
            for file in corpus["files"]:
                os.unlink(file)
        rate = args.articles / figures["import_seconds"]
        with_checkpoint = args.articles / (figures["import_seconds"] + figures["checkpoint_seconds"])
        baseline_rate = store_path_rate(min(2_000, args.articles))
        print(f"  {figures['import_seconds']:,.0f} s to the commit (reading the pickled batches "
              f"{figures['reading_seconds']:,.0f} s of it), then WAL checkpoint {figures['checkpoint_seconds']:,.0f} s; "
              f"{figures['through_store']:,} articles went through store_article; written through a "
              f"{figures['journal'] or 'transaction per batch'}", flush=True)
        print("  wall: " + ", ".join(f"{phase} {seconds:,.1f} s" for phase, seconds in figures["phases"].items()),
              flush=True)
        for process, steps in figures["cpu"].items():
            print(f"  cpu of {process}: {sum(steps.values()):,.1f} s = "
                  + ", ".join(f"{step} {seconds:,.1f}" for step, seconds in steps.items()), flush=True)
        if figures["cpu"]:
            print("  " + cpu_budget(figures["cpu"], figures["inserted"]), flush=True)
        rows.append(("import, articles/s (bulk_import)", f"{rate:,.0f}", f"{baseline_rate:,.0f}",
                     f"{rate / baseline_rate:,.1f}x"))
        rows.append(("  the same with the WAL checkpoint", f"{with_checkpoint:,.0f}", "", ""))
        rows.append(("  normalise_article alone, per core", f"{args.articles / corpus['normalise_cpu']:,.0f}", "", ""))

    if args.import_only:
        for row in [HEADER] + rows:
            print("  ".join(row))
        return
    db = open_db(path, create=False)
    (count,) = db.execute("SELECT count(*) FROM articles").fetchone()
    size = sum(os.path.getsize(str(path) + s) for s in ("", "-wal") if os.path.exists(str(path) + s))
    try:
        tables = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").fetchall()
        by_table = ", ".join(f"{name} {bytes_ / count:,.0f}" for name, bytes_ in tables)
    except Exception as error:  # dbstat is optional in SQLite builds
        by_table = f"(no per-table sizes: {error})"

    rng = random.Random(SEED)
    generator = Generator()
    tag_q, word_q, combined_q = query_workload(generator, args.rounds, rng)
    run_queries(db, tag_q[:20] + word_q[:20] + combined_q[:20])  # a running server's cache is warm
    kinds = (("tag", tag_q), ("one word", word_q), ("word + tag + date range", combined_q))
    for name, workload in kinds:
        p50, p95 = percentiles(run_queries(db, workload))
        naive = statistics.median(naive_query(db, w) for w in workload[:args.baseline_rounds])
        rows.append((f"{name}: p50 ms", f"{p50:.2f}", f"{naive:,.1f}", f"{naive / p50:,.0f}x"))
        rows.append((f"{name}: p95 ms", f"{p95:.2f}", "", "ok" if p95 <= 20 else "OVER 20 ms"))
    rows.append(("database bytes per article", f"{size / count:,.0f}", "", ""))

    print()
    print(f"{count:,} articles; baselines measured in this run: import = store_article one by one (2,000 "
          f"articles, fresh archive); queries = naive SQL, LIKE '%word%' (p50 of {args.baseline_rounds})")
    widths = [max(len(r[i]) for r in rows + [HEADER]) for i in range(4)]
    for row in [HEADER] + rows:
        print("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))
    print(f"size: {size / 2**20:,.0f} MiB; bytes per article by table: {by_table}")
    db.conn.close()
    if not args.db:
        tmp.cleanup()


HEADER = ("measure", "value", "baseline", "ratio")


def naive_query(db, w: dict) -> float:
    """The same question without the indexes: a LIKE scan for the word (as typed), the tag
    through a subquery, newest first."""
    conditions, params = [], []
    if w.get("query"):
        conditions.append("(a.title LIKE ? OR a.lead LIKE ? OR a.body LIKE ?)")
        params += [f"%{w['query']}%"] * 3
    for tag in w.get("tags", ()):
        conditions.append("a.id IN (SELECT article_id FROM article_tags WHERE tag_norm = ?)")
        params.append(fold_tag(tag))
    if w.get("since"):
        conditions.append("a.published_utc >= ? AND a.published_utc < ?")
        params += [parse_bound(w["since"]), parse_bound(w["until"], end=True)]
    sql = (f"SELECT a.id, a.title FROM articles a WHERE {' AND '.join(conditions)} "
           f"ORDER BY a.published_utc DESC LIMIT 20")
    return timed(lambda: db.execute(sql, params).fetchall())


if __name__ == "__main__":
    main()
