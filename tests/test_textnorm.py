"""Folding and stemming: what index and query both see of a word."""

from newsarchive.textnorm import fold, fold_tag, stem_text, words


def test_folding():
    assert fold("  Ёлка \n В  ПАРКЕ ") == "елка в парке"
    assert fold_tag("#Пенсия  2026") == "пенсия 2026"
    assert words("Усть-Каменогорск, 2026 г.") == ["усть", "каменогорск", "2026", "г"]
    assert stem_text("Пенсия, пенсии, ПЕНСИЮ") == "пенс пенс пенс"
    assert stem_text(None) == stem_text("") == ""
