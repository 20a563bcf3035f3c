"""Text folding and stemming shared by indexing and querying: both sides must agree."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

#: Bump when fold/words/stem change what an article's stems are: archives are then re-indexed.
TEXTNORM_VERSION = 1

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+", re.UNICODE)
_stemmers = {lang: Stemmer.Stemmer(name) for lang, name in (("ru", "russian"), ("en", "english"))}


def fold(text: str | None) -> str:
    """Lower-case, ё→е, every run of white space to one space, trimmed."""
    if not text:
        return ""
    return _SPACES.sub(" ", text.casefold().replace("ё", "е")).strip()


def fold_tag(tag: str | None) -> str:
    """The normalised form under which a tag is matched ("Пенсия  2026" → "пенсия 2026")."""
    return fold(tag).strip(" #")


def words(text: str | None) -> list[str]:
    """Folded word tokens of `text`."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Snowball stem of one folded word; Latin words use the English stemmer."""
    if word.isascii():
        return _stemmers["en"].stemWord(word)
    return _stemmers["ru"].stemWord(word)


def stem_text(text: str | None) -> str:
    """`text` as a space-separated run of stems: what the stemmed index holds."""
    if not text:
        return ""
    return " ".join(map(stem, words(text)))
