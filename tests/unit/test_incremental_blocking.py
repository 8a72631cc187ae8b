"""What makes an incremental run equal to a full run on the union: pairs generated only for the fresh
records, earlier pairs a grown block no longer yields, and term frequencies kept with the model."""

from __future__ import annotations

import numpy as np
import pytest
from cdp.resolve import CONTACT_SETTINGS
from cdp.resolve.blocking import (
    block_sizes,
    candidate_pairs,
    found_by_rules,
    pairs_left_behind,
    pairs_within_groups,
    pushed_over_cap,
)
from cdp.resolve.columns import Field, combine, combine_around
from cdp.resolve.settings import BlockingRule
from cdp.resolve.training import Model, prior_model, term_frequencies


def _field(values: list[str | None]) -> Field:
    distinct = sorted({v for v in values if v is not None})
    return Field(np.array([distinct.index(v) if v is not None else -1 for v in values]), distinct)


def _pairs(left: np.ndarray, right: np.ndarray) -> set[tuple[int, int]]:
    return set(zip(left.tolist(), right.tolist(), strict=True))


def test_pairs_of_touching_records_are_the_pairs_of_a_full_run_that_hold_one() -> None:
    # Given blocks of several sizes, one over the cap, and a few touching records
    rng = np.random.default_rng(1)
    keys = rng.integers(-1, 12, 200)
    touching = np.zeros(200, dtype=bool)
    touching[rng.choice(200, 15, replace=False)] = True
    # When pairs are generated from the touching records only
    left, right, oversized = pairs_within_groups(keys, 20, touching)
    # Then they are exactly the full run's pairs that hold a touching record, each once
    full_left, full_right, full_oversized = pairs_within_groups(keys, 20)
    mine = touching[full_left] | touching[full_right]
    assert len(left) == len(_pairs(left, right)) == int(mine.sum()) > 0
    assert _pairs(left, right) == _pairs(full_left[mine], full_right[mine])
    assert set(oversized.tolist()) == set(full_oversized.tolist())


def test_a_pair_whose_block_grows_over_the_cap_is_found_only_if_the_finer_key_still_holds_it() -> None:
    # Given a name block of three records, two sharing a postcode, under a cap of three
    rule = BlockingRule(("name",), refine=("postcode",))
    base = {"name": _field(["martin"] * 3), "postcode": _field(["75001", "75001", "69000"])}
    pairs = (np.array([0, 0]), np.array([1, 2]))
    assert found_by_rules(base, [rule], 3, *pairs).tolist() == [True, True]
    # When a fourth "martin" pushes the block over the cap
    union = {"name": _field(["martin"] * 4), "postcode": _field(["75001", "75001", "69000", "13000"])}
    # Then only the pair the postcode refinement still blocks is found, as a full run on the union finds
    assert found_by_rules(union, [rule], 3, *pairs).tolist() == [True, False]
    left, right, _ = candidate_pairs(union, [rule], 3)
    assert _pairs(left, right) == {(0, 1)}


def test_a_saved_model_weighs_values_by_the_frequencies_it_was_first_applied_with() -> None:
    # Given a model applied to 20,000 records where "martin" is one last name in four, the others unique
    settings = CONTACT_SETTINGS
    c = settings.comparison_index("last_name_key")
    names = ["martin"] * 5_000 + [f"name{i}" for i in range(15_000)]
    model = prior_model(settings, len(names))
    fields = {comparison.field: _field([None] * len(names)) for comparison in settings.comparisons}
    fields["last_name_key"] = _field(names)
    term_frequencies(settings, fields, model)
    # When it is saved and applied to a union where "martin" is one in two, and a new value appears
    saved = Model.from_dict(model.to_dict(settings), settings)
    union = {**fields, "last_name_key": _field(names + ["martin"] * 20_000 + ["newcomer"])}
    term_frequencies(settings, union, saved)
    # Then "martin" keeps its frequency, and values under the floor (rare or unseen) are not kept
    values = union["last_name_key"].values
    assert saved.term_frequencies[c][values.index("martin")] == 0.25
    assert saved.term_frequencies[c][values.index("newcomer")] == 0.0
    assert set(model.to_dict(settings)["term_frequencies"]["last_name_key"]) == {"martin"}


@pytest.mark.parametrize("unused_values", [0, 2**21], ids=["one-integer-keys", "too-many-combinations"])
def test_keys_around_some_records_are_the_full_keys_of_every_record_that_can_share_them(
    unused_values: int,
) -> None:
    # Given three fields over 3,000 records and a few records to key around (with values no record
    # holds, so many that their combinations no longer fit one integer)
    rng = np.random.default_rng(5)
    fields = [
        _field([None if v < 0 else f"{name}{v}" for v in rng.integers(-1, count, 3000).tolist()])
        for name, count in (("f", 30), ("p", 40), ("c", 3))
    ]
    fields = [Field(field.codes, field.values + ["unused"] * unused_values) for field in fields]
    around = np.zeros(3000, dtype=bool)
    around[rng.choice(3000, 25, replace=False)] = True
    # When the keys are combined around them only
    keys, full = combine_around(fields, around), combine(fields)
    # Then a record has a key exactly when it shares one with them, grouped as the full keys group
    shares = np.isin(full, full[around & (full >= 0)])
    assert ((keys >= 0) == shares).all() and shares.sum() > 25
    kept = keys >= 0
    assert len({(a, b) for a, b in zip(keys[kept], full[kept], strict=True)}) == len(set(keys[kept].tolist()))
    # And the blocks around them have their full size
    assert (block_sizes(keys)[around] == block_sizes(full)[around]).all()


def test_the_blocks_pushed_over_the_cap_are_those_within_it_without_the_touching_records() -> None:
    # Given blocks 0 (two records), 1 (three records) and 2 (five records), a cap of three, and touching
    # records: one new in block 0, one new in block 1, one in block 2 (over the cap already)
    keys = np.array([0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, -1])
    touching = np.zeros(len(keys), dtype=bool)
    touching[[2, 6, 11]] = True
    # When the blocks they push over the cap are found
    pushed = pushed_over_cap(keys, 3, touching)
    # Then only block 1 is: block 0 stays within the cap and block 2 was over it before
    assert np.flatnonzero(pushed).tolist() == [3, 4, 5, 6]


def test_blocking_around_fresh_records_reports_the_blocks_they_pushed_over_a_cap() -> None:
    # Given a "martin" block at the cap, and a fifth martin with another postcode
    rule = BlockingRule(("name",), refine=("postcode",))
    fields = {"name": _field(["martin"] * 5), "postcode": _field(["1", "1", "2", "3", "4"])}
    fresh = np.array([False, False, False, False, True])
    # When the fresh record is blocked
    left, right, report = candidate_pairs(fields, [rule], 4, touching=fresh)
    # Then it finds no pair (its postcode is its own) and the block it pushed over the cap is reported
    assert len(left) == 0
    assert report.pushed_over_cap is not None and report.pushed_over_cap.all()
    # And of the earlier pairs, only the one the postcode still blocks is found
    assert found_by_rules(fields, [rule], 4, np.array([0, 0]), np.array([1, 2])).tolist() == [True, False]


def test_pairs_left_behind_are_those_a_changed_record_brings_back_within_the_cap() -> None:
    # Given four "martin" under a cap of three, refined by postcode: only 0 and 1 share one
    rule = BlockingRule(("name",), refine=("postcode",))
    before = {"name": _field(["martin"] * 4), "postcode": _field(["75001", "75001", "69000", "13000"])}
    assert _pairs(*candidate_pairs(before, [rule], 3)[:2]) == {(0, 1)}
    # When record 3 changes its name and a new "durand" comes
    after = {
        "name": _field(["martin", "martin", "martin", "durand", "durand"]),
        "postcode": _field(["75001", "75001", "69000", "13000", "13000"]),
    }
    fresh = np.array([False, False, False, True, True])
    left, right = pairs_left_behind(before, after, [rule], 3, fresh)
    # Then the block of the three others is within the cap: their pairs a full run now finds and the
    # stored state did not are the ones left behind (pairs with fresh records come from blocking them)
    assert _pairs(left, right) == {(0, 2), (1, 2)}
    full = _pairs(*candidate_pairs(after, [rule], 3)[:2])
    assert _pairs(left, right) == {p for p in full if not fresh[list(p)].any()} - {(0, 1)}
