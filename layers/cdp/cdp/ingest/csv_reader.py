"""Delimited text (CSV, TSV, pipe, semicolon), decoded and parsed incrementally with the csv module."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from .base import BaseReader, RawRow, ReadHints, RowError, UnreadableFile, row_error
from .streams import Source
from .text import DecodedText, decode_sample, dedupe_columns, detect_encoding

# Order matters on ties: the most common delimiter wins.
_CANDIDATES = (",", ";", "\t", "|")
_SNIFF_RECORDS = 200
_DELIMITER_ALIASES = {
    "\\t": "\t",
    "tab": "\t",
    "tabulation": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
}
_UNTERMINATED = "unterminated quoted field at end of file"


def resolve_delimiter(hint: str | None) -> str | None:
    """The configured delimiter as one character (``"\\t"``, ``"tab"``, ``"semicolon"``... accepted).

    Raises:
        UnreadableFile: The hint cannot be a CSV delimiter.
    """
    if not hint:
        return None
    delimiter = hint if len(hint) == 1 else _DELIMITER_ALIASES.get(hint.strip().lower(), hint)
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise UnreadableFile(f"invalid delimiter {hint!r} in the source configuration")
    return delimiter


def sniff_delimiter(text: str, at_eof: bool) -> str:
    """Pick the delimiter among , ; tab | that splits the sample into the most consistent records.

    For each candidate the sample is parsed with the csv module (so quoted delimiters and newlines do not
    count); a candidate must give the header at least two fields, then the share of records with the
    header's field count decides, then the field count. This is more robust than ``csv.Sniffer``, which
    is easily fooled by decimal commas in semicolon-separated French exports.

    Args:
        text: Decoded sample.
        at_eof: Whether the sample is the whole file (else its last, possibly cut, record is ignored).

    Returns:
        The delimiter; ``","`` when nothing convinces (e.g. a single-column file).
    """
    best, best_score = ",", (0.0, 0)
    for candidate in _CANDIDATES:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=candidate)
        try:
            records = [r for r in itertools.islice(reader, _SNIFF_RECORDS + 1) if "".join(r).strip()]
        except csv.Error:
            continue
        if not at_eof and len(records) > 1:
            records.pop()
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        consistent = sum(1 for r in records if len(r) == width or (len(r) == width + 1 and not r[-1].strip()))
        score = (consistent / len(records), width)
        if score > best_score:
            best, best_score = candidate, score
    return best


class CsvReader(BaseReader):
    """Reads delimited text as a stream of physical lines fed to :func:`csv.reader`.

    Lines are pulled one at a time (the csv module never reads ahead), so every record's original lines
    and starting line number are known exactly, also for quoted fields spanning lines.

    Decisions:
        * Records whose fields are all empty (blank lines, ``;;;;``) are skipped and counted in
          ``blank_lines``, not reported as rows.
        * A record with one field more than the header whose extra field is empty (trailing delimiter of
          some Excel exports) is accepted; any other field-count mismatch is a :class:`RowError` (never
          padded or truncated).
        * Undecodable bytes never stop the read: they are decoded as cp1252 where they stand, counted in
          ``decode_fallbacks``.
        * Quoting is parsed strictly; a record that breaks strict quoting (``"abc"def``) is re-parsed
          leniently as Excel would, and a quoted field still open at end of file is a :class:`RowError`.
        * Without a header (``ReadHints(header=False)``) the column count is that of the first non-blank
          record of the 64 KiB sample.

    Attributes:
        decode_fallbacks: Undecodable bytes read as cp1252 so far (final after iteration).
    """

    format = "csv"

    def __init__(self, source: Source, hints: ReadHints, default_delimiter: str | None = None) -> None:
        super().__init__(source.compression)
        self._source = source
        self.encoding = detect_encoding(source.sample, source.at_eof, hints.encoding)
        delimiter = resolve_delimiter(hints.delimiter) or default_delimiter
        if delimiter is None:
            delimiter = sniff_delimiter(
                decode_sample(source.sample, self.encoding, source.at_eof), source.at_eof
            )
        self.delimiter: str = delimiter
        self._text = DecodedText(source.binary_stream(), self.encoding)
        self._pending: list[str] = []  # physical lines of the record being parsed
        self._lines = self._text.lines(self._pending)
        self._reader = csv.reader(self._lines, delimiter=self.delimiter, strict=True)
        self._line_no = 0  # physical lines consumed by complete records
        if hints.header:
            self._read_header()
        else:
            width = _first_width(decode_sample(source.sample, self.encoding, source.at_eof), delimiter)
            self.columns = [f"column_{n}" for n in range(1, width + 1)]

    @property
    def decode_fallbacks(self) -> int:
        """Undecodable bytes read as cp1252 so far."""
        return self._text.fallbacks

    def _next(self) -> tuple[list[str] | None, str | None]:
        """Next record's fields (None when malformed, with a reason); raises StopIteration at the end."""
        try:
            return next(self._reader), None
        except csv.Error as exc:
            return self._recover(exc)

    def _recover(self, error: csv.Error) -> tuple[list[str] | None, str | None]:
        """Handle a record that broke strict parsing.

        Strict mode reports a quoted field left open at end of data only when asking for one more line,
        so an exhausted line source identifies that case exactly. Any other strict error is re-parsed
        the way Excel would read it (``"ab"c`` -> ``abc``): the lines already consumed are replayed, then
        the lenient reader continues on the shared line source (the record may hold quoted newlines).
        """
        if self._text.exhausted:
            return None, _UNTERMINATED
        lenient = csv.reader(itertools.chain(list(self._pending), self._lines), delimiter=self.delimiter)
        try:
            fields = next(lenient)
        except StopIteration:
            return None, f"malformed CSV: {error}"
        except csv.Error as exc:
            return None, f"malformed CSV: {exc}"
        if self._text.exhausted:
            # The lenient reader asked for a line past the end: it was still inside a quoted field.
            return None, _UNTERMINATED
        return fields, None

    def _take_raw(self) -> tuple[int, str]:
        """Starting line and original text of the record just parsed; resets the line buffer."""
        pending = self._pending
        raw = pending[0] if len(pending) == 1 else "".join(pending)
        start = self._line_no + 1
        self._line_no += len(pending)
        pending.clear()
        return start, raw.rstrip("\r\n")

    def _read_header(self) -> None:
        """Take the first non-blank record as the header."""
        while True:
            try:
                fields, reason = self._next()
            except StopIteration:
                return  # no header at all: zero columns, zero rows
            line_no, _raw = self._take_raw()
            if fields is None:
                raise UnreadableFile(f"unreadable header on line {line_no}: {reason}")
            if "".join(fields).strip():
                self.columns = dedupe_columns(fields)
                return
            self.blank_lines += 1

    def _items(self) -> Iterator[RawRow | RowError]:
        columns = self.columns
        width = len(columns)
        if not width:
            return
        # The hot loop: one iteration per record, kept free of method calls on the common path.
        pending = self._pending
        reader = self._reader
        line_no = self._line_no
        while True:
            try:
                fields: list[str] | None = next(reader)
                reason = None
            except StopIteration:
                break
            except csv.Error as exc:
                fields, reason = self._recover(exc)
            raw = pending[0] if len(pending) == 1 else "".join(pending)
            start = line_no + 1
            line_no += len(pending)
            pending.clear()
            raw = raw.rstrip("\r\n")
            if fields is None:
                yield row_error(start, raw, reason or "malformed CSV")
                continue
            # Blank test only when the first field is empty: keeps the common path cheap.
            if (not fields or not fields[0] or fields[0].isspace()) and not "".join(fields).strip():
                self.blank_lines += 1
                continue
            count = len(fields)
            if count != width and not (count == width + 1 and (not fields[-1] or fields[-1].isspace())):
                yield row_error(start, raw, f"expected {width} fields, found {count}")
                continue
            # strict=False: a tolerated trailing empty field has no column and is dropped here.
            values = {
                c: (v if v and not v.isspace() else None) for c, v in zip(columns, fields, strict=False)
            }
            yield RawRow(start, values, raw)
        self._line_no = line_no

    def close(self) -> None:
        """Release the spool, if any; the caller's stream is left open."""
        self._lines.close()
        self._source.close()


def _first_width(text: str, delimiter: str) -> int:
    """Field count of the first non-blank record of the sample (for files without a header)."""
    try:
        for fields in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if "".join(fields).strip():
                return len(fields)
    except csv.Error:
        pass
    return 0
