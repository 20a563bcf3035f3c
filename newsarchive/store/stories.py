"""Stories: the versions of one event across sites — copies, rewrites, independent reports —
grouped as articles arrive, in any order, with the origin each story credits.

Every stored article gets a *profile* (`story_profiles`): a TF-IDF vector of its rarest
content words, its anchors (numbers with units, names: newsarchive.store.storyfacts), the days
it says the event happened on, its places, and its MinHash signature (newsarchive.store.copies).
Its rarest tokens are *posted* (`story_postings`, keyed by token and day), so the articles that
may tell the same event are found by a few index reads within WINDOW_DAYS of its publication,
however large the archive. Each candidate is compared (`compare`): a copy (shingles), a story
link (words and anchors), or nothing — and nothing whenever the facts disagree: other event
days, other places, other numbers of the same unit (the daily weather, two earthquakes of one
magnitude, bomb threats on one date in two years). Links are kept (`story_links`).

Stories are then made from the links of the articles concerned by a rule that cannot chain:
two groups merge only when most of the pairs between them are linked (`cluster`), so a recap
linked to one article of each of four events, or a chain A–B–C where A and C are strangers,
stays apart. Links depend on the two articles alone and the clustering on the links alone, so
the stories do not depend on the order the articles came in (word rarity is the archive's,
counted as it grows: `regroup` recomputes everything with today's counts).

The origin of a story is the member every credit line leads to («передает X», «со ссылкой на
Y», «Источник: Z», resolved to the member from that site), else the earliest published.
"""

from __future__ import annotations

import heapq
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from operator import itemgetter

import numpy as np

from newsarchive.clock import local_date
from newsarchive.sites import load_sites
from newsarchive.store import copies
from newsarchive.store.storyfacts import facts, kazakh_day, token_hash
from newsarchive.store.transaction import transaction
from newsarchive.textnorm import fold

#: Publication days apart within which two articles may tell one event.
WINDOW_DAYS = 3
#: Content words kept in an article's vector.
VECTOR_TERMS = 64
#: Content words an article is posted under (with all its anchors); articles of the window a
#: token may lead to before it is too common to look by.
SAMPLED_TERMS = 16
POSTING_READS = 48
#: Candidates compared at most, the most-shared first.
CANDIDATES = 60
#: Tokens a candidate shares at least: one shared word or name is chance in a busy week (the
#: versions of one event in the labelled set share 7 and more).
MIN_SHARED = 2
#: Pseudo-documents that hold no word: a young archive's rarity is not trusted yet.
PRIOR_DOCUMENTS = 50
#: A story link: the cosine of the vectors from STRONG_COSINE; below it, the cosine plus
#: ANCHOR_SCALE × the rarity (idf) of the anchors two articles share from LINK_SCORE, the cosine
#: at least MIN_COSINE (numbers and names alone do not make one event).
STRONG_COSINE = 0.42
ANCHOR_SCALE = 0.01
LINK_SCORE = 0.4
MIN_COSINE = 0.1
#: Days or regions a text names from which it is a digest, a recap or a forecast for the whole
#: country: its own event, joined by its copies only.
BROAD_DAYS = 3
BROAD_REGIONS = 4
#: Units whose numbers differ, none agreeing, from which two texts report other measurements
#: (the weather of another day, another exchange rate): updates of one event change a number or two.
NUMBER_CONFLICTS = 3
#: Two groups become one story when at least this share of the pairs between them is linked.
MERGE_SHARE = 0.5
#: Articles in one connected set of linked articles at most (a bound on grouping's work; real
#: stories are small).
MAX_COMPONENT = 5000


@dataclass
class Profile:
    """What an article's story is decided by (stored in story_profiles)."""

    article_id: int
    day: int
    terms: np.ndarray  # int64 token hashes, sorted
    weights: np.ndarray  # float32, unit length, in the order of terms
    anchors: dict[int, str]  # token hash → anchor ("n|157843|тенге", "e|токаев")
    event_days: frozenset[int]
    title_days: frozenset[int]
    numbers: dict[str, frozenset[str]]
    places: frozenset[str]
    broad: bool  # a digest, a recap, a forecast for the country (see `BROAD_DAYS`)
    signature: np.ndarray | None
    shingles: int  # how many the signature is of (0: not known)
    #: Every content word's hash → how often the text uses it (only while the profile is made).
    term_counts: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Link:
    kind: str  # "copy" or "story"
    score: float


# --- profiles ---


@dataclass(frozen=True)
class Reading:
    """What an article's text says of its event, before the archive's word counts weigh it: a
    pure function of the text (`read_story`), so that a crawl can read in a helper process."""

    day: int
    term_counts: dict[int, int]  # every content word's hash → how often the text uses it
    anchors: dict[int, str]
    event_days: frozenset[int]
    title_days: frozenset[int]
    numbers: dict[str, frozenset[str]]
    places: frozenset[str]
    broad: bool
    signature: np.ndarray | None
    shingles: int


def read_story(title, lead, body, published_day: str | None, fetched_at: str | None) -> Reading:
    """The facts, words and shingles of an article published on `published_day` (its Kazakhstan
    day; else the day it was fetched)."""
    day = kazakh_day(published_day) or local_date(fetched_at) or kazakh_day("1990-01-01")
    found = facts(title, lead, body, day)
    signature, shingles = copies.fingerprint(title, lead, body)
    return Reading(day.toordinal(), {token_hash("t|" + term): count for term, count in found.terms.items()},
                   {token_hash(anchor): anchor for anchor in found.anchors()}, frozenset(found.event_days),
                   frozenset(found.title_days), {unit: frozenset(values) for unit, values in found.numbers.items()},
                   frozenset(found.places), found.days_named >= BROAD_DAYS or found.regions_named >= BROAD_REGIONS,
                   signature, shingles)


def unweighed(article_id: int, reading: Reading) -> Profile:
    """The profile of a read article, without its vector (weighed by `refresh`, with the
    archive's word counts)."""
    return Profile(article_id, reading.day, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32),
                   reading.anchors, reading.event_days, reading.title_days, reading.numbers, reading.places,
                   reading.broad, reading.signature, reading.shingles, reading.term_counts)


def vectors(words: list[tuple[np.ndarray, np.ndarray]], tokens: np.ndarray, idf: np.ndarray
            ) -> list[tuple[np.ndarray, np.ndarray]]:
    """(terms, weights) of each article, from its words' hashes (sorted) and counts (`words`): the
    VECTOR_TERMS terms of highest TF-IDF (the larger hash first on a tie), sorted, and their
    weights, unit length. `idf`: the rarity of each of `tokens` (sorted), which hold every word.
    All articles in one pass."""
    lengths = np.array([len(hashes) for hashes, _ in words], dtype=np.int64)
    hashes = np.concatenate([np.zeros(0, dtype=np.int64), *(h for h, _ in words)])
    counts = np.concatenate([np.zeros(0, dtype=np.float64), *(c for _, c in words)]).astype(np.float64)
    owner = np.repeat(np.arange(len(words)), lengths)
    tfidf = (1 + np.log(counts)) * idf[np.searchsorted(tokens, hashes)]
    levels, level = np.unique(tfidf, return_inverse=True)
    # by article, then TF-IDF, then hash: a stable sort keeps each article's hashes in their order
    order = np.argsort(owner * len(levels) + level, kind="stable")
    kept = np.sort(order[np.arange(len(order)) >= np.repeat(np.cumsum(lengths) - VECTOR_TERMS, lengths)])
    norms = np.sqrt(np.bincount(owner[kept], weights=tfidf[kept] ** 2, minlength=len(words)))
    weights = (tfidf[kept] / np.where(norms > 0, norms, 1)[owner[kept]]).astype(np.float32)
    bounds = np.cumsum(np.minimum(lengths, VECTOR_TERMS))[:-1]
    return list(zip(np.split(hashes[kept], bounds), np.split(weights, bounds)))


def posted_tokens(profile: Profile) -> list[int]:
    """What an article is found by and looks others up by: its anchors (names, numbers with units)
    and a fixed sample of its content words (those of smallest hash: two texts sharing many words
    share some of them). It depends on the article alone, so two articles find each other
    whichever comes first."""
    return sorted(set(heapq.nsmallest(SAMPLED_TERMS, profile.term_counts)) | set(profile.anchors))


# --- comparing two articles ---


def compare(a: Profile, b: Profile, idf: dict[int, float], cosine: float | None = None) -> Link | None:
    """How two articles relate: a copy, one story, or nothing; nothing when their facts disagree.
    `cosine`: their vectors' (`cosines`), when it was worked out already."""
    if abs(a.day - b.day) > WINDOW_DAYS or disagree(a, b):
        return None
    if a.signature is not None and b.signature is not None:
        shingles = copies.copy_score(a.signature, a.shingles, b.signature, b.shingles)
        if shingles is not None:
            return Link("copy", shingles)
    if a.broad or b.broad:  # a digest shares words, names and numbers with each event it sums up
        return None
    if cosine is None:
        cosine = float(cosines(a, [b])[0])
    if cosine >= STRONG_COSINE:
        return Link("story", round(cosine, 4))
    anchor_weight = sum(idf.get(h, 0.0) for h in set(a.anchors) & set(b.anchors))
    score = cosine + ANCHOR_SCALE * anchor_weight
    if cosine >= MIN_COSINE and score >= LINK_SCORE:
        return Link("story", round(score, 4))
    return None


def disagree(a: Profile, b: Profile) -> bool:
    """Do the facts tell two events apart: other event days, other places, other numbers?"""
    if a.title_days and b.title_days:
        if not a.title_days & b.title_days:
            return True
    elif a.event_days and b.event_days and not a.event_days & b.event_days:
        return True
    if a.places and b.places and not a.places & b.places:
        return True
    conflicts = agreements = 0
    for unit in a.numbers.keys() & b.numbers.keys():
        if not unit:
            continue
        if a.numbers[unit] & b.numbers[unit]:
            agreements += 1
        else:
            conflicts += 1
    return conflicts >= NUMBER_CONFLICTS and not agreements


def cosines(a: Profile, others: list[Profile]) -> np.ndarray:
    """The cosine of `a`'s vector with each of the others', all in one pass."""
    result = np.zeros(len(others), dtype=np.float64)
    if not len(a.terms) or not others:
        return result
    terms = np.concatenate([b.terms for b in others])
    weights = np.concatenate([b.weights for b in others])
    owner = np.repeat(np.arange(len(others)), [len(b.terms) for b in others])
    at = np.minimum(np.searchsorted(a.terms, terms), len(a.terms) - 1)  # a's terms are sorted
    shared = a.terms[at] == terms
    np.add.at(result, owner[shared], a.weights[at[shared]].astype(np.float64) * weights[shared])
    return result


# --- grouping ---


def cluster(members: list[int], links: dict[tuple[int, int], Link], rank: dict[int, str] | None = None
            ) -> list[list[int]]:
    """The stories of these articles: groups merged, strongest link first, when at least
    MERGE_SHARE of the pairs between them are linked. Deterministic for given links; `rank` (an
    article's canonical URL) breaks ties, so that the ids the articles got do not matter."""
    rank = rank or {m: str(m) for m in members}
    group = {m: m for m in members}
    sizes = {m: 1 for m in members}
    between: dict[tuple[int, int], int] = {}  # (root, root) → links between the two groups

    def root(m: int) -> int:
        while group[m] != m:
            group[m] = group[group[m]]
            m = group[m]
        return m

    for (x, y), _ in links.items():
        key = (min(x, y), max(x, y))
        between[key] = between.get(key, 0) + 1
    order = sorted(links.items(), key=lambda item: (item[1].kind != "copy", -item[1].score,
                                                    sorted((rank[item[0][0]], rank[item[0][1]]))))
    for (x, y), _ in order:
        rx, ry = root(x), root(y)
        if rx == ry:
            continue
        key = (min(rx, ry), max(rx, ry))
        if between.get(key, 0) < MERGE_SHARE * sizes[rx] * sizes[ry]:
            continue
        keep, gone = key
        group[gone] = keep
        sizes[keep] += sizes.pop(gone)
        merged: dict[tuple[int, int], int] = {}
        for (p, q), count in between.items():
            p, q = (keep if p == gone else p), (keep if q == gone else q)
            if p != q:
                pair = (min(p, q), max(p, q))
                merged[pair] = merged.get(pair, 0) + count
        between = merged
    groups: dict[int, list[int]] = {}
    for m in members:
        groups.setdefault(root(m), []).append(m)
    return sorted(sorted(g) for g in groups.values())


# --- origins ---


def credited_site(credit: str | None, own_site: str | None, via: str | None = None) -> str | None:
    """The credit line's source as a name to match sites by; the «со ссылкой на» source when the
    credit names the article's own site («сообщает Lada.kz со ссылкой на Tengrinews.kz»)."""
    if credit and own_site and names_site(credit, own_site):
        credit = via
    return credit or None


def names_site(credit: str, site: str) -> bool:
    """Does a credit («Matritca.kz», «МИА «Казинформ»», «корреспондент Tengrinews.kz») name this site?"""
    text = fold(credit)
    domain = re.search(r"[\w-]+(?:\.[\w-]+)*\.(?:kz|ru|com|org|net|info|media|news|tv)\b", text)
    if domain:
        named = domain.group().removeprefix("www.")
        return named == site or site.endswith("." + named) or named.endswith("." + site)
    latin = _latin(text)
    labels = [part for part in site.split(".")[:-1] if len(part) >= 3]
    if any(label in latin for label in labels):
        return True
    return any(alias and alias in text for alias in _aliases().get(site, ()))


def _latin(text: str) -> str:
    table = str.maketrans({"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z",
                           "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
                           "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "ch",
                           "ш": "sh", "щ": "sch", "ы": "y", "э": "e", "ю": "yu", "я": "ya", "ъ": "", "ь": ""})
    return text.translate(table)


def _aliases() -> dict[str, tuple[str, ...]]:
    return {site.domain: tuple(fold(name.split(" (")[0].split(":")[0]) for name in (site.title, *site.aliases)
                               if name and len(name) > 3)
            for site in load_sites().values()}


def origin(members: list[dict]) -> int:
    """The origin among a story's members ({id, site, published_utc, credited_source,
    credited_via}): the one the credit lines lead to, else the earliest published."""
    by_time = sorted(members, key=lambda m: (m["published_utc"] or "9999", m["id"]))
    credits: dict[int, int] = {}
    for member in members:
        named = credited_site(member["credited_source"], member["site"], member["credited_via"])
        if not named:
            continue
        sources = [m for m in by_time if m["id"] != member["id"] and m["site"] and m["site"] != member["site"]
                   and names_site(named, m["site"])]
        if sources:
            credits[member["id"]] = sources[0]["id"]
    if not credits:
        return by_time[0]["id"]
    roots: dict[int, int] = {}
    for member in members:
        seen, current = set(), member["id"]
        while current in credits and current not in seen:
            seen.add(current)
            current = credits[current]
        if seen:  # this member credits someone: where its chain ends
            roots[current] = roots.get(current, 0) + 1
    rank = {m["id"]: i for i, m in enumerate(by_time)}
    return min(roots, key=lambda r: (-roots[r], rank[r]))


# --- the archive's side: profiles, postings, links, stories ---


def new_story(db) -> int:
    """A story for an article about to be stored, which starts in a story of its own
    (`assign_story` describes it): given with the article's row, so that the row, the text in it,
    is written once."""
    return db.execute("INSERT INTO stories (articles) VALUES (1)").lastrowid


def assign_story(db, article_id: int, reading: Reading | None = None) -> None:
    """Record a stored article (new or changed) for its story, in the caller's transaction: its
    profile, its postings and its pending row (`story_pending`); a new article is in a story of
    its own (`new_story`). `refresh` decides the stories of the articles recorded, with the words
    of all of them counted — at the end of a batch: a crawl's, an import's, `archive_article`'s
    one. `reading`: the stored text's `read_story`, when it was read already."""
    known = _forget(db, article_id)
    _record(db, article_id, reading, counted=known)
    story_id = db.execute("SELECT story_id FROM articles WHERE id = ?", [article_id]).fetchone()[0]
    if story_id is None:
        _story_of_its_own(db, article_id)
    else:  # its title or time may have changed
        describe_story(db, story_id)


def _story_of_its_own(db, article_id: int) -> None:
    """Make a story of one for an article that has none."""
    story_id = db.execute("INSERT INTO stories (origin_id, title, articles, sites, first_published, last_published) "
                          "SELECT id, title, 1, 1, published_utc, published_utc FROM articles WHERE id = ?",
                          [article_id]).lastrowid
    db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [story_id, article_id])


def _record(db, article_id: int, reading: Reading | None, *, counted: bool) -> None:
    """Store an article's profile (facts, anchors, shingles; its vector is weighed by `refresh`)
    and postings, and mark it pending with its words' counts: at stage 0 when its words are still
    to be counted into the document frequencies (a new article's, once), else at stage 1."""
    if reading is None:
        reading = read_story(*db.execute("SELECT title, lead, body, published_day, fetched_at FROM articles "
                                         "WHERE id = ?", [article_id]).fetchone())
    profile = unweighed(article_id, reading)
    posted = posted_tokens(profile)
    db.execute("INSERT INTO story_profiles (article_id, day, profile, posted) VALUES (?, ?, ?, ?)",
               [article_id, profile.day, pack(profile), np.array(posted, dtype=np.int64).tobytes()])
    db.conn.executemany("INSERT OR IGNORE INTO story_postings (token, day, article_id) VALUES (?, ?, ?)",
                        [(token, profile.day, article_id) for token in posted])
    db.execute("INSERT OR REPLACE INTO story_pending (article_id, stage, terms) VALUES (?, ?, ?)",
               [article_id, STAGE_WEIGH if counted else STAGE_COUNT, pack_counts(profile.term_counts)])


def _link(db, profile: Profile, posted: list[int], idf: dict[int, float]) -> None:
    """Compare an article with its candidates (found by the tokens it is `posted` under) and store
    the links found (both ways round)."""
    others = _candidates(db, profile, posted)
    links = {}
    for other, cosine in zip(others, cosines(profile, others)):
        link = compare(profile, other, idf, cosine=cosine)
        if link is not None:
            links[other.article_id] = link
    db.conn.executemany(
        "INSERT OR REPLACE INTO story_links (article_id, other_id, kind, score) VALUES (?, ?, ?, ?)",
        [(a, b, link.kind, link.score) for other, link in links.items()
         for a, b in ((profile.article_id, other), (other, profile.article_id))])


def rarity(db, hashes) -> dict[int, float]:
    """{hash: idf} of these terms and anchors over the archive's documents."""
    tokens = np.unique(np.fromiter(hashes, dtype=np.int64))
    return dict(zip(tokens.tolist(), rarities(db, tokens).tolist()))


def rarities(db, tokens: np.ndarray) -> np.ndarray:
    """The idf of each of these terms and anchors (sorted, unique) over the archive's documents."""
    row = db.execute("SELECT value FROM archive_meta WHERE name = 'story_documents'").fetchone()
    documents = int(row[0]) if row else 0
    held = np.zeros(len(tokens), dtype=np.float64)
    for start in range(0, len(tokens), 500):
        chunk = tokens[start:start + 500].tolist()
        found = db.execute(f"SELECT token, documents FROM story_df WHERE token IN ({','.join('?' * len(chunk))})",
                           chunk).fetchall()
        if found:
            token, count = np.array(found, dtype=np.int64).T
            held[np.searchsorted(tokens, token)] = count
    return np.log((documents + PRIOR_DOCUMENTS) / (held + 1))


def count_documents(db, token_sets: list[np.ndarray]) -> None:
    """Count these documents (each the unique terms and anchors it holds) into the document
    frequencies: one write a token, however many of the documents hold it."""
    tokens, counts = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *token_sets]), return_counts=True)
    db.execute("INSERT INTO archive_meta (name, value) VALUES ('story_documents', ?) "
               "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value", [len(token_sets)])
    db.conn.executemany("INSERT INTO story_df (token, documents) VALUES (?, ?) "
                        "ON CONFLICT (token) DO UPDATE SET documents = documents + excluded.documents",
                        zip(tokens.tolist(), counts.tolist()))


def _forget(db, article_id: int) -> bool:
    """Take an article's profile, postings and links out; False when it had none."""
    row = db.execute("SELECT day, posted FROM story_profiles WHERE article_id = ?", [article_id]).fetchone()
    if row is None:
        return False
    day, posted = row
    db.conn.executemany("DELETE FROM story_postings WHERE token = ? AND day = ? AND article_id = ?",
                        [(int(token), day, article_id) for token in np.frombuffer(posted, dtype=np.int64)])
    _unlink(db, article_id)
    db.execute("DELETE FROM story_profiles WHERE article_id = ?", [article_id])
    return True


def _unlink(db, article_id: int) -> set[int]:
    """Take an article's links out; the articles it was linked to."""
    linked = {other for (other,) in db.execute("SELECT other_id FROM story_links WHERE article_id = ?", [article_id])}
    db.conn.executemany("DELETE FROM story_links WHERE article_id = ? AND other_id = ?",
                        [(a, b) for other in linked for a, b in ((article_id, other), (other, article_id))])
    return linked


def _candidates(db, profile: Profile, tokens: list[int]) -> list[Profile]:
    """The articles within WINDOW_DAYS that share the most of these tokens: a token more than
    POSTING_READS articles of the window hold tells nothing and is passed over (a template's
    words); of the articles sharing MIN_SHARED of the rest, the CANDIDATES that share most, all
    of them on a tie. What is found
    depends on the articles the archive holds, not on their ids or the order they came in."""
    shared: Counter[int] = Counter()
    low, high = profile.day - WINDOW_DAYS, profile.day + WINDOW_DAYS
    for start in range(0, len(tokens), 100):
        chunk = tokens[start:start + 100]
        # how many articles of the window hold each token, counted up to one past the bound (+1:
        # the article itself may be among them) in one statement; then the articles of the tokens
        # within it (a window function over the rows read cost four times as much)
        held = ", ".join(f"(SELECT count(*) FROM (SELECT 1 FROM story_postings WHERE token = ?{i + 3} "
                         f"AND day BETWEEN ?1 AND ?2 LIMIT {POSTING_READS + 2}))" for i in range(len(chunk)))
        counts = db.execute(f"SELECT {held}", [low, high, *chunk]).fetchone()
        kept = [token for token, count in zip(chunk, counts) if count <= POSTING_READS + 1]
        if kept:
            shared.update(map(itemgetter(0), db.execute(
                f"SELECT article_id FROM story_postings WHERE token IN ({','.join('?' * len(kept))}) "
                f"AND day BETWEEN ? AND ?", [*kept, low, high])))
    shared.pop(profile.article_id, None)
    shared = {other: count for other, count in shared.items() if count >= MIN_SHARED}
    if not shared:
        return []
    counts = sorted(shared.values(), reverse=True)
    least = counts[min(CANDIDATES, len(counts)) - 1]
    chosen = [other for other, count in shared.items() if count >= least]
    rows = db.execute(f"SELECT article_id, day, profile FROM story_profiles WHERE article_id IN "
                      f"({','.join('?' * len(chosen))})", chosen).fetchall()
    return [_unpacked(other, day, blob) for other, day, blob in rows]


def _members(db, story_ids) -> set[int]:
    ids = [s for s in set(story_ids) if s is not None]
    if not ids:
        return set()
    return {a for (a,) in db.execute(f"SELECT id FROM articles WHERE story_id IN ({','.join('?' * len(ids))})", ids)}


def _stories_of(db, article_ids: list[int]) -> set[int]:
    if not article_ids:
        return set()
    return {s for (s,) in db.execute(
        f"SELECT story_id FROM articles WHERE id IN ({','.join('?' * len(article_ids))})", article_ids)}


def regroup_articles(db, concerned) -> None:
    """Make the stories of these articles again from their links (the stories they were in are
    replaced; story ids are kept where a story lives on)."""
    members = sorted(concerned)
    marks = ",".join("?" * len(members))
    links = {(a, b): Link(kind, score) for a, b, kind, score in db.execute(
        f"SELECT article_id, other_id, kind, score FROM story_links WHERE article_id IN ({marks}) "
        f"AND other_id IN ({marks}) AND article_id < other_id", [*members, *members])}
    old, rank = {}, {}
    for article_id, story_id, url in db.execute(
            f"SELECT id, story_id, canonical_url FROM articles WHERE id IN ({marks})", members):
        old[article_id], rank[article_id] = story_id, url
    unused = {s for s in old.values() if s is not None}
    touched = set(unused)
    held = {s: set(_members(db, [s])) for s in unused}
    for group in cluster(members, links, rank):  # a story keeps its id when it is all in one group
        reusable = sorted(s for s in {old[m] for m in group} if s in unused and held[s] <= set(group))
        story_id = reusable[0] if reusable else db.execute("INSERT INTO stories (articles) VALUES (0)").lastrowid
        unused.discard(story_id)
        touched.add(story_id)
        moved = [m for m in group if old[m] != story_id]
        if moved:
            db.execute(f"UPDATE articles SET story_id = ? WHERE id IN ({','.join('?' * len(moved))})",
                       [story_id, *moved])
    for story_id in sorted(touched):  # once every article has moved
        if db.execute("SELECT 1 FROM articles WHERE story_id = ? LIMIT 1", [story_id]).fetchone():
            describe_story(db, story_id)
        else:
            db.execute("DELETE FROM stories WHERE id = ?", [story_id])


def describe_story(db, story_id: int) -> None:
    """Set a story's row from its members: origin, its title, sizes, first and last publication."""
    members = [dict(zip(("id", "site", "published_utc", "credited_source", "credited_via", "title"), row))
               for row in db.execute("SELECT id, site, published_utc, credited_source, credited_via, title "
                                     "FROM articles WHERE story_id = ?", [story_id])]
    first = origin(members)
    times = [m["published_utc"] for m in members if m["published_utc"]]
    db.execute("UPDATE stories SET origin_id = ?, title = ?, articles = ?, sites = ?, first_published = ?, "
               "last_published = ? WHERE id = ?",
               [first, next(m["title"] for m in members if m["id"] == first), len(members),
                len({m["site"] for m in members}), min(times, default=None), max(times, default=None), story_id])


#: The stages of a pending article (story_pending.stage): its words to be counted, its vector
#: to be weighed (and its links dropped), its links to be found, its story to be made.
STAGE_COUNT, STAGE_WEIGH, STAGE_LINK, STAGE_GROUP = range(4)


def refresh(db, *, batch: int = 500) -> int:
    """Decide the stories of the articles recorded since the last refresh (`assign_story`: a
    crawl's, an import's, those of a crawl killed before its end), with all their words counted,
    so that the stories do not depend on the order the articles came in. Four passes, `batch`
    articles to a transaction, each resumed where a kill left it (`story_pending.stage`): the new
    articles' words are counted; every pending article's vector is weighed with the counts and
    its links dropped; each looks up its candidates, and a pair is linked when either finds the
    other; then each connected set of linked articles the batch touches is grouped once, with
    the other articles of the stories they were in. Returns how many articles were decided."""
    (pending,) = db.execute("SELECT count(*) FROM story_pending").fetchone()
    for stage, step in ((STAGE_COUNT, _count), (STAGE_WEIGH, _reweigh), (STAGE_LINK, _relink)):
        while ids := _pending(db, stage, batch):
            with transaction(db):
                step(db, ids)
                db.conn.executemany("UPDATE story_pending SET stage = ? WHERE article_id = ?",
                                    [(stage + 1, a) for a in ids])
    while ids := _pending(db, STAGE_GROUP, batch):
        with transaction(db):
            grouped: set[int] = set()
            for article_id in ids:
                if article_id not in grouped:
                    grouped |= _group(db, article_id)
            db.conn.executemany("DELETE FROM story_pending WHERE article_id = ?", [(a,) for a in sorted(grouped)])
    return pending


def _group(db, article_id: int) -> set[int]:
    """Make the stories of an article's connected set of linked articles, with the other articles
    of the stories they were in; the articles grouped."""
    component = _component(db, article_id)
    component |= _members(db, _stories_of(db, sorted(component)))
    if component == {article_id}:  # linked to none, alone in its story (described when stored) or in none
        if db.execute("SELECT story_id FROM articles WHERE id = ?", [article_id]).fetchone()[0] is None:
            _story_of_its_own(db, article_id)
    else:
        regroup_articles(db, component)
    return component


def _count(db, ids: list[int]) -> None:
    """Count the words and anchors of newly stored articles into the document frequencies."""
    count_documents(db, [np.union1d(hashes, sections(blob)[2]) for hashes, _, blob in _pending_words(db, ids).values()])


def _pending_words(db, ids: list[int]) -> dict[int, tuple[np.ndarray, np.ndarray, bytes]]:
    """{id: (its words' hashes, their counts, its packed profile)} of these pending articles; an
    article pending without its word counts (from an older version) is read again."""
    marks = ",".join("?" * len(ids))
    found = {}
    for article_id, terms, blob in db.execute(
            f"SELECT p.article_id, p.terms, s.profile FROM story_pending p JOIN story_profiles s "
            f"USING (article_id) WHERE p.article_id IN ({marks}) ORDER BY p.article_id", ids).fetchall():
        if terms is None:
            _forget(db, article_id)
            _record(db, article_id, None, counted=True)
            terms, blob = db.execute("SELECT p.terms, s.profile FROM story_pending p JOIN story_profiles s "
                                     "USING (article_id) WHERE p.article_id = ?", [article_id]).fetchone()
        found[article_id] = (*unpack_counts(terms), blob)
    return found


def _reweigh(db, ids: list[int]) -> None:
    """Weigh pending articles' words with today's counts and drop their links. Only the vector
    changes (what an article is posted under and its facts do not depend on the counts), so the
    words counted when it was stored serve."""
    pending = _pending_words(db, ids)
    tokens = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *(h for h, _, _ in pending.values())]))
    weighed = vectors([(hashes, counts) for hashes, counts, _ in pending.values()], tokens, rarities(db, tokens))
    db.conn.executemany("UPDATE story_profiles SET profile = ? WHERE article_id = ?",
                        [(with_vector(blob, terms, weights), article_id)
                         for (article_id, (_, _, blob)), (terms, weights) in zip(pending.items(), weighed)])
    marks = ",".join("?" * len(ids))
    db.conn.executemany("DELETE FROM story_links WHERE article_id = ? AND other_id = ?",
                        [(a, b) for pair in db.execute(f"SELECT article_id, other_id FROM story_links "
                                                       f"WHERE article_id IN ({marks})", ids).fetchall()
                         for a, b in (pair, pair[::-1])])


def _relink(db, ids: list[int]) -> None:
    marks = ",".join("?" * len(ids))
    profiles = [(unpack(article_id, day, blob), np.frombuffer(posted, dtype=np.int64).tolist())
                for article_id, day, blob, posted in db.execute(
                    f"SELECT article_id, day, profile, posted FROM story_profiles WHERE article_id IN ({marks}) "
                    f"ORDER BY article_id", ids)]
    idf = rarity(db, {h for profile, _ in profiles for h in profile.anchors})
    for profile, posted in profiles:
        _link(db, profile, posted, idf)


def _pending(db, stage: int, batch: int) -> list[int]:
    return [a for (a,) in db.execute("SELECT article_id FROM story_pending WHERE stage = ? "
                                     "ORDER BY article_id LIMIT ?", [stage, batch])]


def _component(db, start: int) -> set[int]:
    """The articles linked to `start`, directly or through others (MAX_COMPONENT at most)."""
    component, frontier = {start}, [start]
    while frontier and len(component) < MAX_COMPONENT:
        for (other,) in db.execute("SELECT other_id FROM story_links WHERE article_id = ?", [frontier.pop()]):
            if other not in component:
                component.add(other)
                frontier.append(other)
    return component


def regroup(db) -> int:
    """Decide every story again from scratch, with today's word counts and rules (after a rule
    change). Returns the number of stories."""
    with transaction(db):
        for table in ("story_links", "story_postings", "story_profiles", "story_df", "story_pending"):
            db.execute(f"DELETE FROM {table}")
        db.execute("DELETE FROM archive_meta WHERE name = 'story_documents'")
        db.execute("UPDATE articles SET story_id = NULL")
        db.execute("DELETE FROM stories")
        for (article_id,) in db.execute("SELECT id FROM articles").fetchall():
            _record(db, article_id, None, counted=False)  # every word counted first, weighed by refresh
    refresh(db)
    return db.execute("SELECT count(*) FROM stories").fetchone()[0]


# --- packing a profile into its row ---


def pack(profile: Profile) -> bytes:
    facts_json = json.dumps({
        "event_days": sorted(profile.event_days), "title_days": sorted(profile.title_days),
        "numbers": {unit: sorted(values) for unit, values in profile.numbers.items()},
        "places": sorted(profile.places), "broad": profile.broad, "shingles": profile.shingles,
    }, ensure_ascii=False).encode()
    anchors = np.array(sorted(profile.anchors), dtype=np.int64)
    signature = (profile.signature.astype(np.uint32) if profile.signature is not None
                 else np.zeros(0, dtype=np.uint32))
    head = np.array([len(profile.terms), len(anchors), len(signature), len(facts_json)], dtype=np.int32)
    return b"".join([head.tobytes(), profile.terms.tobytes(), profile.weights.astype(np.float32).tobytes(),
                     anchors.tobytes(), signature.tobytes(), facts_json])


def pack_counts(term_counts: dict[int, int]) -> bytes:
    hashes = np.fromiter(term_counts.keys(), dtype=np.int64, count=len(term_counts))
    counts = np.fromiter(term_counts.values(), dtype=np.int32, count=len(term_counts))
    order = np.argsort(hashes)
    return hashes[order].tobytes() + counts[order].tobytes()


def unpack_counts(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(hashes, counts) of an article's words, packed by `pack_counts`."""
    n = len(blob) // 12
    return np.frombuffer(blob, dtype=np.int64, count=n), np.frombuffer(blob, dtype=np.int32, count=n, offset=8 * n)


@lru_cache(maxsize=512)  # ~5 KB an entry; a miss costs ~20 µs, and an article has ~8 candidates
def _unpacked(article_id: int, day: int, blob: bytes) -> Profile:
    """`unpack`, for candidates: the articles of the last days are compared again and again
    (keyed by the stored bytes, so a changed profile is unpacked afresh)."""
    return unpack(article_id, day, blob)


def unpack(article_id: int, day: int, blob: bytes) -> Profile:
    terms, weights, anchors, signature, facts_json = sections(blob)
    found = json.loads(facts_json)
    return Profile(article_id, day, terms, weights, {int(h): "" for h in anchors}, frozenset(found["event_days"]),
                   frozenset(found["title_days"]),
                   {unit: frozenset(values) for unit, values in found["numbers"].items()},
                   frozenset(found["places"]), found["broad"],
                   signature.astype(np.uint64) if len(signature) else None, found.get("shingles", 0))


def sections(blob: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, bytes]:
    """(terms, weights, anchors, signature, facts as JSON) of a packed profile, without copying."""
    n_terms, n_anchors, n_signature, n_facts = np.frombuffer(blob, dtype=np.int32, count=4).tolist()
    at = 16
    terms = np.frombuffer(blob, dtype=np.int64, count=n_terms, offset=at)
    at += 8 * n_terms
    weights = np.frombuffer(blob, dtype=np.float32, count=n_terms, offset=at)
    at += 4 * n_terms
    anchors = np.frombuffer(blob, dtype=np.int64, count=n_anchors, offset=at)
    at += 8 * n_anchors
    signature = np.frombuffer(blob, dtype=np.uint32, count=n_signature, offset=at)
    at += 4 * n_signature
    return terms, weights, anchors, signature, blob[at:at + n_facts]


def with_vector(blob: bytes, terms: np.ndarray, weights: np.ndarray) -> bytes:
    """A packed profile with another vector, the rest of it as it was."""
    head = np.frombuffer(blob, dtype=np.int32, count=4).copy()
    rest = blob[16 + 12 * int(head[0]):]
    head[0] = len(terms)
    return b"".join([head.tobytes(), terms.astype(np.int64).tobytes(), weights.astype(np.float32).tobytes(), rest])
