"""Blocking: candidate pairs from records sharing a key, with a cap on block size.

A block larger than the cap is split with the rule's finer keys (e.g. "martin marie" by postcode, then
by birth date) instead of exploding quadratically; a block still too large is skipped and counted.
Everything is integer arrays: a million records block in seconds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from cdp.resolve.columns import Field, combine_around, distinct_sorted
from cdp.resolve.settings import BlockingRule


@dataclass
class BlockingReport:
    """What blocking produced: distinct candidate pairs, pairs per rule (a pair two rules find counts
    in both), blocks split or skipped."""

    candidate_pairs: int = 0
    pairs_per_rule: dict[str, int] = field(default_factory=dict)
    refined_blocks: dict[str, int] = field(default_factory=dict)
    oversized_blocks: dict[str, int] = field(default_factory=dict)
    # With touching records: per record, whether it is in a block they pushed over its cap (at any level).
    pushed_over_cap: np.ndarray | None = None


def pairs_within_groups(
    keys: np.ndarray, max_block_size: int, touching: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All (i, j), i < j, of records with the same non-negative key, in blocks of at most the cap.

    With `touching` (a mask per record), only the pairs with at least one such record, generated from
    those records (cost: their blocks' sizes, not the blocks' squares).

    Returns:
        left and right record indexes of the pairs, and the indexes of records in oversized blocks.
    """
    records = np.flatnonzero(keys >= 0)
    order = records[np.argsort(keys[records], kind="stable")]
    sorted_keys = keys[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]) if len(order) else order
    sizes = np.diff(np.r_[starts, len(order)])
    lefts: list[np.ndarray] = []
    rights: list[np.ndarray] = []
    if touching is None:
        # Blocks of one size share one triangle of offsets: one vectorized step per distinct size.
        for size in np.flatnonzero(np.bincount(sizes[(sizes >= 2) & (sizes <= max_block_size)])):
            first, second = np.triu_indices(int(size), k=1)
            block_starts = starts[sizes == size]
            lefts.append(order[(block_starts[:, None] + first[None, :]).ravel()])
            rights.append(order[(block_starts[:, None] + second[None, :]).ravel()])
    else:
        block_of = np.repeat(np.arange(len(starts)), sizes)  # per sorted position
        block_size = sizes[block_of]
        mine = np.flatnonzero(touching[order] & (block_size >= 2) & (block_size <= max_block_size))
        # Each touching record with every member of its block, one vectorized step per block size.
        for size in np.flatnonzero(np.bincount(block_size[mine])):
            these = mine[block_size[mine] == size]
            partners = order[(starts[block_of[these]][:, None] + np.arange(size)[None, :]).ravel()]
            owners = np.repeat(order[these], size)
            # A pair of two touching records is generated from both: kept once, from the smaller.
            keep = (owners != partners) & (~touching[partners] | (owners < partners))
            lefts.append(owners[keep])
            rights.append(partners[keep])
    oversized = np.flatnonzero(sizes > max_block_size)
    oversized_records = (
        np.concatenate([order[starts[b] : starts[b] + sizes[b]] for b in oversized])
        if len(oversized)
        else np.empty(0, dtype=np.int64)
    )
    if not lefts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), oversized_records
    left, right = np.concatenate(lefts), np.concatenate(rights)
    return np.minimum(left, right), np.maximum(left, right), oversized_records


def blocks_touching(keys: np.ndarray, touching: np.ndarray | None) -> np.ndarray:
    """The keys with every block that holds no touching record dropped (-1); blocks kept are whole, so
    their size, the cap and the refinement are what a run over every record sees."""
    if touching is None:
        return keys
    wanted = distinct_sorted(keys[touching & (keys >= 0)])
    return np.where(np.isin(keys, wanted, assume_unique=False), keys, -1)


def _rule_pairs(
    rule: BlockingRule,
    fields: Mapping[str, Field],
    max_block_size: int,
    report: BlockingReport,
    touching: np.ndarray | None = None,
) -> np.ndarray:
    """Encoded pairs (i * size + j) of one rule, refining oversized blocks with the finer keys."""
    size = len(next(iter(fields.values())).codes)
    if rule.max_block_size is not None:
        max_block_size = min(max_block_size, rule.max_block_size)
    # Around the touching records: only the blocks that hold one of them.
    keys = combine_around([fields[name] for name in rule.fields], touching)
    encoded: list[np.ndarray] = []
    refinements = list(rule.refine)
    used = list(rule.fields)
    while True:
        left, right, oversized = pairs_within_groups(keys, max_block_size, touching)
        encoded.append(left * size + right)
        if touching is not None and report.pushed_over_cap is not None:
            report.pushed_over_cap |= pushed_over_cap(keys, max_block_size, touching)
        if not len(oversized):
            break
        if not refinements:
            report.oversized_blocks[rule.name] = len(distinct_sorted(keys[oversized]))
            break
        report.refined_blocks[rule.name] = report.refined_blocks.get(rule.name, 0) + len(
            distinct_sorted(keys[oversized])
        )
        used.append(refinements.pop(0))
        in_oversized = np.zeros(size, dtype=bool)
        in_oversized[oversized] = True
        finer = combine_around([fields[name] for name in used], in_oversized)
        keys = np.full(size, -1, dtype=np.int64)
        keys[oversized] = finer[oversized]
        keys = blocks_touching(keys, touching)
    return np.concatenate(encoded)


def candidate_pairs(
    fields: Mapping[str, Field],
    rules: Sequence[BlockingRule],
    max_block_size: int,
    touching: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, BlockingReport]:
    """Distinct pairs (i < j) of records that agree on every field of at least one rule.

    Args:
        fields: field name -> factorized field; records missing any field of a rule are not blocked by it.
        rules: blocking rules, each with optional finer keys for oversized blocks.
        max_block_size: the cap on records per block.
        touching: when given (a mask per record), only the pairs involving one of these records, from
            the blocks they are in: what an incremental run adds (the same pairs a run over every record
            finds for them).

    Returns:
        Sorted left and right record indexes of the pairs, and a report.
    """
    size = len(next(iter(fields.values())).codes) if fields else 0
    report = BlockingReport(pushed_over_cap=None if touching is None else np.zeros(size, dtype=bool))
    per_rule: list[np.ndarray] = []
    for rule in rules:
        rule_pairs = _rule_pairs(rule, fields, max_block_size, report, touching)
        report.pairs_per_rule[rule.name] = len(rule_pairs)
        per_rule.append(rule_pairs)
    distinct = distinct_sorted(np.concatenate(per_rule)) if per_rule else np.empty(0, dtype=np.int64)
    report.candidate_pairs = len(distinct)
    return distinct // max(size, 1), distinct % max(size, 1), report


def pushed_over_cap(keys: np.ndarray, max_block_size: int, touching: np.ndarray) -> np.ndarray:
    """Records in the blocks that the touching records push over the cap: within it without them.

    A pair found in a block before is lost only if that block was pushed over its cap; counting a
    changed record as new in its block only adds blocks to check again.
    """
    present = keys >= 0
    total = np.bincount(keys[present], minlength=int(keys.max(initial=0)) + 1)
    added = np.bincount(keys[present & touching], minlength=len(total))
    pushed = (total > max_block_size) & (total - added <= max_block_size)
    return present & pushed[np.maximum(keys, 0)]


def block_sizes(keys: np.ndarray) -> np.ndarray:
    """Per record, how many records share its key (0 when it has none)."""
    present = keys >= 0
    counts = np.bincount(keys[present], minlength=int(keys.max(initial=0)) + 1)
    return np.where(present, counts[np.maximum(keys, 0)], 0)


def found_by_rules(
    fields: Mapping[str, Field],
    rules: Sequence[BlockingRule],
    max_block_size: int,
    left: np.ndarray,
    right: np.ndarray,
) -> np.ndarray:
    """Per pair, whether blocking over every record of `fields` finds it: the pair shares a rule's key
    at the first of the rule's levels (its fields, then each finer key added) whose block is within the
    cap. Records added to a block can push it over the cap: a pair found before may be found no more.
    """
    found = np.zeros(len(left), dtype=bool)
    # Only the blocks of the pairs' records are counted: keys elsewhere are not computed.
    paired = np.zeros(len(next(iter(fields.values())).codes), dtype=bool)
    paired[left] = True
    for rule in rules:
        cap = max_block_size if rule.max_block_size is None else min(max_block_size, rule.max_block_size)
        used = list(rule.fields)
        # Pairs still sharing the keys of every level so far, their blocks all over the cap.
        pending = np.ones(len(left), dtype=bool)
        for finer in [None, *rule.refine]:
            if finer is not None:
                used.append(finer)
            keys = combine_around([fields[name] for name in used], paired)
            pending &= (keys[left] >= 0) & (keys[left] == keys[right])
            within = block_sizes(keys)[left] <= cap
            found |= pending & within
            pending &= ~within
    return found


def pairs_left_behind(
    before: Mapping[str, Field],
    after: Mapping[str, Field],
    rules: Sequence[BlockingRule],
    max_block_size: int,
    fresh: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of unchanged records that blocking finds after some records changed and not before: a
    changed record that leaves a block over its cap can bring it back within the cap, and a full run
    then pairs the records it left behind, none of them fresh.

    Args:
        before: the fields of the stored records as they were (changed ones in their old version).
        after: the fields of every record now (stored ones first, changed ones in place, new ones after).
        rules, max_block_size: the blocking.
        fresh: per record of `after`, whether it is new or changed.

    Returns:
        Sorted left and right records of those pairs (none when no stored record changed).
    """
    stored = len(next(iter(before.values())).codes) if before else 0
    changed = np.zeros(stored, dtype=bool)
    changed[: min(stored, len(fresh))] = fresh[:stored]
    empty = np.empty(0, dtype=np.int64)
    if not changed.any():
        return empty, empty
    # The records that shared a first-level key with a changed record's old version: only their pairs
    # can differ (blocks a changed record joined only grow, losing pairs, see `pushed_over_cap`).
    near = np.zeros(stored, dtype=bool)
    for rule in rules:
        near |= combine_around([before[name] for name in rule.fields], changed) >= 0
    near &= ~changed
    if not near.any():
        return empty, empty
    touching = np.zeros(len(fresh), dtype=bool)
    touching[:stored] = near
    now_left, now_right, _ = candidate_pairs(after, rules, max_block_size, touching)
    then_left, then_right, _ = candidate_pairs(before, rules, max_block_size, near)
    unchanged = ~fresh[now_left] & ~fresh[now_right]
    size = len(fresh)
    gained = np.setdiff1d(now_left[unchanged] * size + now_right[unchanged], then_left * size + then_right)
    return gained // size, gained % size
