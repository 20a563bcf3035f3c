"""The crawl: Scrapy settings, discovery, middlewares, the pipeline, the run recorder and the runner."""
