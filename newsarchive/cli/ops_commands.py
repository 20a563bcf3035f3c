"""Commands that run the archive: sites, health, demo, check-live, schedule, serve."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from newsarchive.cli import cli, db_option, open_archive, pairs
from newsarchive.safetext import for_terminal


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
def sites(fmt, db_path):
    """List the site entries: name, domain, kind (full, or light: a domain, a feed or front page
    and a region, read by the generic discovery and extraction), region, discovery and health."""
    from newsarchive.ops.sites_report import sites as site_rows

    rows = site_rows(db_path if Path(db_path).exists() else None)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(for_terminal(f"{row['name']:<12} {row['domain']:<18} {row['kind']:<5} {row['region']:<24} "
                                f"{row['discovery']:<22} {row['health']}"))



@cli.command()
@click.argument("sites", nargs=-1)
@db_option
def health(sites, db_path):
    """Flag sites whose yield dropped to zero or whose fields went missing (template changes).

    SITES are site names or domains (default: every site that has crawl runs).

    Exit code 1 when any site is flagged.
    """
    from newsarchive.ops.health import health as site_health
    from newsarchive.sites import SiteError, get_site

    try:
        domains = [get_site(name).domain for name in sites]
    except SiteError as error:
        raise click.UsageError(str(error)) from None
    db = open_archive(db_path)
    flagged = 0
    for report in site_health(db, domains or None):
        status = "ok" if report.ok else "FLAGGED"
        click.echo(for_terminal(f"{report.site}: {status} (last run {report.last_run}, {report.pages} pages, "
                                f"{report.stored} stored)"))
        for warning in report.warnings:
            click.echo(for_terminal(f"  - {warning}"))
        flagged += not report.ok
    sys.exit(1 if flagged else 0)



@cli.command()
@click.option("--db", "db_path", default="data/demo.db", show_default=True, type=click.Path(dir_okay=False),
              help="Where to build the demo archive (replaced).")
@click.option("--tag", default="Пенсия 2026", show_default=True, help="The tag searched at the end.")
@click.pass_context
def demo(ctx, db_path, tag):
    """Serve the bundled mirrors on 127.0.0.1, crawl them into a fresh archive, search by tag."""
    from newsarchive.cli.search_commands import search
    from newsarchive.ops.demo import demo as run_demo

    summary = run_demo(db_path)
    click.echo(f"crawled {len(summary.figures)} mirrored sites: {summary.new} articles archived in {db_path}")
    click.echo(f'\n$ newsarchive search --tag "{tag}" --db {db_path}\n')
    ctx.invoke(search, tags=(tag,), db_path=db_path)



@cli.command(name="check-live")
@click.argument("sites", nargs=-1)
@click.option("--base-url", "base_urls", multiple=True, metavar="SITE=URL",
              help="Check SITE against a mirror serving the same paths (repeatable).")
def check_live(sites, base_urls):
    """Needs internet: fetch each discovery step and one article per site from the real site (a
    polite Scrapy crawl that stores nothing) and report, site by site, which discovery steps and
    selectors still match. Exit code 1 if any site fails."""
    from newsarchive.ops.checklive import check_live as run_checks
    from newsarchive.sites import SiteError, get_site

    try:
        mirrors = {get_site(name).name: url for name, url in pairs(base_urls, "--base-url").items()}
        for name in sites:
            get_site(name)
    except (SiteError, click.BadParameter) as error:
        raise click.UsageError(str(error)) from None
    failed = 0
    for report in run_checks(list(sites) or None, base_urls=mirrors):
        click.echo(for_terminal(f"{report.site}: {'ok' if report.ok else 'CHECK'}"))
        for step, outcome in report.steps.items():
            click.echo(for_terminal(f"  {step}: {outcome}"))
        if report.article:
            click.echo(for_terminal(f"  article {report.article}"))
        for key, matched in report.selectors.items():
            click.echo(for_terminal(f"    selector {key}: {'matches' if matched else 'NO MATCH'}"))
        if report.article and (report.light or not report.selectors):
            found = report.extracted
            click.echo(for_terminal(f"    generic title: {found.get('title') or 'NOT FOUND'}"))
            click.echo(f"    generic text: {found.get('body', 0)} characters")
            click.echo(for_terminal(f"    generic date: {found.get('published') or 'NOT FOUND'}"))
        failed += not report.ok
    sys.exit(1 if failed else 0)



@cli.command()
@click.option("--print", "kind", type=click.Choice(["cron", "systemd"]), required=True,
              help="A crontab line (with flock), or a systemd service + timer.")
@click.option("--workdir", help="Checkout with its .venv (default: /opt/newsarchive).")
@click.option("--user", help="User the systemd service runs as (default: newsarchive).")
@click.option("--every", type=int, help="Minutes between runs (default: 60).")
@click.option("--minute", type=int, help="Minute past the hour of cron runs (default: 17).")
@click.option("--max-minutes", type=int, help="Bound of each run (default: the interval less 10 minutes).")
@click.option("--log", help="File cron appends the output to (default: /var/log/newsarchive/crawl.log).")
@click.option("--site", "sites", multiple=True, help="Crawl only these sites (repeatable; default: all).")
@click.option("--db", "db_path", help="Archive database (default: /var/lib/newsarchive/news.db).")
def schedule(kind, workdir, user, every, minute, max_minutes, log, sites, db_path):
    """Print a ready schedule for `newsarchive crawl`: a cron line or a systemd service + timer.

    deploy/ holds the same files for the defaults (see deploy/README.md for installing them).
    """
    from newsarchive.ops.schedule import render, with_options

    try:
        plan = with_options(workdir=workdir, user=user, every=every, minute=minute, max_minutes=max_minutes,
                            log=log, db=db_path, sites=tuple(sites) or None)
        click.echo(render(kind, plan), nl=False)
    except ValueError as error:
        raise click.UsageError(str(error)) from None



@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8001, show_default=True)
@click.option("--open", "open_browser", is_flag=True, help="Open a browser.")
@db_option
def serve(host, port, open_browser, db_path):
    """Browse the archive in datasette (read-only; sees rows a running crawl adds).

    The same as `datasette DB` (the newsarchive plugin supplies everything: facets on site, tags
    and date, a search box that searches as `newsarchive search` does, and canned queries:
    search, by_tag, trend, tags), with time limits for slow SQL.
    """
    from datasette import cli as datasette_cli

    open_archive(db_path).close()  # a clear error for no archive, another program's file, an older one
    # An archive no one may write here (a read-only mount, a file of another user) is served as
    # immutable: SQLite could not make the files a WAL archive is read with otherwise.
    writable = os.access(db_path, os.W_OK) and os.access(Path(db_path).resolve().parent, os.W_OK)
    args = ["serve", *([str(db_path)] if writable else ["--immutable", str(db_path)]), "--host", host, "--port", str(port),
            "--setting", "sql_time_limit_ms", "5000", "--setting", "facet_time_limit_ms", "1000"]
    if open_browser:
        args.append("--open")
    datasette_cli.cli.main(args, prog_name="newsarchive serve")
