"""Property tests: arbitrary bytes only ever raise UnreadableFile; csv.writer output reads back."""

from __future__ import annotations

import csv
import gzip
import io

from cdp.ingest import ReadHints, UnreadableFile, open_table
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NAMES = ["x.csv", "x.tsv", "x.json", "x.ndjson", "x.xlsx", "x.parquet", "x.csv.gz", "x", "x.txt"]
HINTS = [
    None,
    ReadHints(format="csv"),
    ReadHints(format="json"),
    ReadHints(format="ndjson"),
    ReadHints(format="xlsx"),
    ReadHints(format="parquet"),
    ReadHints(delimiter=";", header=False),
    ReadHints(encoding="utf-8"),
    ReadHints(encoding="utf-16"),
]
# Bytes that are likely to exercise the parsers rather than the binary-content check.
TEXTISH = st.lists(
    st.sampled_from(
        [
            b",",
            b";",
            b"\t",
            b"|",
            b'"',
            b"\n",
            b"\r",
            b"\r\n",
            b"{",
            b"}",
            b"[",
            b"]",
            b":",
            b"a",
            b"1",
            b" ",
            b"\xe9",
            b"\xc3\xa9",
            b"\xef\xbb\xbf",
            b"\x00",
            b"PK\x03\x04",
            b"PAR1",
            b"\x1f\x8b",
            b'"a"',
            b"null",
        ]
    ),
    max_size=60,
).map(b"".join)


def consume(data: bytes, name: str, hints: ReadHints | None) -> None:
    """Open and read everything; only UnreadableFile may escape, and what is read must be consistent."""
    try:
        reader = open_table(io.BytesIO(data), name, hints)
        batches = list(reader.batches(size=7))
    except UnreadableFile as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    for batch in batches:
        assert 0 < len(batch.rows) + len(batch.errors) <= 7
        for row in batch.rows:
            assert row.line_no >= 1
            assert set(row.values) <= set(reader.columns)
            assert all(value is None or (value and not value.isspace()) for value in row.values.values())
        for error in batch.errors:
            assert error.line_no >= 1 and error.reason and len(error.raw) <= 10_000


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=600), name=st.sampled_from(NAMES), hints=st.sampled_from(HINTS))
def test_arbitrary_bytes_only_raise_unreadable_file(data: bytes, name: str, hints: ReadHints | None) -> None:
    consume(data, name, hints)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=TEXTISH,
    name=st.sampled_from(NAMES),
    hints=st.sampled_from(HINTS),
    gz=st.booleans(),
    cut=st.integers(0, 30),
)
def test_text_like_and_gzipped_bytes_only_raise_unreadable_file(
    data: bytes, name: str, hints: ReadHints | None, gz: bool, cut: int
) -> None:
    if gz:
        data = gzip.compress(data)
        data = data[: max(len(data) - cut, 0)]  # possibly truncated
    consume(data, name, hints)


FIELD = st.text(alphabet=st.sampled_from(list('ab é€,;|"\n\r\t ')), max_size=8)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(FIELD, min_size=3, max_size=3), max_size=12),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_csv_written_by_csv_writer_reads_back(rows: list[list[str]], delimiter: str, encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(["c1", "c2", "c3"])
    starts = []
    line = 2
    for row in rows:
        starts.append(line)
        writer.writerow(row)
        # Quoted fields may hold \r and \n: each ends a physical line, like open(newline="").
        line += _physical_lines(_format_row(row, delimiter))
    data = buffer.getvalue().encode(encoding)
    reader = open_table(io.BytesIO(data), "x.csv", ReadHints(delimiter=delimiter, encoding=encoding))
    got = [r for b in reader.batches() for r in b.rows]
    expected = [
        (
            start,
            {c: (v if v and not v.isspace() else None) for c, v in zip(["c1", "c2", "c3"], row, strict=True)},
        )
        for start, row in zip(starts, rows, strict=True)
        if any(v.strip() for v in row)
    ]
    assert [(r.line_no, r.values) for r in got] == expected


def _format_row(row: list[str], delimiter: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(row)
    return buffer.getvalue()


def _physical_lines(text: str) -> int:
    return len(list(io.StringIO(text, newline="")))
