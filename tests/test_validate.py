import pytest

from newsarchive.model import Article
from newsarchive.store.validate import Rejected, validate_article

BODY = "Текст новости о пенсиях в Восточно-Казахстанской области. " * 3


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"title": "", "body": BODY}, "no_title"),
        ({"title": "Заголовок", "body": "  "}, "no_body"),
        ({"title": "Заголовок", "body": "Коротко."}, "body_too_short"),
        ({"title": "Заголовок", "body": "Главная\nНовости\nЭкономика\nПоделиться:\nVK\nTelegram\n" * 3}, "no_text"),
        ({"title": "Заголовок", "body": BODY, "published_at": "1987-05-01T10:00:00+06:00"}, "impossible_date"),
        ({"title": "Заголовок", "body": BODY, "published_at": "2999-01-01T10:00:00+05:00"}, "impossible_date"),
        ({"title": "Заголовок", "body": BODY, "published_at": "вчера"}, "bad_date"),
        ({"title": "Заголовок", "body": BODY, "published_at": "2026-01-01T10:00:00"}, "bad_date"),
    ],
)
def test_rejections_name_their_reason(fields, reason):
    with pytest.raises(Rejected) as caught:
        validate_article(Article(url="https://kt.kz/x", **fields))
    assert caught.value.reason == reason


@pytest.mark.parametrize("url", ["https://kt.kz:99999/rus/x_1.html", "http://[::1/x", "kt.kz/rus/x_1.html",
                                 "ftp://kt.kz/x", "https:///x"])
def test_an_address_that_is_no_web_page_is_rejected_as_bad_url(url):
    with pytest.raises(Rejected) as caught:
        validate_article(Article(url=url, title="Заголовок", body=BODY))
    assert caught.value.reason == "bad_url" and url in caught.value.detail


def test_complete_article_passes():
    article = Article(url="https://kt.kz/x", title="Заголовок", body=BODY, published_at="2026-01-13T09:08:00+05:00")
    assert validate_article(article) is article
