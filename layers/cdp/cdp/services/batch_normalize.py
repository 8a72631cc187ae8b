"""Normalize a file of canonical contact records into a staged Arrow table, in parallel, in bounded memory.

The reader streams batches in this process; each batch goes to a worker process as Arrow string columns
of raw values (cheap to pickle, unlike the reader's rows, whose original text is not needed here), is
normalized column by column (`cdp.normalize.batch`) and comes back as an Arrow table of the staging
schema. Tables are concatenated in input order, and at most
two batches per worker are in flight, so memory holds the columnar result plus a few batches, never one
dict per row of the file.

Workers live apart from `batch_resolve` so that a spawned worker imports the normalizers, not the
resolution engine.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from itertools import chain, islice
from typing import TYPE_CHECKING, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from cdp.model import CANONICAL_FIELDS, Entity, staging_schema
from cdp.normalize.batch import normalize_contact_columns

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

    columns: dict[str, pa.Array]  # raw values of the fields of `_COLUMNS` the file has
    line_nos: pa.Array
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
    for batch in reader.column_batches(batch_rows, only=_COLUMNS):
        if batch.errors:
            first = batch.errors[0]
            raise InputError(f"{object_key}, line {first.line_no}: {first.reason}")
        if batch.num_rows:
            yield _Task(batch.columns, batch.line_nos, object_key, ingested_at, default_country, day_first)


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
    size = len(task.line_nos)
    normalized = normalize_contact_columns(
        task.columns, size, default_country=task.default_country, day_first=task.day_first
    )
    absent = pa.nulls(size, pa.string())
    source, source_id = task.columns.get("source", absent), task.columns.get("source_id", absent)
    lineage = [
        pc.if_else(_blank(source), "", source),
        pc.if_else(_blank(source_id), pc.cast(task.line_nos, pa.string()), source_id),
        pa.repeat(pa.scalar(task.object_key, pa.string()), size),
        task.line_nos,
        pa.repeat(pa.scalar(task.ingested_at, _TIMESTAMP), size),
        pa.repeat(pa.scalar(1, pa.int32()), size),
    ]
    return pa.Table.from_arrays(lineage + normalized, schema=_STAGING_SCHEMA)


def _blank(values: pa.Array) -> pa.Array:
    """Where a lineage value is missing or empty."""
    return pc.fill_null(pc.equal(values, ""), True)
