"""Folding and word analysis: what index and query both see of a word."""

import pytest

from newsarchive.textnorm import (
    fold,
    fold_tag,
    index_text,
    token_openings,
    word_tokens,
    words,
)


def test_folding():
    assert fold("  Ёлка \n В  ПАРКЕ ") == "елка в парке"
    assert fold_tag("#Пенсия  2026") == "пенсия 2026"
    assert words("Усть-Каменогорск, 2026 г.") == ("усть", "каменогорск", "2026", "г")


def test_forms_of_one_dictionary_word_share_their_lemma():
    assert index_text("Пенсия, пенсии, ПЕНСИЮ, пенсиями") == "пенсия пенсия пенсия пенсия"
    assert word_tokens("клетками") == word_tokens("клеток") == ("клетка",)
    assert word_tokens("правил") != word_tokens("правительство")
    assert "участник" not in word_tokens("участием")


def test_an_ambiguous_form_has_each_of_its_lemmas():
    assert word_tokens("стали") == ("сталь", "стать\u00b7V")
    assert word_tokens("сталью") == ("сталь",)


def test_one_spelling_of_two_lemmas_keeps_them_apart():
    """The noun стать («статью») is not the verb стать («стали»)."""
    assert set(word_tokens("стали")).isdisjoint(word_tokens("статью"))


def test_words_the_dictionary_does_not_know_fall_back_to_a_stemmer():
    forms = {word_tokens(w) for w in ("маркетплейс", "маркетплейса", "маркетплейсы", "маркетплейсами")}
    assert forms == {("маркетплейс",)}
    surname = {word_tokens(w) for w in ("бектенов", "бектенова", "бектенову", "бектеновым")}
    assert len(surname) == 1
    assert word_tokens("payments") == word_tokens("payment")  # Latin: the English stemmer
    assert word_tokens("2026") == ("2026",)
    assert index_text(None) == index_text("") == ""


def test_a_character_without_a_unicode_name_is_a_token_not_a_crash():
    # pymorphy3 asks unicodedata for each letter's name and fails on letters that have none
    # (a Tangut ideograph in Python 3.11): found by tests/test_properties.py.
    assert word_tokens("𗀀") == ("𗀀",)
    assert word_tokens("а𗀀") and index_text("пенсии а𗀀") == "пенсия " + " ".join(word_tokens("а𗀀"))


@pytest.mark.parametrize("text", [
    "лучше людей лет шёл детьми ребёнка сделанный ушедшего меньше больше нами её",
    "Бектенова Өскеменде пенсионерам МРП 2026 iPhone стали статью правил правительство",
])
def test_every_word_begins_as_some_form_of_each_of_its_lemmas(text):
    """Snippets pass over a word whose first letters no form of the query's lemma has; a word
    those letters left out would be a match never marked (suppletion: лет is a form of год)."""
    for word in words(text):
        for token in word_tokens(word):
            openings = token_openings(token)
            assert openings is None or word[:2] in openings, (word, token)
