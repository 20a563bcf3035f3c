"""Story assignment benchmark: what deciding one article's story costs in a full archive.

    .venv/bin/python bench/story_bench.py                  # 20,000 articles over 20 days
    .venv/bin/python bench/story_bench.py --articles 5000
    .venv/bin/python bench/story_bench.py --db /tmp/bench.db    # in the search bench's archive


The archive is built with `newsarchive import` (bench/corpus.py's articles, dated over --days
days: 1,000 a day by default, as dense as 1,000,000 articles over three years; a story's
candidates are looked up among the articles of WINDOW_DAYS days either side, so the density is
what its cost depends on, not the years before). Then articles are stored one at a time, as a
crawl stores them, `assign_story` timed for each (its text read beforehand, as the crawl's helper
process reads it), and their stories decided by `stories.refresh`, as at the end of a crawl's
batch, timed and shared among them:

- new generated articles (their own words);
- articles that share a template: daily weather and exchange-rate items, the same sentences
  with other cities, numbers and days.

With --db, the articles are timed in a kept archive instead, dated over --days days of its last
year (the window holding the fewest articles, so that the articles each run adds do not pile up):
the search benchmark's 1,000,000 articles, say, given their stories first by bench/loader.py
(`stories`: what `import` would decide, on every core; a kept archive remembers them). Each run
adds its timed articles to that archive (other texts each run).

Reported, in milliseconds an article: the median and p95 of the part paid when it is stored, the
refresh's share, and the total (each plus the refresh's share), against STORY_TARGET_MS.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import PLACES, Generator  # noqa: E402
from loader import stories as load_stories  # noqa: E402

from newsarchive.model import Article  # noqa: E402
from newsarchive.store import archive  # noqa: E402
from newsarchive.store.analysis import analyse_text, text_of  # noqa: E402
from newsarchive.store.importer import import_articles  # noqa: E402
from newsarchive.store.schema import open_db  # noqa: E402
from newsarchive.store.stories import assign_story, refresh  # noqa: E402

STORY_TARGET_MS = 2.0
START = datetime(2026, 10, 1, tzinfo=timezone(timedelta(hours=5)))
WEATHER = ("Погода в {city} на {day} {month}: днём {t1} градусов, ночью {t2}. Синоптики РГП «Казгидромет» "
           "обещают {sky}, ветер {wind} метров в секунду. В горных районах возможен гололёд, на дорогах "
           "туман. Жителей {city_gen} просят быть внимательнее за рулём и следить за сообщениями ДЧС.")
RATES = ("Курс доллара на {day} {month}: {usd} тенге за доллар, евро — {eur} тенге, рубль — {rub} тенге. "
         "Национальный банк Казахстана установил официальные курсы валют. Обменные пункты {city_gen} "
         "продают доллар по {usd2} тенге. Аналитики ждут, что тенге останется стабильным до конца недели.")
MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря"]


def dated(articles: list[dict], days: int, start: datetime = START) -> list[dict]:
    """The articles spread evenly over `days` days from `start`."""
    step = days * 24 * 60 / max(1, len(articles))
    for i, article in enumerate(articles):
        when = start + timedelta(minutes=int(i * step))
        article["published_at"] = when.isoformat()
        article["fetched_at"] = (when + timedelta(minutes=30)).isoformat()
        article["url"] = f"https://{article['site']}/news/{when:%Y/%m/%d}/{i}.html"
    return articles


def templated(count: int, days: int, seed: int = 7, start: datetime = START) -> list[dict]:
    """Daily weather and exchange-rate items: one template each, other cities, numbers and days."""
    import random

    rng = random.Random(seed)
    out = []
    for i in range(count):
        when = start + timedelta(days=rng.randrange(days), hours=rng.randrange(6, 10))
        city = rng.choice(PLACES)
        fields = {"city": city, "city_gen": city, "day": when.day, "month": MONTHS[when.month - 1],
                  "t1": rng.randint(-25, 5), "t2": rng.randint(-35, -5), "sky": rng.choice(["облачно", "снег", "ясно"]),
                  "wind": rng.randint(1, 15), "usd": f"{rng.uniform(480, 540):.2f}", "eur": f"{rng.uniform(520, 590):.2f}",
                  "rub": f"{rng.uniform(5, 7):.2f}", "usd2": f"{rng.uniform(480, 545):.1f}"}
        template = WEATHER if i % 2 else RATES
        title = template.split(":")[0].format(**fields)
        out.append({"url": f"https://kt.kz/rus/daily/{seed}-{i}.html", "site": "kt.kz", "title": title,
                    "lead": template.format(**fields).split(". ")[0] + ".", "body": template.format(**fields),
                    "published_at": when.isoformat(), "fetched_at": (when + timedelta(minutes=5)).isoformat(),
                    "tags": ["Погода" if i % 2 else "Курс валют"], "language": "ru"})
    return out


def timed_assignments(db, articles: list[dict]) -> tuple[list[float], float]:
    """Store the articles as a crawl does and decide their stories at the end, as a crawl's
    refresh does: milliseconds of each one's `assign_story` (its profile recorded when it is
    stored) and of the refresh an article (counting, weighing, linking, grouping)."""
    spent: list[float] = []

    def timed(db_, article_id, reading=None):
        started = time.perf_counter()
        try:
            return assign_story(db_, article_id, reading)
        finally:
            spent.append((time.perf_counter() - started) * 1000)

    archive.assign_story = timed
    try:
        for data in articles:
            article = Article.from_dict(dict(data))
            if archive.prepare_article(db, article).status is None:
                archive.store_article(db, article, analysis=analyse_text(*text_of(article)))
    finally:
        archive.assign_story = assign_story
    started = time.perf_counter()
    decided = refresh(db)
    return spent, (time.perf_counter() - started) * 1000 / max(1, decided)


def generated_archive(folder: str, articles: int, days: int, generator: Generator):
    """A new archive of `articles` generated articles over `days` days from START, imported."""
    db = open_db(Path(folder) / "stories.db")
    print(f"importing {articles:,} generated articles over {days} days …", flush=True)
    started = time.perf_counter()
    counts = import_articles(db, (json.dumps(a, ensure_ascii=False) for a in dated(generator.batch(0, articles), days)))
    seconds = time.perf_counter() - started
    print(f"  {dict(counts)} in {seconds:,.0f} s ({articles / seconds:,.0f} articles/s, stories and all)", flush=True)
    return db, START


def kept_archive(path: str, days: int, span: int = 365):
    """A kept archive, every article in its story (bench/loader.py), and the first day of the
    `days`-day window, among its last `span` days, that holds the fewest articles: a run adds its
    timed articles to the window it times, so the next run times another and the archive keeps
    the density it stands for."""
    db = open_db(path)
    (missing,) = db.execute("SELECT count(*) FROM articles WHERE id NOT IN (SELECT article_id FROM story_profiles)"
                            ).fetchone()
    if missing:
        print(f"giving {missing:,} articles of {path} their stories (bench/loader.py) …", flush=True)
        started = time.perf_counter()
        load_stories(db, path, progress=lambda done: print(
            f"  {done:,} read and recorded, {time.perf_counter() - started:,.0f} s", flush=True)
            if done % 50_000 < 2_000 else None)
        print(f"  decided in {time.perf_counter() - started:,.0f} s", flush=True)
    (last,) = db.execute("SELECT max(published_day) FROM articles").fetchone()
    last = date.fromisoformat(last)
    held = dict(db.execute("SELECT published_day, count(*) FROM articles WHERE published_day > ? "
                           "GROUP BY published_day", [(last - timedelta(days=span)).isoformat()]).fetchall())

    def window(k: int) -> int:
        return sum(held.get((last - timedelta(days=k * days + i)).isoformat(), 0) for i in range(days))

    emptiest = min(range(max(1, span // days)), key=lambda k: (window(k), k))
    first = last - timedelta(days=emptiest * days + days - 1)
    return db, datetime.combine(first, datetime.min.time(), START.tzinfo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=20_000, help="archive size (default 20,000)")
    parser.add_argument("--days", type=int, default=20, help="days the archive's articles span (default 20)")
    parser.add_argument("--timed", type=int, default=400, help="articles timed of each kind (default 400)")
    parser.add_argument("--db", help="time in this kept archive (--days days of its last year) instead of a generated one")
    args = parser.parse_args()

    generator = Generator()
    with tempfile.TemporaryDirectory(prefix="newsarchive-story-bench-") as folder:
        db, start = (kept_archive(args.db, args.days) if args.db
                     else generated_archive(folder, args.articles, args.days, generator))
        (before,) = db.execute("SELECT count(*) FROM articles").fetchone()
        fresh = dated(generator.batch(10_000_000 + before, args.timed), args.days, start)  # other texts each run
        for article in fresh:
            article["url"] = article["url"].replace("/news/", f"/fresh-{before}/")
        (density,) = db.execute("SELECT count(*) FROM articles WHERE published_day BETWEEN ? AND ?",
                                [start.date().isoformat(), (start + timedelta(days=args.days - 1)).date().isoformat()]
                                ).fetchone()
        rows = []
        for name, articles in (("generated articles", fresh),
                               ("template-sharing items (weather, rates)",
                                templated(args.timed, args.days, seed=before, start=start))):
            spent, refresh_ms = timed_assignments(db, articles)
            median, p95 = statistics.median(spent), sorted(spent)[int(0.95 * (len(spent) - 1))]
            verdict = "ok" if p95 + refresh_ms <= STORY_TARGET_MS else f"OVER {STORY_TARGET_MS} ms"
            rows.append((name, f"{median:.2f}", f"{p95:.2f}", f"{refresh_ms:.2f}", f"{median + refresh_ms:.2f}",
                         f"{p95 + refresh_ms:.2f}", verdict))
        (stories,) = db.execute("SELECT count(*) FROM stories").fetchone()
    print()
    print(f"story assignment, ms an article, in an archive of {before:,} articles ({stories:,} stories), "
          f"{density / args.days:,.0f} articles a day in the days timed")
    header = ("articles", "stored: median", "p95", "refresh an article", "total: median", "p95", "")
    widths = [max(len(r[i]) for r in rows + [header]) for i in range(len(header))]
    for row in [header] + rows:
        print("  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)))


if __name__ == "__main__":
    main()
