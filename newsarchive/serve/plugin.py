"""Datasette plugin: datasette as the archive's reading room, whatever starts it.

Registered through the `datasette` entry point in pyproject.toml, so that `datasette
data/news.db` and `newsarchive serve` alike have the archive's SQL functions, its table
metadata (facets, newest first, internal tables hidden), its canned queries, and a search box on
`articles` that searches as `newsarchive search` does. A database is treated as an archive when
it has the `archive_meta` table newsarchive writes; other databases are left alone.
"""

from __future__ import annotations

import copy
import html
import json
import re
import weakref
from importlib import resources
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import Response
from markupsafe import Markup

from newsarchive.search import QueryError
from newsarchive.search.functions import register_functions
from newsarchive.search.snippets import HIGHLIGHT
from newsarchive.search.sql import build_query, search_sql

#: The columns the articles table opens with (the rest, the text included, on the row page).
READER_COLUMNS = ("published_at", "site", "title", "tags", "story_id")

_MARKED = re.compile(re.escape(HIGHLIGHT[0]) + r"(\w+)" + re.escape(HIGHLIGHT[1]))
_PARAM = re.compile(r":(\w+)")
#: Per Datasette instance: the names of its databases that are newsarchive archives.
_ARCHIVES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def bundled_metadata() -> dict:
    """newsarchive/serve/metadata.json as shipped: the archive database's tables and queries."""
    text = resources.files("newsarchive.serve").joinpath("metadata.json").read_text(encoding="utf-8")
    return json.loads(text)


async def _is_archive(db) -> bool:
    rows = await db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'archive_meta'")
    return bool(rows.rows)


@hookimpl
def startup(datasette):
    """Note which of the databases are newsarchive archives."""
    async def inner():
        _ARCHIVES[datasette] = {name for name, db in datasette.databases.items()
                                if not db.is_memory and await _is_archive(db)}
    return inner


def archives(datasette) -> set[str]:
    return _ARCHIVES.get(datasette, set())


@hookimpl
def prepare_connection(conn):
    """Register the newsarchive SQL functions (na_search, na_snippet, na_fold, …) on the connection."""
    register_functions(conn)


@hookimpl
def get_metadata(datasette, key, database, table):
    """The archive's table metadata (facets, sort, hidden internal tables) for archive databases."""
    names = archives(datasette)
    if not names:
        return {}
    bundled = bundled_metadata()
    return {"title": bundled["title"], "description_html": bundled["description_html"],
            "databases": {name: {"tables": copy.deepcopy(bundled["database"]["tables"])} for name in names}}


@hookimpl
def canned_queries(datasette, database):
    """The archive's canned queries: search, by_tag, trend, tags — the CLI's answers."""
    if database not in archives(datasette):
        return {}
    return copy.deepcopy(bundled_metadata()["database"]["queries"])


@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    """The search box on articles: the CLI's query language and morphology over the word index."""
    if table != "articles" or database not in archives(datasette):
        return None

    async def inner():
        text = (request.args.get("_search") or "").strip()
        context = {"supports_search": True, "search": text}
        if not text:
            return FilterArguments([], extra_context=context)

        def compile_search(conn):
            return search_sql(build_query(text), conn=conn, sort="newest", columns="a.id")

        try:
            sql, params = await datasette.get_database(database).execute_fn(compile_search)
        except QueryError as error:
            return FilterArguments(["0"], human_descriptions=[f"search: {error}"], extra_context=context)
        sql = _PARAM.sub(lambda m: f":na_{m.group(1)}" if m.group(1) in params else m.group(0), sql)
        return FilterArguments([f"id IN (SELECT id FROM ({sql}))"],
                               params={f"na_{name}": value for name, value in params.items()},
                               human_descriptions=[f'search matches "{text}"'], extra_context=context)

    return inner


@hookimpl
def asgi_wrapper(datasette):
    """Open an archive's articles table on the reader's columns (the text is on the row page)."""
    def wrap(app):
        async def open_on_reader_columns(scope, receive, send):
            path = scope.get("path", "") if scope.get("type") == "http" else ""
            if path.endswith("/articles"):
                await datasette.invoke_startup()
            parts = path.strip("/").split("/")
            query = scope.get("query_string", b"").decode("latin-1")
            if (len(parts) == 2 and parts[1] == "articles" and parts[0] in archives(datasette)
                    and not any(name in ("_col", "_nocol") for name, _ in parse_qsl(query))):
                columns = urlencode([("_col", column) for column in READER_COLUMNS])
                target = f"{path}?{columns}" + (f"&{query}" if query else "")
                await Response.redirect(target).asgi_send(send)
                return
            await app(scope, receive, send)
        return open_on_reader_columns
    return wrap


@hookimpl
def render_cell(value, column):
    """Show a search snippet's matched words highlighted instead of in brackets."""
    if column != "snippet" or not isinstance(value, str):
        return None
    return Markup(_MARKED.sub(r"<mark>\1</mark>", html.escape(value)))
