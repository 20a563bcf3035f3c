"""The `newsarchive` command: each subcommand is a thin click wrapper over a library
function of the same name (newsarchive.search, newsarchive.crawl.runner, ...). Heavy libraries
(Scrapy, datasette, matplotlib) are imported by the commands that use them, so that `search`
and `--help` start quickly.

Read commands open the archive with `open_archive(path)` (read-only: they never create, migrate
or switch it); writers with `open_archive(path, write=True)`. A file that is not an archive, a
damaged one, a full disk, a path through a file: a message and exit code 1, never a traceback
(`Commands.invoke`).
"""

from __future__ import annotations

import sqlite3

import click

from newsarchive import __version__, defaults


class Commands(click.Group):
    """The command group: errors of the archive's file become messages (exit code 1)."""

    def invoke(self, ctx):
        from newsarchive.store.schema import ArchiveError, describe_error

        try:
            return super().invoke(ctx)
        except ArchiveError as error:
            raise click.ClickException(str(error)) from None
        except sqlite3.Error as error:
            raise click.ClickException(f"the archive: {describe_error(error)}") from None
        except OSError as error:
            if error.filename is None:
                raise
            raise click.ClickException(f"{error.filename}: {error.strerror or error}") from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
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


def open_archive(db_path: str, *, write: bool = False):
    """The archive at db_path, read-only (or, with `write`, for writing and brought up to date),
    or a clear error (exit 1, no traceback) when there is none, or no archive there."""
    from newsarchive.store.schema import ArchiveError, open_db, open_reader

    try:
        return open_db(db_path, create=False) if write else open_reader(db_path)
    except (FileNotFoundError, ArchiveError) as error:
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
