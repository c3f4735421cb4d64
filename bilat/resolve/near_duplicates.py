"""Near-duplicate documents (syndicated copies) by bottom-k shingle sketches.

Each document keeps the ``SKETCH_SIZE`` smallest hashes of its word 5-grams.
Two sketches estimate the Jaccard similarity of the full shingle sets; the
store finds candidates by shared hashes, so a lookup never scans every text.
"""
from __future__ import annotations

import hashlib
import re

SKETCH_SIZE = 64
SHINGLE_WORDS = 5
DUPLICATE_THRESHOLD = 0.8
_WORD = re.compile(r"\w+")
_MASK = (1 << 63) - 1  # fits a signed 64-bit SQL integer


def sketch(text: str, size: int = SKETCH_SIZE) -> list[int]:
    words = _WORD.findall(text.casefold())
    if len(words) < SHINGLE_WORDS:
        shingles = {" ".join(words)} if words else set()
    else:
        shingles = {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    hashes = {
        int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "big") & _MASK
        for s in shingles
    }
    return sorted(hashes)[:size]


def estimate_similarity(a: list[int], b: list[int], size: int = SKETCH_SIZE) -> float:
    """Jaccard estimate: of the k smallest hashes of the union, the share in both."""
    if not a or not b:
        return 0.0
    set_a, set_b = set(a), set(b)
    union_bottom = sorted(set_a | set_b)[:size]
    both = sum(1 for h in union_bottom if h in set_a and h in set_b)
    return both / len(union_bottom)


def min_shared(size: int = SKETCH_SIZE, threshold: float = DUPLICATE_THRESHOLD) -> int:
    """Fewest shared sketch hashes a candidate needs to be worth estimating."""
    return max(1, int(size * threshold / 2))
