"""One spider per site entry in newsarchive/sites/*.toml (what `scrapy list` shows)."""

from newsarchive.spiders.news import spider_for

from newsarchive.sites import load_sites

for _site in load_sites().values():
    _spider = spider_for(_site)
    globals()[_spider.__name__] = _spider
del _site, _spider
