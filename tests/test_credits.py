"""Credit lines of syndicated stories."""

import pytest

from newsarchive.extract import find_credit


@pytest.mark.parametrize(
    "text, source, via",
    [
        ("В городе открыли школу, передает Matritca.kz.", "Matritca.kz", None),
        ("В городе открыли школу, передаёт Matritca.kz.", "Matritca.kz", None),
        ("Об этом сообщает Lada.kz со ссылкой на Tengrinews.kz.", "Lada.kz", "Tengrinews.kz"),
        ("Как передаёт корреспондент Tengrinews.kz, в городе прошел митинг.", "Tengrinews.kz", None),
        ("Как передает корреспондент агентства Kazakhstan Today, работы начнутся в апреле.", "Kazakhstan Today", None),
        ("Текст новости.\nИсточник: EL.kz", "EL.kz", None),
        ("Текст новости.\n\nАвтор: Иван Петров\n\nИсточник: Устинка LIVE", "Устинка LIVE", None),
        ("Решение приняли в среду, передает МИА «Казинформ».", "МИА «Казинформ»", None),
        ("Как сообщает «Росбалт», на первом месте томат.", "Росбалт", None),
        ("Об этом сообщает Kazakhstan Today со ссылкой на пресс-службу акимата.", "Kazakhstan Today", "пресс-службу акимата"),
        ("Мектеп ашылды, деп хабарлайды Kazinform.", "Kazinform", None),
        ("Мектеп ашылды.\nДереккөз: Устинка LIVE", "Устинка LIVE", None),
        ("Саженцы высадили вдоль набережной, передает tengrinews.kz.", "tengrinews.kz", None),  # kzvesti.kz
        ("Об этом сообщает Lada.kz со ссылкой на tengrinews.kz.", "Lada.kz", "tengrinews.kz"),
    ],
)
def test_credit_forms(text, source, via):
    assert find_credit(text) == (source, via)


@pytest.mark.parametrize("text", ["", None, "Просто текст без ссылок на источник.", "Фото: пресс-служба акимата"])
def test_no_credit(text):
    assert find_credit(text) == (None, None)


def test_photo_source_is_not_a_credit():
    assert find_credit("Текст.\nИсточник фото: пресс-служба") == (None, None)


def test_opening_credit_wins_over_quoted_one_later():
    text = "Школу открыли в среду, передает Matritca.kz.\nРанее об этом сообщал Tengrinews.kz, но без подробностей."
    assert find_credit(text) == ("Matritca.kz", None)
