"""Comparisons: the level of agreement of one field between two records, and its weight."""

from __future__ import annotations

import math
from functools import lru_cache

from rapidfuzz.distance import JaroWinkler

from cdp.resolve.settings import Comparison, Level


@lru_cache(maxsize=1_000_000)
def _jaro_winkler(left: str, right: str) -> float:
    return JaroWinkler.similarity(left, right)


def compare(comparison: Comparison, left: str | None, right: str | None) -> Level | None:
    """The level reached by two values, or None when either is missing (no evidence either way)."""
    if not left or not right:
        return None
    levels = {level.name: level for level in comparison.levels}
    if comparison.method == "exact":
        return levels["exact"] if left == right else levels["different"]
    if comparison.method == "date":
        if left == right:
            return levels["exact"]
        # yyyy-mm-dd: same year and month, or day and month swapped by a source with the other order.
        ly, lm, ld = left[:4], left[5:7], left[8:10]
        ry, rm, rd = right[:4], right[5:7], right[8:10]
        if ly == ry and (lm == rm or (lm == rd and ld == rm)):
            return levels["partial"]
        return levels["different"]
    if left == right:
        return levels["exact"]
    similarity = _jaro_winkler(left, right)
    if similarity >= comparison.close:
        return levels["close"]
    if similarity >= comparison.fuzzy:
        return levels["fuzzy"]
    return levels["different"]


def weight(level: Level) -> float:
    """Fellegi-Sunter match weight of a level: log2(m / u)."""
    return math.log2(level.m / level.u)


def probability(total_weight: float) -> float:
    """Match probability from a total weight (prior included)."""
    return 1.0 / (1.0 + 2.0 ** (-total_weight))
