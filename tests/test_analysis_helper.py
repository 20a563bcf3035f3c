"""The crawl's article preparation in a helper process: the same article, result and analysis as
in the crawl's own process, and when the helper dies, the crawl's process prepares instead."""

import asyncio
import copy
import gzip
import threading
from dataclasses import replace

import numpy as np

from newsarchive.crawl.analysis import TextAnalyser
from newsarchive.model import Article
from newsarchive.store.prepare import REJECTED, prepare_text

ARTICLE = Article(url="https://matritca.kz/news/1-pensii.html", title="Пенсии в ВКО вырастут на 6,5%",
                  lead="С 1 января 2027 года пенсии в Усть-Каменогорске вырастут.",
                  body="Об этом сообщил аким области. Минимальная пенсия составит 64 000 тенге, передает Matritca.kz.\n"
                       "Повышение коснется всех получателей   пенсий  в регионе.",
                  published_at="2026-12-01T10:00:00+05:00", fetched_at="2026-12-01T10:05:00+05:00")


def expected():
    """(the checked article, the result, the analysis) in this process."""
    return prepare_text(copy.copy(ARTICLE))


def same(answer, expected_answer) -> bool:
    """The same result and analysis, and the article was checked in place the same way."""
    (article, result, a), (checked, expected_result, b) = answer, expected_answer
    assert expected_result.status is None and checked.credited_source  # stored, normalised
    if result != expected_result or article.to_dict() != checked.to_dict():
        return False
    if a.index_fields != b.index_fields:
        return False
    left, right = vars(a.story), vars(b.story)
    return left.keys() == right.keys() and all(
        np.array_equal(left[k], right[k]) if isinstance(left[k], np.ndarray) else left[k] == right[k] for k in left)


def test_the_helper_answers_as_the_crawls_process_would():
    analyser = TextAnalyser(helper=True)
    try:
        answers = asyncio.run(_analyse_many(analyser, 3))
        assert analyser.enabled and analyser._helper.process.poll() is None  # answered by a live helper
    finally:
        analyser.close()
    assert all(same(answer, expected()) for answer in answers)


def test_the_crawlers_of_a_process_share_one_helper_which_ends_with_the_last():
    first, second = TextAnalyser(helper=True), TextAnalyser(helper=True)
    asyncio.run(_analyse_many(first, 1))
    asyncio.run(_analyse_many(second, 1))
    helper = first._helper
    assert second._helper is helper
    first.close()
    assert helper.process.poll() is None
    second.close()
    assert helper.process.wait(timeout=10) == 0


def test_a_dead_helper_leaves_the_analysis_to_the_crawls_process():
    analyser = TextAnalyser(helper=True)
    try:
        asyncio.run(_analyse_many(analyser, 1))
        analyser._helper.process.kill()
        analyser._helper.process.wait()
        answers = asyncio.run(_analyse_many(analyser, 2))
    finally:
        analyser.close()
    assert not analyser.enabled
    assert all(same(answer, expected()) for answer in answers)


def test_a_rejected_article_comes_back_rejected_with_its_page_kept_here():
    article = copy.copy(ARTICLE)
    article.title, article.raw_html = None, b"<html>the page</html>"
    analyser = TextAnalyser(helper=True)
    try:
        result, analysis = asyncio.run(analyser.prepare(article))
    finally:
        analyser.close()
    assert result.status == REJECTED and result.reason and analysis is None
    assert article.raw_html == b"<html>the page</html>"


def test_many_large_articles_at_once_never_stall_the_crawl():
    """Requests and answers far larger than the pipes hold: the crawl waits for the helper to read,
    the helper for the crawl to read its answers; neither may wait for the other for ever."""
    analyser = TextAnalyser(helper=True)
    results = []

    def many():
        async def all_at_once():
            articles = []
            for number in range(24):
                article = copy.copy(ARTICLE)
                article.url = f"https://matritca.kz/news/{number}-pensii.html"
                article.body = ARTICLE.body + "\n" + f"Пенсия номер {number} вырастет в Усть-Каменогорске. " * 1200
                articles.append(article)
            return await asyncio.gather(*(analyser.prepare(article) for article in articles))
        results.extend(asyncio.run(all_at_once()))

    worker = threading.Thread(target=many, daemon=True)
    try:
        worker.start()
        worker.join(timeout=120)
        assert not worker.is_alive(), "the crawl and its helper wait for each other"
        assert analyser.enabled and len(results) == 24
        assert all(result.status is None and analysis.index_fields[2] for result, analysis in results)
    finally:
        if not worker.is_alive():
            analyser.close()
        else:
            analyser._helper.process.kill()


async def _analyse_many(analyser, n):
    async def one():
        article = copy.copy(ARTICLE)
        article.raw_html = b"<html>page</html>"
        result, analysis = await analyser.prepare(article)
        assert article.raw_html == b"<html>page</html>"  # the page as fetched stays on the article
        assert gzip.decompress(analysis.page_gz) == b"<html>page</html>"  # compressed by the helper
        article.raw_html = None
        return article, result, replace(analysis, page_gz=None)
    return await asyncio.gather(*(one() for _ in range(n)))
