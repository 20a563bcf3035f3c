"""Commands that fill the archive: crawl, import, extract, reparse, upgrade."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from newsarchive.cli import cli, db_option, open_archive, pairs
from newsarchive.clock import now, parse_iso

#: Exit codes of `newsarchive crawl` (documented in its --help and README.md).
EXIT_OK, EXIT_ERRORS, EXIT_LOCKED, EXIT_USAGE, EXIT_INTERRUPTED, EXIT_OFFLINE = 0, 1, 3, 2, 4, 5


@cli.command(context_settings={"max_content_width": 100})
@click.argument("sites", nargs=-1)
@click.option("--url", help="Archive an unknown site by discovering its feeds, sitemaps and articles.")
@click.option("--base-url", "base_urls", multiple=True, metavar="SITE=URL",
              help="Fetch SITE from a mirror serving the same paths (repeatable).")
@click.option("--max-articles", type=click.IntRange(min=1), help="Stop each site after storing this many articles.")
@click.option("--max-minutes", type=click.FloatRange(min=0, min_open=True),
              help="Stop each site after this many minutes (discovery included).")
@click.option("--max-pages", type=click.IntRange(min=1),
              help="Listing pages walked per listing (default: the site entry's; a backfill's: "
                   "NEWSARCHIVE_BACKFILL_MAX_PAGES, 500).")
@click.option("--since", metavar="DATE",
              help="Backfill: archive what each site published since DATE (YYYY-MM-DD), walking listings, "
                   "sitemaps and day archives back to it. A killed backfill carries on in the next crawl.")
@click.option("--progress/--no-progress", default=None,
              help="Live table per site (default: when stdout is a terminal).")
@click.option("-v", "--verbose", is_flag=True, help="Scrapy's INFO log (default: warnings and errors only).")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Scrapy setting (repeatable).")
@click.option("--watches/--no-watches", default=True, show_default=True,
              help="Run the watches when the crawl finishes (`newsarchive watch run`); their failures never "
                   "change the exit code.")
@db_option
def crawl(sites, url, base_urls, max_articles, max_minutes, max_pages, since, progress, verbose, settings, watches,
          db_path):
    """Crawl SITES (default: every site entry) into the archive.

    Fetches only what is new: archived articles are not downloaded again, feeds and sitemaps
    are asked with If-None-Match/If-Modified-Since, an article is fetched again only when its
    feed or sitemap date is later than what is stored (its old version is kept), and listing
    walks stop at the first page whose articles are all archived. One writer at a time per
    archive (lock file DB.lock). Made for cron: see `newsarchive schedule`. When it finishes, the
    watches deliver what is new (`newsarchive watch run`; --no-watches leaves them).

    \b
    How far back a crawl reaches:
      daily      feeds, the first listing pages (the entry's max_pages, else 5) and sitemap
                 entries of the last 30 days (NEWSARCHIVE_SITEMAP_MAX_AGE_DAYS)
      first      the first crawl of a site (nothing archived from it yet) also backfills the
                 last 30 days: the entry's [discovery] first_crawl_days, else
                 NEWSARCHIVE_FIRST_CRAWL_DAYS (-s NEWSARCHIVE_FIRST_CRAWL_DAYS=N overrides every
                 entry's; 0 turns it off)
      --since    a backfill back to DATE: listings walked until their items are older, sitemap
                 entries and children dated since, the day archive (DLE /YYYY/MM/DD/) when the
                 listings end before DATE
    A backfill that is killed or cut short carries on in the next crawl of the site.

    What a site sends is bounded (sizes, entries, text: NEWSARCHIVE_* settings, see README).
    Every failure is logged once with its URL and counted per site in one vocabulary: what
    the site did (HTTP errors, timeouts, unreachable), what newsarchive refused (limits,
    robots.txt, redirects off the site or in loops), what was left for the next run (429, 503).

    \b
    Exit codes:
      0  finished: every page stored, known, or left for the next run (429/503,
         Retry-After); also when stopped by --max-articles or --max-minutes
      1  finished, but pages failed (HTTP errors, timeouts, broken responses) or
         were refused (limits, robots.txt, redirects); see the log, the failures
         table and `newsarchive health`
      2  bad usage (unknown site, malformed option, SITES with --url)
      3  another crawl holds the archive's lock (or an import, a reparse): nothing
         was done
      4  interrupted (SIGINT/SIGTERM); the next run carries on where this one stopped
      5  no site could be reached at all: the machine seems offline (or its DNS is
         down); nothing was fetched
    """
    from newsarchive.crawl import runner
    from newsarchive.sites import SiteError, get_site
    from newsarchive.store.lock import Locked

    if url and sites:
        raise click.UsageError(f"give site names or --url, not both (--url crawls one unknown site; "
                               f"got {' '.join(sites)} and --url {url})")
    try:
        mirrors = pairs(base_urls, "--base-url")
        overrides = pairs(settings, "--set")
        for name in [*sites, *mirrors]:
            get_site(name)
        mirrors = {get_site(name).name: url for name, url in mirrors.items()}
        if url:
            url = runner.check_site_url(url)
        for name, mirror in mirrors.items():
            runner.check_site_url(mirror, f"--base-url {name}=")
    except (SiteError, click.BadParameter, runner.CrawlUsageError) as error:
        raise click.UsageError(str(error)) from None
    if since:
        from newsarchive.clock import now as clock_now
        from newsarchive.crawl.backfill import parse_since

        try:
            start = parse_since(since)
        except ValueError:
            raise click.UsageError(f"--since {since!r}: not a date (YYYY-MM-DD)") from None
        if start > clock_now():
            raise click.UsageError(f"--since {since}: a day in the future")
        since = start.date().isoformat()
    on_terminal = sys.stdout.isatty()
    if progress is None:
        progress = on_terminal
    overrides.setdefault("LOG_LEVEL", "INFO" if verbose else "WARNING")
    try:
        summary = runner.crawl(list(sites) or None, db_path=db_path, url=url, base_urls=mirrors,
                                 max_articles=max_articles, max_minutes=max_minutes, max_pages=max_pages,
                                 since=since, progress=progress, settings=overrides, watches=watches)
    except Locked as error:
        click.echo(f"newsarchive crawl: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    except runner.CrawlUsageError as error:
        raise click.UsageError(str(error)) from None
    sys.exit(_report(summary))


def _report(summary) -> int:
    """Print a crawl's summary (a line per site, its failures by kind and reason) and return the
    exit code that follows it."""
    from newsarchive.failures import DEFERRED, REFUSED, SITE, kind_of
    from newsarchive.safetext import for_terminal

    words = {SITE: "failed", REFUSED: "refused", DEFERRED: "left for the next run"}
    for site, row in sorted(summary.figures.items()):
        reached = (f"; {row['listing_pages']} listing pages walked, back to {row['reached']}"
                   if row.get("reached") else "")
        click.echo(for_terminal(
            f"{site}: {row['new']} new, {row['updated']} updated, {row['unchanged']} unchanged, "
            f"{row['duplicates']} duplicates, {row['rejected']} rejected, {row['errors']} errors, "
            f"{row['refused']} refused, {row['deferred']} deferred{reached}"))
        by_kind: dict[str, list[str]] = {}
        for reason, count in sorted(summary.reasons(site).items()):
            by_kind.setdefault(kind_of(reason), []).append(f"{reason} {count}")
        for kind in (SITE, REFUSED, DEFERRED):
            if kind in by_kind:
                click.echo(f"  {words[kind]}: {', '.join(by_kind[kind])}")
    for site, warnings in sorted(summary.warnings.items()):
        for warning in warnings:
            click.echo(for_terminal(f"warning: {site}: {warning}"), err=True)
    if summary.watches is not None:
        from newsarchive.cli.watch_commands import report_after_crawl

        report_after_crawl(summary.watches)
    if summary.status in ("shutdown", "interrupted"):
        click.echo(f"newsarchive crawl: interrupted (run {summary.run_id})", err=True)
        return EXIT_INTERRUPTED
    if summary.offline:
        click.echo("newsarchive crawl: no site could be reached (no response to any request): the machine "
                   "seems offline, or its DNS is down. Nothing was fetched; the next run carries on.", err=True)
        return EXIT_OFFLINE
    for site in summary.unreached:
        click.echo(for_terminal(f"warning: {site}: could not be reached (no response to any request)"), err=True)
    return EXIT_ERRORS if summary.total("errors") or summary.total("refused") else EXIT_OK


@cli.command(name="import")
@click.argument("file", type=click.File("rb"))
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="While a crawl (or another writer) holds the archive's lock, wait for it; "
                   "--no-wait exits with code 3 instead.")
@db_option
def import_(file, wait, db_path):
    """Import articles from a JSON Lines FILE (the shape `extract` prints; - for stdin).

    Every line is read on its own: one that cannot be read (not UTF-8, too long, no JSON, no
    article) is recorded in the failures table with its line number and the import goes on;
    the summary counts it as invalid. A UTF-16 file with a byte-order mark is read as such.
    Takes the archive's lock, as a crawl does (exit code 3 with --no-wait while one runs).
    """
    from newsarchive.store.importer import OUTCOMES, import_articles
    from newsarchive.store.lock import Locked, crawl_lock
    from newsarchive.store.schema import check_writable_archive, open_db

    source = "<stdin>" if file.name in ("<stdin>", "-") else file.name
    check_writable_archive(db_path)
    try:
        with crawl_lock(db_path, what="import", wait=wait, waiting=_waiting("import")):
            db = open_db(db_path)
            try:
                counts = import_articles(db, file, source=source)
            finally:
                db.close()
    except Locked as error:
        click.echo(f"newsarchive import: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    click.echo(", ".join(f"{counts[k]} {k}" for k in OUTCOMES))


def _waiting(command: str):
    def tell(holder: str) -> None:
        click.echo(f"newsarchive {command}: waiting for the {holder} to finish with the archive…", err=True)
    return tell


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--url", help="The page's URL (for relative links and site selectors).")
@click.option("--fetched-at", help="When the page was fetched (ISO 8601; without offset: Kazakhstan time), "
                                   "for relative dates; default now.")
@click.option("--encoding", help="Charset from the HTTP header, if known.")
def extract(file, url, fetched_at, encoding):
    """Extract the article of an HTML FILE and print it as one JSON object."""
    from newsarchive.extract import ExtractionError
    from newsarchive.extract import extract as extract_article
    from newsarchive.sites import site_for_url

    fetched = parse_iso(fetched_at) if fetched_at else now()
    if fetched is None:
        raise click.BadParameter(f"{fetched_at!r} is not an ISO 8601 time", param_hint="--fetched-at")
    from newsarchive.defaults import MAX_PAGE_BYTES

    if file == "-":  # no more than a page may hold (and one byte to tell): extract refuses larger ones
        data = sys.stdin.buffer.read(MAX_PAGE_BYTES + 1)
    else:
        with open(file, "rb") as page:
            data = page.read(MAX_PAGE_BYTES + 1)
    try:
        article = extract_article(data, url, fetched_at=fetched, site=site_for_url(url) if url else None,
                                  http_encoding=encoding)
    except ExtractionError as error:
        raise click.ClickException(f"{file}: {error}") from None
    from newsarchive.safetext import for_json

    click.echo(for_json(json.dumps(article, ensure_ascii=False)))


@cli.command()
@click.option("--site", help="Only this site (entry name or domain).")
@click.option("--since", help="Only pages fetched on or after this date (ISO 8601, e.g. 2026-11-01).")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a terminal).")
@click.option("--wait/--no-wait", default=True, show_default=True,
              help="While a crawl (or another writer) holds the archive's lock, wait for it; "
                   "--no-wait exits with code 3 instead.")
@db_option
def reparse(site, since, progress, wait, db_path):
    """Run extraction again over the stored pages and update what changed, without fetching.

    A changed title, lead, body, tags or date keeps the old version (as a re-fetch does); other
    fields are corrected in place; an article whose extraction did not change is not touched.
    Takes the archive's lock, as a crawl does (exit code 3 with --no-wait while one runs).
    """
    from newsarchive.store.lock import Locked, crawl_lock
    from newsarchive.store.reparse import reparse as run_reparse
    from newsarchive.store.reparse import select_pages
    from newsarchive.store.schema import check_writable_archive

    if since and parse_iso(since) is None:
        raise click.UsageError(f"--since {since!r}: not a date (YYYY-MM-DD) or ISO 8601 time")
    if not Path(db_path).is_file():  # before the lock: no lock file beside an archive that is not there
        raise click.ClickException(f"no archive at {db_path} (crawl or import first, or pass --db)")
    check_writable_archive(db_path)
    db = None
    try:
        with crawl_lock(db_path, what="reparse", wait=wait, waiting=_waiting("reparse")):
            db = open_archive(db_path, write=True)
            if progress is None:
                progress = sys.stderr.isatty()
            if progress:
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TimeRemainingColumn,
                )

                total = len(select_pages(db, site=site, since=since))
                with Progress("reparse", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                              transient=True) as bar:
                    task = bar.add_task("reparse", total=total)
                    summary = run_reparse(db, site=site, since=since,
                                          progress=lambda done, _total: bar.update(task, completed=done))
            else:
                summary = run_reparse(db, site=site, since=since)
    except Locked as error:
        click.echo(f"newsarchive reparse: {error}", err=True)
        sys.exit(EXIT_LOCKED)
    finally:
        if db is not None:
            db.close()
    click.echo(summary.line())
    sys.exit(EXIT_ERRORS if summary.failed else EXIT_OK)


@cli.command()
@db_option
def regroup(db_path):
    """Decide every story again from scratch, with today's word counts and rules (after an
    upgrade that changed them). Takes the archive's lock; waits while a crawl runs. One killed
    midway is finished by the next crawl or import."""
    from newsarchive.store.lock import crawl_lock
    from newsarchive.store.schema import check_writable_archive, open_db
    from newsarchive.store.stories import regroup as regroup_stories

    if not Path(db_path).is_file():  # no lock file beside an archive that is not there
        raise click.ClickException(f"no archive at {db_path}")
    check_writable_archive(db_path)
    with crawl_lock(db_path, what="regroup", wait=True, waiting=_waiting("regroup")):
        db = open_db(db_path, create=False)
        try:
            count = regroup_stories(db)
        finally:
            db.close()
    click.echo(f"{count} stories")


@cli.command()
@db_option
def upgrade(db_path):
    """Bring an archive written by an older newsarchive up to date (schema, word index).

    Read commands (search, tags, stats, trend, serve, health, sites) never change an archive:
    they ask for this instead. A crawl, an import or a reparse upgrades it too. Takes the
    archive's lock; waits while a crawl runs.
    """
    from newsarchive.store.lock import crawl_lock
    from newsarchive.store.schema import check_writable_archive
    from newsarchive.store.schema import upgrade as upgrade_archive

    if not Path(db_path).is_file():  # no lock file beside an archive that is not there
        raise click.ClickException(f"no archive at {db_path}")
    check_writable_archive(db_path)
    with crawl_lock(db_path, what="upgrade", wait=True, waiting=_waiting("upgrade")):
        before, after = upgrade_archive(db_path)
    if before == after:
        click.echo(f"{db_path}: up to date (schema version {after})")
    else:
        click.echo(f"{db_path}: upgraded from schema version {before} to {after}")
