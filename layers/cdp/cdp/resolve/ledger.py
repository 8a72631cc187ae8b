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
from collections.abc import Callable, Collection, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple, overload

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


_EVENT_COLUMNS = ("event", "customer_id", "other_id", "record_keys", "evidence")
_EVENTS_SCHEMA = pa.schema([IDENTITY_LEDGER_SCHEMA.field(name) for name in _EVENT_COLUMNS])


@dataclass(frozen=True, eq=False)
class LedgerEvents(Sequence[LedgerEvent]):
    """A run's ledger events, column-wise: a first run creates one per cluster (hundreds of thousands at
    a million records), built and written without a Python object each. Indexing gives `LedgerEvent`s."""

    columns: pa.Table  # the event columns of IDENTITY_LEDGER_SCHEMA

    @classmethod
    def of(cls, events: Sequence[LedgerEvent]) -> LedgerEvents:
        return cls(
            pa.table(
                {
                    "event": [e.event.value for e in events],
                    "customer_id": [e.customer_id for e in events],
                    "other_id": [e.other_id for e in events],
                    "record_keys": [list(e.record_keys) for e in events],
                    "evidence": [e.evidence for e in events],
                },
                schema=_EVENTS_SCHEMA,
            )
        )

    def __len__(self) -> int:
        return self.columns.num_rows

    @overload
    def __getitem__(self, index: int) -> LedgerEvent: ...
    @overload
    def __getitem__(self, index: slice) -> list[LedgerEvent]: ...
    def __getitem__(self, index: int | slice) -> LedgerEvent | list[LedgerEvent]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        return _event(self.columns.slice(range(len(self))[index], 1).to_pylist()[0])

    def __iter__(self) -> Iterator[LedgerEvent]:
        return map(_event, self.columns.to_pylist())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LedgerEvents):
            return self.columns.equals(other.columns)
        return isinstance(other, Sequence) and list(self) == list(other)

    def __add__(self, other: LedgerEvents | Sequence[LedgerEvent]) -> LedgerEvents:
        more = other if isinstance(other, LedgerEvents) else LedgerEvents.of(other)
        return LedgerEvents(pa.concat_tables([self.columns, more.columns]))

    def counts(self) -> dict[str, int]:
        """How many events of each type (in order of first appearance)."""
        counted = pc.value_counts(self.columns["event"])
        return dict(
            zip(counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True)
        )


def _event(row: dict[str, Any]) -> LedgerEvent:
    return LedgerEvent(
        LedgerEventType(row["event"]),
        row["customer_id"],
        row["other_id"],
        tuple(row["record_keys"]),
        row["evidence"],
    )


NO_EVENTS = LedgerEvents(_EVENTS_SCHEMA.empty_table())


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


class _Issued:
    """The ids issued before (in any of several collections) and those issued by this run: looked up in
    each, not copied into one set (a history holds hundreds of thousands)."""

    def __init__(self, *earlier: Container[str]) -> None:
        self._earlier, self._now = earlier, set[str]()

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._now or any(entity_id in ids for ids in self._earlier)

    def add(self, entity_id: str) -> None:
        self._now.add(entity_id)


def new_id(prefix: str, source: str, source_id: str, issued: Container[str] = frozenset()) -> str:
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
    events: LedgerEvents


_NEW_RECORDS = json.dumps({"reason": "new records"})


def _no_evidence(_: Sequence[int], __: Sequence[int]) -> str:
    return ""


def _strings(values: Sequence[str] | pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks()
    return values if isinstance(values, pa.Array) else pa.array(values, pa.string())


def assign_ids(
    prefix: str,
    sources: Sequence[str] | pa.Array | pa.ChunkedArray,
    source_ids: Sequence[str] | pa.Array | pa.ChunkedArray,
    labels: np.ndarray,
    previous: PreviousIds,
    merge_evidence: Evidence = _no_evidence,
    split_evidence: Evidence = _no_evidence,
    issued_before: Collection[str] = frozenset(),
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
    source_array, id_array = _strings(sources), _strings(source_ids)
    size = len(source_array)
    # Records sort by (source, source_id), as the first run's ids are derived.
    joined = pc.binary_join_element_wise(source_array, id_array, "\x1f")
    rank = pc.sort_indices(joined).to_numpy(zero_copy_only=False).astype(np.int64)
    order = rank[np.argsort(np.asarray(labels)[rank], kind="stable")] if size else np.empty(0, np.int64)
    sorted_labels = np.asarray(labels)[order]
    starts = np.flatnonzero(np.r_[True, sorted_labels[1:] != sorted_labels[:-1]]) if size else order
    if not previous.ids:
        return _first_ids(prefix, source_array, id_array, rank, order, starts, issued_before)
    source_list, id_list = source_array.to_pylist(), id_array.to_pylist()
    keys = [record_key(s, i) for s, i in zip(source_list, id_list, strict=True)]
    # Clusters as row lists, each sorted by record, listed by their smallest record.
    position = np.empty(size, dtype=np.int64)
    position[rank] = np.arange(size)
    clusters = sorted(np.split(order, starts[1:]) if size else [], key=lambda rows: position[rows[0]])
    # Previous ids held by each cluster's records.
    held = [Counter(previous.ids[keys[r]] for r in rows if keys[r] in previous.ids) for rows in clusters]

    heir: dict[str, int] = {}
    for number, counts in enumerate(held):
        for old_id, count in counts.items():
            # Clusters come by smallest key: on a tie the first one stays heir.
            if old_id not in heir or count > held[heir[old_id]][old_id]:
                heir[old_id] = number

    issued = _Issued(previous.created, set(previous.ids.values()), issued_before)
    ids = [""] * size
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
            kept = new_id(prefix, source_list[rows[0]], id_list[rows[0]], issued)
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
    for number, rows in enumerate(clusters):
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
    return IdAssignment(ids, LedgerEvents.of(events))


def _first_ids(
    prefix: str,
    sources: pa.Array,
    source_ids: pa.Array,
    rank: np.ndarray,
    order: np.ndarray,
    starts: np.ndarray,
    issued_before: Collection[str],
) -> IdAssignment:
    """:func:`assign_ids` when no record had an id: every cluster is created, named from its smallest
    record; the same ids and events as the general rule, built column-wise (a Python string per
    cluster id, no object per record or event)."""
    size = len(sources)
    position = np.empty(size, dtype=np.int64)
    position[rank] = np.arange(size)
    lengths = np.diff(np.r_[starts, size]).astype(np.int64)
    # Within a cluster records come by rank, so a cluster's first row is its smallest record; events
    # come by smallest record.
    by_smallest = np.argsort(position[order[starts]], kind="stable")
    smallest = pa.array(order[starts[by_smallest]])
    # A set of its own: every cluster is new, so every one looks it up (a copy costs less than a view).
    issued = set(issued_before)
    created: list[str] = []
    for source, source_id in zip(
        sources.take(smallest).to_pylist(), source_ids.take(smallest).to_pylist(), strict=True
    ):
        kept = new_id(prefix, source, source_id, issued)
        issued.add(kept)
        created.append(kept)
    cluster_ids = np.empty(len(starts), dtype=object)
    cluster_ids[by_smallest] = created
    ids = np.empty(size, dtype=object)
    ids[order] = np.repeat(cluster_ids, lengths)
    # Each event's record keys: its cluster's rows, clusters in event order.
    event_lengths = lengths[by_smallest]
    offsets = np.r_[0, np.cumsum(event_lengths)]
    gather = order[np.repeat(starts[by_smallest] - offsets[:-1], event_lengths) + np.arange(size)]
    keys = record_key_column(pa.table({"source": sources, "source_id": source_ids})).combine_chunks()
    count = len(created)
    columns = pa.table(
        {
            "event": pa.repeat(pa.scalar(LedgerEventType.CREATED.value), count),
            "customer_id": pa.array(created, pa.string()),
            "other_id": pa.nulls(count, pa.string()),
            "record_keys": pa.ListArray.from_arrays(
                pa.array(offsets, pa.int32()), keys.take(pa.array(gather))
            ),
            "evidence": pa.repeat(pa.scalar(_NEW_RECORDS), count),
        },
        schema=_EVENTS_SCHEMA,
    )
    return IdAssignment(ids.tolist(), LedgerEvents(columns))


def ledger_table(
    events: LedgerEvents | Sequence[LedgerEvent], entity: str, run_id: str, at: datetime
) -> pa.Table:
    """A run's events as `identity_ledger` rows."""
    columns = (events if isinstance(events, LedgerEvents) else LedgerEvents.of(events)).columns
    count = columns.num_rows
    return pa.table(
        {
            "entity": pa.repeat(pa.scalar(entity, pa.string()), count),
            "run_id": pa.repeat(pa.scalar(run_id, pa.string()), count),
            "at": pa.repeat(pa.scalar(at, IDENTITY_LEDGER_SCHEMA.field("at").type), count),
            **{name: columns[name] for name in _EVENT_COLUMNS},
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

    def _rows(self) -> dict[str, int]:
        if self._row is None:
            self._row = {name: row for row, name in enumerate(self._ids)}
        return self._row

    def __getitem__(self, key: str) -> str:
        at = _EPOCH + timedelta(microseconds=int(self._microseconds[self._rows()[key]]))
        return at.strftime("%Y-%m-%dT%H:%M:%S")

    def __contains__(self, key: object) -> bool:
        return key in self._rows()

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
