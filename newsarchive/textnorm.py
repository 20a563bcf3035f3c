"""Text folding and word analysis, shared by indexing and querying: both sides must agree.

A word is analysed into the tokens the word index holds for it (`word_tokens`):

* a word pymorphy3's Russian dictionary knows → its dictionary lemmas, every one of them when
  the form is ambiguous («стали» → сталь, стать): a query word then matches the forms of each of
  its lemmas and nothing else («правил» finds «правила», never «правительство»). A lemma spelled
  like a lemma of another part of speech carries that part of speech (the verb стать is
  «стать·V», the noun стать of «статью» is «стать·N»), so the two words stay apart;
* a word the dictionary does not know (names, new words, Kazakh words in Russian text) → its
  Snowball stem, less a surname's -ов/-ев/-ин/-ын (Snowball takes it off «Бектенов» but leaves
  it on «Бектенова»), so that its inflections still meet;
* a number → itself.

Folding comes first: lower case, ё→е.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from importlib.metadata import version
from sys import intern
from typing import NamedTuple

import pymorphy3
import Stemmer

#: Bump when fold/words/word_tokens change what an article's tokens are: archives are then re-indexed.
TEXTNORM_VERSION = 3
#: What the word index's tokens depend on; archive_meta keeps the one that built an archive's index.
ANALYSER = (f"pymorphy3 {version('pymorphy3')} dicts {version('pymorphy3-dicts-ru')}; "
            f"PyStemmer {Stemmer.version()}; textnorm {TEXTNORM_VERSION}")

_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_stemmers = {lang: Stemmer.Stemmer(name) for lang, name in (("ru", "russian"), ("en", "english"))}
_SURNAME_SUFFIX = re.compile(r"(?<=\w\w\w)(?:ов|ев|ин|ын)$")
#: Parts of speech as far as telling two lemmas of one spelling apart goes.
_POS_GROUPS = {"INFN": "V", "VERB": "V", "PRTF": "V", "PRTS": "V", "GRND": "V", "NOUN": "N",
               "ADJF": "A", "ADJS": "A", "COMP": "A"}
#: Joins a lemma and its part of speech in one index token (no word character, not ASCII).
LEXEME_MARK = "\u00b7"


@cache
def _morph() -> pymorphy3.MorphAnalyzer:
    """The Russian dictionary, loaded at the first word analysed (21 MB: a crawl's own process,
    whose text a helper analyses, never loads it)."""
    return pymorphy3.MorphAnalyzer(lang="ru")


def fold(text: str | None) -> str:
    """Lower-case, ё→е, every run of white space to one space, trimmed."""
    if not text:
        return ""
    return " ".join(text.casefold().replace("ё", "е").split())  # str.split's white space is re's \s


def fold_tag(tag: str | None) -> str:
    """The normalised form under which a tag is matched ("Пенсия  2026" → "пенсия 2026")."""
    return fold(tag).strip(" #")


@lru_cache(maxsize=8)  # an article's fields are read for its hash, its index and its story
def words(text: str | None) -> tuple[str, ...]:
    """Folded word tokens of `text`."""
    return tuple(_WORD.findall(fold(text)))


class Analysis(NamedTuple):
    """What the dictionary says of one folded word, read once (`analyse`)."""

    #: The word index's tokens of the word (see the module's docstring).
    tokens: tuple[str, ...]
    #: The part of speech of its likeliest dictionary reading; None when the dictionary does not know it.
    pos: str | None
    #: The name (of a person, place, organisation) it is a form of, when the dictionary knows it as one.
    name: str | None


#: Grammemes of names: of people, places, organisations; and abbreviations.
NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad", "Abbr"})


@lru_cache(maxsize=64_000)  # about 24 MB (~380 bytes a word): the common words; a rare one costs a dictionary read again
def analyse(word: str) -> Analysis:
    """The dictionary's analysis of one folded word, cached: news vocabulary is Zipfian, and
    indexing, stories and queries all ask about the same words."""
    if word.isdigit():
        return Analysis((word,), None, None)
    known = []
    if _CYRILLIC.search(word):  # the dictionary is Russian; pymorphy3 fails on some other scripts
        try:
            known = _known_parses(word)
        except ValueError:  # a character unicodedata has no name for (pymorphy3's shape check)
            known = []
    name = next((parse.normal_form.replace("ё", "е") for parse in known if parse.tag.grammemes & NAME_GRAMMEMES),
                None)
    if known:  # interned: the cached forms of one lemma share its strings
        tokens = tuple(sorted({intern(_lemma_token(parse.normal_form, parse.tag.POS)) for parse in known}))
    elif word.isascii():
        tokens = (_stemmers["en"].stemWord(word),)
    else:
        tokens = (stem(word),)
    pos = known[0].tag.POS if known else None
    return Analysis(tokens, intern(str(pos)) if pos else None, intern(name) if name else None)


def _known_parses(word: str) -> list:
    """pymorphy3's dictionary readings of `word`; none when the dictionary does not hold it.

    `Parse.is_known` asks whether the *word* is in the dictionary, so it is the same for every
    parse of one word: asked once, before parsing, an unknown word skips pymorphy3's guessing
    (4/5 of the cost of a word it does not know)."""
    return _morph().parse(word) if _morph().word_is_known(word) else []


def word_tokens(word: str) -> tuple[str, ...]:
    """The index tokens of one folded word: its dictionary lemmas, else its stem (see above)."""
    return analyse(word).tokens


@lru_cache(maxsize=10_000)
def token_openings(token: str) -> frozenset[str] | None:
    """The first two letters of every folded word whose tokens include `token`: the forms of a
    dictionary lemma, or the words a stem begins; None when that cannot be told (any word may)."""
    lemma = token.partition(LEXEME_MARK)[0]
    if len(lemma) < 2 or lemma.isdigit():
        return None if len(lemma) < 2 else frozenset({lemma[:2]})
    openings = {lemma[:2]}
    if _CYRILLIC.search(lemma):
        try:
            for parse in _known_parses(lemma):
                if parse.normal_form.replace("ё", "е") == lemma:
                    openings.update(fold(form.word)[:2] for form in parse.lexeme)
        except ValueError:
            return None
    return frozenset(openings)


def stem(word: str) -> str:
    """The Snowball stem of a folded Russian word, less a surname's -ов/-ев/-ин/-ын."""
    return _SURNAME_SUFFIX.sub("", _stemmers["ru"].stemWord(word))


def _lemma_token(normal_form: str, pos: str | None) -> str:
    lemma = normal_form.replace("ё", "е")
    if not _spelled_alike(lemma):
        return lemma
    return f"{lemma}{LEXEME_MARK}{_POS_GROUPS.get(pos, pos or '')}"


@lru_cache(maxsize=50_000)  # a yes or no a lemma: about 10 MB
def _spelled_alike(lemma: str) -> bool:
    """Are there dictionary words of two parts of speech whose lemma is spelled `lemma`?"""
    return len({_POS_GROUPS.get(p.tag.POS, p.tag.POS) for p in _known_parses(lemma)
                if p.normal_form.replace("ё", "е") == lemma}) > 1


def index_text(text: str | None) -> str:
    """`text` as the word index holds it: every word's tokens, in order, joined by spaces."""
    if not text:
        return ""
    folded = words(text)
    spelled = {word: " ".join(analyse(word).tokens) for word in set(folded)}  # every word has a token
    return " ".join([spelled[word] for word in folded])
