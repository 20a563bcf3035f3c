"""Clean text, canonical URL, tags, region and content hash before dedupe and storage."""

from newsarchive.normalise import normalise_article
from newsarchive.sites import site_for_url


class NormalisePipeline:
    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_item(self, item):
        return normalise_article(item, site_for_url(item.url))
