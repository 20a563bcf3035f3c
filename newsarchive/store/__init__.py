"""The archive: its schema, the one way an article is written, the word index, stories, import and reparse."""
