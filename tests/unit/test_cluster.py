"""Clustering: the column-wise shortcut for components that cannot refuse a merge gives exactly what
applying every link in order gives."""

from __future__ import annotations

import numpy as np
from cdp.resolve.cluster import CompatibleField, cluster, connected_components
from hypothesis import given, settings
from hypothesis import strategies as st


def test_connected_components_label_each_record_with_the_smallest_of_its_component() -> None:
    # Given a chain 5-3-1, a pair 2-4 and a lone record 0
    left, right = np.array([5, 3, 2]), np.array([3, 1, 4])
    # When components are found
    components = connected_components(6, left, right)
    # Then each record carries the smallest record of its component
    assert components.tolist() == [0, 1, 2, 1, 2, 1]


def _reference(
    size: int,
    links: list[tuple[int, int, float, bool]],
    conflict: list[int],
    names: list[int],
    compatible: set[tuple[int, int]],
    max_size: int,
    force_linked: list[tuple[int, int]],
    force_separated: list[tuple[int, int]],
) -> tuple[list[int], tuple[int, int, int, int]]:
    """The rules of `cdp.resolve.cluster`, applied link by link with every cluster's values recomputed."""
    label = list(range(size))
    refused = [0, 0, 0, 0]  # conflict, incompatible, size, separated

    def members(of: int) -> list[int]:
        return [i for i in range(size) if label[i] == of]

    def merge(a: int, b: int) -> None:
        for i in range(size):
            if label[i] in (a, b):
                label[i] = min(a, b)

    def separated(a: int, b: int) -> bool:
        return any({label[x], label[y]} == {a, b} for x, y in force_separated)

    def covered(side: set[int], other: set[int]) -> bool:
        return all(any(x == y or (x, y) in compatible for y in other) for x in side)

    for x, y in sorted(force_linked):
        a, b = label[x], label[y]
        if a != b:
            if separated(a, b):
                refused[3] += 1
            else:
                merge(a, b)
    for x, y, _, deterministic in sorted(links, key=lambda link: (not link[3], -link[2], link[0], link[1])):
        a, b = label[x], label[y]
        if a == b:
            continue
        together = members(a) + members(b)
        if len(together) > max_size:
            refused[2] += 1
            continue
        if separated(a, b):
            refused[3] += 1
            continue
        if not deterministic and len(together) > 2:
            held_a, held_b = ({conflict[i] for i in members(c)} - {-1} for c in (a, b))
            if len(held_a | held_b) > max(len(held_a), len(held_b)):
                refused[0] += 1
                continue
            named_a, named_b = ({names[i] for i in members(c)} - {-1} for c in (a, b))
            if named_a and named_b and not (covered(named_a, named_b) or covered(named_b, named_a)):
                refused[1] += 1
                continue
        merge(a, b)
    return label, (refused[0], refused[1], refused[2], refused[3])


@st.composite
def _cases(draw: st.DrawFn) -> dict:
    size = draw(st.integers(2, 14))
    record = st.integers(0, size - 1)
    pair = st.tuples(record, record).filter(lambda p: p[0] != p[1]).map(lambda p: (min(p), max(p)))
    pairs = draw(st.lists(pair, max_size=30, unique=True))
    return {
        "size": size,
        "links": [
            (
                a,
                b,
                draw(st.sampled_from([1.0, 2.0, 3.5, 8.0])),
                draw(st.booleans() if k % 4 == 0 else st.just(False)),
            )
            for k, (a, b) in enumerate(pairs)
        ],
        # Few values, mostly shared or missing: many components settle, some do not.
        "conflict": draw(st.lists(st.sampled_from([-1, -1, 0, 0, 1]), min_size=size, max_size=size)),
        "names": draw(st.lists(st.sampled_from([-1, 0, 0, 1, 2]), min_size=size, max_size=size)),
        "compatible": draw(st.sets(st.sampled_from([(0, 1), (1, 0), (1, 2), (2, 1)]))),
        "max_size": draw(st.integers(2, 8)),
        "force_linked": draw(st.lists(pair, max_size=2)),
        "force_separated": draw(st.lists(pair, max_size=2)),
    }


@settings(max_examples=400, deadline=None)
@given(_cases())
def test_clustering_equals_applying_every_link_in_order(case: dict) -> None:
    # Given random links, values, guards and overrides
    links = case["links"]
    compatible = case["compatible"]
    # When clustered
    labels, report = cluster(
        case["size"],
        np.array([a for a, _, _, _ in links], dtype=np.int64),
        np.array([b for _, b, _, _ in links], dtype=np.int64),
        np.array([w for _, _, w, _ in links]),
        conflicts=[np.array(case["conflict"])],
        compatibles=[CompatibleField(np.array(case["names"]), lambda x, y: (x, y) in compatible)],
        max_cluster_size=case["max_size"],
        deterministic=np.array([d for _, _, _, d in links], dtype=bool),
        force_linked=case["force_linked"],
        force_separated=case["force_separated"],
    )
    # Then it is what the rules give link by link, refusals included
    expected, refused = _reference(
        case["size"],
        links,
        case["conflict"],
        case["names"],
        compatible,
        case["max_size"],
        case["force_linked"],
        case["force_separated"],
    )
    assert labels.tolist() == expected
    counts = (report.refused_conflict, report.refused_incompatible, report.refused_size)
    assert (*counts, report.refused_separated) == refused
    sizes = sorted(np.bincount(labels).tolist(), reverse=True)
    assert report.largest == ([n for n in sizes if n > 1][:10] or [1])
