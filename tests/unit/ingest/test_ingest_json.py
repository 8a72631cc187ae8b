"""NDJSON and JSON documents: value conversion, per-record errors, envelopes and unreadable documents."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from cdp.ingest import RawRow, ReadHints, RowError, UnreadableFile, open_table


class NonSeekable:
    """Mimics botocore's StreamingBody: only read(n), with short reads."""

    def __init__(self, data: bytes, max_chunk: int = 5_003) -> None:
        self._buffer = io.BytesIO(data)
        self._max_chunk = max_chunk

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            return self._buffer.read()
        return self._buffer.read(min(size, self._max_chunk))


def read_all(data: bytes, name: str, hints: ReadHints | None = None, size: int = 50_000):
    reader = open_table(NonSeekable(data), name, hints)
    batches = list(reader.batches(size))
    return reader, [r for b in batches for r in b.rows], [e for b in batches for e in b.errors]


# --- NDJSON ---------------------------------------------------------------------------------------------


def test_ndjson_values_are_json_text_and_columns_grow_in_first_seen_order() -> None:
    lines = [
        '{"id": 1, "email": "a@x.fr", "score": 1.5, "vip": true, "note": null, "tags": ["a", "b"]}',
        '{"id": 12345678901234567890, "email": "  ", "address": {"city": "Lyon", "zip": "69001"}}',
        '{"id": 3, "amount": 1.0, "empty": ""}',
    ]
    reader, rows, errors = read_all(("\n".join(lines) + "\n").encode(), "events.ndjson")
    assert (reader.format, reader.encoding) == ("ndjson", "utf-8")
    assert errors == []
    assert rows[0] == RawRow(
        1,
        {"id": "1", "email": "a@x.fr", "score": "1.5", "vip": "true", "note": None, "tags": '["a","b"]'},
        lines[0],
    )
    assert rows[1].values == {
        "id": "12345678901234567890",  # no float rounding of big integers
        "email": None,
        "address": '{"city":"Lyon","zip":"69001"}',
    }
    assert rows[2].values == {"id": "3", "amount": "1.0", "empty": None}
    assert reader.columns == ["id", "email", "score", "vip", "note", "tags", "address", "amount", "empty"]


def test_ndjson_bad_lines_are_errors_and_blank_lines_are_skipped() -> None:
    data = b'{"a": 1}\n\n{"a": 2 "b": 3}\n[1, 2]\n"text"\n{"a": 3}\r\n'
    reader, rows, errors = read_all(data, "events.jsonl")
    assert [(row.line_no, row.values) for row in rows] == [(1, {"a": "1"}), (6, {"a": "3"})]
    assert rows[1].raw == '{"a": 3}'
    assert errors == [
        RowError(3, '{"a": 2 "b": 3}', "invalid JSON: Expecting ',' delimiter"),
        RowError(4, "[1, 2]", "not a JSON object"),
        RowError(5, '"text"', "not a JSON object"),
    ]
    assert reader.blank_lines == 1


def test_gzip_ndjson() -> None:
    payload = "".join(json.dumps({"n": i, "ville": "Orléans"}) + "\n" for i in range(1_000)).encode()
    reader, rows, errors = read_all(gzip.compress(payload), "events.ndjson.gz")
    assert (reader.format, reader.compression) == ("ndjson", "gzip")
    assert errors == []
    assert len(rows) == 1_000
    assert rows[999] == RawRow(
        1_000, {"n": "999", "ville": "Orléans"}, '{"n": 999, "ville": "Orl\\u00e9ans"}'
    )


def test_ndjson_is_sniffed_without_extension_and_json_named_ndjson_is_detected() -> None:
    data = b'{"a": 1}\n{"a": 2}\n'
    for name in ("export", "export.json", "export.dat", "export.txt"):
        reader, rows, _ = read_all(data, name)
        assert reader.format == "ndjson"
        assert [row.values["a"] for row in rows] == ["1", "2"]


# --- JSON documents -----------------------------------------------------------------------------------


def test_json_array_with_a_non_object_element() -> None:
    data = '[{"id": 1, "nom": "Zoé"}, 42, {"id": 2, "nested": {"k": [1, null]}}, null]'.encode()
    reader, rows, errors = read_all(data, "api.json")
    assert reader.format == "json"
    assert rows == [
        RawRow(1, {"id": "1", "nom": "Zoé"}, '{"id": 1, "nom": "Zoé"}'),
        RawRow(3, {"id": "2", "nested": '{"k":[1,null]}'}, '{"id": 2, "nested": {"k": [1, null]}}'),
    ]
    assert errors == [RowError(2, "42", "not a JSON object"), RowError(4, "null", "not a JSON object")]
    assert reader.columns == ["id", "nom", "nested"]


def test_large_json_array_is_streamed_in_batches() -> None:
    elements = [{"id": i, "text": "é" * (i % 50), "value": i / 4} for i in range(30_000)]
    data = json.dumps(elements, indent=1).encode()
    assert len(data) > 2 * 1024 * 1024  # spans several decoding chunks
    reader = open_table(NonSeekable(data), "big.json")
    batches = list(reader.batches(size=7_000))
    assert [len(b.rows) for b in batches] == [7_000, 7_000, 7_000, 7_000, 2_000]
    last = batches[-1].rows[-1]
    assert last.line_no == 30_000
    assert last.values == {"id": "29999", "text": "é" * 49, "value": "7499.75"}


def test_json_object_envelope_with_one_list_of_records() -> None:
    data = b'{"page": 1, "records": [{"id": "a"}, {"id": "b"}], "meta": {"total": 2}}'
    reader, rows, _ = read_all(data, "page.json")
    assert [(row.line_no, row.values) for row in rows] == [(1, {"id": "a"}), (2, {"id": "b"})]


def test_json_envelope_with_empty_records_yields_nothing() -> None:
    _, rows, errors = read_all(b'{"data": [], "next": null}', "page.json")
    assert rows == [] and errors == []


def test_single_json_object_is_one_record() -> None:
    _, rows, _ = read_all(b'{\n  "id": 7,\n  "tags": ["x"]\n}\n', "one.json")
    assert rows == [RawRow(1, {"id": "7", "tags": '["x"]'}, '{"id": 7, "tags": ["x"]}')]


def test_json_array_is_sniffed_without_extension() -> None:
    reader, rows, _ = read_all(b'  \n[{"a": "x"}]', "export")
    assert reader.format == "json"
    assert rows[0].values == {"a": "x"}


def test_empty_json_array_yields_nothing() -> None:
    _, rows, errors = read_all(b"[ ]", "x.json")
    assert rows == [] and errors == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'"just a string"', "JSON top level is a str, expected an array of objects or an object"),
        (b"42", "JSON top level is a int"),
        (b'{"a": [{"x": 1}], "b": [{"y": 2}]}', "several lists of objects (a, b)"),
        (b'{"a": 1', "invalid JSON in JSON document"),
        (b'{"a": 1} {"b": 2}', "unexpected data after the top-level JSON object"),
    ],
)
def test_unreadable_json_documents_fail_at_open(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFile, match=reason.replace("(", r"\(").replace(")", r"\)")):
        open_table(io.BytesIO(data), "x.json")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'[{"a": 1}, {"a": 2', "invalid JSON in element 2"),
        (b'[{"a": 1}, {"a": 2}', "truncated JSON: the array is not closed"),
        (b'[{"a": 1} {"a": 2}]', "invalid JSON after element 1: expected ',' or ']'"),
        (b'[{"a": 1}] trailing', "unexpected data after the top-level JSON array"),
    ],
)
def test_broken_json_arrays_fail_during_iteration_after_good_rows(data: bytes, reason: str) -> None:
    reader = open_table(io.BytesIO(data), "x.json")
    batches = reader.batches(size=1)
    assert next(batches).rows[0].values == {"a": "1"}  # provisional: the caller must discard it
    with pytest.raises(UnreadableFile, match=reason.replace("(", r"\(").replace(")", r"\)")):
        list(batches)
