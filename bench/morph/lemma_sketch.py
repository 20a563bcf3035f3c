"""A plain dictionary-lemma matcher, only to check that the judged set is reachable.

    python bench/morph/lemma_sketch.py

This is NOT the search under test and NOT how relevance was written (judge.py does that from the
lexemes alone). It is the simplest matcher of the kind issue #15 asks for, so that the set's
figures have a ceiling to compare with:

* a text token (\\w+ runs and whole hyphenated words, folded) is indexed under the lemmas of its
  known pymorphy3 parses — a lemma being (normal form, paradigm), so the verb стать and the noun
  стать (статью) stay apart; a token with no known parse is indexed under its Snowball stem;
* a query word is looked up the same way; equal keys match; no prefixes;
* every query word must match somewhere in title + body.

Where it disagrees with the judge it shows the set's hard cases: names the dictionary shadows
(«Токаев» read as токай, «семей» as семья), out-of-dictionary words whose hand-written forms a
stemmer does not reproduce.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from score import load, report, score  # noqa: E402

_HYPHENATED = re.compile(r"\w+(?:-\w+)+")
_WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def lemma_search(corpus):
    import pymorphy3
    import Stemmer

    morph = pymorphy3.MorphAnalyzer(lang="ru")
    stemmers = {"ru": Stemmer.Stemmer("russian"), "en": Stemmer.Stemmer("english")}

    @lru_cache(maxsize=None)
    def keys(word: str) -> frozenset:
        known = [p for p in morph.parse(word) if p.is_known]
        if known:
            # the paradigm: its normal form plus the paradigm id of the parse's first analyser step
            return frozenset(("L", _fold(p.normal_form), p.methods_stack[0][2]) for p in known)
        stem = stemmers["en" if word.isascii() else "ru"].stemWord(word)
        return frozenset({("S", stem)})

    index: dict = {}
    for a in corpus:
        text = _fold(a["title"] + "\n" + a["body"])
        toks = set(_WORD.findall(text)) | set(_HYPHENATED.findall(text))
        for t in toks:
            for k in keys(t):
                index.setdefault(k, set()).add(a["id"])

    def search(query: str) -> set[int]:
        result = None
        for w in query.split():
            w = _fold(w.strip("\"'«».,;:!?()"))
            if not w:
                continue
            ids = set()
            for k in keys(w):
                ids |= index.get(k, set())
            result = ids if result is None else result & ids
        return result or set()

    return search


def main() -> int:
    corpus, queries = load()
    print(report("plain lemma sketch (pymorphy3 paradigms; Snowball stem when unknown; no prefixes)",
                 score(lemma_search(corpus), corpus, queries), corpus))
    return 0


if __name__ == "__main__":
    sys.exit(main())
