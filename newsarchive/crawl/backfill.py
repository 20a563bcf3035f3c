"""Backfills: crawls that reach back to a date, and carry on where a killed one stopped.

A crawl has a **window** when it should reach further back than the daily crawl does:

* `newsarchive crawl --since DATE` (the spider argument `since`);
* the first crawl of a site, when nothing of it is archived yet: the entry's
  `[discovery] first_crawl_days`, else NEWSARCHIVE_FIRST_CRAWL_DAYS (30); a value given with
  `-s NEWSARCHIVE_FIRST_CRAWL_DAYS=N` overrides every entry's;
* an earlier backfill of the site that did not finish (killed, --max-articles, --max-minutes):
  it goes on in every crawl of the site until one finishes.

The earliest of these is the window's start. A window only adds to a crawl: feeds, the listing
pages the daily crawl walks and recent sitemap entries are read as always; listing walks go on
past them until their items are older than the start, sitemap entries dated since the start are
read, and a site's day archive is walked back to the start when its listings end before it.

The state is in the archive, beside the articles: `backfills` (one row per site: its window,
finished or not) and `backfill_walks` (per walk of a listing, day archive or sitemap: where it
has got to). A walk's position moves past a page only when every article that page asked for
was stored, skipped or failed, so a crawl killed at any moment resumes without losing a page or
downloading one of its articles twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from newsarchive import clock
from newsarchive.clock import LOCAL
from newsarchive.store.schema import transaction


@dataclass(frozen=True)
class Window:
    """How far back a crawl of one site reaches: from `since` (Kazakhstan midnight) on."""

    since: datetime
    reason: str  # "--since", "first crawl", "unfinished backfill"

    @property
    def day(self) -> str:
        return self.since.date().isoformat()


def parse_since(text: str | date | datetime | None) -> datetime | None:
    """Kazakhstan midnight of a date (YYYY-MM-DD, or an ISO 8601 time: its day); None for nothing.
    Raises ValueError for text that is no date."""
    if text is None or text == "":
        return None
    if isinstance(text, datetime):
        day = text.astimezone(LOCAL).date() if text.tzinfo else text.date()
    elif isinstance(text, date):
        day = text
    else:
        parsed = clock.parse_iso(str(text).strip())
        if parsed is None:
            raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
        day = parsed.astimezone(LOCAL).date()
    return datetime.combine(day, time(0), tzinfo=LOCAL)


def _has_articles(db, site: str) -> bool:
    return db.execute("SELECT 1 FROM articles WHERE site = ? LIMIT 1", [site]).fetchone() is not None


def backfill_row(db, key: str) -> dict | None:
    row = db.execute("SELECT site, since, reason, started_at, finished_at FROM backfills WHERE site = ?",
                     [key]).fetchone()
    return dict(zip(("site", "since", "reason", "started_at", "finished_at"), row)) if row else None


def window_for(db, key: str, domain: str, *, since: datetime | None, first_crawl_days: int | None,
               now: datetime | None = None) -> Window | None:
    """The window of this crawl of a site (`key`: its host, with a port for a mirror; `domain`: the
    articles' site), or None for a daily crawl. The earliest of --since, an unfinished backfill's
    start, and (nothing archived and no backfill before) the first-crawl window."""
    candidates = []
    if since is not None:
        candidates.append(Window(since, "--since"))
    row = backfill_row(db, key)
    if row and not row["finished_at"]:
        candidates.append(Window(parse_since(row["since"]), "unfinished backfill"))
    if not candidates and row is None and first_crawl_days and not _has_articles(db, domain):
        start = (now or clock.now()).astimezone(LOCAL) - timedelta(days=first_crawl_days)
        candidates.append(Window(parse_since(start), "first crawl"))
    return min(candidates, key=lambda window: window.since) if candidates else None


def begin_backfill(db, key: str, window: Window) -> None:
    """Record that `key` is wanted back to the window's start, until a crawl of it finishes."""
    row = backfill_row(db, key)
    if row and not row["finished_at"] and row["since"] == window.day:
        return
    with transaction(db):
        db.execute("INSERT OR REPLACE INTO backfills (site, since, reason, started_at, finished_at) "
                   "VALUES (?, ?, ?, ?, NULL)", [key, window.day, window.reason, clock.now_iso()])


def finish_backfill(db, key: str) -> None:
    with transaction(db):
        db.execute("UPDATE backfills SET finished_at = ? WHERE site = ? AND finished_at IS NULL",
                   [clock.now_iso(), key])
        db.execute("UPDATE backfill_walks SET done = 1, updated_at = ? WHERE site = ? AND done = 0",
                   [clock.now_iso(), key])


def load_walk(db, key: str, walk: str) -> dict | None:
    row = db.execute("SELECT since, next_url, pages, oldest, done FROM backfill_walks WHERE site = ? AND walk = ?",
                     [key, walk]).fetchone()
    return dict(zip(("since", "next_url", "pages", "oldest", "done"), row)) if row else None


def save_walk(db, key: str, walk: str, *, since: str, next_url: str | None, pages: int,
              oldest: str | None, done: bool) -> None:
    with transaction(db):
        db.execute(
            "INSERT OR REPLACE INTO backfill_walks (site, walk, since, next_url, pages, oldest, done, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [key, walk, since, next_url, pages, oldest, int(done), clock.now_iso()],
        )


def walk_covered(row: dict | None, window: Window) -> bool:
    """Did an earlier walk finish, reaching back at least as far as this window?"""
    return bool(row and row["done"] and row["since"] <= window.day)


def resume_point(row: dict | None, window: Window) -> tuple[str, int] | None:
    """(next page's URL, pages walked) of an unfinished walk to carry on, or of a finished one
    that stopped at a later start than this window's (the older pages begin where it stopped);
    None to start from the first page."""
    if not row or not row["next_url"]:
        return None
    if not row["done"] or row["since"] > window.day:
        return row["next_url"], row["pages"]
    return None


# One walk ---------------------------------------------------------------------------------

@dataclass
class Page:
    """One walked page: the articles it asked for that are not stored yet, and the dates seen."""

    number: int
    url: str
    day: str | None = None  # of a day archive's page
    articles: list[str] = field(default_factory=list)
    pending: set[str] = field(default_factory=set)
    undated: set[str] = field(default_factory=set)
    dates: list[datetime] = field(default_factory=list)
    next_url: str | None = None
    decided: bool = False  # the walk's next step after this page is taken
    last: bool = False  # the walk ends with this page


@dataclass
class Walk:
    """A walk of pages in order (a listing's pages, a day archive's days, one sitemap), whose saved
    position moves past a page once the page and every page before it are complete."""

    key: str  # the walk's name in backfill_walks
    kind: str  # "listing", "head", "days", "sitemap"
    window: Window
    cap: int
    head: int = 0  # pages taken in full, as the daily crawl takes them
    first: int = 1  # number of the first page walked (a resumed walk starts further on)
    pages: dict[int, Page] = field(default_factory=dict)
    visited: set[str] = field(default_factory=set)
    saved: int = 0  # pages complete, in order, from `first`
    ended: bool = False
    reached: bool = False  # ended because its items got older than the window's start
    capped: bool = False  # ended at its cap of pages
    misses: int = 0  # day pages failed in a row
    worked: bool = False  # a day page listed articles: the site has a day archive
    oldest: datetime | None = None

    def add(self, number: int, url: str) -> Page:
        page = Page(number, url)
        self.pages[number] = page
        self.visited.add(url)
        return page

    def see(self, when: datetime | None) -> None:
        if when is not None and (self.oldest is None or when < self.oldest):
            self.oldest = when

    def complete_pages(self) -> list[Page]:
        """The pages that have become complete in order since the last call."""
        done = []
        number = self.first + self.saved
        while number in self.pages and self.pages[number].decided and not self.pages[number].pending:
            done.append(self.pages[number])
            self.saved += 1
            number += 1
        return done


def goes_on(dates: list[datetime], since: datetime) -> bool:
    """Should a walk go past a page with these item dates? Listings run newest first, so it stops at
    the page where at least half of the dated items are older than the start (an old article pinned
    at the top does not stop it; the page where the window ends does). Undated: go on."""
    if not dates:
        return True
    older = sum(1 for when in dates if when < since)
    return older * 2 < len(dates)


def day_of(when: datetime) -> date:
    return when.astimezone(LOCAL).date()
