"""Delivering what watches find: the library behind `newsarchive watch run` and the end of every
`newsarchive crawl`.

A run does, for each watch in turn:

1. **Record** (one transaction): of the articles archived or changed since the watch's last run
   (and archived after the watch was created), those that match its query now and that it never
   found go into `watch_hits`, each once per watch, and the watch's marks move on. An article
   that changes later keeps its row, so it is never new again (one that comes to match only
   when it changes is found then); an article of a story the watch already found is recorded
   under that story's first article (`lead_article_id`), not as a story of its own. The query
   runs as `newsarchive search` runs it, within the publication dates of those articles, so a
   run costs what the new articles cost, not what the archive holds.
2. **Show**: the caller's `on_found` gets what was recorded (`watch run` prints it). Recording
   first means a run killed between the two shows those articles never, rather than twice; they
   are in the archive (`watch show`, `digest`, the feed).
3. **Deliver**, channel by channel, each with its own cursor (`watch_channels.sent_through`):
   - feed: the Atom file is written again from the record (atomically, only when it differs);
     entries have stable ids, so writing it twice delivers nothing twice.
   - email, webhook: the next hits are first recorded as a delivery (`watch_sends`: the range of
     hits and a key), then sent, then marked sent. A send that fails (HTTP 500, SMTP down) stays
     unsent and is sent again at the next run, the same hits under the same key, before anything
     newer. The key is the webhook's Idempotency-Key and the e-mail's Message-ID: a kill after the
     receiver took a delivery and before it was marked sent makes the next run send that identical
     delivery once more, which the receiver can recognise; no article is ever in two deliveries
     of one channel.

One run at a time per archive (`DB.watch.lock`), so two runs never send the same delivery.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Callable, Iterator

from newsarchive import clock
from newsarchive.search.querylang import QueryError
from newsarchive.search.snippets import snippet
from newsarchive.search.sql import search_sql
from newsarchive.store.transaction import transaction
from newsarchive.watch.definitions import Channel, Watch, get_watch, list_watches

#: At most this many articles in one webhook POST; more go in the next ones.
WEBHOOK_BATCH = 500
#: How long `crawl` waits for a `watch run` started by hand to finish before it leaves the
#: watches to the next crawl.
AFTER_CRAWL_WAIT_SECONDS = 60


class WatchLocked(RuntimeError):
    """Another process is running the watches of this archive."""


@dataclass
class ChannelOutcome:
    """What became of one channel in a run. status: "sent" (items delivered), "written" (the feed
    file), "nothing new", "waiting" (an e-mail due later), "failed" (sent again next run)."""

    kind: str
    target: str
    status: str
    items: int = 0
    error: str | None = None

    def line(self) -> str:
        text = f"{self.kind} {self.target}: {self.status}"
        if self.items:
            text += f" ({self.items} article{'s' if self.items != 1 else ''})"
        if self.error:
            text += f": {self.error}"
        return text


@dataclass
class WatchRun:
    """One watch in one run: what it found (the json items) and what each channel did; `error`
    when the watch itself could not run (its query), which leaves the other watches running."""

    watch: str
    items: list[dict] = field(default_factory=list)
    channels: list[ChannelOutcome] = field(default_factory=list)
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or any(c.status == "failed" for c in self.channels)


def _reached(point: str) -> None:
    """A named moment of a run ("recorded", "sent"): nothing happens here; tests stop a real
    process at it to show what a kill at that moment leaves."""


def db_file(db) -> str | None:
    """The file of the archive's main database (None in memory)."""
    for _, name, path in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path or None
    return None


@contextmanager
def watch_lock(db_path: str | None, wait: float = 0) -> Iterator[None]:
    """Hold `DB.watch.lock` (waiting up to `wait` seconds); WatchLocked when another run holds it."""
    if not db_path:
        yield
        return
    path = Path(f"{db_path}.watch.lock")
    handle = open(path, "a+")
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise WatchLocked(f"the watches of {db_path} are being run by pid {holder}") from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


# --- 1. record ---------------------------------------------------------------------------------


#: Candidates published within this of each other are searched within one date range.
CLUSTER_GAP = timedelta(days=2)


def candidates(db, watch: Watch) -> tuple[dict[int, str | None], int, int]:
    """The articles a run checks for the watch: archived since its last run (id above
    checked_article_id) or changed since (a versions row above checked_version_id), archived after
    the watch was created and not yet found by it: {id: published_utc}, with the marks to move to."""
    (top_article,) = db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()
    (top_version,) = db.execute("SELECT coalesce(max(id), 0) FROM versions").fetchone()
    checked_article, checked_version = db.execute(
        "SELECT checked_article_id, checked_version_id FROM watches WHERE id = ?", [watch.id]).fetchone()
    rows = db.execute(
        """SELECT a.id, a.published_utc FROM articles a
           WHERE a.id > max(:after, :checked) AND a.id <= :top
             AND NOT EXISTS (SELECT 1 FROM watch_hits h WHERE h.watch_id = :watch AND h.article_id = a.id)
           UNION
           SELECT a.id, a.published_utc FROM versions v JOIN articles a ON a.id = v.article_id
           WHERE v.id > :versions AND v.id <= :top_version AND a.id > :after
             AND NOT EXISTS (SELECT 1 FROM watch_hits h WHERE h.watch_id = :watch AND h.article_id = a.id)""",
        {"after": watch.after_article_id, "checked": checked_article, "top": top_article, "watch": watch.id,
         "versions": checked_version, "top_version": top_version}).fetchall()
    return dict(rows), top_article, top_version


def _ranges(published: dict[int, str | None]) -> list[tuple[str | None, str | None]]:
    """Date ranges (since, until: UTC ISO, until exclusive) covering the dated candidates, one
    per cluster of publication times; (None, None) once when some are undated."""
    dated = sorted((clock.parse_iso(utc), utc) for utc in set(published.values()) if utc)
    ranges, first, last = [], None, None
    for moment, text in dated:
        if first is not None and moment - last[0] > CLUSTER_GAP:
            ranges.append((first[1], (last[0] + timedelta(seconds=1)).isoformat()))
            first = None
        if first is None:
            first = (moment, text)
        last = (moment, text)
    if first is not None:
        ranges.append((first[1], (last[0] + timedelta(seconds=1)).isoformat()))
    if any(utc is None for utc in published.values()):
        ranges.append((None, None))
    return ranges


def new_matches(db, watch: Watch, published: dict[int, str | None]) -> list[tuple[int, int | None]]:
    """(article id, story id) of the candidates (newsarchive.watch.deliver.candidates) that match
    the watch's query now, by id. The query is the search's own SQL, run within the candidates'
    publication dates (the stemmed index is in publication order, so it reads only those parts
    of each word's list): the watch and `newsarchive search` cannot disagree."""
    if not published:
        return []
    parsed, conn, low = watch.parsed(), getattr(db, "conn", db), min(published)
    matched: set[int] = set()
    for since, until in _ranges(published):
        sql, params = search_sql(parsed, conn=conn, since=since, until=until, sort="oldest", columns="a.id AS id")
        params["watch_low"] = low
        matched |= {row[0] for row in db.execute(f"SELECT m.id FROM (\n{sql}\n) AS m WHERE m.id >= :watch_low",
                                                 params).fetchall() if row[0] in published}
    if not matched:
        return []
    ids = sorted(matched)
    stories = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        stories.update(db.execute(f"SELECT id, story_id FROM articles WHERE id IN ({','.join('?' * len(chunk))})",
                                  chunk).fetchall())
    return [(article_id, stories.get(article_id)) for article_id in ids]


def record_hits(db, watch: Watch, now: str) -> list[int]:
    """Check what was archived or changed since the watch's last run and record its new matches
    (one transaction, with the watch's marks); their watch_hits ids, in order."""
    recorded = []
    with transaction(db):
        published, top_article, top_version = candidates(db, watch)
        for article_id, story_id in new_matches(db, watch, published):
            lead = None
            if story_id is not None:  # a story the watch already found: its first article leads
                row = db.execute(
                    """SELECT h.lead_article_id FROM articles a
                       JOIN watch_hits h ON h.watch_id = ? AND h.article_id = a.id
                       WHERE a.story_id = ? ORDER BY h.id LIMIT 1""", [watch.id, story_id]).fetchone()
                lead = row[0] if row else None
            recorded.append(db.execute(
                """INSERT INTO watch_hits (watch_id, article_id, lead_article_id, story_id, found_at)
                   VALUES (?, ?, ?, ?, ?)""", [watch.id, article_id, lead or article_id, story_id, now]).lastrowid)
        db.execute("UPDATE watches SET checked_article_id = ?, checked_version_id = ? WHERE id = ?",
                   [top_article, top_version, watch.id])
    return recorded


def hit_items(db, watch: Watch, after_hit: int, last_hit: int) -> list[dict]:
    """The json objects of the watch's hits after_hit < id <= last_hit, in the order found: watch,
    url, title, site, published_at, tags, region, story_id, new_story (False: a further article of
    a story the watch had found, grouped under story_url), story_url, story_title, snippet,
    found_at, hit (the record's id: stable, one per watch and article)."""
    parsed = watch.parsed()
    rows = db.execute(
        """SELECT h.id, h.article_id, h.lead_article_id, h.found_at, a.url, a.title, a.site, a.published_at,
                  a.tags, coalesce(a.story_region, a.region), a.story_id, a.lead, a.body, l.url, l.title
           FROM watch_hits h JOIN articles a ON a.id = h.article_id
           LEFT JOIN articles l ON l.id = h.lead_article_id
           WHERE h.watch_id = ? AND h.id > ? AND h.id <= ? ORDER BY h.id""",
        [watch.id, after_hit, last_hit]).fetchall()
    items = []
    for (hit, article_id, lead_id, found_at, url, title, site, published_at, tags, region, story_id, lead_text,
         body, story_url, story_title) in rows:
        items.append({
            "watch": watch.name, "url": url, "title": title, "site": site, "published_at": published_at,
            "tags": json.loads(tags or "[]"), "region": region, "story_id": story_id,
            "new_story": lead_id == article_id, "story_url": story_url or url, "story_title": story_title or title,
            "snippet": snippet(parsed, title, lead_text, body), "found_at": found_at, "hit": hit,
        })
    return items


def recent_items(db, watch: Watch, limit: int) -> list[dict]:
    """The json objects of the `limit` articles the watch found last, in the order found."""
    ids = [row[0] for row in db.execute("SELECT id FROM watch_hits WHERE watch_id = ? ORDER BY id DESC LIMIT ?",
                                        [watch.id, limit]).fetchall()]
    return hit_items(db, watch, min(ids) - 1, max(ids)) if ids else []


# --- 3. deliver ----------------------------------------------------------------------------------


@dataclass
class Send:
    id: int
    after_hit: int
    last_hit: int
    key: str


def _unsent(db, channel: Channel) -> Send | None:
    row = db.execute("""SELECT id, after_hit, last_hit, key FROM watch_sends WHERE channel_id = ? AND sent_at IS NULL
                        ORDER BY id LIMIT 1""", [channel.id]).fetchone()
    return Send(*row) if row else None


def email_due(db, channel: Channel, now: str) -> bool:
    """Is a new e-mail due? After every run ("run"), or once a day: when no mail was made since
    the last time of day HH:MM (Kazakhstan time) that has passed, counting from the channel's
    creation."""
    at = channel.settings.get("at", "run")
    if at == "run":
        return True
    hour, minute = (int(part) for part in at.split(":"))
    local = clock.parse_iso(now).astimezone(clock.LOCAL)
    slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    (last,) = db.execute("SELECT max(created_at) FROM watch_sends WHERE channel_id = ?", [channel.id]).fetchone()
    since = clock.parse_iso(last or channel.created_at)
    return since < slot


def _next_send(db, watch: Watch, channel: Channel, now: str) -> Send | None:
    """Record the channel's next delivery (the hits after what it was sent), or None: nothing new,
    or an e-mail not yet due."""
    with transaction(db):
        (sent_through,) = db.execute("SELECT sent_through FROM watch_channels WHERE id = ?", [channel.id]).fetchone()
        limit = WEBHOOK_BATCH if channel.kind == "webhook" else -1
        ids = [row[0] for row in db.execute(
            "SELECT id FROM watch_hits WHERE watch_id = ? AND id > ? ORDER BY id LIMIT ?",
            [watch.id, sent_through, limit]).fetchall()]
        if not ids or (channel.kind == "email" and not email_due(db, channel, now)):
            return None
        key = f"{watch.uuid}.{channel.id}.{sent_through}-{ids[-1]}"
        send_id = db.execute("""INSERT INTO watch_sends (channel_id, after_hit, last_hit, key, created_at)
                                VALUES (?, ?, ?, ?, ?)""", [channel.id, sent_through, ids[-1], key, now]).lastrowid
    return Send(send_id, sent_through, ids[-1], key)


def _mark_sent(db, channel: Channel, send: Send, now: str) -> None:
    with transaction(db):
        db.execute("UPDATE watch_sends SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
                   [now, send.id])
        db.execute("UPDATE watch_channels SET sent_through = max(sent_through, ?) WHERE id = ?",
                   [send.last_hit, channel.id])


def _mark_failed(db, send: Send, error: str) -> None:
    with transaction(db):
        db.execute("UPDATE watch_sends SET attempts = attempts + 1, last_error = ? WHERE id = ?", [error[:1000], send.id])


def deliver_channel(db, watch: Watch, channel: Channel, now: str) -> ChannelOutcome:
    """Deliver to one channel what it has not had: an unsent delivery first (the same hits, the
    same key), then the hits after it, until nothing is left, an e-mail is not yet due, or a send
    fails (it is sent again at the next run)."""
    from newsarchive.watch import channels as senders

    if channel.kind == "feed":
        (last,) = db.execute("SELECT coalesce(max(id), 0) FROM watch_hits WHERE watch_id = ?", [watch.id]).fetchone()
        try:
            changed = senders.write_feed_file(db, watch, channel.target, now=now)
        except OSError as error:
            return ChannelOutcome(channel.kind, channel.target, "failed", error=f"{type(error).__name__}: {error}")
        with transaction(db):
            (before,) = db.execute("SELECT sent_through FROM watch_channels WHERE id = ?", [channel.id]).fetchone()
            db.execute("UPDATE watch_channels SET sent_through = max(sent_through, ?) WHERE id = ?", [last, channel.id])
        items = db.execute("SELECT count(*) FROM watch_hits WHERE watch_id = ? AND id > ? AND id <= ?",
                           [watch.id, before, last]).fetchone()[0]
        return ChannelOutcome(channel.kind, channel.target, "written" if changed else "nothing new", items)
    sent, waiting, notes = 0, False, []
    while True:
        send = _unsent(db, channel) or _next_send(db, watch, channel, now)
        if send is None:
            waiting = channel.kind == "email" and db.execute(
                "SELECT 1 FROM watch_hits WHERE watch_id = ? AND id > ? LIMIT 1",
                [watch.id, _sent_through(db, channel)]).fetchone() is not None
            break
        items = hit_items(db, watch, send.after_hit, send.last_hit)
        try:
            if items:
                note = senders.send(channel, watch, items, key=send.key, now=now, db=db)
                if note:
                    notes.append(note)
        except Exception as error:  # noqa: BLE001 - any failure of a channel is its own, never the run's
            message = senders.describe_error(error)
            _mark_failed(db, send, message)
            return ChannelOutcome(channel.kind, channel.target, "failed", sent, error=message + " (sent again next run)")
        _reached("sent")
        _mark_sent(db, channel, send, now)
        sent += len(items)
    if sent:
        return ChannelOutcome(channel.kind, channel.target, "sent", sent, error="; ".join(notes) or None)
    if waiting:
        return ChannelOutcome(channel.kind, channel.target, f"waiting for {channel.settings.get('at')}")
    return ChannelOutcome(channel.kind, channel.target, "nothing new")


def _sent_through(db, channel: Channel) -> int:
    return db.execute("SELECT sent_through FROM watch_channels WHERE id = ?", [channel.id]).fetchone()[0]


# --- the run -------------------------------------------------------------------------------------


def run_watches(db, names=(), *, now: str | None = None, deliver: bool = True,
                on_found: Callable[[WatchRun], None] | None = None,
                on_delivered: Callable[[WatchRun], None] | None = None, wait: float = 0) -> list[WatchRun]:
    """Run the named watches (default: every watch): record what each found, hand it to
    `on_found` (before any channel), and deliver it to the watch's channels (unless
    `deliver=False`), then hand the run to `on_delivered`. Raises WatchError for an unknown name (before anything runs) and WatchLocked
    when another run holds the archive's watch lock (after waiting `wait` seconds); a watch or a
    channel that fails is reported in its WatchRun, and the others run."""
    watches = [get_watch(db, name) for name in names] if names else list_watches(db)
    runs = []
    with watch_lock(db_file(db), wait=wait):
        for watch in watches:
            run = WatchRun(watch.name)
            runs.append(run)
            stamp = now or clock.now_iso()
            try:
                recorded = record_hits(db, watch, stamp)
            except (QueryError, sqlite3.Error) as error:
                run.error = f"{type(error).__name__}: {error}" if isinstance(error, sqlite3.Error) else str(error)
                if on_found:
                    on_found(run)
                continue
            _reached("recorded")
            if recorded:
                run.items = hit_items(db, watch, recorded[0] - 1, recorded[-1])
            if on_found:
                on_found(run)
            if deliver:
                for channel in watch.channels:
                    try:
                        run.channels.append(deliver_channel(db, watch, channel, now or clock.now_iso()))
                    except sqlite3.Error as error:
                        run.channels.append(ChannelOutcome(channel.kind, channel.target, "failed",
                                                           error=f"{type(error).__name__}: {error}"))
            if on_delivered:
                on_delivered(run)
    return runs


@dataclass
class AfterCrawl:
    """What the watches did after a crawl; `error` when they could not run at all."""

    runs: list[WatchRun] = field(default_factory=list)
    error: str | None = None


def run_after_crawl(db_path: str, *, wait: float = AFTER_CRAWL_WAIT_SECONDS) -> AfterCrawl:
    """Run every watch after a crawl; never raises an Exception (a watch failure must not fail or
    change the crawl: the crawl's own transactions are committed before this starts)."""
    from newsarchive.store.schema import open_db

    try:
        db = open_db(db_path, create=False)
    except Exception as error:  # noqa: BLE001
        return AfterCrawl(error=f"{type(error).__name__}: {error}")
    try:
        if db.execute("SELECT 1 FROM watches LIMIT 1").fetchone() is None:
            return AfterCrawl()
        return AfterCrawl(run_watches(db, wait=wait))
    except WatchLocked as error:
        return AfterCrawl(error=f"{error}; the watches run after the next crawl")
    except Exception as error:  # noqa: BLE001 - whatever it is, it is the watches', not the crawl's
        return AfterCrawl(error=f"{type(error).__name__}: {error}")
    finally:
        db.close()

