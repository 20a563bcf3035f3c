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


def _words(rng: random.Random, count: int) -> list[str]:
    return [rng.choice(WORDS) + str(rng.randint(0, 9)) for _ in range(count)]


@pytest.mark.parametrize("kind", ["excerpt", "padded"])
def test_a_copy_that_cuts_its_source_to_the_first_paragraphs_or_adds_as_much_again_is_a_copy(kind):
    """Of 40 such copies (MinHash of 64 is an estimate: counted, not each), nearly all are copies;
    by the similarity alone, or without the texts' shingle counts, few are."""
    found = by_similarity = without_counts = 0
    for seed in range(40):
        rng = random.Random(seed)
        source = _words(rng, 400)
        if kind == "excerpt":  # the lead and first paragraphs, then «read on at …»
            copy, original = source[:150] + "Подробнее читайте на сайте Tengrinews.kz".split(), source
        else:  # the whole text, and as much again of background and the site's other headlines
            copy, original = source[:200] + _words(rng, 350), source[:200]
        (a, size_a), (b, size_b) = copies.fingerprint(" ".join(copy)), copies.fingerprint(" ".join(original))
        found += copies.copy_score(a, size_a, b, size_b) is not None
        by_similarity += copies.similarity(a, b) >= copies.COPY_SIMILARITY
        without_counts += copies.copy_score(a, 0, b, 0) is not None
    assert found >= 36 and by_similarity <= 4 and without_counts == by_similarity


@pytest.mark.parametrize("seed", range(8))
def test_a_short_item_quoted_in_a_long_digest_or_another_text_is_not_a_copy(seed):
    rng = random.Random(seed)
    item = _words(rng, 100)
    digest = _words(rng, 120) + item + _words(rng, 120)
    other = _words(rng, 200)
    (a, size_a), (b, size_b), (c, size_c) = (copies.fingerprint(" ".join(text)) for text in (item, digest, other))
    assert copies.overlap(copies.similarity(a, b), size_a, size_b) >= copies.COPY_CONTAINMENT  # all of it is there
    assert size_a < copies.MIN_SIZE_RATIO * size_b
    assert copies.copy_score(a, size_a, b, size_b) is None
    assert copies.copy_score(a, size_a, c, size_c) is None
