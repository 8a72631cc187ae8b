"""Streaming readers for tabular files: CSV/TSV/pipe, NDJSON, JSON, XLSX and Parquet, optionally gzipped.

Pure core: it takes a binary file-like object (possibly non-seekable, such as an S3 ``StreamingBody``) and
a file name, never opens paths, reads no environment and does no network I/O.

Typical use::

    reader = open_table(body, key, ReadHints(format=source.format))
    for batch in reader.batches():
        stage(batch.rows)
        quarantine(batch.errors)

An :class:`UnreadableFile` raised from ``batches()`` (e.g. a gzip stream truncated after some rows were
read) means the whole file is rejected, including rows of batches already yielded.
"""

from .base import Batch, ColumnBatch, RawRow, ReadHints, RowError, TableReader, UnreadableFile
from .csv_reader import CsvReader
from .json_reader import JsonReader, NdjsonReader
from .parquet_reader import ParquetReader
from .readers import open_table
from .streams import ReadableStream
from .xlsx_reader import XlsxReader

__all__ = [
    "Batch",
    "ColumnBatch",
    "CsvReader",
    "JsonReader",
    "NdjsonReader",
    "ParquetReader",
    "RawRow",
    "ReadHints",
    "ReadableStream",
    "RowError",
    "TableReader",
    "UnreadableFile",
    "XlsxReader",
    "open_table",
]
