"""A watch as an Atom feed (RFC 4287): the file a watch's feed channel writes, and the page
`newsarchive serve` answers at /-/watches/NAME.atom — the same XML from the same record.

One entry per story the watch found (the articles of watch_hits sharing a lead_article_id): its
id is made from the watch's uuid and the first article's canonical URL, so it never changes;
further articles of the story update the entry (its `updated`, its list of copies) instead of
adding one. The XML depends only on the record (no clock), so writing it again changes nothing.
"""

from __future__ import annotations

import html
import json
import uuid

from lxml import etree

from newsarchive import __version__
from newsarchive.watch.definitions import Watch
from newsarchive.watch.digest import local_time

ATOM = "http://www.w3.org/2005/Atom"
#: Stories in a feed: the ones that most recently had an article found.
FEED_ENTRIES = 50


def entry_id(watch: Watch, canonical_url: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.UUID(watch.uuid), canonical_url)}"


def feed_stories(db, watch: Watch, limit: int = FEED_ENTRIES) -> list[list[dict]]:
    """The watch's latest stories, newest change first; each a list of its articles as found
    (the first is the story's lead)."""
    leads = db.execute(
        """SELECT lead_article_id, max(id) AS newest FROM watch_hits WHERE watch_id = ?
           GROUP BY lead_article_id ORDER BY newest DESC LIMIT ?""", [watch.id, limit]).fetchall()
    stories = []
    for lead, _ in leads:
        rows = db.execute(
            """SELECT h.id, h.found_at, a.url, a.canonical_url, a.title, a.site, a.published_at, a.published_utc,
                      a.lead, a.body, a.tags
               FROM watch_hits h JOIN articles a ON a.id = h.article_id
               WHERE h.watch_id = ? AND h.lead_article_id = ? ORDER BY h.id""", [watch.id, lead]).fetchall()
        names = ("hit", "found_at", "url", "canonical_url", "title", "site", "published_at", "published_utc", "lead",
                 "body", "tags")
        stories.append([dict(zip(names, row)) for row in rows])
    return [story for story in stories if story]


def _text(parent, tag: str, text: str | None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{tag}", **attributes)
    if text is not None:
        element.text = text
    return element


def _summary(article: dict, limit: int = 400) -> str:
    text = (article.get("lead") or article.get("body") or "").strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def feed_xml(db, watch: Watch, *, self_url: str | None = None) -> bytes:
    """The watch's Atom feed as UTF-8 XML."""
    stories = feed_stories(db, watch)
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", "ru")
    _text(feed, "id", f"urn:uuid:{watch.uuid}")
    _text(feed, "title", f"newsarchive: {watch.name}")
    _text(feed, "subtitle", f"New articles for: {watch.describe()}")
    updated = max((article["found_at"] for story in stories for article in story), default=watch.created_at)
    _text(feed, "updated", updated)
    author = _text(feed, "author", None)
    _text(author, "name", "newsarchive")
    _text(feed, "generator", "newsarchive", version=__version__)
    if self_url:
        _text(feed, "link", None, rel="self", href=self_url, type="application/atom+xml")
    for story in stories:
        lead = story[0]
        entry = _text(feed, "entry", None)
        _text(entry, "id", entry_id(watch, lead["canonical_url"]))
        _text(entry, "title", lead["title"])
        _text(entry, "link", None, rel="alternate", href=lead["url"], type="text/html")
        _text(entry, "published", lead["published_utc"] or lead["found_at"])
        _text(entry, "updated", max(article["found_at"] for article in story))
        entry_author = _text(entry, "author", None)
        _text(entry_author, "name", lead["site"])
        for tag in json.loads(lead["tags"] or "[]"):
            _text(entry, "category", None, term=tag)
        _text(entry, "summary", _summary(lead))
        content = [f"<p>{html.escape(_summary(lead))}</p>",
                   f'<p><a href="{html.escape(lead["url"])}">{html.escape(lead["site"])}</a> '
                   f'{html.escape(local_time(lead["published_at"]))}</p>']
        if len(story) > 1:
            content.append(f"<p>Also in this story ({len(story) - 1}):</p><ul>")
            content += [f'<li>{html.escape(a["site"])}: <a href="{html.escape(a["url"])}">{html.escape(a["title"])}</a>'
                        f" {html.escape(local_time(a['published_at']))}</li>" for a in story[1:]]
            content.append("</ul>")
        _text(entry, "content", "".join(content), type="html")
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)
