"""How good a resolution is, against a ground truth: pairwise and B-cubed precision/recall/F1 of the
clusters, and pairwise precision/recall of the accepted links.

Every measure comes from contingency counts (records per true entity, per predicted cluster and per
(true entity, predicted cluster) cell), never from enumerating pairs: the records of a cell of size c
hold c*(c-1)/2 pairs, so a million records with clusters of any size cost one sort.

Labels only need to be hashable: `truth[i]` is the true entity of record i and `predicted[i]` its
cluster. A None label (a record nobody labelled, or nobody clustered) is an entity of its own, never
the same entity as another None record. When a denominator is 0, precision is 1.0 (nothing was
predicted, so nothing was wrong), recall is 1.0 (there was nothing to find), and F1 is 0.0 only when
both precision and recall are 0.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from cdp.resolve.columns import distinct_with_counts

Codes = npt.NDArray[np.int64]

LARGEST_CLUSTERS_SHOWN = 10


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 of one measure.

    For pair-counting measures (pairwise clusters, links) the counts are pairs: `true_positives`
    predicted pairs that are true, `predicted` pairs predicted, `actual` true pairs. B-cubed is a
    per-record average, so its counts are 0 (not meaningful).
    """

    precision: float
    recall: float
    f1: float
    true_positives: int
    predicted: int
    actual: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "true_positives": self.true_positives,
            "predicted": self.predicted,
            "actual": self.actual,
        }


@dataclass(frozen=True)
class Evaluation:
    """Every measure of one resolution against its ground truth."""

    records: int
    true_entities: int
    predicted_entities: int
    pairwise: Scores
    bcubed: Scores
    links: Scores | None
    largest_predicted_clusters: list[int]
    largest_true_clusters: list[int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "true_entities": self.true_entities,
            "predicted_entities": self.predicted_entities,
            "pairwise": self.pairwise.to_dict(),
            "bcubed": self.bcubed.to_dict(),
            "links": None if self.links is None else self.links.to_dict(),
            "largest_predicted_clusters": list(self.largest_predicted_clusters),
            "largest_true_clusters": list(self.largest_true_clusters),
        }


@dataclass(frozen=True)
class _Contingency:
    """Record counts per true entity, per predicted cluster, and per non-empty (entity, cluster) cell."""

    truth_sizes: Codes
    predicted_sizes: Codes
    cell_sizes: Codes
    cell_truth: Codes  # the true entity of each cell
    cell_predicted: Codes  # the predicted cluster of each cell

    @property
    def records(self) -> int:
        return int(self.truth_sizes.sum())


def _factorize(labels: Sequence[Hashable]) -> Codes:
    """Dense codes 0..k-1, equal labels sharing a code; every None label gets a code of its own."""
    if isinstance(labels, np.ndarray) and labels.dtype != object:
        # Typed arrays hold no None: one sort gives the codes.
        return np.unique(labels, return_inverse=True)[1].astype(np.int64).reshape(-1)
    # A dict rather than np.unique: labels need not be orderable, and np.asarray would turn 1 and "1"
    # into the same string. A fresh object() per None is equal to nothing else.
    codes: dict[Hashable, int] = {}
    return np.fromiter(
        (codes.setdefault(object() if label is None else label, len(codes)) for label in labels),
        dtype=np.int64,
        count=len(labels),
    )


def _contingency(truth: Codes, predicted: Codes) -> _Contingency:
    if len(truth) != len(predicted):
        raise ValueError(f"{len(truth)} truth labels but {len(predicted)} predicted labels")
    predicted_count = int(predicted.max()) + 1 if len(predicted) else 0
    cells, cell_sizes = distinct_with_counts(truth * predicted_count + predicted)
    return _Contingency(
        truth_sizes=np.bincount(truth).astype(np.int64),
        predicted_sizes=np.bincount(predicted).astype(np.int64),
        cell_sizes=cell_sizes,
        cell_truth=cells // max(predicted_count, 1),
        cell_predicted=cells % max(predicted_count, 1),
    )


def _pairs(sizes: Codes) -> int:
    """Pairs of records inside groups of these sizes."""
    return int((sizes * (sizes - 1) // 2).sum())


def _largest(sizes: Codes) -> list[int]:
    return [int(size) for size in np.sort(sizes)[::-1][:LARGEST_CLUSTERS_SHOWN]]


def _f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _pair_scores(true_positives: int, predicted: int, actual: int) -> Scores:
    precision = true_positives / predicted if predicted else 1.0
    recall = true_positives / actual if actual else 1.0
    return Scores(precision, recall, _f1(precision, recall), true_positives, predicted, actual)


def _cluster_pair_scores(table: _Contingency) -> Scores:
    return _pair_scores(_pairs(table.cell_sizes), _pairs(table.predicted_sizes), _pairs(table.truth_sizes))


def _bcubed_scores(table: _Contingency) -> Scores:
    records = table.records
    if not records:
        return Scores(1.0, 1.0, 1.0, 0, 0, 0)
    # Each of the c records of a cell has precision c/|its cluster| and recall c/|its entity|.
    squares = table.cell_sizes.astype(np.float64) ** 2
    precision = float((squares / table.predicted_sizes[table.cell_predicted]).sum()) / records
    recall = float((squares / table.truth_sizes[table.cell_truth]).sum()) / records
    return Scores(precision, recall, _f1(precision, recall), 0, 0, 0)


def _link_scores(truth: Codes, links: Iterable[tuple[int, int]]) -> Scores:
    if isinstance(links, np.ndarray):
        pairs = links.astype(np.int64, copy=False).reshape(-1, 2)
    else:
        pairs = np.fromiter(itertools.chain.from_iterable(links), dtype=np.int64).reshape(-1, 2)
    records = len(truth)
    if pairs.size and (pairs.min() < 0 or pairs.max() >= records):
        raise ValueError(f"a link refers to a record outside 0..{records - 1}")
    low, high = pairs.min(axis=1), pairs.max(axis=1)
    distinct, _ = distinct_with_counts((low * records + high)[low != high])
    low, high = distinct // max(records, 1), distinct % max(records, 1)
    true_positives = int(np.count_nonzero(truth[low] == truth[high]))
    return _pair_scores(true_positives, len(distinct), _pairs(np.bincount(truth).astype(np.int64)))


def cluster_pair_scores(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    """Pairwise scores: the record pairs sharing a predicted cluster against those sharing a true entity."""
    return _cluster_pair_scores(_contingency(_factorize(truth), _factorize(predicted)))


def bcubed_scores(truth: Sequence[Hashable], predicted: Sequence[Hashable]) -> Scores:
    """B-cubed scores (Bagga & Baldwin): per record, precision is the share of its predicted cluster
    that is its true entity and recall the share of its true entity that is in its cluster; both are
    averaged over records, and F1 is their harmonic mean. Unlike pairwise scores, large clusters do not
    dominate."""
    return _bcubed_scores(_contingency(_factorize(truth), _factorize(predicted)))


def link_scores(truth: Sequence[Hashable], links: Iterable[tuple[int, int]]) -> Scores:
    """Pairwise scores of links (i, j) between records, against the pairs sharing a true entity.

    A link is true when both records have the same true entity. Order does not matter, a duplicate
    counts once, and a link of a record to itself is ignored. Recall is against every true pair, not
    only those a chain of links would reach: links alone rarely find them all.

    Raises:
        ValueError: A link refers to a record index outside the truth.
    """
    return _link_scores(_factorize(truth), links)


def evaluate(
    truth: Sequence[Hashable],
    predicted: Sequence[Hashable],
    links: Iterable[tuple[int, int]] | None = None,
) -> Evaluation:
    """Every measure of a resolution: pairwise and B-cubed scores of the clusters, scores of the links
    (None without links), entity counts and the largest cluster sizes.

    Raises:
        ValueError: `truth` and `predicted` differ in length, or a link is out of range.
    """
    truth_codes = _factorize(truth)
    table = _contingency(truth_codes, _factorize(predicted))
    return Evaluation(
        records=table.records,
        true_entities=len(table.truth_sizes),
        predicted_entities=len(table.predicted_sizes),
        pairwise=_cluster_pair_scores(table),
        bcubed=_bcubed_scores(table),
        links=None if links is None else _link_scores(truth_codes, links),
        largest_predicted_clusters=_largest(table.predicted_sizes),
        largest_true_clusters=_largest(table.truth_sizes),
    )
