"""Watches: saved searches stored in the archive, and the channels each one delivers to.

The library behind `newsarchive watch add | list | show | remove`. A watch is a query in the
language of `newsarchive search` with the same filters (tags, sites, regions, languages); it sees
only articles archived after it was created (`watches.after_article_id`). Its channels are
optional: an Atom feed file, e-mail through SMTP, a webhook. Delivery is newsarchive.watch.deliver.

Every function takes the archive as opened by newsarchive.store.schema.open_db.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from newsarchive import clock
from newsarchive.search.sql import build_query, search_sql
from newsarchive.store.transaction import transaction

#: A watch's name: a word (letters of any script, digits, _), then also . and -; it names the
#: feed's URL (/-/watches/NAME.atom), so no spaces or slashes.
NAME = re.compile(r"^\w[\w.-]{0,63}$")
KINDS = ("feed", "email", "webhook")
#: When the e-mail channel sends: "run" (after every run) or a Kazakhstan time of day "HH:MM"
#: (the first run at or after it sends what is new since the last mail).
EMAIL_AT_DEFAULT = "08:00"
SMTP_SECURITY = ("none", "starttls", "ssl")
FILTERS = ("tags", "sites", "regions", "languages")


class WatchError(ValueError):
    """A watch that cannot be added, found or changed; the message says why in a user's words."""


@dataclass
class Channel:
    id: int
    kind: str
    target: str
    settings: dict
    created_at: str
    sent_through: int

    def label(self) -> str:
        """How the channel is named in reports: "webhook https://…", "email a@b, c@d", "feed /path"."""
        return f"{self.kind} {self.target}"


@dataclass
class Watch:
    id: int
    name: str
    query: str | None
    filters: dict
    uuid: str
    created_at: str
    after_article_id: int
    channels: list[Channel] = field(default_factory=list)

    def parsed(self):
        """The watch's query parsed with its filters (newsarchive.search.sql.build_query)."""
        return build_query(self.query, **{k: self.filters.get(k, []) for k in FILTERS})

    def describe(self) -> str:
        """The query and its filters as `newsarchive search` would be told them."""
        parts = [self.query] if self.query else []
        for key, option in (("tags", "--tag"), ("sites", "--site"), ("regions", "--region"), ("languages", "--lang")):
            parts += [f'{option} "{value}"' if " " in value else f"{option} {value}"
                      for value in self.filters.get(key, [])]
        return " ".join(parts)

    def as_dict(self) -> dict:
        return {
            "name": self.name, "query": self.query, **{k: self.filters.get(k, []) for k in FILTERS},
            "created_at": self.created_at, "feed_id": f"urn:uuid:{self.uuid}",
            "channels": [{"kind": c.kind, "target": c.target, "settings": c.settings} for c in self.channels],
        }


def _values(values) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [v.strip() for v in values if v and v.strip()]


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not NAME.match(name):
        raise WatchError(f"watch name {name!r}: use letters, digits, _, . and - (up to 64, no spaces), "
                         "e.g. pension-2026")
    return name


def check_query(db, query: str | None, filters: dict) -> None:
    """Raise newsarchive.search.QueryError when `newsarchive search` would refuse the query (the
    same message), and WatchError for a watch that would match every article."""
    parsed = build_query(query, **filters)
    search_sql(parsed, conn=getattr(db, "conn", db), sort="oldest", columns="a.id")
    if not (query and query.strip()) and not any(filters.values()):
        raise WatchError("a watch needs words to look for or a filter (--tag, --site, --region, --lang)")


def email_settings(*, at: str | None = None, smtp: str | None = None, smtp_user: str | None = None,
                   security: str | None = None, sender: str | None = None) -> dict:
    """The stored settings of an e-mail channel (what is not given comes from the environment
    when the mail is sent: newsarchive.watch.channels.smtp_config). No password is stored."""
    settings: dict = {"at": check_email_at(at or EMAIL_AT_DEFAULT)}
    if smtp:
        host, _, port = smtp.strip().rpartition(":") if ":" in smtp else (smtp.strip(), "", "")
        if not host or (port and not port.isdigit()) or (port and not 0 < int(port) < 65536):
            raise WatchError(f"--smtp {smtp!r}: use HOST or HOST:PORT")
        settings["smtp_host"] = host
        if port:
            settings["smtp_port"] = int(port)
    if smtp_user:
        settings["smtp_user"] = smtp_user.strip()
    if security:
        if security not in SMTP_SECURITY:
            raise WatchError(f"--smtp-security {security!r}: one of {', '.join(SMTP_SECURITY)}")
        settings["smtp_security"] = security
    if sender:
        settings["from"] = check_address(sender, "--mail-from")
    return settings


def check_email_at(at: str) -> str:
    at = at.strip().lower()
    if at == "run":
        return at
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", at)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise WatchError(f"--email-at {at!r}: a Kazakhstan time of day HH:MM (e.g. 08:00), or run")
    return f"{int(match[1]):02d}:{match[2]}"


def check_address(address: str, option: str = "--email") -> str:
    address = (address or "").strip()
    name, parsed = parseaddr(address)
    if (not parsed or "@" not in parsed or parsed.startswith("@") or parsed.endswith("@")
            or any(c in address for c in "\r\n")):
        raise WatchError(f"{option} {address!r}: not an e-mail address")
    return address


def check_webhook(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c in url for c in "\r\n "):
        raise WatchError(f"--webhook {url!r}: an http:// or https:// URL")
    return url


def check_feed_path(path: str) -> str:
    target = Path(os.path.expanduser(path.strip())).absolute()
    if target.is_dir():
        raise WatchError(f"--feed {path!r} is a directory: name the feed's file (e.g. {target / 'pension.atom'})")
    return str(target)


def add_watch(db, name: str, query: str | None = None, *, tags=(), sites=(), regions=(), languages=(),
              feed: str | None = None, emails=(), email: dict | None = None, webhook: str | None = None,
              now: str | None = None) -> Watch:
    """Store a new watch: `query` and filters as `newsarchive search` takes them; channels:
    `feed` (an Atom file path), `emails` (addresses; `email` = email_settings(...)) and `webhook`
    (a URL). It will see only articles archived from now on. Raises WatchError (a duplicate
    name, a bad channel) or QueryError (a query `search` refuses, with search's message)."""
    name = check_name(name)
    query = query.strip() if query and query.strip() else None
    filters = {"tags": _values(tags), "sites": _values(sites), "regions": _values(regions),
               "languages": _values(languages)}
    check_query(db, query, filters)
    channels = []
    if feed:
        channels.append(("feed", check_feed_path(feed), {}))
    addresses = [check_address(a) for a in _values(emails)]
    if addresses:
        channels.append(("email", ", ".join(addresses), email or email_settings()))
    elif email:
        raise WatchError("e-mail settings without --email: name the addresses to send to")
    if webhook:
        channels.append(("webhook", check_webhook(webhook), {}))
    now = now or clock.now_iso()
    with transaction(db):
        if db.execute("SELECT 1 FROM watches WHERE name = ?", [name]).fetchone():
            raise WatchError(f"a watch named {name!r} exists already (`newsarchive watch show {name}`; "
                             "`watch remove` it first to change it)")
        for kind, target, _ in channels:
            if kind == "feed":
                other = db.execute("""SELECT w.name FROM watch_channels c JOIN watches w ON w.id = c.watch_id
                                      WHERE c.kind = 'feed' AND c.target = ?""", [target]).fetchone()
                if other:
                    raise WatchError(f"--feed {target}: watch {other[0]!r} writes its feed there already")
        (after,) = db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()
        (versions,) = db.execute("SELECT coalesce(max(id), 0) FROM versions").fetchone()
        watch_id = db.execute(
            """INSERT INTO watches (name, query, filters, uuid, created_at, after_article_id, checked_article_id,
                                    checked_version_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [name, query, json.dumps(filters, ensure_ascii=False), str(uuid.uuid4()), now, after, after, versions],
        ).lastrowid
        for kind, target, settings in channels:
            db.execute("INSERT INTO watch_channels (watch_id, kind, target, settings, created_at) VALUES (?, ?, ?, ?, ?)",
                       [watch_id, kind, target, json.dumps(settings, ensure_ascii=False), now])
    return get_watch(db, name)


def _watch(db, row) -> Watch:
    watch = Watch(id=row[0], name=row[1], query=row[2], filters=json.loads(row[3] or "{}"), uuid=row[4],
                  created_at=row[5], after_article_id=row[6])
    watch.channels = [
        Channel(id=c[0], kind=c[1], target=c[2], settings=json.loads(c[3] or "{}"), created_at=c[4], sent_through=c[5])
        for c in db.execute("""SELECT id, kind, target, settings, created_at, sent_through FROM watch_channels
                               WHERE watch_id = ? ORDER BY id""", [watch.id]).fetchall()
    ]
    return watch


_COLUMNS = "id, name, query, filters, uuid, created_at, after_article_id"


def get_watch(db, name: str) -> Watch:
    """The watch called `name`; WatchError when there is none."""
    row = db.execute(f"SELECT {_COLUMNS} FROM watches WHERE name = ?", [(name or "").strip()]).fetchone()
    if row is None:
        known = [n for (n,) in db.execute("SELECT name FROM watches ORDER BY name").fetchall()]
        raise WatchError(f"no watch named {name!r}" + (f" (watches: {', '.join(known)})" if known
                                                       else " (there are none: `newsarchive watch add`)"))
    return _watch(db, row)


def list_watches(db) -> list[Watch]:
    """Every watch, by name."""
    return [_watch(db, row) for row in db.execute(f"SELECT {_COLUMNS} FROM watches ORDER BY name").fetchall()]


def remove_watch(db, name: str) -> Watch:
    """Delete a watch with its channels and its record of what it found (the articles stay)."""
    watch = get_watch(db, name)
    with transaction(db):
        db.execute("DELETE FROM watches WHERE id = ?", [watch.id])  # channels, hits, sends cascade
    return watch


def watch_figures(db, watch: Watch) -> dict:
    """What a watch has found and where each channel stands: hits, stories, last found, and per
    channel what is still to deliver and the last error."""
    hits, stories, last = db.execute(
        "SELECT count(*), count(DISTINCT lead_article_id), max(found_at) FROM watch_hits WHERE watch_id = ?",
        [watch.id]).fetchone()
    (newest,) = db.execute("SELECT coalesce(max(id), 0) FROM watch_hits WHERE watch_id = ?", [watch.id]).fetchone()
    channels = []
    for channel in watch.channels:
        (pending,) = db.execute("SELECT count(*) FROM watch_hits WHERE watch_id = ? AND id > ?",
                                [watch.id, channel.sent_through]).fetchone()
        failed = db.execute("""SELECT attempts, last_error FROM watch_sends WHERE channel_id = ? AND sent_at IS NULL
                               ORDER BY id LIMIT 1""", [channel.id]).fetchone()
        sent = db.execute("SELECT max(sent_at) FROM watch_sends WHERE channel_id = ?", [channel.id]).fetchone()[0]
        channels.append({"kind": channel.kind, "target": channel.target, "settings": channel.settings,
                         "to_deliver": pending, "last_sent": sent,
                         "failed_attempts": failed[0] if failed else 0, "last_error": failed[1] if failed else None})
    return {"articles": hits, "stories": stories, "last_found": last, "newest_hit": newest, "channels": channels}
