"""Folding and stemming: stem_text's fast path gives exactly what word-by-word stemming gives."""

import random

from newsarchive.textnorm import fold, fold_tag, stem, stem_text, stem_text_utf8, words

CP1251_CHARACTERS = [bytes([b]).decode("cp1251") for b in range(256) if b != 0x98]


def reference(text):
    return " ".join(stem(w) for w in words(text))


def test_every_cp1251_character_alone_and_between_words():
    for char in CP1251_CHARACTERS:
        for text in (char, f"пенсии{char}выплаты", f"ПЕНСИЯ {char}2026", f"Ёлка{char}{char}МРП"):
            assert stem_text(text) == reference(text), repr(text)
            assert stem_text_utf8(text) == reference(text).encode(), repr(text)


def test_generated_texts_in_and_out_of_cp1251():
    rng = random.Random(11)
    words_ = ["Пенсии", "пенсию", "ПЕНСИЯМИ", "ёлка", "Ёжик", "МРП", "Усть-Каменогорск", "café", "Straße",
              "µ", "№5", "2026", "tax_code", "İstanbul", "зейнетақы", "өңір", "ΣΟΦΙΑ", "日本", "e\u0301"]
    separators = [" ", ", ", "\n\n", "\t", " — ", "«", "»", "\u00a0", "\u2009", "…", "%"]
    for _ in range(3000):
        parts = [rng.choice(words_ + [rng.choice(CP1251_CHARACTERS) * rng.randint(1, 3)]) for _ in range(rng.randint(1, 12))]
        text = "".join(p + rng.choice(separators) for p in parts)
        assert stem_text(text) == reference(text), repr(text)
        assert stem_text_utf8(text) == reference(text).encode(), repr(text)


def test_folding():
    assert fold("  Ёлка \n В  ПАРКЕ ") == "елка в парке"
    assert fold_tag("#Пенсия  2026") == "пенсия 2026"
    assert stem_text("Пенсия, пенсии, ПЕНСИЮ") == "пенс пенс пенс"
    assert stem_text(None) == stem_text("") == ""
    assert stem_text_utf8(None) == stem_text_utf8("") == b""
