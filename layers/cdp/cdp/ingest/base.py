"""Value types shared by every reader, and the batching base class.

A reader turns one file into a stream of :class:`RawRow` (a record read as strings) and :class:`RowError`
(a record that could not be read, kept with its original text so it can be quarantined). Anything that
makes the *whole* file unreadable is raised as :class:`UnreadableFile`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import pyarrow as pa

# A quarantined record keeps at most this much of its original text: enough to diagnose, and a runaway
# unterminated quote cannot blow up the error log.
MAX_ERROR_RAW_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class RawRow:
    """One record read from a file, every value as raw text.

    Attributes:
        line_no: 1-based position of the record: CSV physical line where the record starts (the header is
            line 1), NDJSON line, JSON array element index, XLSX sheet row number, Parquet row index.
        values: Column name -> raw value as text; empty or whitespace-only values and JSON nulls are None.
        raw: The original record text (CSV lines, NDJSON line) or ``json.dumps`` of the values, kept for
            quarantine and lineage.
        sheet: XLSX sheet the row comes from, else None.
    """

    line_no: int
    values: dict[str, str | None]
    raw: str
    sheet: str | None = None


@dataclass(frozen=True, slots=True)
class RowError:
    """A record that could not be read.

    Attributes:
        line_no: Same numbering as :attr:`RawRow.line_no`.
        raw: Original text of the bad record, truncated at 10,000 characters.
        reason: Short human-readable reason, e.g. ``"expected 8 fields, found 10"``.
    """

    line_no: int
    raw: str
    reason: str


@dataclass(frozen=True, slots=True)
class Batch:
    """A chunk of a file: good rows and bad records, in file order within each list."""

    rows: list[RawRow]
    errors: list[RowError]


@dataclass(frozen=True, slots=True)
class ColumnBatch:
    """A chunk of a file as columns: each column's raw text values (a string array, null when empty),
    the rows' line numbers, and the bad records. Rows keep file order."""

    columns: dict[str, pa.Array]
    line_nos: pa.Array
    errors: list[RowError]

    @property
    def num_rows(self) -> int:
        return len(self.line_nos)


@dataclass(frozen=True, slots=True)
class ReadHints:
    """Optional reading instructions from the source's configuration; each one overrides detection.

    Attributes:
        format: ``"csv"``, ``"ndjson"``, ``"json"``, ``"xlsx"`` or ``"parquet"`` (``"tsv"``, ``"psv"``,
            ``"txt"`` and ``"jsonl"`` are accepted as aliases).
        delimiter: CSV delimiter; ``"\\t"`` or ``"tab"`` for tabs.
        encoding: Text encoding (any Python codec name).
        sheet: XLSX: read only this sheet.
        header: CSV/XLSX: whether the first non-empty record is a header (else columns are
            ``column_1``, ``column_2``, ...).
    """

    format: str | None = None
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    header: bool = True


class UnreadableFile(Exception):
    """The file as a whole cannot be read; ``str(exc)`` is a clear one-line reason."""


def row_error(line_no: int, raw: str, reason: str) -> RowError:
    """Build a :class:`RowError`, truncating the original text to the quarantine limit.

    Args:
        line_no: Position of the record.
        raw: Original text of the record.
        reason: Why it could not be read.

    Returns:
        The error record.
    """
    return RowError(line_no=line_no, raw=raw[:MAX_ERROR_RAW_CHARS], reason=reason)


@runtime_checkable
class TableReader(Protocol):
    """What :func:`cdp.ingest.open_table` returns, whatever the format."""

    format: str
    encoding: str | None
    delimiter: str | None
    compression: str | None
    columns: list[str]
    blank_lines: int

    def batches(self, size: int = 50_000) -> Iterator[Batch]:
        """Yield the file's records in batches of at most ``size`` rows plus errors."""
        ...

    def column_batches(
        self, size: int = 50_000, only: Collection[str] | None = None
    ) -> Iterator[ColumnBatch]:
        """The same records as :meth:`batches`, as columns (no per-row objects where the format allows);
        ``only`` keeps just those of the file's columns."""
        ...

    def close(self) -> None:
        """Release temporary storage; never closes the caller's stream."""
        ...


class BaseReader:
    """Batching, single-use and cleanup logic common to every format.

    Subclasses implement :meth:`_items`, a generator of :class:`RawRow` and :class:`RowError` in file order.
    """

    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None

    def __init__(self, compression: str | None) -> None:
        self.compression = compression
        self.columns: list[str] = []
        # Records that were entirely empty (blank lines, ";;;;" lines, empty spreadsheet rows inside the
        # data): skipped rather than reported as rows or errors, counted here for the load report.
        self.blank_lines = 0
        self._started = False

    def batches(self, size: int = 50_000) -> Iterator[Batch]:
        """Read the file, yielding batches of rows and errors.

        Each batch holds at most ``size`` records (rows + errors); no empty batch is ever yielded, so a
        header-only file yields nothing. The file can be iterated only once (the stream is consumed).

        If the file turns out to be unreadable part-way (truncated gzip, corrupt workbook...),
        :class:`UnreadableFile` is raised from the iteration: callers must treat the rows of batches
        already yielded as provisional and discard them.

        Args:
            size: Maximum number of records per batch.

        Yields:
            Batches in file order.

        Raises:
            UnreadableFile: The rest of the file cannot be read.
            ValueError: ``size`` is not positive.
            RuntimeError: ``batches()`` was already called on this reader.
        """
        self._start(size)
        return self._batched(size)

    def _start(self, size: int) -> None:
        """Check the batch size and mark the reader used: a stream is read once."""
        if size < 1:
            raise ValueError(f"batch size must be positive, got {size}")
        if self._started:
            raise RuntimeError("batches() can only be iterated once: the stream is consumed")
        self._started = True

    def column_batches(
        self, size: int = 50_000, only: Collection[str] | None = None
    ) -> Iterator[ColumnBatch]:
        """The records of :meth:`batches` as columns of raw text, for column-wise processing.

        Formats that are columnar already (Parquet) override this to skip per-row objects; the others
        transpose their row batches. Same single use, errors and ``UnreadableFile`` as :meth:`batches`.

        Args:
            size: Maximum number of records per batch.
            only: The columns wanted (those the file lacks are left out); None for all.
        """
        for batch in self.batches(size):
            columns = {
                name: pa.array([row.values.get(name) for row in batch.rows], pa.string())
                for name in self.columns
                if only is None or name in only
            }
            line_nos = pa.array([row.line_no for row in batch.rows], pa.int64())
            yield ColumnBatch(columns, line_nos, batch.errors)

    def _batched(self, size: int) -> Iterator[Batch]:
        rows: list[RawRow] = []
        errors: list[RowError] = []
        try:
            for item in self._items():
                if type(item) is RawRow:
                    rows.append(item)
                else:
                    errors.append(item)  # type: ignore[arg-type]
                if len(rows) + len(errors) >= size:
                    yield Batch(rows, errors)
                    rows, errors = [], []
            if rows or errors:
                yield Batch(rows, errors)
        finally:
            self.close()

    def _items(self) -> Iterator[RawRow | RowError]:
        raise NotImplementedError

    def close(self) -> None:
        """Release temporary storage held by the reader; never closes the caller's stream."""

    def __enter__(self) -> BaseReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
