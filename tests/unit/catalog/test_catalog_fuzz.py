"""Arbitrary input must never make profiling or semantic typing raise."""

from __future__ import annotations

import json

from cdp.catalog import FileProfile, Profiler, analyze_values, detect_semantic_type, propose_mapping
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Text including control characters, lone surrogates, whitespace and look-alikes of real values.
TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec=None), max_size=20),
    st.sampled_from(
        ["", " ", "NULL", "n/a", "12/13/2024", "31/02/2024", "0612345678", "a@b", "€", "1,2,3", "\x00"]
    ),
    st.from_regex(r"[0-9 .,/:+-]{1,20}", fullmatch=True),
)
CELL = st.one_of(st.none(), TEXT)
SETTINGS = settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(header=st.text(max_size=30), values=st.lists(TEXT, max_size=30))
def test_detect_semantic_type_never_raises(header: str, values: list[str]) -> None:
    semantic_type, confidence = detect_semantic_type(header, values)
    assert 0.0 <= confidence <= 1.0
    analysis = analyze_values(header, values)
    assert 0.0 <= analysis.validity <= 1.0


@SETTINGS
@given(
    columns=st.lists(st.text(max_size=12), min_size=1, max_size=4, unique=True),
    batches=st.lists(st.lists(st.lists(CELL, min_size=4, max_size=4), max_size=12), max_size=3),
    extra=st.dictionaries(st.text(max_size=5), CELL, max_size=2),
)
def test_profiler_never_raises(
    columns: list[str], batches: list[list[list[str | None]]], extra: dict
) -> None:
    profiler = Profiler(columns, sample_size=20, distinct_cap=5)
    for batch in batches:
        profiler.add([{**dict(zip(columns, cells, strict=False)), **extra} for cells in batch])
    profile = profiler.result()
    assert profile.rows == sum(len(batch) for batch in batches)
    for column in profile.columns:
        assert 0 <= column.nulls <= column.rows == profile.rows
        assert 0.0 <= column.quality <= 1.0
    restored = FileProfile.from_dict(json.loads(json.dumps(profile.to_dict())))
    assert restored.rows == profile.rows
    propose_mapping(profile)
