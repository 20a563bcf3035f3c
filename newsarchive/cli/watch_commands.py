"""Commands of the watches: watch add | list | show | remove | run, and digest.

Each is a thin wrapper over the function of the same name in newsarchive.watch.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from newsarchive.cli import cli, db_option, open_archive
from newsarchive.cli.search_commands import _query_words

#: Exit codes of `newsarchive watch run`.
EXIT_OK, EXIT_FAILED, EXIT_LOCKED = 0, 1, 3


def _errors(func, *args, **kwargs):
    """Run a watch function, turning what the user got wrong into a usage error (the query's with
    the message `search` gives)."""
    from newsarchive.search import QueryError
    from newsarchive.watch import WatchError

    try:
        return func(*args, **kwargs)
    except (QueryError, WatchError) as error:
        raise click.UsageError(str(error)) from None


def _local(iso: str | None) -> str:
    from newsarchive.watch.digest import local_time

    return local_time(iso)


@cli.group(context_settings={"max_content_width": 100})
def watch():
    """Watches: saved searches whose new articles are delivered after every crawl.

    \b
    newsarchive watch add pension 'пенсия' --tag "Пенсия 2026" --webhook https://… --email me@example.kz
    newsarchive watch run            (what `crawl` does when it finishes)
    newsarchive digest --since 2026-11-14

    A watch sees only articles archived after it was added; each article reaches each channel
    once (see README.md, "Watches", for the exact guarantee).
    """


@watch.command(context_settings={"ignore_unknown_options": True})  # "-word" excludes, it is no option
@click.argument("name")
@click.argument("query", nargs=-1)
@click.option("--tag", "tags", multiple=True, help="Only articles with this tag (repeatable: all must match).")
@click.option("--site", "sites", multiple=True, help="Only this site, e.g. kt.kz (repeatable: any).")
@click.option("--region", "regions", multiple=True, help="Only stories about this region (repeatable).")
@click.option("--lang", "languages", multiple=True, type=click.Choice(["ru", "kk"]), help="Only this language.")
@click.option("--feed", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the watch's Atom feed to FILE after every run (also served by `newsarchive serve` "
                   "at /-/watches/NAME.atom).")
@click.option("--email", "emails", multiple=True, metavar="ADDRESS",
              help="Send a digest of what is new to ADDRESS (repeatable).")
@click.option("--email-at", metavar="HH:MM|run",
              help="When mail goes: the first run at or after this Kazakhstan time each day (default 08:00), "
                   "or `run`: after every run.")
@click.option("--smtp", metavar="HOST[:PORT]", help="SMTP server for this watch (default: $NEWSARCHIVE_SMTP_HOST, "
                                                    "$NEWSARCHIVE_SMTP_PORT, else localhost:25).")
@click.option("--smtp-user", help="SMTP login (the password only ever from $NEWSARCHIVE_SMTP_PASSWORD).")
@click.option("--smtp-security", type=click.Choice(["none", "starttls", "ssl"]),
              help="SMTP connection security (default: $NEWSARCHIVE_SMTP_SECURITY, else none).")
@click.option("--mail-from", metavar="ADDRESS", help="Sender address (default: $NEWSARCHIVE_SMTP_FROM, "
                                                     "else newsarchive@HOSTNAME).")
@click.option("--webhook", metavar="URL", help="POST what is new to URL as JSON (the objects of `watch run "
                                               "--format json`), with an Idempotency-Key header.")
@db_option
def add(name, query, tags, sites, regions, languages, feed, emails, email_at, smtp, smtp_user, smtp_security,
        mail_from, webhook, db_path):
    """Add a watch NAME for QUERY and filters, in the language of `newsarchive search`.

    \b
    QUERY   words: all must match, in any form (пенсия finds пенсии, ПЕНСИЯМИ; ё = е)
            "exact phrase"   пенсия OR пособие   -excluded   -"excluded phrase"
            site:kt.kz   tag:"Пенсия 2026"   region:ВКО   lang:kk

    The watch sees only articles archived from now on. Channels are optional (--feed,
    --email, --webhook); without one, `watch run` (and every crawl) prints what is new and
    `digest` lists it.
    """
    from newsarchive.store.schema import open_db
    from newsarchive.watch import add_watch
    from newsarchive.watch.definitions import email_settings

    query = _query_words(query)
    mail = None
    if emails or email_at or smtp or smtp_user or smtp_security or mail_from:
        if not emails:
            raise click.UsageError("--email-at, --smtp, --smtp-user, --smtp-security and --mail-from need --email")
        mail = _errors(email_settings, at=email_at, smtp=smtp, smtp_user=smtp_user, security=smtp_security,
                       sender=mail_from)
    existed = Path(db_path).exists()
    db = open_db(db_path)
    if not existed:
        click.echo(f"newsarchive: created a new archive at {db_path} (crawls fill it; pass --db for another)",
                   err=True)
    added = _errors(add_watch, db, name, query, tags=tags, sites=sites, regions=regions, languages=languages,
                    feed=feed, emails=emails, email=mail, webhook=webhook)
    click.echo(f"watch {added.name}: {added.describe()}")
    for channel in added.channels:
        click.echo(f"  {channel.label()}" + (f" ({_email_when(channel.settings)})" if channel.kind == "email" else ""))
    click.echo("It sees articles archived from now on; `newsarchive crawl` delivers them when it finishes.")


def _email_when(settings: dict) -> str:
    at = settings.get("at", "run")
    return "after every run" if at == "run" else f"daily, first run after {at} Kazakhstan time"


@watch.command(name="list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
def list_(fmt, db_path):
    """List the watches: what each watches, its channels, what it found."""
    from newsarchive.watch import list_watches, watch_figures

    db = open_archive(db_path)
    rows = [{**w.as_dict(), **{k: v for k, v in watch_figures(db, w).items() if k != "channels"}}
            for w in list_watches(db)]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("No watches (`newsarchive watch add NAME QUERY`).", err=True)
        return
    for row, w in zip(rows, list_watches(db)):
        channels = ", ".join(c.kind for c in w.channels) or "no channel"
        click.echo(f"{w.name:<20} {w.describe():<40} {channels:<22} {row['articles']} found"
                   + (f", last {_local(row['last_found'])}" if row["last_found"] else ""))


@watch.command()
@click.argument("name")
@click.option("--recent", type=click.IntRange(min=0), default=10, show_default=True,
              help="Show this many of the articles it found last.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
def show(name, recent, fmt, db_path):
    """Show a watch: its query, channels (what each still has to deliver, its last error) and
    the articles it found last."""
    from newsarchive.watch import get_watch, watch_figures
    from newsarchive.watch.deliver import recent_items

    db = open_archive(db_path)
    found = _errors(get_watch, db, name)
    figures = watch_figures(db, found)
    items = recent_items(db, found, recent) if recent else []
    if fmt == "json":
        click.echo(json.dumps({**found.as_dict(), **figures, "recent": items}, ensure_ascii=False, indent=2))
        return
    click.echo(f"watch {found.name}: {found.describe()}")
    click.echo(f"  added {_local(found.created_at)}; sees articles archived since then")
    click.echo(f"  found {figures['articles']} articles in {figures['stories']} stories"
               + (f", last {_local(figures['last_found'])}" if figures["last_found"] else ""))
    click.echo(f"  feed: /-/watches/{found.name}.atom on `newsarchive serve`")
    for channel in figures["channels"]:
        line = f"  {channel['kind']} {channel['target']}: {channel['to_deliver']} to deliver"
        if channel["kind"] == "email":
            line += f" ({_email_when(channel['settings'])})"
        if channel["last_sent"]:
            line += f", last sent {_local(channel['last_sent'])}"
        if channel["last_error"]:
            line += f"; failed {channel['failed_attempts']}×: {channel['last_error']}"
        click.echo(line)
    for item in reversed(items):
        mark = "" if item["new_story"] else "  (same story as an earlier one)"
        click.echo(f"  {_local(item['published_at'])}  {item['site']:<14} {item['title']}{mark}\n"
                   f"  {'':16}  {'':<14} {item['url']}")


@watch.command()
@click.argument("name")
@db_option
def remove(name, db_path):
    """Remove a watch with its channels and its record of what it found (the articles stay)."""
    from newsarchive.watch import remove_watch

    removed = _errors(remove_watch, open_archive(db_path, write=True), name)
    click.echo(f"removed watch {removed.name} ({removed.describe()})")


def _print_found(run, fmt: str, state: dict) -> None:
    """Print one watch's new articles as soon as they are recorded."""
    if run.error:
        click.echo(f"watch {run.watch}: failed: {run.error}", err=True)
        return
    if fmt == "json":
        for item in run.items:
            click.echo(("[\n" if not state["printed"] else ",\n") + json.dumps(item, ensure_ascii=False, indent=2),
                       nl=False)
            state["printed"] += 1
    elif fmt == "jsonl":
        for item in run.items:
            click.echo(json.dumps(item, ensure_ascii=False))
    else:
        click.echo(f"{run.watch}: {len(run.items) or 'nothing'} new")
        for item in run.items:
            if item["new_story"]:
                click.echo(f"  {_local(item['published_at'])}  {item['site']:<14} {item['title']}\n"
                           f"  {'':16}  {'':<14} {item['url']}")
            else:
                click.echo(f"    also {item['site']}: {item['title']}  {item['url']}\n"
                           f"    (the story of {item['story_url']})")
    sys.stdout.flush()


def _print_delivered(run, fmt: str) -> None:
    for outcome in run.channels:
        text = f"  {outcome.line()}"
        if outcome.status == "failed":
            click.echo(f"watch {run.watch}: {outcome.line()}", err=True)
        elif fmt == "table":
            click.echo(text)
        else:
            click.echo(f"watch {run.watch}: {outcome.line()}", err=True)


@watch.command(name="run")
@click.argument("names", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table", show_default=True,
              help="json: a list of objects with watch, url, title, site, published_at, tags, region, story_id, "
                   "new_story, story_url, snippet, found_at, hit.")
@db_option
def run(names, fmt, db_path):
    """Run the watches NAMES (default: all): print what each found since its last run, record it,
    and deliver it to the watch's channels. `newsarchive crawl` does this when it finishes.

    Each watch's articles are recorded before they are printed or sent, so a run that is killed
    never shows or sends an article twice; what it had not delivered, the next run delivers. A
    channel that fails (a webhook answering 500, an SMTP server down) gets the same delivery at
    the next run.

    \b
    Exit codes:
      0  every watch ran and every channel delivered (or had nothing to deliver)
      1  a watch or a channel failed (on stderr; the channel gets it again next run)
      2  bad usage (unknown watch)
      3  another process is running the watches of this archive: nothing was done
    """
    from newsarchive.watch import WatchLocked, run_watches

    db = open_archive(db_path, write=True)
    state = {"printed": 0}
    try:
        runs = _errors(run_watches, db, names, on_found=lambda r: _print_found(r, fmt, state),
                       on_delivered=lambda r: _print_delivered(r, fmt))
    except WatchLocked as error:
        click.echo(f"newsarchive watch run: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    if fmt == "json":
        click.echo("\n]" if state["printed"] else "[]")
    sys.exit(EXIT_FAILED if any(r.failed for r in runs) else EXIT_OK)


@cli.command()
@click.option("--since", required=True, help="Found from this day (YYYY-MM-DD, Kazakhstan time) or ISO time.")
@click.option("--until", help="Found to this day inclusive (YYYY-MM-DD) or ISO time (default: now).")
@click.option("--watch", "watches", multiple=True, metavar="NAME", help="Only this watch (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "text"]), default="md", show_default=True,
              help="Markdown, HTML (the e-mail's HTML part) or plain text (its text part).")
@db_option
def digest(since, until, watches, fmt, db_path):
    """What the watches found: per watch its counts per site, then per day and site the stories,
    each with its further articles (syndicated copies) under it. The body of the watches' e-mail."""
    from newsarchive.watch import digest as make_digest
    from newsarchive.watch import render

    found = _errors(make_digest, open_archive(db_path), since, until, watches)
    click.echo(render(found, fmt), nl=False)


def report_after_crawl(after) -> None:
    """What the watches did after a crawl, a line each (failures as warnings on stderr); never
    raises, so that it cannot change the crawl's exit code."""
    try:
        if after.error:
            click.echo(f"warning: watches: {after.error}", err=True)
        for run in after.runs:
            if run.error:
                click.echo(f"warning: watch {run.watch}: {run.error}", err=True)
                continue
            delivered = "; ".join(o.line() for o in run.channels if o.status != "failed")
            click.echo(f"watch {run.watch}: {len(run.items)} new" + (f"; {delivered}" if delivered else ""))
            for outcome in run.channels:
                if outcome.status == "failed":
                    click.echo(f"warning: watch {run.watch}: {outcome.line()}", err=True)
    except Exception as error:  # noqa: BLE001 - a report that fails must not fail the crawl
        click.echo(f"warning: watches: cannot report: {error}", err=True)
