"""Clustering that does not chain: links are applied strongest first, and a link is refused when the
merge would put two conflicting strong identifiers (e.g. two different valid birth dates) in one
cluster, or grow a cluster past the size guard. Plain connected components would let one weak bridge
glue two households or two namesakes together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class ClusterReport:
    """What clustering refused, and the largest clusters."""

    refused_conflict: int = 0
    refused_size: int = 0
    largest: list[int] = field(default_factory=list)


def cluster(
    size: int,
    links: Sequence[tuple[int, int, float]],
    conflict_values: Sequence[Sequence[str | None]],
    max_cluster_size: int,
) -> tuple[list[int], ClusterReport]:
    """Assign a cluster number to each of `size` records.

    Args:
        size: number of records.
        links: accepted (i, j, weight) links; applied by decreasing weight.
        conflict_values: per conflict field, one value per record; two clusters holding different
            non-empty values of any conflict field are never merged.
        max_cluster_size: a merge that would exceed this many records is refused.

    Returns:
        The cluster number of every record (the smallest record index of its cluster) and a report.
    """
    parent = list(range(size))
    members: dict[int, list[int]] = {i: [i] for i in range(size)}
    # Per cluster root and conflict field: the set of distinct non-empty values it holds.
    held: dict[int, list[set[str]]] = {
        i: [{values[i]} if values[i] else set() for values in conflict_values] for i in range(size)
    }
    report = ClusterReport()

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for left, right, _weight in sorted(links, key=lambda link: (-link[2], link[0], link[1])):
        a, b = find(left), find(right)
        if a == b:
            continue
        if any(ha and hb and ha != hb for ha, hb in zip(held[a], held[b], strict=True)):
            report.refused_conflict += 1
            continue
        if len(members[a]) + len(members[b]) > max_cluster_size:
            report.refused_size += 1
            continue
        root, other = (a, b) if a < b else (b, a)
        parent[other] = root
        members[root] += members.pop(other)
        held[root] = [hr | ho for hr, ho in zip(held[root], held.pop(other), strict=True)]
    labels = [find(i) for i in range(size)]
    report.largest = sorted((len(m) for m in members.values()), reverse=True)[:10]
    return labels, report
