"""Streaming summaries: HyperLogLog, Misra-Gries, reservoir sampling."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from cdp.catalog.sketch import HyperLogLog, MisraGries, Reservoir, hash64, hash64_many


def test_vectorized_and_scalar_hashes_agree() -> None:
    values = ["a", "Jean Dupont", "é\ud800x", "x" * 300, "€", "12", "😀 emoji", "a\x00b", " "] * 5
    assert [int(h) for h in hash64_many(values)] == [hash64(v) for v in values]
    assert hash64("abc") == hash64("abc") != hash64("abd")
    assert [int(h) for h in hash64_many(["", "a"] * 20)] == [hash64(v) for v in ["", "a"] * 20]


@pytest.mark.parametrize(
    "values",
    [
        [f"CLI{i:07d}" for i in range(50_000)],
        [f"user{i}@example.com" for i in range(30_000)],
        [str(i) for i in range(2_000)],
    ],
)
def test_hyperloglog_estimates_within_a_few_percent(values: list[str]) -> None:
    sketch = HyperLogLog()
    sketch.add_many(values)
    sketch.add_many(values[: len(values) // 2])  # duplicates change nothing
    assert sketch.count() == pytest.approx(len(values), rel=0.03)


def test_hyperloglog_is_batch_invariant() -> None:
    values = [f"v{i}" for i in range(5_000)]
    whole, pieces = HyperLogLog(), HyperLogLog()
    whole.add_many(values)
    for start in range(0, len(values), 7):
        pieces.add_many(values[start : start + 7])  # small batches take the scalar path
    assert (whole.registers == pieces.registers).all()
    assert HyperLogLog().count() == 0
    with pytest.raises(ValueError):
        HyperLogLog(precision=2)


def test_misra_gries_keeps_heavy_hitters_with_bounded_error() -> None:
    rng = random.Random(5)
    stream = ["hot"] * 5_000 + ["warm"] * 2_000 + [f"cold{rng.randint(0, 50_000)}" for _ in range(20_000)]
    rng.shuffle(stream)
    summary = MisraGries(capacity=20)
    for start in range(0, len(stream), 1_000):
        summary.update(Counter(stream[start : start + 1_000]))
    assert len(summary.counts) <= 20
    top = dict(summary.top(2))
    error = len(stream) / 21
    assert set(top) == {"hot", "warm"}
    assert 5_000 - error <= top["hot"] <= 5_000
    assert 2_000 - error <= top["warm"] <= 2_000


def test_reservoir_is_uniform_seeded_and_batch_invariant() -> None:
    values = [str(i) for i in range(10_000)]
    one = Reservoir(100, seed="s")
    one.extend(values)
    split = Reservoir(100, seed="s")
    for start in range(0, len(values), 333):
        split.extend(values[start : start + 333])
    assert one.items == split.items
    assert len(one.items) == 100 and one.seen == 10_000
    other = Reservoir(100, seed="t")
    other.extend(values)
    assert other.items != one.items
    # Uniform: the sample mean is close to the population mean (4999.5, sd of the mean ~ 290).
    assert sum(map(int, one.items)) / 100 == pytest.approx(4_999.5, abs=1_200)
    small = Reservoir(5, seed=0, max_chars=3)
    small.extend(["abcdef", "gh"])
    assert small.items == ["abc", "gh"]
    empty = Reservoir(0)
    empty.extend(values)
    assert empty.items == [] and empty.seen == 10_000
