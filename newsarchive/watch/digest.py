"""What the watches found, as a digest: the library behind `newsarchive digest` and the body of
the watches' e-mails.

Grouped by watch (with its count of articles per site), then by day (the Kazakhstan day the
story's first article was published), then by the site of that first article, then by story:
a story is one line, its further articles (syndicated copies, found by the watch later or at
once) are listed under it, never as stories of their own.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field

from newsarchive import clock
from newsarchive.search.dates import parse_bound
from newsarchive.watch.definitions import Watch, get_watch, list_watches

FORMATS = ("md", "html", "text")


def local_time(iso: str | None) -> str:
    """An ISO time as Kazakhstan time "YYYY-MM-DD HH:MM" ("" for none)."""
    parsed = clock.parse_iso(iso)
    if parsed is None:
        return ""
    return parsed.astimezone(clock.LOCAL).strftime("%Y-%m-%d %H:%M")


@dataclass
class Found:
    """An article a watch found."""

    hit: int
    article_id: int
    lead_article_id: int
    found_at: str
    url: str
    title: str
    site: str
    published_at: str | None
    published_day: str | None

    @property
    def day(self) -> str:
        return self.published_day or local_time(self.found_at)[:10]


@dataclass
class Story:
    """A story as the watch found it: its first article (`lead`) and the articles of the digest's
    window (the lead among them unless it was found before: `earlier`)."""

    lead: Found
    articles: list[Found] = field(default_factory=list)

    @property
    def earlier(self) -> bool:
        return not self.articles or self.articles[0].hit != self.lead.hit

    @property
    def copies(self) -> list[Found]:
        """The story's articles other than its lead, in the order found."""
        return [a for a in self.articles if a.hit != self.lead.hit]


@dataclass
class WatchDigest:
    name: str
    description: str
    stories: list[Story] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(story.articles) for story in self.stories)

    @property
    def sites(self) -> list[tuple[str, int]]:
        """Articles per site, most first."""
        counts = Counter(article.site for story in self.stories for article in story.articles)
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))

    def days(self) -> list[tuple[str, list[tuple[str, list[Story]]]]]:
        """[(day, [(site, stories)])]: newest day first; sites by how many stories they lead."""
        by_day: dict[str, dict[str, list[Story]]] = {}
        for story in self.stories:
            by_day.setdefault(story.lead.day, {}).setdefault(story.lead.site, []).append(story)
        result = []
        for day in sorted(by_day, reverse=True):
            sites = sorted(by_day[day].items(), key=lambda item: (-len(item[1]), item[0]))
            result.append((day, [(site, sorted(stories, key=lambda s: s.lead.published_at or "", reverse=True))
                                 for site, stories in sites]))
        return result


@dataclass
class Digest:
    watches: list[WatchDigest]
    since: str | None = None
    until: str | None = None

    @property
    def count(self) -> int:
        return sum(w.count for w in self.watches)


_FOUND = """SELECT h.id, h.article_id, h.lead_article_id, h.found_at, a.url, a.title, a.site, a.published_at,
                   a.published_day, h.watch_id
            FROM watch_hits h JOIN articles a ON a.id = h.article_id"""


def _found(row) -> Found:
    return Found(*row[:9])


def _watch_digest(db, watch: Watch, rows) -> WatchDigest:
    """The digest of one watch's hits (rows of _FOUND, in hit order)."""
    result = WatchDigest(watch.name, watch.describe())
    stories: dict[int, Story] = {}
    for row in rows:
        found = _found(row)
        story = stories.get(found.lead_article_id)
        if story is None:
            if found.lead_article_id == found.article_id:
                lead = found
            else:  # the story's first article was found before the window
                lead_row = db.execute(f"{_FOUND} WHERE h.watch_id = ? AND h.article_id = ?",
                                      [watch.id, found.lead_article_id]).fetchone()
                lead = _found(lead_row) if lead_row else found
            story = stories[found.lead_article_id] = Story(lead)
            result.stories.append(story)
        story.articles.append(found)
    return result


def digest(db, since, until=None, watches=()) -> Digest:
    """What the watches (default: all) found from `since` to `until` (days or ISO times, as
    `search --since/--until` take them: a day is a Kazakhstan day, `until` inclusive)."""
    low, high = parse_bound(since), parse_bound(until, end=True)
    chosen = [get_watch(db, name) for name in watches] if watches else None
    result = Digest([], since=low, until=high)
    for watch in chosen if chosen is not None else list_watches(db):
        conditions, params = ["h.watch_id = ?"], [watch.id]
        if low:
            conditions.append("h.found_at >= ?")
            params.append(low)
        if high:
            conditions.append("h.found_at < ?")
            params.append(high)
        rows = db.execute(f"{_FOUND} WHERE {' AND '.join(conditions)} ORDER BY h.id", params).fetchall()
        if rows or chosen is not None:
            result.watches.append(_watch_digest(db, watch, rows))
    return result


def digest_of_items(db, watch: Watch, items: list[dict]) -> Digest:
    """The digest of one delivery (items of newsarchive.watch.deliver.hit_items)."""
    hits = [item["hit"] for item in items]
    rows = []
    for start in range(0, len(hits), 500):
        chunk = hits[start:start + 500]
        rows += db.execute(f"{_FOUND} WHERE h.id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    rows.sort(key=lambda row: row[0])
    return Digest([_watch_digest(db, watch, rows)])


# --- rendering ---------------------------------------------------------------------------------


def _when(found: Found, day: str) -> str:
    """The article's time; the day too when it is not the heading's."""
    text = local_time(found.published_at)
    return text[11:] if text[:10] == day else text


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _heading(watch: WatchDigest) -> str:
    return (f"{watch.name} — {_plural(watch.count, 'article', 'articles')}, "
            f"{_plural(len(watch.stories), 'story', 'stories')}")


def _period(d: Digest) -> str | None:
    if not d.since and not d.until:
        return None
    return f"Found {local_time(d.since) or '…'} – {local_time(d.until) or 'now'} (Kazakhstan time)"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str | None) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text or "")


def _md_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def render_markdown(d: Digest) -> str:
    lines = ["# newsarchive digest", ""]
    if _period(d):
        lines += [_period(d) + ".", ""]
    if not d.count:
        lines += ["The watches found nothing new.", ""]
    for watch in d.watches:
        lines += [f"## {_md(_heading(watch))}", "", f"Watching: `{watch.description.replace('`', '')}`", ""]
        if watch.sites:
            lines += ["Per site: " + ", ".join(f"{_md(site)} {n}" for site, n in watch.sites), ""]
        for day, sites in watch.days():
            lines += [f"### {day}", ""]
            for site, stories in sites:
                lines += [f"#### {_md(site)}", ""]
                for story in stories:
                    lead = story.lead
                    note = " (story found earlier)" if story.earlier else ""
                    lines.append(f"- [{_md(lead.title)}]({_md_url(lead.url)}) — {_when(lead, day)}{note}")
                    for copy in story.copies:
                        lines.append(f"  - also {_md(copy.site)}: [{_md(copy.title)}]({_md_url(copy.url)}) — {_when(copy, day)}")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_text(d: Digest) -> str:
    lines = []
    if _period(d):
        lines += [_period(d), ""]
    if not d.count:
        lines += ["The watches found nothing new."]
    for watch in d.watches:
        lines += [_heading(watch), f"Watching: {watch.description}"]
        if watch.sites:
            lines.append("Per site: " + ", ".join(f"{site} {n}" for site, n in watch.sites))
        for day, sites in watch.days():
            lines += ["", day]
            for site, stories in sites:
                lines.append(f"  {site}")
                for story in stories:
                    lead = story.lead
                    note = " (story found earlier)" if story.earlier else ""
                    lines += [f"    * {lead.title}", f"      {lead.url}  {_when(lead, day)}{note}"]
                    for copy in story.copies:
                        lines += [f"      also {copy.site}: {copy.title}", f"        {copy.url}  {_when(copy, day)}"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render_html(d: Digest) -> str:
    e = html.escape
    parts = ['<!DOCTYPE html>\n<html lang="ru"><head><meta charset="utf-8"><title>newsarchive digest</title></head>',
             '<body style="font-family: sans-serif; max-width: 50em">', "<h1>newsarchive digest</h1>"]
    if _period(d):
        parts.append(f"<p>{e(_period(d))}</p>")
    if not d.count:
        parts.append("<p>The watches found nothing new.</p>")
    for watch in d.watches:
        parts += [f"<h2>{e(_heading(watch))}</h2>", f"<p>Watching: <code>{e(watch.description)}</code></p>"]
        if watch.sites:
            parts.append("<p>Per site: " + ", ".join(f"{e(site)} <b>{n}</b>" for site, n in watch.sites) + "</p>")
        for day, sites in watch.days():
            parts.append(f"<h3>{e(day)}</h3>")
            for site, stories in sites:
                parts += [f"<h4>{e(site)}</h4>", "<ul>"]
                for story in stories:
                    lead = story.lead
                    note = " <i>(story found earlier)</i>" if story.earlier else ""
                    item = f'<li><a href="{e(lead.url)}">{e(lead.title)}</a> {e(_when(lead, day))}{note}'
                    if story.copies:
                        item += "<ul>" + "".join(
                            f'<li>also {e(copy.site)}: <a href="{e(copy.url)}">{e(copy.title)}</a> '
                            f"{e(_when(copy, day))}</li>" for copy in story.copies) + "</ul>"
                    parts.append(item + "</li>")
                parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def render(d: Digest, fmt: str = "md") -> str:
    """The digest as Markdown ("md"), HTML ("html") or plain text ("text")."""
    if fmt == "md":
        return render_markdown(d)
    if fmt == "html":
        return render_html(d)
    if fmt == "text":
        return render_text(d)
    raise ValueError(f"digest format {fmt!r}: one of {', '.join(FORMATS)}")
