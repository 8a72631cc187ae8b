"""Format detection and the :func:`open_table` entry point."""

from __future__ import annotations

import codecs
from typing import BinaryIO

from .base import ReadHints, TableReader, UnreadableFile
from .csv_reader import CsvReader
from .json_reader import JsonReader, NdjsonReader, looks_like_ndjson
from .parquet_reader import ParquetReader
from .streams import ReadableStream, Source, magic_format, refuse_binary
from .xlsx_reader import XlsxReader

# (format, default delimiter) per file extension (after removing ".gz") and per configured format name.
# ".txt" is deliberately absent: such files may hold any text format, so their content decides.
_EXTENSIONS: dict[str, tuple[str, str | None]] = {
    "csv": ("csv", None),
    "tsv": ("csv", "\t"),
    "tab": ("csv", "\t"),
    "psv": ("csv", "|"),
    "ndjson": ("ndjson", None),
    "jsonl": ("ndjson", None),
    "json": ("json", None),
    "xlsx": ("xlsx", None),
    "xlsm": ("xlsx", None),
    "parquet": ("parquet", None),
}
_FORMATS: dict[str, tuple[str, str | None]] = {**_EXTENSIONS, "txt": ("csv", None), "excel": ("xlsx", None)}
_BINARY_FORMATS = {"xlsx": "zip (PK) signature", "parquet": "PAR1 signature"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _hinted_format(name: str | None) -> tuple[str, str | None] | None:
    if not name:
        return None
    found = _FORMATS.get(name.strip().lower().lstrip("."))
    if found is None:
        raise UnreadableFile(f"unsupported format {name!r} in the source configuration")
    return found


def _named_format(filename: str) -> tuple[str, str | None] | None:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip().lower()
    for suffix in (".gz", ".gzip"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    _, dot, extension = name.rpartition(".")
    return _EXTENSIONS.get(extension) if dot else None


def _structure_text(sample: bytes, at_eof: bool) -> str:
    """Sample decoded just well enough to see JSON structure (JSON is UTF-8/16/32 by definition)."""
    encoding = next((name for bom, name in _BOMS if sample.startswith(bom)), "utf-8")
    return codecs.getincrementaldecoder(encoding)("replace").decode(sample, final=at_eof)


def _sniff_text_format(sample: bytes, at_eof: bool) -> str:
    """Text format from content: '[' -> JSON document, '{' lines -> NDJSON, anything else -> CSV."""
    text = _structure_text(sample, at_eof)
    stripped = text.lstrip(" \t\r\n\ufeff")
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        return "ndjson" if looks_like_ndjson(stripped, at_eof, require_two=False) else "json"
    return "csv"


def open_table(
    stream: BinaryIO | ReadableStream, filename: str, hints: ReadHints | None = None
) -> TableReader:
    """Open a tabular file for streaming reads, detecting its format, compression and encoding.

    The stream may be non-seekable (only ``read(n)`` is used): the first 64 KiB are sampled for detection
    and chained back in front of the rest. Before :meth:`TableReader.batches` is iterated, only what is
    needed to know the columns is read (CSV: the first 1 MiB decoding chunk), except that a top-level
    JSON object is decoded whole, and XLSX and Parquet, which need random access, are spooled to
    anonymous temporary storage when the stream is not seekable, not at offset 0, or gzip-compressed.
    The caller keeps ownership of ``stream`` (it is never closed).

    Detection order:
        * compression: gzip magic bytes, whatever the name;
        * format: ``hints.format``; else zip/Parquet magic bytes (they win over a misleading name);
          else the extension (``.csv .tsv .psv .ndjson .jsonl .json .xlsx .parquet``, optionally
          ``.gz``; a ``.json`` file whose first two lines are objects is read as NDJSON; an ``.xlsx`` or
          ``.parquet`` name on text content is sniffed as text); else (including ``.txt``) content:
          ``[`` -> JSON, ``{`` lines -> NDJSON, other text -> CSV with a sniffed delimiter.

    Args:
        stream: Binary file-like object offering ``read(n)``.
        filename: Name or object key of the file, used for format detection only.
        hints: Reading instructions from the source's configuration.

    Returns:
        A reader whose ``format``, ``encoding``, ``delimiter``, ``compression`` and ``columns`` are set.

    Raises:
        UnreadableFile: Empty file, binary content, corrupt gzip/xlsx/parquet, unusable hints, invalid
            JSON document...
    """
    hints = hints or ReadHints()
    chosen = _hinted_format(hints.format)
    source = Source(stream)
    sample = source.sample
    if chosen is None:
        magic = magic_format(sample)
        named = _named_format(filename)
        if magic is not None:
            chosen = (magic, None)
        elif named is not None and named[0] in _BINARY_FORMATS:
            try:
                refuse_binary(sample)
            except UnreadableFile as exc:
                raise UnreadableFile(f"not a valid {named[0]} file: no {_BINARY_FORMATS[named[0]]}") from exc
            chosen = (_sniff_text_format(sample, source.at_eof), None)
        elif named is not None:
            chosen = named
            if named[0] == "json" and looks_like_ndjson(
                _structure_text(sample, source.at_eof), source.at_eof, require_two=True
            ):
                chosen = ("ndjson", None)
        else:
            refuse_binary(sample)
            chosen = (_sniff_text_format(sample, source.at_eof), None)
    fmt, default_delimiter = chosen
    if fmt == "xlsx":
        return XlsxReader(source, hints)
    if fmt == "parquet":
        return ParquetReader(source, hints)
    refuse_binary(sample)
    if fmt == "ndjson":
        return NdjsonReader(source, hints)
    if fmt == "json":
        return JsonReader(source, hints)
    return CsvReader(source, hints, default_delimiter)
