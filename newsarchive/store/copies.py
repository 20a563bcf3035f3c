"""Copies: near-verbatim re-publications of one text, told by MinHash over word shingles.

An article's signature estimates the Jaccard similarity of its word 3-shingles with another's;
from COPY_SIMILARITY on, two texts are copies. Candidates come from newsarchive.store.stories
(articles sharing rare words within days), which also decides what a copy means for a story.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from datasketch import MinHash

from newsarchive.textnorm import words

NUM_PERM = 64
SHINGLE = 3
#: Estimated Jaccard similarity of word 3-shingles from which two texts are copies.
COPY_SIMILARITY = 0.5
#: Texts with fewer words than this are too short to tell copies by.
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


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / NUM_PERM
