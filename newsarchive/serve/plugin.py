"""Datasette plugin: the archive's SQL functions in every connection, marked-up snippets,
and the bundled metadata (facets, full-text search, canned queries).

Registered through the `datasette` entry point in pyproject.toml, so `datasette data/news.db`
and `newsarchive serve` both have na_search, na_snippet, na_fold, na_stem, … (see
newsarchive.search.sql.register_functions).
"""

from __future__ import annotations

import copy
import html
import json
import re
from importlib import resources
from pathlib import Path

from datasette import hookimpl
from markupsafe import Markup

from newsarchive.search.functions import register_functions
from newsarchive.search.snippets import HIGHLIGHT

#: The database key under which metadata.json describes the archive; replaced by the real name.
METADATA_DATABASE = "newsarchive"

_MARKED = re.compile(re.escape(HIGHLIGHT[0]) + r"(\w+)" + re.escape(HIGHLIGHT[1]))


@hookimpl
def prepare_connection(conn):
    """Register the newsarchive SQL functions (na_search, na_snippet, na_fold, …) on the connection."""
    register_functions(conn)


@hookimpl
def render_cell(value, column):
    """Show a search snippet's matched words highlighted instead of in brackets."""
    if column != "snippet" or not isinstance(value, str):
        return None
    return Markup(_MARKED.sub(r"<mark>\1</mark>", html.escape(value)))


def bundled_metadata() -> dict:
    """newsarchive/serve/metadata.json as shipped."""
    text = resources.files("newsarchive.serve").joinpath("metadata.json").read_text(encoding="utf-8")
    return json.loads(text)


def metadata_for(db_path: str | Path) -> dict:
    """The bundled metadata with its database section under the name datasette gives `db_path`."""
    metadata = copy.deepcopy(bundled_metadata())
    databases = metadata.get("databases", {})
    if METADATA_DATABASE in databases:
        databases[Path(db_path).stem] = databases.pop(METADATA_DATABASE)
    return metadata
