"""Item pipelines, in order: validate (100) → normalise (200) → store (300).

Each is a thin Scrapy wrapper over a library function that `newsarchive import` calls too.
"""
