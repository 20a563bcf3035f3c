"""Commands that read the archive: search, tags, stats, trend, serve."""
