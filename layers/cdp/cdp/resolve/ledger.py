"""Stable entity ids: this run's clusters get the ids of the previous run by a deterministic rule, and
every change of identity is an event of the identity ledger.

The rule, given the previous assignment (record key -> id, and when each id was created):

1. Each previous id has one heir: the cluster holding most of its records (ties: the cluster whose
   smallest record key is smallest). When a previous cluster splits, the larger part is the heir.
2. A cluster keeps, among the ids it is heir to, the one held by most of its records (ties: the oldest
   id, then the smallest). The other ids it is heir to are merged into it (a `merged` event each).
3. A cluster heir to no id gets a new id: a hash of its smallest record key (the id a first run gives),
   or, when that id was ever issued, of the key and a counter. Records it took from a previous id are a
   `split` event of that id.

Unchanged clusters keep their ids and make no event, so re-running unchanged input changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cdp.model import IDENTITY_LEDGER_SCHEMA


class LedgerEventType(StrEnum):
    CREATED = "created"
    MERGED = "merged"
    SPLIT = "split"
    FORCED_LINK = "forced_link"
    UNLINKED = "unlinked"


class LedgerEvent(NamedTuple):
    """One change of identity: `customer_id` is the id it happened to (the survivor of a merge, the id a
    split left), `other_id` the id merged into it or created by the split."""

    event: LedgerEventType
    customer_id: str
    other_id: str | None
    record_keys: tuple[str, ...]
    evidence: str


@dataclass(frozen=True)
class PreviousIds:
    """The assignment of the previous run: record key -> id, and each id's creation time (ISO text,
    so ids compare by age)."""

    ids: Mapping[str, str] = field(default_factory=dict)
    created: Mapping[str, str] = field(default_factory=dict)


# Why records of two previous ids now belong together, or why records left an id: (ids rows kept or
# taken from, rows merged in or moved out) -> evidence text. The caller knows the links and overrides.
Evidence = Callable[[Sequence[int], Sequence[int]], str]


def record_key(source: str, source_id: str) -> str:
    """How a record is named in the ledger, in overrides and on the command line."""
    return f"{source}:{source_id}"


def record_key_column(table: pa.Table, prefix: str = "") -> pa.ChunkedArray:
    """`record_key` of every row, column-wise, from its `<prefix>source` and `<prefix>source_id`."""
    return pc.binary_join_element_wise(table[f"{prefix}source"], table[f"{prefix}source_id"], ":")


def new_id(prefix: str, source: str, source_id: str, issued: set[str] | frozenset[str] = frozenset()) -> str:
    """The id a cluster whose smallest record is (source, source_id) gets, avoiding ids ever issued."""
    base = f"{source}\x1f{source_id}"
    candidate, counter = base, 0
    while True:
        entity_id = f"{prefix}-{hashlib.sha256(candidate.encode()).hexdigest()[:16]}"
        if entity_id not in issued:
            return entity_id
        counter += 1
        candidate = f"{base}#{counter}"


@dataclass
class IdAssignment:
    """One id per record (in row order) and the ledger events of the run."""

    ids: list[str]
    events: list[LedgerEvent]


_NEW_RECORDS = json.dumps({"reason": "new records"})


def _no_evidence(_: Sequence[int], __: Sequence[int]) -> str:
    return ""


def assign_ids(
    prefix: str,
    sources: Sequence[str],
    source_ids: Sequence[str],
    labels: np.ndarray,
    previous: PreviousIds,
    merge_evidence: Evidence = _no_evidence,
    split_evidence: Evidence = _no_evidence,
    issued_before: set[str] | frozenset[str] = frozenset(),
) -> IdAssignment:
    """Ids for this run's clusters by the rule of this module.

    Args:
        prefix: the entity's id prefix ("C", "A").
        sources, source_ids: each record's key parts, in row order.
        labels: each record's cluster label (any integers; equal label = same cluster).
        previous: the previous run's ids and their creation times (empty on a first run).
        merge_evidence, split_evidence: what to record as the evidence of a merge or a split.
        issued_before: ids issued earlier that `previous` may not name (a new id is none of them).
    """
    keys = [record_key(s, i) for s, i in zip(sources, source_ids, strict=True)]
    # Records sort by (source, source_id), as the first run's ids are derived.
    joined = pc.binary_join_element_wise(
        pa.array(sources, pa.string()), pa.array(source_ids, pa.string()), "\x1f"
    )
    rank = pc.sort_indices(joined).to_numpy(zero_copy_only=False).astype(np.int64)
    order = rank[np.argsort(np.asarray(labels)[rank], kind="stable")] if len(keys) else np.empty(0, np.int64)
    sorted_labels = np.asarray(labels)[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]]) if len(order) else order
    if not previous.ids:
        return _first_ids(prefix, sources, source_ids, keys, rank, order, starts, issued_before)
    # Clusters as row lists, each sorted by record, listed by their smallest record.
    position = np.empty(len(keys), dtype=np.int64)
    position[rank] = np.arange(len(keys))
    clusters = sorted(np.split(order, starts[1:]) if len(order) else [], key=lambda rows: position[rows[0]])
    # Previous ids held by each cluster's records (none at all on a first run: skip the lookups).
    held = (
        [Counter(previous.ids[keys[r]] for r in rows if keys[r] in previous.ids) for rows in clusters]
        if previous.ids
        else [Counter()] * len(clusters)
    )

    heir: dict[str, int] = {}
    for number, counts in enumerate(held):
        for old_id, count in counts.items():
            # Clusters come by smallest key: on a tie the first one stays heir.
            if old_id not in heir or count > held[heir[old_id]][old_id]:
                heir[old_id] = number

    issued = set(previous.created) | set(previous.ids.values()) | set(issued_before)
    ids = [""] * len(keys)
    events: list[LedgerEvent] = []
    kept_by: list[str] = []
    for number, rows in enumerate(clusters):
        counts = held[number]
        inherited = [old_id for old_id in counts if heir[old_id] == number]
        if inherited:
            kept = min(inherited, key=lambda i: (-counts[i], previous.created.get(i, ""), i))
            for absorbed in sorted(set(inherited) - {kept}):
                moved = [int(r) for r in rows if previous.ids.get(keys[r]) == absorbed]
                staying = [int(r) for r in rows if previous.ids.get(keys[r]) != absorbed]
                events.append(
                    LedgerEvent(
                        LedgerEventType.MERGED,
                        kept,
                        absorbed,
                        tuple(keys[r] for r in moved),
                        merge_evidence(staying, moved),
                    )
                )
        else:
            kept = new_id(prefix, sources[rows[0]], source_ids[rows[0]], issued)
            issued.add(kept)
            events.append(
                LedgerEvent(
                    LedgerEventType.CREATED,
                    kept,
                    None,
                    tuple(keys[r] for r in rows),
                    json.dumps({"reason": "split", "from": sorted(counts)}) if counts else _NEW_RECORDS,
                )
            )
        kept_by.append(kept)
        for r in rows:
            ids[r] = kept

    # Records that left an id for a cluster that is not its heir: a split of that id.
    for number, rows in enumerate(clusters if previous.ids else ()):
        moved_from: dict[str, list[int]] = defaultdict(list)
        for r in rows:
            old_id = previous.ids.get(keys[r])
            if old_id is not None and heir[old_id] != number:
                moved_from[old_id].append(int(r))
        for old_id, moved in sorted(moved_from.items()):
            remaining = [int(r) for r in clusters[heir[old_id]] if previous.ids.get(keys[r]) == old_id]
            events.append(
                LedgerEvent(
                    LedgerEventType.SPLIT,
                    old_id,
                    kept_by[number],
                    tuple(keys[r] for r in moved),
                    split_evidence(remaining, moved),
                )
            )
    return IdAssignment(ids, events)


def _first_ids(
    prefix: str,
    sources: Sequence[str],
    source_ids: Sequence[str],
    keys: list[str],
    rank: np.ndarray,
    order: np.ndarray,
    starts: np.ndarray,
    issued_before: set[str] | frozenset[str],
) -> IdAssignment:
    """:func:`assign_ids` when no record had an id: every cluster is created, named from its smallest
    record; the same ids and events as the general rule, without its per-record lookups."""
    position = np.empty(len(keys), dtype=np.int64)
    position[rank] = np.arange(len(keys))
    ends = np.r_[starts[1:], len(order)].astype(np.int64)
    # Within a cluster records come by rank, so a cluster's first row is its smallest record.
    by_smallest = np.argsort(position[order[starts]], kind="stable")
    sorted_keys = [keys[r] for r in order.tolist()]
    issued = set(issued_before)
    cluster_ids: list[str] = [""] * len(starts)
    events: list[LedgerEvent] = []
    for cluster in by_smallest.tolist():
        start, end = int(starts[cluster]), int(ends[cluster])
        smallest = int(order[start])
        kept = new_id(prefix, sources[smallest], source_ids[smallest], issued)
        issued.add(kept)
        cluster_ids[cluster] = kept
        events.append(
            LedgerEvent(LedgerEventType.CREATED, kept, None, tuple(sorted_keys[start:end]), _NEW_RECORDS)
        )
    ids = np.empty(len(keys), dtype=object)
    ids[order] = np.repeat(np.array(cluster_ids, dtype=object), ends - starts)
    return IdAssignment(ids.tolist(), events)


def ledger_table(events: Sequence[LedgerEvent], entity: str, run_id: str, at: datetime) -> pa.Table:
    """A run's events as `identity_ledger` rows."""
    return pa.table(
        {
            "entity": [entity] * len(events),
            "run_id": [run_id] * len(events),
            "at": pa.array([at] * len(events), IDENTITY_LEDGER_SCHEMA.field("at").type),
            "event": [e.event.value for e in events],
            "customer_id": [e.customer_id for e in events],
            "other_id": [e.other_id for e in events],
            "record_keys": [list(e.record_keys) for e in events],
            "evidence": [e.evidence for e in events],
        },
        schema=IDENTITY_LEDGER_SCHEMA,
    )


def previous_ids(xref: pa.Table, id_column: str, ledger: pa.Table, entity: str) -> PreviousIds:
    """The previous run's assignment from its xref and the ledger (ids with no `created` event, from
    before the ledger existed, count as the oldest)."""
    ids = dict(
        zip(
            [
                record_key(s, i)
                for s, i in zip(xref["source"].to_pylist(), xref["source_id"].to_pylist(), strict=True)
            ],
            xref[id_column].to_pylist(),
            strict=True,
        )
    )
    return PreviousIds(ids, id_births(ledger, entity))


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class IdBirths(Mapping[str, str]):
    """When each id was created (ISO text: fixed-width UTC text compares as the times do). Every id is
    known at once (to never issue one again), but a time is formatted only when looked up: a run looks
    up the few ids its changed clusters held, not the millions of the history."""

    def __init__(self, ids: pa.Array | pa.ChunkedArray, at: pa.Array | pa.ChunkedArray) -> None:
        self._ids: list[str] = ids.to_pylist()
        self._microseconds = pc.cast(pc.cast(at, pa.timestamp("us", tz="UTC")), pa.int64()).to_numpy()
        self._row: dict[str, int] | None = None

    def __getitem__(self, key: str) -> str:
        if self._row is None:
            self._row = {name: row for row, name in enumerate(self._ids)}
        at = _EPOCH + timedelta(microseconds=int(self._microseconds[self._row[key]]))
        return at.strftime("%Y-%m-%dT%H:%M:%S")

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


def id_births(ledger: pa.Table, entity: str) -> IdBirths:
    """When each id of the entity was created, from the ledger's `created` events (it needs only the
    `entity`, `event`, `customer_id` and `at` columns)."""
    created = ledger.filter(
        pc.and_(pc.equal(ledger["entity"], entity), pc.equal(ledger["event"], LedgerEventType.CREATED.value))
    )
    first = created.group_by("customer_id").aggregate([("at", "min")])
    return IdBirths(first["customer_id"], first["at_min"])


def entity_events(ledger: pa.Table, entity: str) -> pa.Table:
    """The ledger rows of one entity."""
    return ledger.filter(pc.equal(ledger["entity"], entity))
