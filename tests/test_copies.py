"""Copies' MinHash signature: the one datasketch computes, so that archived signatures stay
comparable with new ones; similar texts score high, different ones low."""

import random

import numpy as np
import pytest

from newsarchive.store import copies

datasketch = pytest.importorskip("datasketch", reason="datasketch (a test dependency) checks the signature")

WORDS = ("пенсия выплата тенге акимат область район школа дорога ремонт жители города сообщает "
         "министерство решение проект бюджет налог кодекс правительство депутат закон").split()


def datasketch_signature(text: str) -> np.ndarray | None:
    tokens = copies.words(text)
    if len(tokens) < copies.MIN_WORDS:
        return None
    shingles = {" ".join(tokens[i:i + copies.SHINGLE]).encode() for i in range(len(tokens) - copies.SHINGLE + 1)}
    minhash = datasketch.MinHash(num_perm=copies.NUM_PERM, seed=copies.SEED, scheme="affine32")
    minhash.update_batch(list(shingles))
    return minhash.hashvalues.astype(np.uint64)


@pytest.mark.parametrize("seed", range(40))
def test_the_signature_is_datasketch_s(seed):
    rng = random.Random(seed)
    text = " ".join(rng.choice(WORDS + [str(rng.randint(0, 10**6)), "Ёлка", "Өскемен"]) for _ in range(rng.randint(25, 400)))
    ours, theirs = copies.signature(text), datasketch_signature(text)
    if theirs is None:
        assert ours is None
    else:
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)


def test_a_copy_scores_high_and_another_text_low():
    rng = random.Random(1)
    text = " ".join(rng.choice(WORDS) + str(i % 7) for i in range(200))
    copy = text + " Об этом передает Matritca.kz."
    other = " ".join(rng.choice(WORDS) + str(i % 5) for i in range(200))
    assert copies.similarity(copies.signature(text), copies.signature(copy)) >= copies.COPY_SIMILARITY
    assert copies.similarity(copies.signature(text), copies.signature(other)) < 0.2
