"""Scrapy spiders: one per site entry (sites.py) and `auto` for unknown sites (auto.py), on the one
news spider (news.py). Installed as newsarchive.spiders (pyproject.toml maps this folder there)."""
