"""The `newsarchive` command: each subcommand is a thin click wrapper over a library
function of the same name (newsarchive.query, newsarchive.crawl, ...)."""

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
    from newsarchive.db import open_db

    try:
        return open_db(db_path, create=False)
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None


# Command modules register themselves on `cli` when imported.
from newsarchive.cli import archive_commands, search_commands  # noqa: E402,F401
