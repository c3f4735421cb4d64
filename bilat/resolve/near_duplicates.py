"""Near-duplicate documents (syndicated copies) by bottom-k shingle sketches.

Each document keeps the ``SKETCH_SIZE`` smallest hashes of its word 5-grams
and the number of distinct 5-grams. Two sketches estimate the Jaccard
similarity of the full shingle sets, and from it how much of the smaller text
the larger one contains. The store finds candidates by shared hashes, so a
lookup never scans every stored text.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

SKETCH_SIZE = 64
SHINGLE_WORDS = 5
# A copy shares almost all its text with the original...
MIN_JACCARD = 0.8
# ...or keeps most of it while adding or dropping a few lines ("This article
# first appeared in ...", a sources line), provided the two are of similar
# length: a long article that quotes a short one whole is not a copy of it.
MIN_CONTAINMENT = 0.8
MIN_LENGTH_RATIO = 0.75
_WORD = re.compile(r"\w+")
_MASK = (1 << 63) - 1  # fits a signed 64-bit SQL integer


@dataclass(frozen=True)
class Sketch:
    hashes: list[int]
    shingles: int  # distinct shingles in the whole text


def sketch(text: str, size: int = SKETCH_SIZE) -> Sketch:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        shingles = {" ".join(words)} if words else set()
    else:
        shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    hashes = {
        int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big") & _MASK
        for s in shingles
    }
    return Sketch(sorted(hashes)[:size], len(hashes))


def jaccard(a: Sketch, b: Sketch, size: int = SKETCH_SIZE) -> float:
    """Of the k smallest hashes of the union, the share found in both."""
    if not a.hashes or not b.hashes:
        return 0.0
    set_a, set_b = set(a.hashes), set(b.hashes)
    union_bottom = sorted(set_a | set_b)[:size]
    both = sum(1 for h in union_bottom if h in set_a and h in set_b)
    return both / len(union_bottom)


def containment(a: Sketch, b: Sketch, similarity: float) -> float:
    """Estimated share of the smaller text's shingles found in the other."""
    smaller = min(a.shingles, b.shingles)
    if not smaller:
        return 0.0
    shared = similarity / (1 + similarity) * (a.shingles + b.shingles)
    return min(1.0, shared / smaller)


def near_duplicate(a: Sketch, b: Sketch) -> float | None:
    """The Jaccard estimate if ``a`` and ``b`` are copies of one text, else None."""
    similarity = jaccard(a, b)
    if similarity >= MIN_JACCARD:
        return similarity
    ratio = min(a.shingles, b.shingles) / max(a.shingles, b.shingles, 1)
    if ratio >= MIN_LENGTH_RATIO and containment(a, b, similarity) >= MIN_CONTAINMENT:
        return similarity
    return None


def min_shared(size: int = SKETCH_SIZE) -> int:
    """Fewest shared sketch hashes a candidate needs to be worth a closer look
    (Jaccard 0.5 shares about a third of the bottom-k hashes)."""
    return max(1, size // 4)
