"""Commands that read the archive: search, tags, stats, trend.

Each is a thin wrapper over the function of the same name in newsarchive.search; output is a
table on the terminal or json, jsonl, csv for other programs. What an archive holds came from
sites: every value is printed safe for a terminal (newsarchive.safetext: control characters
shown, not obeyed) and, in CSV, for a spreadsheet (no cell is a formula).
"""

from __future__ import annotations

import csv
import json
import sys

import click

from newsarchive import defaults
from newsarchive.cli import cli, db_option, open_archive
from newsarchive.safetext import for_json, for_spreadsheet, for_terminal

FORMATS = ("table", "json", "jsonl", "csv")


def format_option(func):
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
                        help="Output: a table for people, json/jsonl/csv for programs.")(func)


def _query_words(words: tuple[str, ...]) -> str | None:
    """QUERY as typed, unquoted words joined; "-word" excludes, but "--word" is a mistyped option."""
    for word in words:
        if word.startswith("--"):
            raise click.UsageError(f"no such option: {word.split('=')[0]}")
    return " ".join(words) or None


def _call(func, *args, **kwargs):
    """Run a query function, turning a query the user got wrong into a usage error."""
    from newsarchive.search import QueryError

    try:
        return func(*args, **kwargs)
    except QueryError as error:
        raise click.UsageError(str(error)) from None


def _emit(rows: list[dict], fmt: str, columns: list[str], table) -> None:
    """Print rows as json, jsonl, csv (lists as JSON text) or through `table` (a rich Table)."""
    if fmt == "json":
        click.echo(for_json(json.dumps(rows, ensure_ascii=False, indent=2)))
    elif fmt == "jsonl":
        for row in rows:
            click.echo(for_json(json.dumps(row, ensure_ascii=False)))
    elif fmt == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: for_spreadsheet(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                             for k, v in row.items()})
    else:
        from rich.console import Console

        console = Console(width=None if sys.stdout.isatty() else 160, highlight=False, markup=False, emoji=False)
        console.print(table)


def _table(*headers: str):
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def _marked(snippet: str):
    """A snippet with its [matched] words in bold."""
    from rich.text import Text

    from newsarchive.search.snippets import HIGHLIGHT

    text, rest = Text(), for_terminal(snippet)
    while HIGHLIGHT[0] in rest and HIGHLIGHT[1] in rest.split(HIGHLIGHT[0], 1)[1]:
        before, after = rest.split(HIGHLIGHT[0], 1)
        word, rest = after.split(HIGHLIGHT[1], 1)
        text.append(before, style="dim")
        text.append(word, style="bold yellow")
    text.append(rest, style="dim")
    return text


def _local_time(iso: str | None) -> str:
    return for_terminal((iso or "")[:16].replace("T", " "))


@cli.command(context_settings={"ignore_unknown_options": True})  # "-word" excludes, it is no option
@click.argument("query", nargs=-1)
@click.option("--tag", "tags", multiple=True, help="Only articles with this tag (repeatable: all must match).")
@click.option("--site", "sites", multiple=True, help="Only this site, e.g. kt.kz (repeatable: any).")
@click.option("--region", "regions", multiple=True, help="Only stories about this region (else the outlet's region, when the text names none; repeatable).")
@click.option("--lang", "languages", multiple=True, type=click.Choice(["ru", "kk"]), help="Only this language.")
@click.option("--since", help="From this day (YYYY-MM-DD, Kazakhstan time) or ISO time.")
@click.option("--until", help="To this day inclusive (YYYY-MM-DD) or ISO time.")
@click.option("--sort", type=click.Choice(["auto", "relevance", "newest", "oldest"]), default="auto",
              show_default=True,
              help="auto: by relevance when QUERY has words, else newest first. Relevance with words and no "
                   "filters ranks the 5,000 most recently published matches; with filters, every match.")
@click.option("--limit", type=click.IntRange(min=1, max=defaults.MAX_SEARCH_LIMIT), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(min=0, max=defaults.MAX_SEARCH_OFFSET), default=0, show_default=True)
@click.option("--collapse", is_flag=True, help="One row per story: its best match and «+N versions».")
@format_option
@db_option
def search(query, tags, sites, regions, languages, since, until, sort, limit, offset, collapse, fmt, db_path):
    """Search the archive: relevance first when QUERY has words, else newest first.

    \b
    QUERY   words: all must match, in any form (пенсия finds пенсии, ПЕНСИЯМИ; ё = е)
            "exact phrase"   пенсия OR пособие   -excluded   -"excluded phrase"
            site:kt.kz   tag:"Пенсия 2026"   region:ВКО   lang:kk
    """
    query = _query_words(query)
    from newsarchive import search as q

    db = open_archive(db_path)
    rows = _call(q.search, db, query, tags=tags, sites=sites, regions=regions, languages=languages,
                 since=since, until=until, sort=sort, limit=limit, offset=offset, collapse=collapse)
    columns = ["id", "published_at", "site", "title", "url", "tags", "region", "story_region", "language",
               "story_id", *(["versions"] if collapse else []), "snippet", "score"]
    rows = [{c: row.get(c) for c in columns} for row in rows]
    table = _table("published", "site", "article", "tags")
    for row in rows:
        from rich.text import Text

        article = Text(for_terminal(row["title"] or ""), style="bold")
        if row.get("versions"):
            article.append(f"  +{row['versions']} versions (newsarchive story {row['story_id']})", style="cyan")
        article.append("\n")
        article.append_text(_marked(row["snippet"] or ""))
        article.append("\n" + for_terminal(row["url"]), style="blue")
        table.add_row(_local_time(row["published_at"]), for_terminal(row["site"]), article,
                      for_terminal(", ".join(row["tags"])))
    if fmt == "table" and not rows:
        click.echo("No articles found.", err=True)
        return
    _emit(rows, fmt, columns, table)


@cli.command()
@click.option("--like", help="Only tags containing this text (case, ё/е and spaces ignored).")
@click.option("--since", help="Count articles from this day (YYYY-MM-DD) or ISO time.")
@click.option("--until", help="Count articles to this day inclusive.")
@click.option("--limit", type=click.IntRange(min=1, max=defaults.MAX_SEARCH_LIMIT), help="At most this many tags.")
@format_option
@db_option
def tags(like, since, until, limit, fmt, db_path):
    """Tags with their article counts and when each was last used."""
    from newsarchive import search as q

    rows = _call(q.tags, open_archive(db_path), like=like, since=since, until=until, limit=limit)
    table = _table("tag", "articles", "last seen (UTC)")
    for row in rows:
        table.add_row(for_terminal(row["tag"]), str(row["articles"]), _local_time(row["last_seen"]))
    _emit(rows, fmt, ["tag", "articles", "last_seen"], table)


@cli.command()
@format_option
@db_option
def stats(fmt, db_path):
    """Per site: articles, the newest article, the last crawl."""
    from newsarchive import search as q

    rows = q.stats(open_archive(db_path))
    table = _table("site", "articles", "newest article", "last crawl")
    for row in rows:
        table.add_row(for_terminal(row["site"]), str(row["articles"]), _local_time(row["newest_article"]),
                      _local_time(row["last_crawl"]))
    if rows and fmt == "table":
        table.add_row("total", str(sum(r["articles"] for r in rows)), "", "", style="bold")
    _emit(rows, fmt, ["site", "articles", "newest_article", "last_crawl"], table)


@cli.command(context_settings={"ignore_unknown_options": True})  # "-word" excludes, it is no option
@click.argument("query", nargs=-1)
@click.option("--tag", "tags", multiple=True, help="Only articles with this tag (repeatable: all must match).")
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--by", type=click.Choice(["day", "week", "month"]), default="week", show_default=True,
              help="Count per Kazakhstan day, ISO week or month.")
@click.option("--since", help="From this day (YYYY-MM-DD) or ISO time.")
@click.option("--until", help="To this day inclusive.")
@click.option("--png", type=click.Path(dir_okay=False, writable=True), help="Also draw a bar chart into this PNG file.")
@format_option
@db_option
def trend(query, tags, sites, by, since, until, png, fmt, db_path):
    """Articles per period for QUERY and/or --tag, with a sparkline."""
    query = _query_words(query)
    from newsarchive import search as q
    from newsarchive.search.chart import bar_chart_png, sparkline

    if png:
        _check_writable(png)
    series = _call(q.trend, open_archive(db_path), query, tags=tags, by=by, since=since, until=until, sites=sites)
    rows = [{"period": period, "articles": count} for period, count in series]
    if png:
        bar_chart_png(series, png)
    if fmt != "table":
        _emit(rows, fmt, ["period", "articles"], None)
        return
    if not series:
        click.echo("No articles found.", err=True)
        return
    counts = [count for _, count in series]
    width = max(len(str(c)) for c in counts)
    top = max(counts) or 1
    for period, count in series:
        click.echo(f"{period}  {count:>{width}}  {'█' * round(count / top * 40)}")
    click.echo(f"{series[0][0]} {sparkline(counts)} {series[-1][0]}   total {sum(counts)}, max {max(counts)}")
    if png:
        click.echo(f"chart: {png}", err=True)




@cli.command()
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
def story(key, fmt, db_path):
    """One story: every version with its site, time and credit, and whether it is the origin, a copy
    of it or a rewrite. KEY is a story id, an article URL, or a123 for article id 123."""
    from newsarchive import search as q

    found = _call(q.story, open_archive(db_path), key)
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    click.echo(f"story {found['id']}: {found['title']}")
    click.echo(f"{found['size']} versions on {found['sites']} sites; origin {found['origin']['url']}")
    table = _table("published", "site", "kind", "article", "credit")
    for version in found["articles"]:
        table.add_row(_local_time(version["published_at"]), version["site"], version["kind"],
                      f"{version['title']}\n{version['url']}", version["credit"])
    _emit([], "table", [], table)


@cli.command()
@click.option("--since", help="Stories with a version published from this day (YYYY-MM-DD) or ISO time.")
@click.option("--until", help="Stories begun by this day inclusive.")
@click.option("--tag", "tags", multiple=True, help="Stories with a version that has this tag (repeatable).")
@click.option("--site", "sites", multiple=True, help="Stories with a version from this site (repeatable).")
@click.option("--min-versions", "min_articles", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only stories told at least this many times (2: re-published ones).")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many stories, the newest first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@db_option
def stories(since, until, tags, sites, min_articles, limit, fmt, db_path):
    """Stories, the most recently published first, with their size, origin and versions.

    Every archived article is in exactly one story (a story of one is a story); json is a list of
    {"id", "origin": {"url", …}, "articles": [{"url", "site", "published_at", "kind"}, …], …}.
    """
    from newsarchive import search as q

    found = _call(q.stories, open_archive(db_path), since=since, until=until, tags=tags, sites=sites,
                  min_articles=min_articles, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False, indent=2))
        return
    table = _table("story", "versions", "first published", "origin", "sites")
    for row in found:
        table.add_row(str(row["id"]), str(row["size"]), _local_time(row["origin"]["published_at"]),
                      f"{row['title']}\n{row['origin']['url']}",
                      ", ".join(dict.fromkeys(v["site"] for v in row["articles"])))
    if not found:
        click.echo("No stories found.", err=True)
        return
    _emit([], "table", [], table)


def _check_writable(path: str) -> None:
    """A usage error, before any work, when a file cannot be written at `path`."""
    from pathlib import Path

    folder = Path(path).parent
    if not folder.is_dir():
        raise click.BadParameter(f"no folder {folder} to write {Path(path).name} into", param_hint="--png")
    if Path(path).is_dir():
        raise click.BadParameter(f"{path} is a folder", param_hint="--png")
