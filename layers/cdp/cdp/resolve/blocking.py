"""Blocking: candidate pairs from records sharing a key, with a cap on block size.

A block larger than the cap is skipped for that rule (counted in the report): the other, finer rules
still pair its records, and a block of thousands of "Martin" records never explodes quadratically.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations


@dataclass
class BlockingReport:
    """What blocking produced, per rule."""

    candidate_pairs: int = 0
    pairs_per_rule: dict[str, int] = field(default_factory=dict)
    oversized_blocks: dict[str, int] = field(default_factory=dict)


def candidate_pairs(
    columns: Mapping[str, Sequence[str | None]],
    rules: Sequence[Sequence[str]],
    max_block_size: int,
) -> tuple[set[tuple[int, int]], BlockingReport]:
    """Pairs (i, j), i < j, of records that agree on every field of at least one rule.

    Args:
        columns: field name -> one value per record (None or "" means missing).
        rules: each rule is the tuple of fields forming a key; records missing any of them are not blocked.
        max_block_size: blocks with more records than this are skipped for that rule.
    """
    size = len(next(iter(columns.values()))) if columns else 0
    pairs: set[tuple[int, int]] = set()
    report = BlockingReport()
    for rule in rules:
        name = "+".join(rule)
        blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
        rule_columns = [columns[f] for f in rule]
        for index in range(size):
            key = tuple(column[index] or "" for column in rule_columns)
            if all(key):
                blocks[key].append(index)
        before = len(pairs)
        oversized = 0
        for members in blocks.values():
            if len(members) > max_block_size:
                oversized += 1
                continue
            pairs.update(combinations(members, 2))
        report.pairs_per_rule[name] = len(pairs) - before
        report.oversized_blocks[name] = oversized
    report.candidate_pairs = len(pairs)
    return pairs, report
