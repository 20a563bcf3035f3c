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


class _StemCache(dict):
    """word → stem, filled on first use (a dict lookup is what indexing a corpus costs per word)."""

    def __missing__(self, word: str) -> str:
        if len(self) >= 1_000_000:
            self.clear()
        result = self[word] = stem(word)
        return result


_stem_cache = _StemCache()


def _byte_fold_table(code_page: str) -> tuple[bytes, bytes]:
    """A bytes.translate table doing, for text in `code_page`, what casefold, ё→е and the \\w+
    split do (a word character's byte → its folded form's byte, anything else → a space), and
    the bytes it cannot stand for (a word character folding to something outside the code
    page, such as µ → μ): text holding one of those takes the slow path."""
    table, unsafe = bytearray(b" " * 256), bytearray()
    for byte in range(256):
        try:
            char = bytes([byte]).decode(code_page)
        except UnicodeDecodeError:
            continue
        folded = char.casefold().replace("ё", "е")
        is_word = bool(_WORD.fullmatch(char))
        if is_word != bool(_WORD.fullmatch(folded)) or (is_word and len(folded) != 1):
            unsafe.append(byte)
        elif is_word:
            try:
                (table[byte],) = folded.encode(code_page)
            except UnicodeEncodeError:
                unsafe.append(byte)
    return bytes(table), bytes(unsafe)


#: Russian text is cp1251 text: folded and split by bytes.translate and bytes.split in C.
_CP1251_FOLD, _CP1251_UNSAFE = _byte_fold_table("cp1251")


class _ByteStemCache(dict):
    """cp1251 word bytes → stem."""

    def __missing__(self, word: bytes) -> str:
        if len(self) >= 1_000_000:
            self.clear()
        result = self[word] = _stem_cache[word.decode("cp1251")]
        return result


_byte_stem_cache = _ByteStemCache()


class _ByteStemUtf8Cache(dict):
    """cp1251 word bytes → stem as UTF-8 bytes."""

    def __missing__(self, word: bytes) -> bytes:
        if len(self) >= 1_000_000:
            self.clear()
        result = self[word] = _byte_stem_cache[word].encode()
        return result


_byte_stem_utf8_cache = _ByteStemUtf8Cache()


def stem_text(text: str | None) -> str:
    """`text` as a space-separated run of stems, what the stemmed index holds.

    The same as " ".join(stem(w) for w in words(text)): runs of spaces, which fold()
    collapses, do not change the words. Text that cp1251 can hold (nearly all Russian text)
    takes a faster path through bytes with the same result (tests/test_textnorm.py).
    """
    if not text:
        return ""
    try:
        encoded = text.encode("cp1251")
    except UnicodeEncodeError:
        encoded = None
    if encoded is not None and not any(bytes((b,)) in encoded for b in _CP1251_UNSAFE):
        return " ".join(map(_byte_stem_cache.__getitem__, encoded.translate(_CP1251_FOLD).split()))
    return " ".join(map(_stem_cache.__getitem__, _WORD.findall(text.casefold().replace("ё", "е"))))


def stem_text_utf8(text: str | None) -> bytes:
    """stem_text(text) as UTF-8 bytes, made without a str in between (for bulk indexing,
    where SQLite takes the bytes as they are)."""
    if not text:
        return b""
    try:
        encoded = text.encode("cp1251")
    except UnicodeEncodeError:
        encoded = None
    if encoded is not None and not any(bytes((b,)) in encoded for b in _CP1251_UNSAFE):
        return b" ".join(map(_byte_stem_utf8_cache.__getitem__, encoded.translate(_CP1251_FOLD).split()))
    return stem_text(text).encode()
