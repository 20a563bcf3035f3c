"""Datasette plugin of the watches: each watch's Atom feed at /-/watches/NAME.atom (the same XML
as the watch's feed file, newsarchive.watch.atom), a list of them at /-/watches, and the
channels' addresses kept out of what datasette shows.

Registered through its own `datasette` entry point in pyproject.toml (beside
newsarchive.serve.plugin), so `datasette data/news.db` and `newsarchive serve` both serve it.

`watch_channels.target` and `.settings` hold e-mail addresses, webhook URLs (often secret) and SMTP
logins: every connection datasette makes reads them as NULL (an SQLite authorizer), in its table
pages and in any SQL a visitor runs. No password is ever stored in the archive.
"""

from __future__ import annotations

import html
import sqlite3
from urllib.parse import quote, unquote

from datasette import hookimpl
from datasette.utils.asgi import Response

#: Columns a served archive never shows: table → columns.
HIDDEN_COLUMNS = {"watch_channels": {"target", "settings"}}


def _authorizer(action, table, column, database, trigger):
    if action == sqlite3.SQLITE_READ and column in HIDDEN_COLUMNS.get(table, ()):
        return sqlite3.SQLITE_IGNORE  # the column reads as NULL
    return sqlite3.SQLITE_OK


@hookimpl
def prepare_connection(conn):
    """Hide the channels' addresses from every query datasette runs."""
    conn.set_authorizer(_authorizer)


@hookimpl
def register_routes():
    return [
        (r"^/-/watches/(?P<name>[^/]+)\.atom$", watch_feed),
        (r"^/-/watches/?$", watch_index),
    ]


async def _archive(datasette):
    """The first database served that has watches, or None."""
    for name, database in datasette.databases.items():
        if name.startswith("_"):
            continue
        if await database.table_exists("watches"):
            return database
    return None


async def watch_feed(datasette, request):
    from newsarchive.watch.atom import feed_xml
    from newsarchive.watch.definitions import WatchError, get_watch

    name = unquote(request.url_vars["name"])
    database = await _archive(datasette)
    if database is None:
        return Response.text("this archive has no watches", status=404)

    def build(conn):
        try:
            return feed_xml(conn, get_watch(conn, name), self_url=request.url)
        except WatchError:
            return None

    xml = await database.execute_fn(build)
    if xml is None:
        return Response.text(f"no watch named {name!r}", status=404)
    return Response(xml, content_type="application/atom+xml; charset=utf-8")


async def watch_index(datasette, request):
    from newsarchive.watch.definitions import list_watches

    database = await _archive(datasette)
    watches = await database.execute_fn(list_watches) if database is not None else []
    rows = "".join(
        f'<li><a href="{datasette.urls.path("/-/watches/" + quote(w.name) + ".atom")}">{html.escape(w.name)}</a>: '
        f"<code>{html.escape(w.describe())}</code></li>" for w in watches)
    body = (f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>Watches</title></head><body>'
            f"<h1>Watches</h1><p>Atom feeds of the archive's watches (`newsarchive watch add`).</p>"
            f"<ul>{rows or '<li>none</li>'}</ul></body></html>")
    return Response.html(body)
