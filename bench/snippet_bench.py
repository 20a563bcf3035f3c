"""Snippet micro-benchmark: newsarchive.search.snippets.snippet against the word-by-word reference
implementation kept in tests/test_snippets.py.

    .venv/bin/python bench/snippet_bench.py [--articles 2000] [--rounds 5]

Articles are generated: a lead and body of 250-350 words (about 2.5 KB) of inflected news
words, function words and a Zipf tail of made-up lemmas, with capitals and punctuation.
Results come in pages of 20 with one query each, parsed once as search() does, whose words
every result contains. Reported: µs per snippet, the best of the rounds after a warm-up round
(stems cached; the per-query regexes compiled anew each round, once per page).
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newsarchive.search.querylang import parse  # noqa: E402
from newsarchive.search.snippets import _candidates, _phrase, snippet  # noqa: E402

_spec = importlib.util.spec_from_file_location("test_snippets", ROOT / "tests" / "test_snippets.py")
_tests = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_tests)
reference = _tests._reference_snippet

ENDINGS = {
    "noun": ["ия", "ии", "ию", "ией", "ий", "иями"], "fem": ["а", "ы", "е", "у", "ой", "ами", "ах"],
    "masc": ["", "а", "у", "ом", "е", "ы", "ов", "ами"], "adj": ["ый", "ая", "ое", "ые", "ого", "ой", "ому", "ыми"],
    "verb": ["ать", "ает", "ают", "ал", "ала", "али", "аются"],
}
NEWS = ("пенс:noun компан:noun комисс:noun территор:noun информац:noun организац:noun программ:fem "
        "выплат:fem систем:fem работ:fem больниц:fem дорог:fem проверк:fem город:masc район:masc "
        "акимат:masc закон:masc проект:masc бюджет:masc министр:masc депутат:masc президент:masc "
        "налог:masc ремонт:masc транспорт:masc сотрудник:masc специалист:masc государственн:adj "
        "социальн:adj экономическ:adj национальн:adj международн:adj медицинск:adj сообщ:verb "
        "рассказ:verb отмеч:verb выпуск:verb обсужд:verb").split()
FUNCTION = ("в и на с по что не о за из к для от как это также а но до при после более уже его их "
            "который которые этом году года тысяч млн так же всех").split()
SYLLABLES = [c + v for c in "бвгдзклмнпрстфхцчшщ" for v in "аеиоуяё"]
PAGE = 20


def vocabulary(rng: random.Random) -> tuple[list[str], list[float], list[str]]:
    lemmas = [[w] for w in FUNCTION]
    news = []
    for entry in NEWS:
        stem, kind = entry.split(":")
        news.append([stem + e for e in ENDINGS[kind]])
    while len(lemmas) < 20_000:
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4)))) + rng.choice("нтвлрск")
        lemmas.append([stem + e for e in ENDINGS[rng.choice(list(ENDINGS))]])
    for i, forms in enumerate(news):
        lemmas.insert(40 + i * 150, forms)
    forms, weights = [], []
    for rank, lemma in enumerate(lemmas, 1):
        for form in lemma:
            forms.append(form)
            weights.append(1 / rank ** 1.07 / len(lemma))
    return forms, weights, [f for lemma in news for f in lemma]


def article(rng: random.Random, forms: list[str], weights: list[float]) -> dict:
    def sentences(n: int) -> str:
        words = rng.choices(forms, weights, k=n)
        out, i = [], 0
        while i < len(words):
            chunk = words[i:i + rng.randint(7, 18)]
            if len(chunk) > 5 and rng.random() < 0.5:
                chunk[len(chunk) // 2] += ","
            if rng.random() < 0.3:
                chunk[rng.randrange(len(chunk))] = rng.choice(["2026", "Усть-Каменогорске", "«Самрук-Казына»"])
            out.append(chunk[0].capitalize() + " " + " ".join(chunk[1:]) + ".")
            i += len(chunk)
        return " ".join(out)
    lead_words = rng.randint(20, 35)
    body_words = rng.randint(250, 350) - lead_words
    paragraphs = rng.randint(3, 5)
    body = "\n\n".join(sentences(body_words // paragraphs) for _ in range(paragraphs))
    return {"title": sentences(rng.randint(6, 11)).rstrip("."), "lead": sentences(lead_words), "body": body}


def workloads(n: int) -> dict[str, list[tuple]]:
    """Pages of PAGE results, one query each; every result contains the query's words (put
    at a random place when the article lacks them), as search results do."""
    rng = random.Random(20260113)
    forms, weights, news_forms = vocabulary(rng)
    news = set(news_forms)
    loads = {"one word": [], "two words": [], "phrase": [], "word not in text": []}
    for page in range(0, n, PAGE):
        articles = [article(rng, forms, weights) for _ in range(min(PAGE, n - page))]
        words = re.findall(r"\w+", articles[0]["lead"] + " " + articles[0]["body"])
        searched = [w for w in words if w.lower() in news] or [rng.choice(news_forms)]
        i = rng.randrange(len(words) - 1)
        queries = {"one word": [rng.choice(searched)], "two words": [rng.choice(searched), rng.choice(searched)],
                   "phrase": [f"{words[i]} {words[i + 1]}"]}
        for a in articles:
            for name, needed in queries.items():
                body = a["body"]
                for word in needed:
                    if word.lower() not in (a["lead"] + " " + body).lower():
                        cut = rng.randrange(len(body))
                        body = body[:cut] + f" {word} " + body[cut:]
                text = f'"{needed[0]}"' if name == "phrase" else " ".join(needed)
                loads[name].append((parse(text), a["title"], a["lead"], body))
            loads["word not in text"].append((parse("зейнетақы"), a["title"], a["lead"], a["body"]))
    return loads


def per_snippet(function, load: list[tuple], rounds: int) -> float:
    for args in load:
        function(*args)
    best = float("inf")
    for _ in range(rounds):
        _candidates.cache_clear()  # each page a new query: its regexes compiled once per page
        _phrase.cache_clear()
        started = time.perf_counter()
        for args in load:
            function(*args)
        best = min(best, time.perf_counter() - started)
    return best / len(load) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    loads = workloads(options.articles)
    texts = ["\n".join(args[2:]) for args in loads["one word"]]
    print(f"{options.articles} articles: lead+body {statistics.mean(map(len, texts)):.0f} characters, "
          f"{statistics.mean(len(t.split()) for t in texts):.0f} words on average")
    print(f"{'query':<18} {'reference µs':>13} {'snippets µs':>12} {'speed-up':>9}")
    for name, load in loads.items():
        assert all(snippet(*args) == reference(*args) for args in load), name
        old = per_snippet(reference, load, options.rounds)
        new = per_snippet(snippet, load, options.rounds)
        print(f"{name:<18} {old:>13.1f} {new:>12.1f} {old / new:>8.1f}×")


if __name__ == "__main__":
    main()
