"""Stories: syndicated copies of one report across sites, found by MinHash over word shingles.

Each article's signature is split into LSH bands; articles sharing a band key are
candidates, and a candidate whose estimated Jaccard similarity passes the threshold
puts the new article into its story. Band keys live in SQLite, so no index is kept in memory.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from newsarchive.textnorm import words

NUM_PERM = 64
#: 21 bands of 3 rows: a pair at similarity 0.5 shares a band with probability 0.94, at 0.7 0.9995.
ROWS = 3
BANDS = NUM_PERM // ROWS
SHINGLE = 3
#: Estimated Jaccard similarity of word shingles above which two texts are one story.
THRESHOLD = 0.5
#: Texts with fewer words than this are too short to match reliably.
MIN_WORDS = 30


@lru_cache(maxsize=1)
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32")


def signature(text: str) -> np.ndarray | None:
    """MinHash signature of the text's word 3-shingles, or None for a text too short."""
    tokens = words(text)
    if len(tokens) < MIN_WORDS:
        return None
    shingles = {" ".join(tokens[i : i + SHINGLE]).encode() for i in range(len(tokens) - SHINGLE + 1)}
    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32", permutations=_template().permutations)
    minhash.update_batch(list(shingles))
    return minhash.hashvalues.astype(np.uint64)


def band_keys(sig: np.ndarray) -> list[int]:
    """One stable 63-bit key per band (SQLite integers are signed; hash() is salted per process)."""
    keys = []
    for band in range(BANDS):
        chunk = bytes([band]) + sig[band * ROWS : (band + 1) * ROWS].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF)
    return keys


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / NUM_PERM


def assign_story(db, article_id: int, text: str, created_at: str) -> int:
    """Put the article into the story of every earlier article it is similar to, merging those
    stories when it bridges several: stories are the connected groups of similar articles, the same
    whatever order the articles arrived in. An article assigned again (its text changed) first
    leaves its story, and what is left of that story is grouped again: it may have held the
    story together. Runs inside the caller's transaction; returns the story id."""
    (previous,) = db.execute("SELECT story_id FROM articles WHERE id = ?", [article_id]).fetchone()
    if previous is not None:
        db.execute("UPDATE articles SET story_id = NULL WHERE id = ?", [article_id])
    sig = signature(text)
    linked: set[int] = set()
    _forget_signature(db, article_id)
    if sig is not None:
        keys = band_keys(sig)
        placeholders = ",".join("?" * len(keys))
        candidates = db.execute(
            f"""SELECT DISTINCT s.article_id, s.signature, a.story_id FROM story_bands b
                JOIN story_signatures s ON s.article_id = b.article_id
                JOIN articles a ON a.id = b.article_id
                WHERE b.band_key IN ({placeholders}) AND b.article_id != ?""",
            [*keys, article_id],
        ).fetchall()
        linked = {story for _, blob, story in candidates
                  if story is not None and similarity(sig, np.frombuffer(blob, dtype=np.uint64)) >= THRESHOLD}
        db.execute("INSERT INTO story_signatures (article_id, signature) VALUES (?, ?)", [article_id, sig.tobytes()])
        db.conn.executemany(
            "INSERT OR IGNORE INTO story_bands (band_key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in keys],
        )
    if not linked:
        story_id = db.execute(
            "INSERT INTO stories (first_article_id, created_at) VALUES (?, ?)", [article_id, created_at]
        ).lastrowid
    else:
        story_id = min(linked)
        merged = sorted(linked - {story_id})
        if merged:
            placeholders = ",".join("?" * len(merged))
            db.execute(f"UPDATE articles SET story_id = ? WHERE story_id IN ({placeholders})", [story_id, *merged])
            db.execute(f"DELETE FROM stories WHERE id IN ({placeholders})", merged)
    db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [story_id, article_id])
    if previous is not None:  # even if it is the same story: the article may have bridged two parts of it
        regroup_story(db, previous, created_at)
    return story_id


def _forget_signature(db, article_id: int) -> None:
    """Remove an article's signature and its band rows, found by their keys (story_bands is
    keyed by band, so a delete by article alone would read the whole table)."""
    row = db.execute("SELECT signature FROM story_signatures WHERE article_id = ?", [article_id]).fetchone()
    if row is None:
        return
    keys = band_keys(np.frombuffer(row[0], dtype=np.uint64))
    db.conn.executemany("DELETE FROM story_bands WHERE band_key = ? AND article_id = ?",
                        [(key, article_id) for key in keys])
    db.execute("DELETE FROM story_signatures WHERE article_id = ?", [article_id])


def regroup_story(db, story_id: int, created_at: str) -> None:
    """Split a story into its connected groups (pairs that share a band and pass THRESHOLD, as
    assign_story links them): the group holding the story's oldest article keeps the id, each
    other group gets a story of its own. A story left with no article is deleted."""
    members = db.execute(
        """SELECT a.id, s.signature FROM articles a LEFT JOIN story_signatures s ON s.article_id = a.id
           WHERE a.story_id = ? ORDER BY a.id""", [story_id]).fetchall()
    if not members:
        db.execute("DELETE FROM stories WHERE id = ?", [story_id])
        return
    sigs = {article: (np.frombuffer(blob, dtype=np.uint64) if blob is not None else None) for article, blob in members}
    bands = {article: set(band_keys(sig)) for article, sig in sigs.items() if sig is not None}
    group = {article: article for article in sigs}

    def root(article: int) -> int:
        while group[article] != article:
            group[article] = group[group[article]]
            article = group[article]
        return article

    ids = list(sigs)
    for i, first in enumerate(ids):
        for second in ids[i + 1:]:
            if (first in bands and second in bands and bands[first] & bands[second]
                    and similarity(sigs[first], sigs[second]) >= THRESHOLD):
                group[root(second)] = root(first)
    components: dict[int, list[int]] = {}
    for article in ids:
        components.setdefault(root(article), []).append(article)
    for number, component in enumerate(sorted(components.values())):
        if number == 0:  # the oldest article's group keeps the story
            db.execute("UPDATE stories SET first_article_id = ? WHERE id = ?", [component[0], story_id])
            continue
        new_id = db.execute("INSERT INTO stories (first_article_id, created_at) VALUES (?, ?)",
                            [component[0], created_at]).lastrowid
        placeholders = ",".join("?" * len(component))
        db.execute(f"UPDATE articles SET story_id = ? WHERE id IN ({placeholders})", [new_id, *component])
