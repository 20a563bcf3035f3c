import pytest

from newsarchive.urls import canonicalize_url


@pytest.mark.parametrize(
    "variant",
    [
        "https://matritca.kz/news/123-pensii.html",
        "http://matritca.kz/news/123-pensii.html",
        "https://WWW.Matritca.KZ/news/123-pensii.html",
        "https://matritca.kz/news/123-pensii.html/",
        "https://matritca.kz/news/123-pensii.html?utm_source=tg&utm_medium=social",
        "https://matritca.kz/news/123-pensii.html?fbclid=abc#comments",
        "https://matritca.kz:443/news/123-pensii.html",
        "https://m.matritca.kz/news/123-pensii.html",
    ],
)
def test_spellings_of_one_page_share_a_canonical_url(variant):
    assert canonicalize_url(variant) == "https://matritca.kz/news/123-pensii.html"


def test_amp_variants_fold_into_the_article():
    assert canonicalize_url("https://tengrinews.kz/amp/kazakhstan_news/pensii-2026-512345/") == canonicalize_url(
        "https://tengrinews.kz/kazakhstan_news/pensii-2026-512345/"
    )


def test_meaningful_query_parameters_are_kept_and_sorted():
    assert canonicalize_url("https://ng.kz/modules/news/article.php?storyid=42&utm_campaign=x") == (
        "https://ng.kz/modules/news/article.php?storyid=42"
    )
    assert canonicalize_url("https://a.kz/?b=2&a=1") == canonicalize_url("https://a.kz/?a=1&b=2")


def test_different_articles_stay_different():
    assert canonicalize_url("https://lifepvl.kz/?p=1") != canonicalize_url("https://lifepvl.kz/?p=2")


@pytest.mark.parametrize("broken", ["https://matritca.kz:99999/news/1-a.html", "https://matritca.kz:abc/", "http://[::1/x"])
def test_unparseable_urls_raise_value_error(broken):
    with pytest.raises(ValueError):
        canonicalize_url(broken)


def test_a_domain_called_m_is_not_a_mobile_edition():
    assert canonicalize_url("https://m.kz/news/1") == "https://m.kz/news/1"
