"""Clustering that does not chain.

Connected components over the accepted links lets one weak bridge glue two households or two
namesakes together. Here links are applied strongest first (deterministic rules before any score) and
a merge of two clusters is refused when it would

* put two different values of a conflict field (e.g. two valid birth dates) in one cluster,
* join values of a compatible field that have no compatible partner on the other side (a "jean" and
  a "marie" joined through a record without a first name), or
* grow the cluster past the size guard.

Deterministic links (a rule the user stated) skip the two evidence checks, not the size guard; so does
a link between two single records, whose own comparisons and vetoes already weighed their values.

Manual overrides come on top: force-linked records are joined before any other link, whatever the
evidence and the size guard, and no merge ever puts two force-separated records in one cluster, even
through a chain of other records.

Most connected components of the links cannot refuse a merge at all: no override, no more records than
the guard, at most one value of each conflict and compatible field. Each becomes one cluster at once
(column-wise); only the others go through the link-by-link loop, whose order matters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class ClusterReport:
    """What clustering refused, and the largest clusters."""

    refused_conflict: int = 0
    refused_incompatible: int = 0
    refused_size: int = 0
    refused_separated: int = 0
    largest: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class CompatibleField:
    """Codes per record (-1 missing) and whether two distinct codes may belong to one entity."""

    codes: np.ndarray
    compatible: Callable[[int, int], bool]


def cluster(
    size: int,
    left: np.ndarray,
    right: np.ndarray,
    strength: np.ndarray,
    conflicts: Sequence[np.ndarray] = (),
    compatibles: Sequence[CompatibleField] = (),
    max_cluster_size: int = 50,
    deterministic: np.ndarray | None = None,
    force_linked: Sequence[tuple[int, int]] = (),
    force_separated: Sequence[tuple[int, int]] = (),
) -> tuple[np.ndarray, ClusterReport]:
    """Assign a cluster label to each of `size` records.

    Args:
        size: number of records.
        left, right, strength: the accepted links and their weights; applied by decreasing strength.
        conflicts: per conflict field, codes per record (-1 missing).
        compatibles: fields whose distinct values in one cluster must be pairwise compatible.
        max_cluster_size: a merge that would exceed this many records is refused.
        deterministic: per link, whether a deterministic rule or an agreeing personal identifier made it
            (applied first, no evidence checks).
        force_linked: record pairs a person joined (applied before everything, no checks but separations).
        force_separated: record pairs a person separated: never in one cluster.

    Returns:
        The label of every record (the smallest record index of its cluster) and a report.
    """
    forced = deterministic if deterministic is not None else np.zeros(len(left), dtype=bool)
    overridden = np.array([i for pair in [*force_linked, *force_separated] for i in pair], dtype=np.int64)
    component = connected_components(
        size, np.r_[left, overridden[0::2]].astype(np.int64), np.r_[right, overridden[1::2]].astype(np.int64)
    )
    settled = _settled(
        component, overridden, [*conflicts, *(item.codes for item in compatibles)], max_cluster_size
    )
    # The links of the other components, in the order they are applied.
    looped = np.flatnonzero(~settled[left])
    order = looped[np.lexsort((right[looped], left[looped], -strength[looped], ~forced[looped]))]
    separated_from: dict[int, set[int]] = defaultdict(set)
    for a, b in force_separated:
        separated_from[a].add(b)
        separated_from[b].add(a)
    # Per cluster root, its members that have a force-separated partner.
    guarded: dict[int, set[int]] = {i: {i} for i in separated_from}
    parent = list(range(size))
    members: dict[int, list[int]] = {}
    conflict_codes = [codes.tolist() for codes in conflicts]
    compatible_codes = [item.codes.tolist() for item in compatibles]
    report = ClusterReport()

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def values(codes: list[int], root: int) -> set[int]:
        return {codes[i] for i in members.get(root, (root,))} - {-1}

    def conflicting(a: int, b: int) -> bool:
        for codes in conflict_codes:
            held_a, held_b = values(codes, a), values(codes, b)
            # A value one side lacks is a new conflict (a cluster a forced link made mixed stays so).
            if len(held_a | held_b) > max(len(held_a), len(held_b)):
                return True
        return False

    def incompatible(a: int, b: int) -> bool:
        for item, codes in zip(compatibles, compatible_codes, strict=True):
            held_a, held_b = values(codes, a), values(codes, b)

            def covered(side: set[int], other: set[int], item: CompatibleField = item) -> bool:
                return all(any(x == y or item.compatible(x, y) for y in other) for x in side)

            # One side's values must all have a compatible partner on the other (a cluster that a
            # forced link left with "marie" and a swapped "dupont" still takes another "marie").
            if held_a and held_b and not (covered(held_a, held_b) or covered(held_b, held_a)):
                return True
        return False

    def separated(a: int, b: int) -> bool:
        return any(find(partner) == b for i in guarded.get(a, ()) for partner in separated_from[i])

    def join(a: int, b: int) -> None:
        root, other = (a, b) if a < b else (b, a)
        parent[other] = root
        members[root] = members.pop(root, [root]) + members.pop(other, [other])
        if other in guarded:
            guarded.setdefault(root, set()).update(guarded.pop(other))

    for first, second in sorted(force_linked):
        a, b = find(first), find(second)
        if a == b:
            continue
        if separated(a, b):
            report.refused_separated += 1
            continue
        join(a, b)

    for one, other, is_forced in zip(
        left[order].tolist(), right[order].tolist(), forced[order].tolist(), strict=True
    ):
        a, b = find(one), find(other)
        if a == b:
            continue
        size_a, size_b = len(members.get(a, (a,))), len(members.get(b, (b,)))
        if size_a + size_b > max_cluster_size:
            report.refused_size += 1
            continue
        if separated(a, b):
            report.refused_separated += 1
            continue
        # Two single records: the link's own comparisons and vetoes already weighed their values.
        if not is_forced and size_a + size_b > 2:
            if conflicting(a, b):
                report.refused_conflict += 1
                continue
            if incompatible(a, b):
                report.refused_incompatible += 1
                continue
        join(a, b)
    labels = component.copy()
    looped_records = np.flatnonzero(~settled)
    labels[looped_records] = [find(i) for i in looped_records.tolist()]
    settled_sizes = np.bincount(component[settled], minlength=size)
    largest = [*(len(m) for m in members.values()), *np.sort(settled_sizes)[-10:].tolist()]
    report.largest = [n for n in sorted(largest, reverse=True)[:10] if n > 1] or ([1] if size else [])
    return labels, report


def connected_components(size: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per record, the smallest record of its connected component over the links (column-wise: roots
    hooked under the smaller root of each link, then pointer jumping, until every link is inside)."""
    parent = np.arange(size, dtype=np.int64)
    while True:
        root_left, root_right = parent[left], parent[right]
        apart = root_left != root_right
        if not apart.any():
            return parent
        np.minimum.at(
            parent,
            np.maximum(root_left[apart], root_right[apart]),
            np.minimum(root_left[apart], root_right[apart]),
        )
        while True:
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped


def _settled(
    component: np.ndarray, overridden: np.ndarray, value_codes: Sequence[np.ndarray], max_cluster_size: int
) -> np.ndarray:
    """Per record, whether its whole component is one cluster whatever the order of its links: no merge in
    it can be refused (no override, no more records than the guard, at most one value per field)."""
    size = len(component)
    fine = np.bincount(component, minlength=size) <= max_cluster_size
    fine[component[overridden]] = False
    for codes in value_codes:
        # A component holds two values when a record's differs from the one some record wrote for it.
        present = np.flatnonzero(codes >= 0)
        written = np.full(size, -1, dtype=np.int64)
        written[component[present]] = codes[present]
        fine[component[present[written[component[present]] != codes[present]]]] = False
    return fine[component]
