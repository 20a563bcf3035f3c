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
BANDS = 16
ROWS = NUM_PERM // BANDS
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
    """Put the article into the story of its most similar earlier article, or a new story.

    Runs inside the caller's transaction; returns the story id.
    """
    sig = signature(text)
    story_id = None
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
        best = 0.0
        for _, blob, candidate_story in candidates:
            score = similarity(sig, np.frombuffer(blob, dtype=np.uint64))
            if score >= THRESHOLD and score > best and candidate_story is not None:
                best, story_id = score, candidate_story
        db.execute("DELETE FROM story_bands WHERE article_id = ?", [article_id])
        db.execute(
            "INSERT OR REPLACE INTO story_signatures (article_id, signature) VALUES (?, ?)",
            [article_id, sig.tobytes()],
        )
        db.conn.executemany(
            "INSERT OR IGNORE INTO story_bands (band_key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in keys],
        )
    if story_id is None:
        (story_id,) = db.execute("SELECT story_id FROM articles WHERE id = ?", [article_id]).fetchone()
    if story_id is None:
        story_id = db.execute(
            "INSERT INTO stories (first_article_id, created_at) VALUES (?, ?)", [article_id, created_at]
        ).lastrowid
    db.execute("UPDATE articles SET story_id = ? WHERE id = ?", [story_id, article_id])
    return story_id
