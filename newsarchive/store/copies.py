"""Copies: near-verbatim re-publications of one text, told by MinHash over word shingles.

An article's signature estimates the Jaccard similarity of its word 3-shingles with another's;
from COPY_SIMILARITY on, two texts are copies. Candidates come from newsarchive.store.stories
(articles sharing rare words within days), which also decides what a copy means for a story.

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
    tokens = [word for text in texts for word in words(text)]
    if len(tokens) < MIN_WORDS:
        return None
    shingles = {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}
    digests = b"".join(hashlib.sha1(shingle.encode()).digest()[:4] for shingle in shingles)
    hashes = _mixed(np.frombuffer(digests, dtype="<u4").astype(np.uint32))
    a, b = _permutations()
    return (hashes[:, None] * a + b).min(axis=0).astype(np.uint64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / NUM_PERM
