"""The crawl's text analysis in a helper process: the same answer as in the crawl's own process,
and when the helper dies, the crawl's process analyses instead."""

import asyncio

import numpy as np

from newsarchive.crawl.analysis import TextAnalyser
from newsarchive.model import Article
from newsarchive.store.analysis import analyse_text, text_of

ARTICLE = Article(url="https://matritca.kz/news/1-pensii.html", title="Пенсии в ВКО вырастут на 6,5%",
                  lead="С 1 января 2027 года пенсии в Усть-Каменогорске вырастут.",
                  body="Об этом сообщил аким области. Минимальная пенсия составит 64 000 тенге.",
                  published_at="2026-12-01T10:00:00+05:00", fetched_at="2026-12-01T10:05:00+05:00")


def same(a, b) -> bool:
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
    assert all(same(answer, analyse_text(*text_of(ARTICLE))) for answer in answers)


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
    assert all(same(answer, analyse_text(*text_of(ARTICLE))) for answer in answers)


async def _analyse_many(analyser, n):
    return await asyncio.gather(*(analyser.analyse(ARTICLE) for _ in range(n)))
