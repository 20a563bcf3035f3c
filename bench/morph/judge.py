"""How the `relevant` lists in queries.jsonl were written: from the dictionary, not from any search code.

    python bench/morph/judge.py --check   # recompute; exit 1 if queries.jsonl differs
    python bench/morph/judge.py --write   # rewrite `lemmas`, `forms` and `relevant` in queries.jsonl
    python bench/morph/judge.py --show Q  # explain one query (its words, forms, and the tokens that matched)

The rule, for every query word (query text split on white space, outer punctuation stripped):

* dictionary word: every parse pymorphy3 gives whose `is_known` is true (no score threshold: an
  ambiguous form matches each of its lemmas, «стали» → сталь AND стать, «ПРАВИЛ» → правило AND
  править). The word's `forms` are the union of those parses' lexemes (`Parse.lexeme`: the forms of
  that paradigm, participles and gerunds of a verb included), lower-cased, ё → е. `lemmas` lists the
  parses' normal forms for reading; the forms come from the parses' own paradigms, so «стали» brings
  the verb стать (стал, станет, ставший …) but not the noun стать (стати, статью).
* out-of-dictionary word (no known parse: names, new words, Kazakh words, abbreviations, numbers,
  Latin brands, hyphenated compounds the dictionary lacks): `"source": "manual"`, its lemma and its
  forms are written by hand in queries.jsonl and kept as written (folded).
* a dictionary word whose dictionary readings miss the reading the query is about (a proper name
  shadowed by a common word: «Токаев» is known only as the genitive plural of токай, a wine):
  `"source": "dictionary+manual"`, the dictionary lemmas and forms PLUS the hand-written lemma
  (`manual_lemmas`, `manual_forms`). Used sparingly, each one explained in the query's note.

An article is relevant when, for every query word, some token of its title or body is one of that
word's forms. Tokens: the text lower-cased (casefold), ё → е; every `\\w+` run, and also every
hyphenated word as a whole («Усть-Каменогорске» gives усть, каменогорске and усть-каменогорске).
Matching is by word form only: the judge cannot tell which sense a token has in its sentence, so
«семей» (families) is a form of the city Семей and «Ростов» a form of рост (genitive plural).

Needs pymorphy3 and pymorphy3-dicts-ru; nothing from newsarchive.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
QUERIES = HERE / "queries.jsonl"

_WORD = re.compile(r"\w+")
_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
_EDGE_PUNCT = "\"'«»„“”.,;:!?()[]{}"

SOURCES = ("dictionary", "manual", "dictionary+manual")


def fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def tokens(text: str) -> set[str]:
    """Folded tokens of a text: \\w+ runs and whole hyphenated words."""
    folded = fold(text)
    return set(_WORD.findall(folded)) | set(_HYPHENATED.findall(folded))


def query_words(query: str) -> list[str]:
    words = [w.strip(_EDGE_PUNCT) for w in query.split()]
    return [w for w in words if w]


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def dictionary_parses(word: str) -> list:
    """pymorphy3's parses of `word` that come from the dictionary (`is_known`)."""
    return [p for p in _morph().parse(word) if p.is_known]


def dictionary_entry(word: str) -> tuple[list[str], list[str]]:
    """(lemmas, forms) of a dictionary word: the normal forms and the lexemes of its known parses."""
    parses = dictionary_parses(word)
    lemmas = sorted({fold(p.normal_form) for p in parses})
    forms = sorted({fold(f.word) for p in parses for f in p.lexeme})
    return lemmas, forms


def _folded_sorted(values) -> list[str]:
    return sorted({fold(v) for v in values})


def resolve_word(form: str, given: dict | None) -> dict:
    """The word entry the rule gives for query word `form`; `given` is its entry in queries.jsonl
    (for the hand-written parts). Raises ValueError when the file and the dictionary disagree on
    whether the word is known."""
    given = given or {}
    source = given.get("source", "dictionary")
    if source not in SOURCES:
        raise ValueError(f"{form!r}: source must be one of {SOURCES}, not {source!r}")
    known = bool(dictionary_parses(form))
    entry = {"form": form, "source": source}
    if source == "manual":
        if known:
            raise ValueError(f"{form!r} is marked manual but pymorphy3 knows it: use the dictionary")
        if not given.get("lemmas") or not given.get("forms"):
            raise ValueError(f"{form!r} is out of the dictionary: write its lemmas and forms by hand")
        entry["lemmas"] = _folded_sorted(given["lemmas"])
        entry["forms"] = _folded_sorted(given["forms"])
        if fold(form) not in entry["forms"]:
            raise ValueError(f"{form!r}: the hand-written forms must include the query form itself")
        return entry
    if not known:
        raise ValueError(f"pymorphy3 does not know {form!r}: mark it \"source\": \"manual\" with its forms")
    lemmas, forms = dictionary_entry(form)
    if source == "dictionary+manual":
        manual_lemmas = _folded_sorted(given.get("manual_lemmas") or [])
        manual_forms = _folded_sorted(given.get("manual_forms") or [])
        if not manual_lemmas or not manual_forms:
            raise ValueError(f"{form!r}: dictionary+manual needs manual_lemmas and manual_forms")
        entry["manual_lemmas"] = manual_lemmas
        entry["manual_forms"] = manual_forms
        lemmas = sorted(set(lemmas) | set(manual_lemmas))
        forms = sorted(set(forms) | set(manual_forms))
    entry["lemmas"] = lemmas
    entry["forms"] = forms
    return entry


def relevant_ids(words: list[dict], corpus: list[dict]) -> list[int]:
    """Articles where every query word has some token among its forms."""
    wanted = [set(w["forms"]) for w in words]
    out = []
    for article in corpus:
        toks = tokens(article["title"] + "\n" + article["body"])
        if all(toks & forms for forms in wanted):
            out.append(article["id"])
    return out


def judge_query(q: dict, corpus: list[dict]) -> dict:
    """The query with `words` (lemmas, forms) and `relevant` recomputed by the rule."""
    forms = query_words(q["query"])
    given = q.get("words") or []
    if given and [w.get("form") for w in given] != forms:
        raise ValueError(f"{q['query']!r}: words {[w.get('form') for w in given]} do not match the query text")
    by_form = {w["form"]: w for w in given}
    words = [resolve_word(f, by_form.get(f)) for f in forms]
    out = {"query": q["query"], "note": q.get("note", ""), "words": words}
    out["relevant"] = relevant_ids(words, corpus)
    return out


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def check_corpus(corpus: list[dict]) -> list[str]:
    problems = []
    ids = [a["id"] for a in corpus]
    if len(ids) != len(set(ids)):
        problems.append("corpus: duplicate ids")
    for a in corpus:
        if set(a) != {"id", "title", "body"} or not isinstance(a["id"], int):
            problems.append(f"corpus {a.get('id')}: fields must be id (int), title, body")
        elif not 200 <= len(a["body"]) <= 900:
            problems.append(f"corpus {a['id']}: body is {len(a['body'])} characters (200–900)")
    return problems


def show(q: dict, corpus: list[dict]) -> None:
    judged = judge_query(q, corpus)
    print(f"query: {judged['query']}\nnote:  {judged['note']}")
    for w in judged["words"]:
        print(f"  {w['form']}: {w['source']}, lemmas {w['lemmas']}, {len(w['forms'])} forms")
        if w["source"] != "manual":
            for p in dictionary_parses(w["form"]):
                print(f"      parse {p.normal_form:<16} {str(p.tag):<45} score {p.score:.4f}")
    print(f"relevant ({len(judged['relevant'])}):")
    rel = set(judged["relevant"])
    for a in corpus:
        if a["id"] in rel:
            toks = tokens(a["title"] + "\n" + a["body"])
            hits = sorted(toks & {f for w in judged["words"] for f in w["forms"]})
            print(f"  {a['id']:>4}  {a['title'][:70]:<70}  {', '.join(hits)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="recompute and compare with queries.jsonl")
    mode.add_argument("--write", action="store_true", help="rewrite lemmas, forms and relevant")
    mode.add_argument("--show", metavar="QUERY", help="explain one query of queries.jsonl")
    args = parser.parse_args(argv)

    corpus = load_jsonl(CORPUS)
    queries = load_jsonl(QUERIES)
    if args.show:
        matches = [q for q in queries if q["query"] == args.show]
        if not matches:
            print(f"no query {args.show!r} in {QUERIES.name}", file=sys.stderr)
            return 2
        show(matches[0], corpus)
        return 0

    problems = check_corpus(corpus)  # anything wrong with the set
    errors = []  # a query the rule cannot judge (the dictionary and the file disagree)
    judged = []
    for q in queries:
        try:
            judged.append(judge_query(q, corpus))
        except ValueError as e:
            errors.append(str(e))
            judged.append(q)
    texts = [q["query"] for q in queries]
    if len(texts) != len(set(texts)):
        problems.append("queries: duplicate query texts")
    for j in judged:
        if not j.get("relevant"):
            problems.append(f"{j['query']!r}: no relevant article (a query must have some)")

    if args.write:
        if errors:
            print("\n".join(errors), file=sys.stderr)
            print("nothing written", file=sys.stderr)
            return 1
        write_jsonl(QUERIES, judged)
        for p in problems:
            print("warning:", p, file=sys.stderr)
        print(f"wrote {len(judged)} queries to {QUERIES.name}")
        return 0

    problems = errors + problems
    for q, j in zip(queries, judged):
        for key in ("words", "relevant"):
            if q.get(key) != j.get(key):
                problems.append(f"{q['query']!r}: {key} differ from the dictionary rule")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"FAIL: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    n_rel = sum(len(j["relevant"]) for j in judged)
    print(f"ok: {len(corpus)} articles, {len(judged)} queries, {n_rel} judged relevant pairs, "
          f"all recomputed from the dictionary rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
