"""Comparisons: the level each candidate pair reaches on each field, for millions of pairs at once.

Levels are integers: the index of the level in the comparison's levels, -1 when either value is
missing. Exact agreement is a comparison of integer codes; string similarity (rapidfuzz Jaro-Winkler,
in parallel), nicknames and date rules run once per distinct pair of values.
"""

from __future__ import annotations

import numpy as np
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

from cdp.resolve.columns import Field, distinct_and_inverse
from cdp.resolve.nicknames import NICKNAME_NAMES, is_alias
from cdp.resolve.settings import Comparison

MISSING = -1


def _distinct_pairs(
    left_codes: np.ndarray, right_codes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct unordered value pairs and, for each input pair, the index of its distinct pair."""
    low, high = np.minimum(left_codes, right_codes), np.maximum(left_codes, right_codes)
    width = int(high.max()) + 1 if len(high) else 1
    distinct, inverse = distinct_and_inverse(low * width + high)
    return distinct // width, distinct % width, inverse


def _jaro_winkler(values: list[str], left: np.ndarray, right: np.ndarray) -> np.ndarray:
    if not len(left):
        return np.empty(0)
    if len(left) < 64:  # a thread pool costs more than a few pairs
        return np.array(
            [
                JaroWinkler.normalized_similarity(values[i], values[j])
                for i, j in zip(left, right, strict=True)
            ]
        )
    strings = np.array(values, dtype=object)
    return cpdist(
        strings[left].tolist(), strings[right].tolist(), scorer=JaroWinkler.normalized_similarity, workers=-1
    )


def _date_parts(values: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of ISO dates (0 when unparsable)."""
    parts = np.zeros((len(values), 3), dtype=np.int64)
    for index, value in enumerate(values):
        year, month, day = value[:4], value[5:7], value[8:10]
        if year.isdigit() and month.isdigit() and day.isdigit():
            parts[index] = (int(year), int(month), int(day))
    return parts[:, 0], parts[:, 1], parts[:, 2]


def _one_digit_apart(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    differing = np.zeros(len(left), dtype=np.int64)
    for power in (1, 10, 100, 1000):
        differing += (left // power) % 10 != (right // power) % 10
    return differing == 1


def levels_of_value_pairs(
    comparison: Comparison, values: list[str], a: np.ndarray, b: np.ndarray
) -> np.ndarray:
    """Level index of each pair of different values (codes a[k], b[k] into values); never `exact`."""
    last = len(comparison.levels) - 1
    if comparison.method == "exact":
        return np.full(len(a), last, dtype=np.int8)
    if comparison.method == "date":
        years, months, days = _date_parts(values)
        ly, lm, ld, ry, rm, rd = years[a], months[a], days[a], years[b], months[b], days[b]
        partial = (ly == ry) & ((lm == rm) | ((lm == rd) & (ld == rm)))
        partial |= (lm == rm) & (ld == rd) & _one_digit_apart(ly, ry)
        return np.where(partial, 1, last).astype(np.int8)
    similarity = _jaro_winkler(values, a, b)
    offset = 1 if comparison.method == "name" else 0
    levels = np.where(
        similarity >= comparison.close, 1 + offset, np.where(similarity >= comparison.fuzzy, 2 + offset, last)
    ).astype(np.int8)
    if comparison.method == "name":
        check = _possible_aliases(values, a, b) if len(a) >= 1_000 else np.arange(len(a))
        pairs = zip(a[check].tolist(), b[check].tolist(), strict=True)
        alias = np.fromiter((is_alias(values[i], values[j]) for i, j in pairs), bool, len(check))
        levels[check[alias]] = 1
    return levels


def _possible_aliases(values: list[str], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The pairs that can be aliases at all (a superset of `is_alias`, computed per distinct value):
    two names of the nickname table, an initial (two characters at most), or a compound name."""
    in_table = np.fromiter((value in NICKNAME_NAMES for value in values), bool, len(values))
    short = np.fromiter((len(value.replace(" ", "")) <= 2 for value in values), bool, len(values))
    compound = np.fromiter((len(value.split()) > 1 for value in values), bool, len(values))
    return np.flatnonzero((in_table[a] & in_table[b]) | short[a] | short[b] | compound[a] | compound[b])


def comparison_levels(
    comparison: Comparison, field: Field, left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """The level (index into `comparison.levels`, -1 = missing) of every pair (left[k], right[k])."""
    left_codes, right_codes = field.codes[left], field.codes[right]
    levels = np.full(len(left), MISSING, dtype=np.int8)
    present = (left_codes >= 0) & (right_codes >= 0)
    same = present & (left_codes == right_codes)
    levels[same] = 0
    differ = np.flatnonzero(present & ~same)
    if not len(differ):
        return levels
    a, b = left_codes[differ], right_codes[differ]
    if comparison.method in ("exact", "date"):
        # Already vectorized per pair: finding the distinct value pairs would cost more than it saves.
        levels[differ] = levels_of_value_pairs(comparison, field.values, a, b)
    else:
        low, high, inverse = _distinct_pairs(a, b)
        levels[differ] = levels_of_value_pairs(comparison, field.values, low, high)[inverse]
    return levels


def _crosswise_similarity(
    values: list[str], other_values: list[str], codes: np.ndarray, other_codes: np.ndarray
) -> np.ndarray:
    """Jaro-Winkler of values[codes[k]] and other_values[other_codes[k]], once per distinct pair."""
    if not len(codes):
        return np.empty(0)
    distinct, inverse = distinct_and_inverse(codes * len(other_values) + other_codes)
    strings, other_strings = np.array(values, dtype=object), np.array(other_values, dtype=object)
    similarity = cpdist(
        strings[distinct // len(other_values)].tolist(),
        other_strings[distinct % len(other_values)].tolist(),
        scorer=JaroWinkler.normalized_similarity,
        workers=-1,
    )
    return np.asarray(similarity)[inverse]


def swapped_pairs(
    first: Field, last: Field, left: np.ndarray, right: np.ndarray, threshold: float
) -> np.ndarray:
    """Pairs whose first and last names agree crosswise: one source put them in the wrong columns.

    Only pairs where all four names are present and the direct comparison of the names disagrees
    are checked; crosswise agreement is Jaro-Winkler at or above the threshold on both sides.
    """
    present = (
        (first.codes[left] >= 0)
        & (first.codes[right] >= 0)
        & (last.codes[left] >= 0)
        & (last.codes[right] >= 0)
    )
    check = np.flatnonzero(present & (first.codes[left] != first.codes[right]))
    swapped = np.zeros(len(left), dtype=bool)
    if not len(check):
        return swapped
    # Both crosswise sides must reach the threshold: the second is computed only where the first does.
    one = _crosswise_similarity(first.values, last.values, first.codes[left[check]], last.codes[right[check]])
    check = check[one >= threshold]
    other = _crosswise_similarity(
        last.values, first.values, last.codes[left[check]], first.codes[right[check]]
    )
    swapped[check] = other >= threshold
    return swapped


def probability(total_weight: float | np.ndarray) -> float | np.ndarray:
    """Match probability from a total weight (prior included)."""
    return 1.0 / (1.0 + np.exp2(-np.asarray(total_weight, dtype=np.float64)))
