"""Reading an article's text for the archive: the word index's fields and the story's reading.

It is the costly part of storing an article (every word through the dictionary) and a pure
function of the normalised text, so a crawl runs it in a helper process while it fetches
(newsarchive.crawl.analysis), with all else that needs no archive
(newsarchive.store.prepare.prepare_text), and hands the result to `store_article`.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsarchive import clock
from newsarchive.model import Article
from newsarchive.store.stories import Reading, read_story
from newsarchive.store.wordindex import index_fields


@dataclass(frozen=True)
class TextAnalysis:
    """What `store_article` would otherwise work out from the text itself."""

    #: The analysed title, lead and body (newsarchive.store.wordindex.index_fields).
    index_fields: tuple[str, str, str]
    #: The story's reading (newsarchive.store.stories.read_story).
    story: Reading
    #: The page as fetched, compressed as the archive keeps it (newsarchive.store.prepare.compress_page).
    page_gz: bytes | None = None


def analyse_text(title: str | None, lead: str | None, body: str | None, published_at: str | None,
                 fetched_at: str | None) -> TextAnalysis:
    """The analysis of a normalised article's text (its fields as they will be stored)."""
    published_day = clock.local_day(clock.to_utc_iso(published_at))
    return TextAnalysis(index_fields(title, lead, body), read_story(title, lead, body, published_day, fetched_at))


def text_of(article: Article) -> tuple:
    """The arguments of `analyse_text` for a normalised article (small enough to send to a helper)."""
    return article.title, article.lead, article.body, article.published_at, article.fetched_at
