"""Parquet: typed values as text, seekable and non-seekable streams, batching, corrupt files."""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import io
import math

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cdp.ingest import RawRow, UnreadableFile, open_table


class NonSeekable:
    """Mimics botocore's StreamingBody: only read(n)."""

    def __init__(self, data: bytes) -> None:
        self._buffer = io.BytesIO(data)

    def read(self, size: int = -1) -> bytes:
        return self._buffer.read(size)


def parquet_bytes(table: pa.Table, **options: object) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **options)
    return buffer.getvalue()


def typed_table() -> pa.Table:
    return pa.table(
        {
            "id": pa.array([1, None, 3], pa.int64()),
            "postcode": pa.array([75001.0, math.nan, 69001.0]),  # pandas-style float codes with NaN
            "amount": pa.array(
                [decimal.Decimal("12.50"), None, decimal.Decimal("-3.10")], pa.decimal128(10, 2)
            ),
            "ratio": pa.array([0.25, 1.5, None]),
            "seen_at": pa.array(
                [dt.datetime(2024, 1, 1), None, dt.datetime(2024, 5, 6, 7, 8, 9, 123456)], pa.timestamp("ns")
            ),
            "born": pa.array([dt.date(1980, 3, 12), None, None], pa.date32()),
            "active": pa.array([True, False, None]),
            "name": pa.array(["Zoé", "   ", ""]),
            "address": pa.array([{"city": "Lyon", "zip": "69001"}, None, {"city": "Nice", "zip": None}]),
            "tags": pa.array([["a", "b"], [], None]),
        }
    )


def test_typed_columns_become_text() -> None:
    reader = open_table(io.BytesIO(parquet_bytes(typed_table())), "contacts.parquet")
    assert (reader.format, reader.encoding, reader.delimiter, reader.compression) == (
        "parquet",
        None,
        None,
        None,
    )
    assert reader.columns == [
        "id",
        "postcode",
        "amount",
        "ratio",
        "seen_at",
        "born",
        "active",
        "name",
        "address",
        "tags",
    ]
    rows = [row for batch in reader.batches() for row in batch.rows]
    assert [row.line_no for row in rows] == [1, 2, 3]
    assert rows[0].values == {
        "id": "1",
        "postcode": "75001",
        "amount": "12.50",
        "ratio": "0.25",
        "seen_at": "2024-01-01T00:00:00",  # a typed timestamp keeps its time, even at midnight
        "born": "1980-03-12",
        "active": "true",
        "name": "Zoé",
        "address": '{"city":"Lyon","zip":"69001"}',
        "tags": '["a","b"]',
    }
    assert rows[1].values == {
        "id": None,
        "postcode": None,
        "amount": None,
        "ratio": "1.5",
        "seen_at": None,
        "born": None,
        "active": "false",
        "name": None,
        "address": None,
        "tags": "[]",
    }
    assert rows[2].values["seen_at"] == "2024-05-06T07:08:09.123456"
    assert rows[2].values["amount"] == "-3.10"
    assert rows[2].values["address"] == '{"city":"Nice","zip":null}'
    assert rows[2].raw.startswith('{"id": "3", "postcode": "69001"')


def test_non_seekable_stream_is_spooled_and_batches_follow_the_requested_size() -> None:
    table = pa.table({"n": pa.array(range(25_000)), "s": pa.array([f"v{i}" for i in range(25_000)])})
    data = parquet_bytes(table, row_group_size=4_000)
    reader = open_table(NonSeekable(data), "big.parquet")
    batches = list(reader.batches(size=10_000))
    assert [len(b.rows) for b in batches] == [10_000, 10_000, 5_000]
    assert batches[2].rows[-1] == RawRow(
        25_000, {"n": "24999", "s": "v24999"}, '{"n": "24999", "s": "v24999"}'
    )


def test_gzipped_parquet_and_parquet_without_extension() -> None:
    data = parquet_bytes(pa.table({"a": ["x", "y"]}))
    reader = open_table(NonSeekable(gzip.compress(data)), "export.parquet.gz")
    assert (reader.format, reader.compression) == ("parquet", "gzip")
    assert [r.values for b in reader.batches() for r in b.rows] == [{"a": "x"}, {"a": "y"}]
    reader = open_table(NonSeekable(data), "export")
    assert reader.format == "parquet"


def test_truncated_or_corrupt_parquet_is_unreadable() -> None:
    data = parquet_bytes(typed_table())
    with pytest.raises(UnreadableFile, match="corrupt or invalid parquet file"):
        open_table(NonSeekable(data[:-100]), "x.parquet")
    with pytest.raises(UnreadableFile, match="corrupt or invalid parquet file"):
        open_table(io.BytesIO(b"PAR1" + b"\x00" * 64), "x.parquet")
