"""Streams and whole-file failures: gzip, non-seekable streaming, binary/empty content, hints, lifecycle."""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io

import pytest
from cdp.ingest import CsvReader, RawRow, ReadHints, UnreadableFile, open_table


class CountingStream:
    """Non-seekable stream (only read(n), like botocore's StreamingBody) that records how it is read."""

    def __init__(self, data: bytes, max_chunk: int = 65_536) -> None:
        self._buffer = io.BytesIO(data)
        self._max_chunk = max_chunk
        self.consumed = 0
        self.largest_request = 0

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size > 0, "the reader must never ask for the whole stream"
        self.largest_request = max(self.largest_request, size)
        data = self._buffer.read(min(size, self._max_chunk))
        self.consumed += len(data)
        return data


def contact_csv(rows: int) -> bytes:
    """Poorly compressible CSV (hash-based values), so gzip truncation lands after the detection sample."""
    lines = ["id;email;token"]
    for i in range(rows):
        token = hashlib.sha256(str(i).encode()).hexdigest()
        lines.append(f"{i};user{i}@exemple.fr;{token}")
    return ("\n".join(lines) + "\n").encode("cp1252")


# --- streaming ----------------------------------------------------------------------------------------


def test_non_seekable_stream_is_read_incrementally_in_several_batches() -> None:
    data = contact_csv(60_000)  # ~6 MB
    stream = CountingStream(data)
    reader = open_table(stream, "contacts.csv")
    # Reading the header pulled only the first 1 MiB decoding chunk (the 64 KiB sample is part of it).
    assert stream.consumed <= 1024 * 1024
    batches = reader.batches(size=5_000)
    first = next(batches)
    assert [row.line_no for row in first.rows[:2]] == [2, 3]
    assert first.rows[0].values["email"] == "user0@exemple.fr"
    # After the first batch only a small part of the file has been pulled from the stream.
    assert stream.consumed < len(data) // 4
    rest = list(batches)
    assert len(rest) == 11
    assert rest[-1].rows[-1].values["id"] == "59999"
    assert rest[-1].rows[-1].line_no == 60_001
    assert stream.consumed == len(data)
    assert stream.largest_request <= 1024 * 1024


def test_caller_stream_is_left_open_and_reader_is_a_context_manager() -> None:
    stream = io.BytesIO(b"a,b\n1,2\n")
    with open_table(stream, "x.csv") as reader:
        assert [r.values for b in reader.batches() for r in b.rows] == [{"a": "1", "b": "2"}]
    assert not stream.closed


def test_batches_can_be_iterated_once_and_size_must_be_positive() -> None:
    reader = open_table(io.BytesIO(b"a\n1\n"), "x.csv")
    with pytest.raises(ValueError, match="batch size must be positive"):
        reader.batches(0)
    assert [b.rows[0].values for b in reader.batches()] == [{"a": "1"}]
    with pytest.raises(RuntimeError, match="only be iterated once"):
        reader.batches()


# --- gzip -----------------------------------------------------------------------------------------------


def test_gzip_csv() -> None:
    reader = open_table(CountingStream(gzip.compress(contact_csv(3))), "contacts.csv.gz")
    assert isinstance(reader, CsvReader)
    assert (reader.compression, reader.encoding, reader.delimiter) == ("gzip", "utf-8", ";")
    rows = [r for b in reader.batches() for r in b.rows]
    assert [r.values["email"] for r in rows] == ["user0@exemple.fr", "user1@exemple.fr", "user2@exemple.fr"]


@pytest.mark.parametrize("name", ["contacts.csv", "contacts", "contacts.dat"])
def test_gzip_is_detected_from_magic_bytes_whatever_the_name(name: str) -> None:
    data = gzip.compress("nom;ville\nNoël;Orléans\n".encode("cp1252"))
    reader = open_table(CountingStream(data), name)
    assert (reader.format, reader.compression, reader.encoding) == ("csv", "gzip", "cp1252")
    assert [r for b in reader.batches() for r in b.rows] == [
        RawRow(2, {"nom": "Noël", "ville": "Orléans"}, "Noël;Orléans")
    ]


def test_truncated_gzip_raises_from_batches_after_rows_were_yielded() -> None:
    compressed = gzip.compress(contact_csv(20_000))
    reader = open_table(CountingStream(compressed[: len(compressed) * 2 // 3]), "contacts.csv.gz")
    batches = reader.batches(size=1_000)
    seen = [next(batches), next(batches)]
    assert seen[1].rows[-1].values["id"] == "1999"  # provisional rows: the caller must discard them
    with pytest.raises(UnreadableFile, match="^truncated gzip stream$"):
        list(batches)


def test_gzip_truncated_inside_the_sample_fails_at_open() -> None:
    compressed = gzip.compress(b"a,b\n" + b"1,2\n" * 100)
    with pytest.raises(UnreadableFile, match="^truncated gzip stream$"):
        open_table(io.BytesIO(compressed[:-12]), "x.csv.gz")


def test_corrupt_gzip_is_unreadable() -> None:
    compressed = bytearray(gzip.compress(contact_csv(500)))
    compressed[-6] ^= 0xFF  # inside the CRC/length trailer
    with pytest.raises(UnreadableFile, match="corrupt gzip stream"):
        list(open_table(io.BytesIO(bytes(compressed)), "x.csv.gz").batches())
    with pytest.raises(UnreadableFile, match="corrupt gzip stream"):
        open_table(io.BytesIO(b"\x1f\x8b\x08\x00" + b"\xff" * 100), "x.csv.gz")


def test_gzip_of_nothing_is_an_empty_file() -> None:
    with pytest.raises(UnreadableFile, match="empty file"):
        open_table(io.BytesIO(gzip.compress(b"")), "x.csv.gz")


# --- whole-file failures --------------------------------------------------------------------------------


def test_empty_file() -> None:
    with pytest.raises(UnreadableFile, match="^empty file$"):
        open_table(io.BytesIO(b""), "contacts.csv")


def test_whitespace_only_file_has_no_columns_and_no_rows() -> None:
    reader = open_table(io.BytesIO(b"\n \n\r\n"), "contacts.csv")
    assert reader.columns == []
    assert list(reader.batches()) == []
    assert reader.blank_lines == 3


def test_png_named_csv_is_binary_content() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
    with pytest.raises(UnreadableFile, match="^binary content, not a text table$"):
        open_table(io.BytesIO(png + bytes(range(256)) * 4), "contacts.csv")


def test_random_bytes_are_binary_content() -> None:
    noise = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(200))
    with pytest.raises(UnreadableFile, match="binary content"):
        open_table(io.BytesIO(noise), "contacts.csv")


def test_unsupported_compression_is_named() -> None:
    with pytest.raises(UnreadableFile, match=r"bzip2 compression is not supported \(use gzip\)"):
        open_table(io.BytesIO(bz2.compress(b"a,b\n1,2\n")), "contacts.csv.bz2")


@pytest.mark.parametrize(
    ("hints", "reason"),
    [
        (ReadHints(format="xml"), "unsupported format 'xml'"),
        (ReadHints(encoding="klingon-8"), "unknown encoding 'klingon-8'"),
    ],
)
def test_unusable_hints_make_the_file_unreadable(hints: ReadHints, reason: str) -> None:
    with pytest.raises(UnreadableFile, match=reason):
        open_table(io.BytesIO(b"a,b\n1,2\n"), "x.csv", hints)


def test_format_hint_wins_over_the_extension() -> None:
    reader = open_table(io.BytesIO(b'{"a": 1}\n{"a": 2}\n'), "export.csv", ReadHints(format="jsonl"))
    assert reader.format == "ndjson"
    assert [r.values for b in reader.batches() for r in b.rows] == [{"a": "1"}, {"a": "2"}]
    reader = open_table(io.BytesIO(b"a|b\n1|2\n"), "export.dat", ReadHints(format="psv"))
    assert (reader.format, reader.delimiter) == ("csv", "|")
