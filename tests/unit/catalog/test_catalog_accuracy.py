"""Semantic typing accuracy on the labelled synthetic set (tests/fixtures/semantic_columns.py).

`bench/bench_semantic_accuracy.py` prints the detailed report (per-type precision / recall, confusions).
"""

from __future__ import annotations

from collections import Counter

from cdp.catalog import SEMANTIC_TYPES, detect_semantic_type

from tests.fixtures.semantic_columns import build_columns


def test_labelled_set_is_large_and_varied() -> None:
    columns = build_columns()
    assert len(columns) >= 120
    labels = Counter(column["label"] for column in columns)
    assert set(labels) - {None} == set(SEMANTIC_TYPES)
    kinds = Counter(column["kind"] for column in columns)
    assert {"fr", "en", "generic", "misleading", "hard"} <= set(kinds)
    assert build_columns() == columns  # seeded: identical on every run


def test_semantic_accuracy_is_at_least_90_percent() -> None:
    columns = build_columns()
    misses = []
    for column in columns:
        predicted, _ = detect_semantic_type(column["header"], column["values"])
        if predicted != column["label"]:
            misses.append((column["header"], column["label"], predicted))
    accuracy = 1 - len(misses) / len(columns)
    assert accuracy >= 0.9, misses
    # Misleading headers must not fool the value-first detection.
    misleading = [c for c in columns if c["kind"] == "misleading"]
    fooled = [m for m in misses if m[0] in {c["header"] for c in misleading}]
    assert len(fooled) <= len(misleading) * 0.1
