"""Column batches hold exactly the rows' values, whatever the format."""

from __future__ import annotations

import datetime as dt
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cdp.ingest import open_table


def _parquet(table: pa.Table) -> io.BytesIO:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return io.BytesIO(buffer.getvalue())


def _by_rows(data: bytes, name: str, size: int) -> dict[str, list[str | None]]:
    rows = [row for batch in open_table(io.BytesIO(data), name).batches(size) for row in batch.rows]
    reader_columns = {key for row in rows for key in row.values}
    return {column: [row.values.get(column) for row in rows] for column in sorted(reader_columns)} | {
        "#line": [row.line_no for row in rows]
    }


def _by_columns(data: bytes, name: str, size: int, only: set[str] | None = None) -> dict[str, list[object]]:
    batches = list(open_table(io.BytesIO(data), name).column_batches(size, only=only))
    names = sorted({column for batch in batches for column in batch.columns})
    result: dict[str, list[object]] = {name: [] for name in names}
    for batch in batches:
        for column in names:
            result[column] += batch.columns[column].to_pylist()
    return result | {"#line": [line for batch in batches for line in batch.line_nos.to_pylist()]}


def test_parquet_columns_read_like_its_rows() -> None:
    # Given a Parquet file with text (blank, spaces, large strings), numbers, NaN and dates
    table = pa.table(
        {
            "name": ["Marie", "", "  ", None, " Jean "],
            "count": [1, None, 3, 4, 5],
            "postcode": [75001.0, 2.5, float("nan"), None, 6000.0],
            "born": [dt.date(1980, 1, 2)] * 5,
            "note": pa.array(["a", "", "b", None, "c"], pa.large_string()),
        }
    )
    data = _parquet(table).getvalue()
    # When read as columns in batches of two
    # Then every column holds what the row reader gives, line numbers included
    assert _by_columns(data, "x.parquet", 2) == _by_rows(data, "x.parquet", 2)
    assert _by_columns(data, "x.parquet", 2)["postcode"] == ["75001", "2.5", None, None, "6000"]


def test_only_keeps_the_named_columns() -> None:
    data = _parquet(pa.table({"a": ["1"], "b": ["2"]})).getvalue()
    assert set(_by_columns(data, "x.parquet", 10, only={"b", "z"})) == {"b", "#line"}
    csv = b"a;b\n1;2\n"
    assert set(_by_columns(csv, "x.csv", 10, only={"a"})) == {"a", "#line"}


def test_csv_columns_transpose_its_rows_and_keep_errors() -> None:
    # Given a CSV with a broken record
    data = b"a,b\n1,x\n2,y,extra\n3,\n"
    batches = list(open_table(io.BytesIO(data), "x.csv").column_batches(10))
    # Then the good rows are columns, the bad one an error with its line
    [batch] = batches
    assert batch.columns["a"].to_pylist() == ["1", "3"] and batch.columns["b"].to_pylist() == ["x", None]
    assert batch.line_nos.to_pylist() == [2, 4] and [e.line_no for e in batch.errors] == [3]


def test_column_batches_read_once() -> None:
    reader = open_table(_parquet(pa.table({"a": ["1"]})), "x.parquet")
    list(reader.column_batches())
    with pytest.raises(RuntimeError, match="only be iterated once"):
        list(reader.column_batches())
