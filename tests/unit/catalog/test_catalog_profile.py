"""Profiler statistics on small hand-made inputs, batching, caps, serialization."""

from __future__ import annotations

import json
import random
from types import MappingProxyType

import pytest
from cdp.catalog import ColumnProfile, FileProfile, Profiler, file_quality

ROWS = [
    {"id": "1", "email": "a@b.fr", "amount": "12,50", "city": "Paris", "d": "31/01/2024"},
    {"id": "2", "email": "NULL", "amount": "3", "city": "Lyon", "d": "01/02/2024"},
    {"id": "3", "email": "", "amount": "-1.5", "city": "Paris", "d": "15/12/2023"},
    {"id": "4", "email": "c@d.com", "amount": None, "city": "paris", "d": None},
    {"id": "5", "email": "a@b.fr", "amount": "100", "city": " N/A ", "d": "02/03/2024"},
]


def profile_of(rows: list[dict[str, str | None]], **options: int) -> FileProfile:
    profiler = Profiler(list(rows[0]) if rows else [], **options)
    profiler.add(rows)
    return profiler.result()


@pytest.fixture(scope="module")
def small() -> FileProfile:
    return profile_of(ROWS)


def test_row_and_null_counts(small: FileProfile) -> None:
    assert small.rows == 5
    counts = {c.name: (c.rows, c.nulls, c.null_rate) for c in small.columns}
    assert counts == {
        "id": (5, 0, 0.0),
        "email": (5, 2, 0.4),  # "NULL" and "" are nulls
        "amount": (5, 1, 0.2),
        "city": (5, 1, 0.2),  # " N/A " is a null
        "d": (5, 1, 0.2),
    }


def test_distinct_and_top_values(small: FileProfile) -> None:
    email, city = small.column("email"), small.column("city")
    assert (email.distinct, email.distinct_approximate) == (2, False)
    assert email.top_values == [("a@b.fr", 2), ("c@d.com", 1)]
    assert city.distinct == 3  # "Paris" and "paris" differ
    assert city.top_values == [("Paris", 2), ("Lyon", 1), ("paris", 1)]
    assert small.column("id").top_values == [("1", 1), ("2", 1), ("3", 1), ("4", 1), ("5", 1)]


def test_physical_types_and_min_max(small: FileProfile) -> None:
    by_name = {c.name: c for c in small.columns}
    assert by_name["id"].physical_type == "integer"
    assert (by_name["id"].min, by_name["id"].max) == ("1", "5")
    assert by_name["amount"].physical_type == "decimal"  # decimal comma included
    assert (by_name["amount"].min, by_name["amount"].max) == ("-1.5", "100")  # numeric, not text, order
    assert by_name["d"].physical_type == "date"
    assert (by_name["d"].min, by_name["d"].max) == ("2023-12-15", "2024-03-02")  # ISO, day first
    assert by_name["d"].date_order == "DMY"
    assert by_name["city"].physical_type == "string"
    assert (by_name["city"].min, by_name["city"].max) == ("Lyon", "paris")  # text order
    assert (by_name["email"].min, by_name["email"].max) == ("a@b.fr", "c@d.com")


def test_lengths_and_patterns(small: FileProfile) -> None:
    email = small.column("email")
    assert (email.min_length, email.max_length) == (6, 7)
    assert email.mean_length == pytest.approx((6 + 7 + 6) / 3, abs=1e-4)
    assert email.patterns == [("a@a.a+", 1.0)]
    assert small.column("id").patterns == [("9", 1.0)]
    assert small.column("d").patterns == [("9{2}/9{2}/9{4}", 1.0)]
    city = small.column("city")
    assert city.patterns == [("Aa+", 0.75), ("a+", 0.25)]


def test_semantic_fields(small: FileProfile) -> None:
    email = small.column("email")
    assert email.semantic_type == "email"
    assert email.pii is True
    # Quality: 3 of 5 filled, all valid.
    assert email.quality == pytest.approx(0.6)
    assert small.column("d").semantic_type == "date"
    assert small.column("amount").pii is False


@pytest.mark.parametrize(
    ("values", "physical", "low", "high"),
    [
        (["true", "false", "TRUE", None], "boolean", "TRUE", "true"),
        (["0", "1", "1"], "boolean", "0", "1"),
        (["10", "9", " 100 ", "-3"], "integer", "-3", "100"),
        (["1,5", "2.25", "10", "-0,5"], "decimal", "-0,5", "10"),
        (["2024-01-31", "2023-05-01", "2024-12-01"], "date", "2023-05-01", "2024-12-01"),
        (["12/31/2024", "01/15/2024"], "date", "2024-01-15", "2024-12-31"),  # only month-first is possible
        (
            ["2024-01-31 10:00:00", "2024-01-31T09:00:00Z", "2023-01-01"],
            "datetime",
            "2023-01-01",
            "2024-01-31T10:00:00",
        ),  # fmt: skip
        (["5 janv. 2024", "1 février 2023"], "date", "2023-02-01", "2024-01-05"),
        (["10", "abc", "9"], "string", "10", "abc"),
        (["31/02/2024", "01/01/2024"], "string", "01/01/2024", "31/02/2024"),  # 31 February is no date
        ([None, "", "null", "  "], "empty", None, None),
    ],
)
def test_physical_type_inference(
    values: list[str | None], physical: str, low: str | None, high: str | None
) -> None:
    column = profile_of([{"x": v} for v in values]).column("x")
    assert column.physical_type == physical
    assert (column.min, column.max) == (low, high)


def test_empty_input() -> None:
    profile = profile_of([])
    assert profile.rows == 0
    assert profile.columns == []
    assert profile.quality == 0.0
    declared = Profiler(["a", "b"]).result()
    assert [c.name for c in declared.columns] == ["a", "b"]
    assert declared.columns[0].physical_type == "empty"
    assert declared.columns[0].null_rate == 0.0


def test_new_columns_are_added_with_earlier_rows_as_nulls() -> None:
    profiler = Profiler(["a"])
    profiler.add([{"a": "1"}, {"a": "2"}])
    profiler.add([{"a": "3", "b": "x"}, {"b": "y", "c": "z"}])
    profile = profiler.result()
    assert [c.name for c in profile.columns] == ["a", "b", "c"]
    assert {c.name: (c.rows, c.nulls) for c in profile.columns} == {"a": (4, 1), "b": (4, 2), "c": (4, 3)}


def test_unusual_cells_are_profiled_as_text() -> None:
    rows = [{"n": 1, "extra": ["a", "b"]}, {"n": 2.5, "extra": None}, MappingProxyType({"n": "3"})]
    profile = profile_of(rows)  # type: ignore[arg-type]
    assert profile.column("n").physical_type == "decimal"
    assert profile.column("n").distinct == 3
    assert profile.column("extra").top_values == [("['a', 'b']", 1)]


def _random_rows(count: int, seed: int = 7) -> list[dict[str, str | None]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        rows.append(
            {
                "id": f"C{i:06d}",
                "city": rng.choice(["Paris", "Lyon", "Brest", None, ""]),
                "amount": f"{rng.randint(0, 9999) / 100:.2f}".replace(".", ","),
                "when": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2000, 2024)}",
                "flag": rng.choice(["oui", "non", "N/A"]),
            }
        )
    return rows


def test_incremental_batches_equal_one_add() -> None:
    rows = _random_rows(30_000)
    whole = Profiler(["id", "city", "amount", "when", "flag"], seed=3)
    whole.add(rows)
    batched = Profiler(["id", "city", "amount", "when", "flag"], seed=3)
    rng, start = random.Random(1), 0
    while start < len(rows):
        size = rng.choice([1, 17, 500, 4096, 9000])
        batched.add(iter(rows[start : start + size]))  # any iterable, even a one-shot generator
        start += size
    assert batched.result().to_dict() == whole.result().to_dict()


def test_same_seed_same_sample_and_profile() -> None:
    rows = _random_rows(5_000)
    first, second = Profiler(["id"], seed=11), Profiler(["id"], seed=11)
    first.add(rows)
    second.add(rows)
    assert first.result() == second.result()


def test_distinct_is_estimated_and_flagged_past_the_cap() -> None:
    rows = [{"v": f"value-{i}", "k": "same"} for i in range(20_000)] + [{"v": "hot", "k": "same"}] * 3000
    profile = profile_of(rows, distinct_cap=1000, top_capacity=50)
    column = profile.column("v")
    assert column.distinct_approximate is True
    assert column.distinct == pytest.approx(20_001, rel=0.05)
    assert column.top_values[0][0] == "hot"  # a heavy hitter survives the bounded summary
    assert 2500 <= column.top_values[0][1] <= 3000  # Misra-Gries counts are lower bounds
    assert profile.column("k").distinct_approximate is False
    under = profile_of(rows[:900], distinct_cap=1000).column("v")
    assert (under.distinct, under.distinct_approximate) == (900, False)


def test_quality_penalizes_duplicate_ids_and_invalid_values() -> None:
    ids = [f"CLI{n:05d}" for n in range(90)] + [f"CLI{n:05d}" for n in range(10)]  # 90 distinct of 100
    profile = profile_of([{"customer_id": v} for v in ids])
    column = profile.column("customer_id")
    assert column.semantic_type == "customer_number"
    assert column.quality == pytest.approx(0.9, abs=1e-3)
    emails = ["a@b.fr", "c@d.fr", "e@f.fr", "broken", None] * 20
    column = profile_of([{"email": v} for v in emails]).column("email")
    assert column.quality == pytest.approx(0.8 * 0.75, abs=1e-3)


def test_file_quality_weights_identifiers_more() -> None:
    profile = profile_of(ROWS)
    assert profile.quality == file_quality(profile.columns)
    assert 0.0 <= profile.quality <= 1.0
    assert file_quality([]) == 0.0


def test_to_dict_from_dict_round_trip_through_json(small: FileProfile) -> None:
    text = json.dumps(small.to_dict())
    restored = FileProfile.from_dict(json.loads(text))
    assert restored == small
    assert isinstance(restored.columns[0].top_values[0], tuple)
    column = ColumnProfile.from_dict({**small.columns[0].to_dict(), "added_later": 1})
    assert column == small.columns[0]


def test_long_values_are_truncated_in_the_sample_only() -> None:
    column = profile_of([{"blob": "x" * 10_000}]).column("blob")
    assert column.max_length == 10_000
    assert column.patterns == [("a+", 1.0)]


def test_result_is_repeatable_and_adding_afterwards_is_allowed() -> None:
    profiler = Profiler(["v"])
    profiler.add({"v": str(i)} for i in range(10))
    first = profiler.result()
    assert profiler.result() == first
    profiler.add([{"v": "10"}])
    assert profiler.result().column("v").rows == 11
    assert profiler.rows == 11
