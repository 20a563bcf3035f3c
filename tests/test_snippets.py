"""Search snippets: the densest window of matched words, marked as search matches them (by
dictionary lemma, never by a neighbouring word), and never an error on odd text."""

from __future__ import annotations

import random

import pytest

from newsarchive.search.snippets import best_window, snippet


def test_window_is_the_first_with_the_most_hits():
    rng = random.Random(7)
    for _ in range(3000):
        n = rng.randint(1, 120)
        hit = [rng.random() < rng.choice([0.0, 0.05, 0.3]) for _ in range(n)]
        size = rng.choice([1, 2, 5, 32, 200])
        start = best_window(hit, size)
        if not any(hit):
            assert start == 0
            continue
        counts = [sum(hit[s:s + size]) for s in range(max(1, n - size + 1))]
        best = counts.index(max(counts))
        assert start == max(0, min(best, hit.index(True, best) - 3))


@pytest.mark.parametrize("size", [0, -1])
def test_a_snippet_of_no_words_is_an_error(size):
    with pytest.raises(ValueError, match="at least one word"):
        snippet("пенсия", "Пенсии", None, "Пенсии вырастут.", size=size)


ODD_TEXTS = ["", " .,;!? ", "…", "😀 ﬁnance ²", "İstanbul Straße ΣΟΦΟΣ", "\u202f\u2009\xa0", "в" * 5000,
             "пенсии" + " слово" * 400, "слово " * 300 + "пенсии", "Қазақстан әкімдігі ЁЛКА"]


@pytest.mark.parametrize("text", ODD_TEXTS)
@pytest.mark.parametrize("query", ["пенсия", '"слово пенсии"', "пенс*", "ёлка OR Қазақстан", "-пенсия", "", None,
                                   "AND (", "tag:x"])
def test_odd_text_and_queries_give_a_string(text, query):
    out = snippet(query, "Заголовок", None, text)
    assert isinstance(out, str) and len(out.split()) <= 34


def test_matches_forms_of_the_lemma_not_its_neighbours():
    body = "Новые правила вступят в силу. Правительство одобрило правило. Правовой статус не изменится."
    assert snippet("ПРАВИЛ", None, None, body) == (
        "Новые [правила] вступят в силу. Правительство одобрило [правило]. Правовой статус не изменится")
    assert snippet("клетками", None, None, "Ученые изучили десять клеток.") == "Ученые изучили десять [клеток]"


def test_explicit_prefix_marks_every_word_starting_with_it():
    body = "Пенсионеры получат пенсии, пенсионный фонд доволен."
    assert snippet("пенс*", None, None, body) == "[Пенсионеры] получат [пенсии], [пенсионный] фонд доволен"


# --- readable examples ---


def test_marks_inflected_forms_as_written():
    out = snippet("пенсия", "Заголовок", "С января ПЕНСИЮ повысят.", "Размер пенсии вырастет на 8 процентов.")
    assert out == "С января [ПЕНСИЮ] повысят. Размер [пенсии] вырастет на 8 процентов"


def test_exact_phrase_marks_only_those_forms():
    body = "Единовременная выплата составит сто тысяч; единовременной выплаты не будет."
    out = snippet('"единовременная выплата"', None, None, body)
    assert out == "[Единовременная] [выплата] составит сто тысяч; единовременной выплаты не будет"


def test_yo_and_e_are_the_same_letter():
    assert snippet("елка", None, "Главную ёлку зажгут.", None) == "Главную [ёлку] зажгут"


def test_no_matched_word_gives_the_opening_words():
    body = " ".join(f"слово{i}" for i in range(40))
    assert snippet("пенсия", None, None, body, size=5) == "слово0 слово1 слово2 слово3 слово4 …"
    assert snippet(None, None, None, body, size=5) == "слово0 слово1 слово2 слово3 слово4 …"


def test_window_moves_to_the_matches():
    body = " ".join(["текст"] * 100 + ["налоги", "и", "налог"] + ["текст"] * 100)
    expected = "… текст текст текст текст текст [налоги] и [налог] …"  # the first window with both
    assert snippet("налог", None, None, body, size=8) == expected


def test_kazakh_letters_and_title_only():
    assert snippet("Қазақстан", "Жаңалықтар Қазақстан", None, None) == "Жаңалықтар [Қазақстан]"
    assert snippet("налог", "Налог", "", "") == "[Налог]"


def test_a_text_whose_folding_moves_characters_is_marked_at_the_right_words():
    """«ß» folds to «ss» and «İ» to two characters: the words after them keep their places."""
    text = "Die Straße in İstanbul: пенсии выросли, ПЕНСИЯ проиндексирована."
    assert snippet("пенсия", None, None, text) == (
        "Die Straße in İstanbul: [пенсии] выросли, [ПЕНСИЯ] проиндексирована")
