"""Normalize a file of canonical contact records into a staged Arrow table, in parallel, in bounded memory.

The reader streams batches in this process; each batch goes to a worker process as one tuple of raw
values per row (cheaper to pickle than the reader's rows, whose original text is not needed here) and
comes back as an Arrow table of the staging schema. Tables are concatenated in input order, and at most
two batches per worker are in flight, so memory holds the columnar result plus a few batches, never one
dict per row of the file.

Workers live apart from `batch_resolve` so that a spawned worker imports the normalizers, not the
resolution engine.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, NamedTuple

import pyarrow as pa

from cdp.model import CANONICAL_FIELDS, CONTACT_FIELDS_SCHEMA, Entity, staging_schema
from cdp.normalize import normalize_records

if TYPE_CHECKING:  # workers import this module: keep the readers (openpyxl...) out of them
    from cdp.ingest import TableReader

BATCH_ROWS = 50_000
# Columns read from each row: lineage first, then every canonical contact field (a missing one reads as
# None, as when it is absent from the file).
_COLUMNS = ("source", "source_id", *(f for f in CANONICAL_FIELDS[Entity.CONTACT] if f != "source_id"))
_STAGING_SCHEMA = staging_schema(Entity.CONTACT)
_TIMESTAMP = _STAGING_SCHEMA.field("ingested_at").type


class InputError(ValueError):
    """The input file cannot be resolved; the message says why."""


class _Task(NamedTuple):
    """One batch to normalize: what a worker receives."""

    values: list[tuple[str | None, ...]]  # one tuple per row, in `_COLUMNS` order
    line_nos: list[int]
    object_key: str
    ingested_at: datetime
    default_country: str
    day_first: bool


def stage_contacts(
    reader: TableReader,
    object_key: str,
    *,
    default_country: str = "FR",
    day_first: bool = True,
    workers: int | None = None,
    batch_rows: int = BATCH_ROWS,
    ingested_at: datetime | None = None,
) -> pa.Table:
    """Normalize every row a reader yields into a table of `staging_schema(Entity.CONTACT)`.

    Args:
        reader: An unread table reader (`cdp.ingest.open_table`).
        object_key: The file name, kept in the `object_key` lineage column and in error messages.
        default_country: ISO country assumed for phones and postcodes without a country.
        day_first: Day/month order of ambiguous numeric dates.
        workers: Processes normalizing batches; None for one per CPU, 1 to stay in this process. A file
            of a single batch is always normalized here (starting processes would cost more).
        batch_rows: Rows per batch.
        ingested_at: The `ingested_at` of every row; now by default.

    Returns:
        One row per input row, in input order; `source` is "" and `source_id` the line number when the
        file leaves them empty.

    Raises:
        InputError: The reader could not read a record (the message names its line).
        UnreadableFile: The file as a whole cannot be read.
        ValueError: ``workers`` is less than 1.
    """
    workers = (os.cpu_count() or 1) if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    now = ingested_at or datetime.now(UTC)
    tasks = _tasks(reader, object_key, batch_rows, now, default_country, day_first)
    head = list(islice(tasks, 2))
    if workers > 1 and len(head) > 1:
        tables = _in_workers(chain(head, tasks), workers)
    else:
        tables = [_stage_batch(task) for task in chain(head, tasks)]
    return pa.concat_tables(tables) if tables else _STAGING_SCHEMA.empty_table()


def _tasks(
    reader: TableReader,
    object_key: str,
    batch_rows: int,
    ingested_at: datetime,
    default_country: str,
    day_first: bool,
) -> Iterator[_Task]:
    """The reader's batches as worker tasks, in file order; the first unreadable record stops the file."""
    for batch in reader.batches(batch_rows):
        if batch.errors:
            first = batch.errors[0]
            raise InputError(f"{object_key}, line {first.line_no}: {first.reason}")
        if not batch.rows:
            continue
        values = [tuple(map(row.values.get, _COLUMNS)) for row in batch.rows]
        line_nos = [row.line_no for row in batch.rows]
        yield _Task(values, line_nos, object_key, ingested_at, default_country, day_first)


def _in_workers(tasks: Iterator[_Task], workers: int) -> list[pa.Table]:
    """Stage tasks in a process pool, results in submission order, at most two tasks per worker queued."""
    # Spawned workers start clean: no copy of this process's threads (Arrow's pools, the executor's own)
    # or memory, which forking would inherit; the start-up cost is small next to a multi-batch file.
    context = multiprocessing.get_context("spawn")
    tables: list[pa.Table] = []
    pending: deque[Future[pa.Table]] = deque()
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        try:
            for task in tasks:
                pending.append(pool.submit(_stage_batch, task))
                if len(pending) >= 2 * workers:
                    tables.append(pending.popleft().result())
            while pending:
                tables.append(pending.popleft().result())
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return tables


def _stage_batch(task: _Task) -> pa.Table:
    """Normalize one batch into a staging table (runs in a worker, or in-process)."""
    # Normalization and the column transposition allocate millions of objects and create no cycles: the
    # cyclic collector's scans would only slow them down.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        records = [dict(zip(_COLUMNS, values, strict=True)) for values in task.values]
        normalized = normalize_records(
            Entity.CONTACT, records, default_country=task.default_country, day_first=task.day_first
        )
        size = len(normalized)
        lineage = [
            pa.array([values[0] or "" for values in task.values], pa.string()),
            pa.array(
                [values[1] or str(line) for values, line in zip(task.values, task.line_nos, strict=True)],
                pa.string(),
            ),
            pa.repeat(pa.scalar(task.object_key, pa.string()), size),
            pa.array(task.line_nos, pa.int64()),
            pa.repeat(pa.scalar(task.ingested_at, _TIMESTAMP), size),
            pa.repeat(pa.scalar(1, pa.int32()), size),
        ]
        return pa.Table.from_arrays(lineage + _columns(normalized), schema=_STAGING_SCHEMA)
    finally:
        if was_enabled:
            gc.enable()


def _columns(rows: list[dict[str, Any]]) -> list[pa.Array]:
    """Normalized dicts as Arrow columns of `CONTACT_FIELDS_SCHEMA`.

    Every dict has the schema's keys in the schema's order, so one flat list of all values, sliced with a
    stride, gives the columns: about twice as fast as `Table.from_pylist`, which looks up every key.
    """
    names = CONTACT_FIELDS_SCHEMA.names
    if rows and list(rows[0]) != names:  # a normalizer whose key order drifted: correct, just slower
        table = pa.Table.from_pylist(rows, schema=CONTACT_FIELDS_SCHEMA)
        return [table.column(i).combine_chunks() for i in range(table.num_columns)]
    flat = list(chain.from_iterable(map(dict.values, rows)))
    width = len(names)
    return [pa.array(flat[i::width], field.type) for i, field in enumerate(CONTACT_FIELDS_SCHEMA)]
