"""The resolve engine's fast paths give exactly what the straightforward computation gives."""

from __future__ import annotations

import gc

import numpy as np
import pyarrow as pa
from cdp.resolve import CONTACT_SETTINGS, resolve_records
from cdp.resolve.columns import Field, factorize
from cdp.resolve.compare import comparison_levels, levels_of_value_pairs, swapped_pairs
from cdp.resolve.nicknames import NICKNAME_NAMES, is_alias
from cdp.resolve.training import distinct_patterns
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import JaroWinkler

NAMES = sorted(NICKNAME_NAMES)[:40] + ["m", "jp", "j p", "marie helene", "jean pierre", "x", "anne marie"]


def test_distinct_patterns_are_the_sorted_distinct_rows_with_their_counts() -> None:
    # Given level matrices with missing values (-1), small and wide
    rng = np.random.default_rng(3)
    for columns in (1, 3, 8):
        levels = rng.integers(-1, 4, size=(5_000, columns)).astype(np.int8)
        # When the patterns are counted
        patterns, counts = distinct_patterns(levels)
        # Then they are numpy's distinct rows (lexicographic order) and their counts
        expected, expected_counts = np.unique(levels, axis=0, return_counts=True)
        assert np.array_equal(patterns, expected)
        assert np.array_equal(counts, expected_counts.astype(np.float64))
        assert patterns.dtype == levels.dtype


def test_distinct_patterns_beyond_the_countable_space_fall_back_to_sorting() -> None:
    # Given 20 comparisons of 5 levels: 6**20 possible patterns, too many to count in an array
    levels = np.random.default_rng(4).integers(-1, 5, size=(2_000, 20)).astype(np.int8)
    patterns, counts = distinct_patterns(levels)
    expected, expected_counts = np.unique(levels, axis=0, return_counts=True)
    assert np.array_equal(patterns, expected) and counts.sum() == 2_000


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)), min_size=1, max_size=1_500))
def test_first_name_levels_on_many_pairs_equal_the_pair_by_pair_levels(pairs: list[tuple[str, str]]) -> None:
    # Given first-name pairs (nicknames, initials, compound names), enough to take the filtered path
    comparison = CONTACT_SETTINGS.comparison("first_name_key")
    values = sorted({name for pair in pairs for name in pair})
    code = {value: k for k, value in enumerate(values)}
    a = np.array([code[x] for x, _ in pairs] * 2)
    b = np.array([code[y] for _, y in pairs] * 2)
    # When levels are computed for all pairs at once (over 1,000: aliases checked on a filtered set)
    many = levels_of_value_pairs(comparison, values, a, b)
    # Then each pair has the level it gets alone
    single = [levels_of_value_pairs(comparison, values, a[k : k + 1], b[k : k + 1])[0] for k in range(len(a))]
    assert many.tolist() == [int(level) for level in single]
    assert all((many[k] == 1) >= is_alias(values[a[k]], values[b[k]]) for k in range(len(a)))


def _field(values: list[str | None]) -> Field:
    return factorize(pa.array(values, pa.string()))


def test_exact_and_date_levels_need_no_distinct_value_pairs() -> None:
    # Given e-mails and birth dates with repeats, missing values and typos
    emails = _field(["a@x.fr", "b@x.fr", None, "a@x.fr", "c@y.fr"])
    dates = _field(["1985-03-12", "1985-12-03", "1986-03-12", None, "1990-07-01"])
    left, right = np.array([0, 0, 0, 1, 2, 0]), np.array([1, 3, 4, 4, 3, 2])
    # When levels are computed
    email_levels = comparison_levels(CONTACT_SETTINGS.comparison("email_key"), emails, left, right)
    date_levels = comparison_levels(CONTACT_SETTINGS.comparison("birth_date"), dates, left, right)
    # Then exact is 0, different the last level, missing -1; dates reach partial on swapped day/month
    assert email_levels.tolist() == [1, 0, 1, 1, -1, -1]
    assert date_levels.tolist() == [1, -1, 2, 2, -1, 1]


def test_swapped_names_are_the_pairs_agreeing_crosswise_on_both_sides() -> None:
    first = _field(["marie", "dupont", "marie", "jean", "dupond"])
    last = _field(["dupont", "marie", "martin", "dupont", "mary"])
    left, right = np.array([0, 0, 0, 1, 0]), np.array([1, 2, 3, 3, 4])
    swapped = swapped_pairs(first, last, left, right, 0.92)
    expected = [
        JaroWinkler.normalized_similarity(first.value(i), last.value(j)) >= 0.92
        and JaroWinkler.normalized_similarity(last.value(i), first.value(j)) >= 0.92
        and first.value(i) != first.value(j)
        for i, j in zip(left, right, strict=True)
    ]
    assert swapped.tolist() == expected and expected[0] and not all(expected)


def test_resolving_leaves_the_garbage_collector_as_it_found_it() -> None:
    table = pa.table(
        {
            "source": ["crm", "web", "crm"],
            "source_id": ["1", "2", "3"],
            "first_name_key": ["marie", "marie", "jean"],
            "last_name_key": ["dupont", "dupont", "durand"],
            "email_key": ["m@x.fr", "m@x.fr", None],
        }
    )
    assert gc.isenabled()
    resolve_records(table, CONTACT_SETTINGS)
    assert gc.isenabled()
    gc.disable()
    try:
        resolve_records(table, CONTACT_SETTINGS)
        assert not gc.isenabled()
    finally:
        gc.enable()
