"""The `newsarchive` command: each subcommand is a thin click wrapper over a library
function of the same name (newsarchive.search, newsarchive.crawl.runner, ...). Heavy libraries
(Scrapy, datasette, matplotlib) are imported by the commands that use them, so that `search`
and `--help` start quickly."""

from __future__ import annotations

import click

from newsarchive import __version__, defaults


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsarchive")
def cli() -> None:
    """Crawl Kazakhstan's news sites into a searchable SQLite archive."""


def db_option(func):
    """--db PATH, defaulting to $NEWSARCHIVE_DB, else data/news.db."""
    return click.option(
        "--db",
        "db_path",
        envvar="NEWSARCHIVE_DB",
        default=defaults.DEFAULT_DB_PATH,
        show_default=True,
        type=click.Path(dir_okay=False),
        help="Archive database (env: NEWSARCHIVE_DB).",
    )(func)


def open_archive(db_path: str):
    """The archive at db_path, or a clear error (exit 1, no traceback) when there is none."""
    from newsarchive.store.schema import open_db

    try:
        return open_db(db_path, create=False)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None


def pairs(items: tuple[str, ...], option: str) -> dict[str, str]:
    """NAME=VALUE options as a dict; a malformed one is a click.BadParameter."""
    found = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{option} takes NAME=VALUE, got {item!r}")
        found[name.strip()] = value.strip()
    return found


# Command modules register themselves on `cli` when imported.
from newsarchive.cli import (  # noqa: E402,F401
    crawl_commands,
    ops_commands,
    search_commands,
    watch_commands,
)
