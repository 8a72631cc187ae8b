"""Parquet files, read record batch by record batch with pyarrow."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .base import BaseReader, ColumnBatch, RawRow, ReadHints, RowError, UnreadableFile
from .streams import Source
from .text import dedupe_columns, to_text
from .xlsx_reader import describe

# Rows converted to Python objects at a time: bounds memory independently of row-group size.
_ARROW_BATCH_ROWS = 10_000


def _python_friendly(column: pa.Array) -> pa.Array:
    """Nanosecond temporal values cannot become Python objects: truncate them to microseconds."""
    kind = column.type
    if pa.types.is_timestamp(kind) and kind.unit == "ns":
        return column.cast(pa.timestamp("us", tz=kind.tz), safe=False)
    if pa.types.is_time64(kind) and kind.unit == "ns":
        return column.cast(pa.time64("us"), safe=False)
    if pa.types.is_duration(kind) and kind.unit == "ns":
        return column.cast(pa.duration("us"), safe=False)
    return column


def _text_column(column: pa.Array) -> pa.Array:
    """A column as raw text the way :func:`to_text` writes each cell."""
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        text = column.cast(pa.string())
        blank = pc.or_(pc.equal(text, ""), pc.utf8_is_space(text))
        return pc.if_else(blank, pa.scalar(None, pa.string()), text)
    return pa.array([to_text(value) for value in _python_friendly(column).to_pylist()], pa.string())


class ParquetReader(BaseReader):
    """Reads a Parquet file; values become text like spreadsheet cells (see :func:`cdp.ingest.text.to_text`).

    Parquet needs random access (the footer is at the end): a non-seekable or gzip-compressed stream is
    spooled first to a :class:`tempfile.SpooledTemporaryFile` (memory up to 64 MiB, then an anonymous
    temporary file). ``line_no`` is the 1-based row index in the file.
    """

    format = "parquet"

    def __init__(self, source: Source, hints: ReadHints) -> None:
        super().__init__(source.compression)
        self._source = source
        # Outside the try below: a transport error of the caller's stream is not a corrupt file.
        file = source.seekable_file()
        try:
            self._file = pq.ParquetFile(file)
            names: list[Any] = self._file.schema_arrow.names
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ValueError... on corrupt input
            self.close()
            raise UnreadableFile(f"corrupt or invalid parquet file: {describe(exc)}") from exc
        self.columns = dedupe_columns(names)

    def _items(self) -> Iterator[RawRow | RowError]:
        columns = self.columns
        line_no = 0
        try:
            for batch in self._file.iter_batches(batch_size=_ARROW_BATCH_ROWS):
                texts = [[to_text(v) for v in _python_friendly(c).to_pylist()] for c in batch.columns]
                for row in zip(*texts, strict=True):
                    line_no += 1
                    values = dict(zip(columns, row, strict=True))
                    yield RawRow(line_no, values, json.dumps(values, ensure_ascii=False))
        except UnreadableFile:
            raise
        except Exception as exc:  # corrupt pages are only found while decoding them
            raise UnreadableFile(f"corrupt or invalid parquet file: {describe(exc)}") from exc

    def column_batches(
        self, size: int = 50_000, only: Collection[str] | None = None
    ) -> Iterator[ColumnBatch]:
        """Record batches as text columns: text columns pass through as they are (blank cells become
        null, as in :meth:`batches`); other types go through :func:`to_text` value by value."""
        self._start(size)
        # Deduplicated names map to the file's columns by position.
        wanted = [i for i, name in enumerate(self.columns) if only is None or name in only]
        first_line = 1
        try:
            for batch in self._file.iter_batches(batch_size=size):
                columns = {self.columns[i]: _text_column(batch.column(i)) for i in wanted}
                line_nos = pa.array(range(first_line, first_line + batch.num_rows), pa.int64())
                first_line += batch.num_rows
                yield ColumnBatch(columns, line_nos, [])
        except UnreadableFile:
            raise
        except Exception as exc:  # corrupt pages are only found while decoding them
            raise UnreadableFile(f"corrupt or invalid parquet file: {describe(exc)}") from exc
        finally:
            self.close()

    def close(self) -> None:
        """Release the spool, if any; the caller's stream is left open."""
        if hasattr(self, "_file"):
            self._file.close()  # closes only what pyarrow opened itself, never the stream it was given
        self._source.close()
