"""Commands that fill the archive: crawl, import, extract, sites, health, demo."""
