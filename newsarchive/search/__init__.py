"""Reading the archive: the query language, search, snippets, tags, trends and per-site figures.

Text search runs on the word index (newsarchive.store.wordindex), so that «пенсия» finds
«пенсии»; see docs/ARCHITECTURE.md for how a query becomes SQL.
"""

from newsarchive.search.articles import search, search_ids
from newsarchive.search.querylang import QueryError
from newsarchive.search.reports import stats, stories, story, tags, trend

__all__ = ["search", "search_ids", "tags", "trend", "stats", "story", "stories", "QueryError"]
