"""Scrapy spiders: one per site entry (spiders.sites) and `auto` for unknown sites."""
