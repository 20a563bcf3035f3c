"""The spiders a user would write instead of newsarchive, for the crawl benchmark.

    scrapy runspider bench/baseline_spider.py -a site=URL [-a extract=trafilatura] -o out.jsonl

It reads the site's sitemaps (from robots.txt) and fetches every article. With
extract=trafilatura it runs trafilatura on each page (text and metadata, as JSON) and yields
the result, which Scrapy's feed export writes as JSON lines; without it, it only fetches.
"""

import json

import scrapy
from scrapy.spiders import SitemapSpider


class BaselineSpider(SitemapSpider):
    name = "baseline"

    def __init__(self, site: str, extract: str = "", **kwargs):
        self.sitemap_urls = [site.rstrip("/") + "/robots.txt"]
        self.extract = extract == "trafilatura"
        super().__init__(**kwargs)

    def parse(self, response: scrapy.http.Response):
        if not self.extract:
            return
        import trafilatura

        extracted = trafilatura.extract(response.text, url=response.url, output_format="json",
                                        with_metadata=True, include_comments=False)
        if extracted:
            yield json.loads(extracted)
