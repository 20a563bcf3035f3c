"""The archive: its schema, the one way an article is written, the stemmed index, stories, import and reparse."""
