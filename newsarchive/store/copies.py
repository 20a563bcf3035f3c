"""Copies: near-verbatim re-publications of one text, told by MinHash over word shingles.

An article's signature estimates the Jaccard similarity of its word 3-shingles with another's;
from COPY_SIMILARITY on, two texts are copies. A copy that cuts its source to the first
paragraphs, or adds as much again of its own (background, the site's other headlines), shares
less than that: with the two texts' shingle counts the same estimate gives how much of the
shorter text is in the longer (`overlap`), and from COPY_CONTAINMENT of it they are copies too,
when the shorter is at least MIN_SIZE_RATIO of the longer (a short item quoted in a long digest
is not a copy of the digest). Candidates come from newsarchive.store.stories (articles sharing
rare words within days), which also decides what a copy means for a story.

The signature is datasketch's `MinHash(num_perm=64, seed=1, scheme="affine32")` of the shingles,
written out here (each shingle's SHA-1, MurmurHash3's 32-bit finalizer, then 64 affine maps
modulo 2**32 drawn from numpy's RandomState(1)): datasketch imports SciPy, 50 MB in each of a
crawl's two processes, for these few lines. tests/test_copies.py checks that the two agree, so
the signatures archived stay comparable.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

from newsarchive.textnorm import words

NUM_PERM = 64
SHINGLE = 3
#: Estimated Jaccard similarity of word 3-shingles from which two texts are copies.
COPY_SIMILARITY = 0.5
#: Estimated share of the shorter text's shingles found in the longer's from which two texts are
#: copies, the shorter at least MIN_SIZE_RATIO of the longer (in shingles).
COPY_CONTAINMENT = 0.75
MIN_SIZE_RATIO = 0.3
#: Texts with fewer words than this are too short to tell copies by.
MIN_WORDS = 30
SEED = 1


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The affine maps h → a·h + b (mod 2**32), `a` odd so that each is a bijection."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _mixed(hashes: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise (multiplication wraps modulo 2**32)."""
    hashes = hashes ^ (hashes >> np.uint32(16))
    hashes = hashes * np.uint32(0x85EBCA6B)
    hashes = hashes ^ (hashes >> np.uint32(13))
    hashes = hashes * np.uint32(0xC2B2AE35)
    return hashes ^ (hashes >> np.uint32(16))


def signature(*texts: str | None) -> np.ndarray | None:
    """MinHash signature of the word 3-shingles of these texts read one after the other (an
    article's title, lead and body), or None for a text too short."""
    return fingerprint(*texts)[0]


def fingerprint(*texts: str | None) -> tuple[np.ndarray | None, int]:
    """(`signature`, how many distinct shingles it is of: 0 for a text too short)."""
    tokens = [word for text in texts for word in words(text)]
    if len(tokens) < MIN_WORDS:
        return None, 0
    shingles = {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}
    digests = b"".join(hashlib.sha1(shingle.encode()).digest()[:4] for shingle in shingles)
    hashes = _mixed(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    a, b = _permutations()
    return (hashes[:, None] * a + b).min(axis=0).astype(np.uint64), len(shingles)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """The estimated Jaccard similarity of two signatures' shingles."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def overlap(jaccard: float, size_a: int, size_b: int) -> float:
    """The share of the smaller of two shingle sets (of these sizes, with this Jaccard similarity)
    that is in the larger: |A ∩ B| = J (|A| + |B|) / (1 + J)."""
    return jaccard * (size_a + size_b) / (1 + jaccard) / min(size_a, size_b)


def copy_score(a: np.ndarray, size_a: int, b: np.ndarray, size_b: int) -> float | None:
    """The estimated Jaccard similarity of two texts that are copies, else None. `size_*`: their
    shingle counts (0 when not known: the similarity alone decides)."""
    jaccard = similarity(a, b)
    if jaccard >= COPY_SIMILARITY:
        return jaccard
    if size_a and size_b and min(size_a, size_b) >= MIN_SIZE_RATIO * max(size_a, size_b) \
            and overlap(jaccard, size_a, size_b) >= COPY_CONTAINMENT:
        return jaccard
    return None
