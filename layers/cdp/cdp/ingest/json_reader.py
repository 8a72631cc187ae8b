"""JSON Lines (one object per line) and JSON documents (an array of objects, or an object holding one)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from .base import BaseReader, RawRow, ReadHints, RowError, UnreadableFile, row_error
from .streams import Source
from .text import DecodedText, clean_name, detect_encoding, json_text, unique_name

# A JSON array is streamed element by element, but one element, or a top-level object, is decoded whole.
# These caps keep a runaway (unterminated string, wrong format) from exhausting memory.
_MAX_ELEMENT_CHARS = 64 * 1024 * 1024
_MAX_DOCUMENT_CHARS = 256 * 1024 * 1024
# A decode error this close to the end of the buffer may just mean the value is cut: read more and retry.
_CUT_MARGIN = 10
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# Keys under which an API envelope conventionally holds its records: an empty list there means zero rows.
_RECORD_KEYS = frozenset(
    {"records", "data", "items", "results", "rows", "entries", "values", "hits", "contacts", "customers"}
)


class _ColumnMap:
    """Maps JSON keys to column names (cleaned, deduplicated) in first-seen order, growing ``columns``."""

    def __init__(self, columns: list[str]) -> None:
        self._columns = columns
        self._names: dict[str, str] = {}
        self._taken: set[str] = set()

    def values(self, obj: dict[str, Any]) -> dict[str, str | None]:
        names = self._names
        result: dict[str, str | None] = {}
        for key, value in obj.items():
            name = names.get(key)
            if name is None:
                name = self._add(key)
            result[name] = json_text(value)
        return result

    def _add(self, key: str) -> str:
        name = unique_name(clean_name(key, len(self._columns) + 1), self._taken)
        self._names[key] = name
        self._taken.add(name)
        self._columns.append(name)
        return name


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def looks_like_ndjson(text: str, at_eof: bool, require_two: bool) -> bool:
    """Whether decoded sample text starts with lines that are each a complete JSON object.

    Args:
        text: Decoded sample.
        at_eof: Whether the sample is the whole content (else its last line may be cut and is ignored).
        require_two: Demand two such lines (a single object line could also be a one-line JSON document).
    """
    # Split on "\n" only: JSON strings may legally contain U+2028, which str.splitlines() would split on.
    lines = [line for line in text.split("\n") if line.strip()]
    if not at_eof:
        lines = lines[:-1]
    needed = 2 if require_two else 1
    found = 0
    for line in lines[:needed]:
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            return False
        if not isinstance(value, dict):
            return False
        found += 1
    return found == needed


class NdjsonReader(BaseReader):
    """JSON Lines: one object per line; blank lines are skipped (counted in ``blank_lines``).

    A line that is not valid JSON, or valid JSON but not an object, is a :class:`RowError`; undecodable
    bytes are read as cp1252 (counted in ``decode_fallbacks``).
    """

    format = "ndjson"

    def __init__(self, source: Source, hints: ReadHints) -> None:
        super().__init__(source.compression)
        self._source = source
        self.encoding = detect_encoding(source.sample, source.at_eof, hints.encoding)
        self._text = DecodedText(source.binary_stream(), self.encoding)
        self._lines = self._text.lines()
        self._map = _ColumnMap(self.columns)

    @property
    def decode_fallbacks(self) -> int:
        """Undecodable bytes read as cp1252 so far."""
        return self._text.fallbacks

    def _items(self) -> Iterator[RawRow | RowError]:
        for line_no, line in enumerate(self._lines, 1):
            if not line or line.isspace():
                self.blank_lines += 1
                continue
            raw = line.rstrip("\r\n")
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield row_error(line_no, raw, f"invalid JSON: {exc.msg}")
                continue
            except RecursionError:
                yield row_error(line_no, raw, "invalid JSON: nested too deeply")
                continue
            if not isinstance(value, dict):
                yield row_error(line_no, raw, "not a JSON object")
                continue
            yield RawRow(line_no, self._map.values(value), raw)

    def close(self) -> None:
        """Release the spool, if any; the caller's stream is left open."""
        self._lines.close()
        self._source.close()


class _Scanner:
    """Incremental JSON tokenizer over a text stream: whitespace, single characters, whole values.

    Values are decoded with :meth:`json.JSONDecoder.raw_decode` over a sliding buffer; a decode that fails
    near the end of the buffer is retried with more text (the buffer grows geometrically, so a large value
    costs linear time).
    """

    def __init__(self, chunks: Iterator[str]) -> None:
        self._chunks = chunks
        self._buffer = ""
        self._pos = 0
        self._eof = False
        self._decoder = json.JSONDecoder()

    def _fill(self, at_least: int = 1) -> bool:
        """Append at least ``at_least`` more characters (or up to the end); False if none were left."""
        if self._eof:
            return False
        parts = [self._buffer[self._pos :]]
        added = 0
        while added < at_least:
            chunk = next(self._chunks, None)
            if chunk is None:
                self._eof = True
                break
            parts.append(chunk)
            added += len(chunk)
        self._buffer = "".join(parts)
        self._pos = 0
        return added > 0

    def peek(self) -> str | None:
        """Next non-whitespace character (not consumed), None at end of input."""
        while True:
            match = _WHITESPACE.match(self._buffer, self._pos)
            self._pos = match.end() if match else self._pos
            if self._pos < len(self._buffer):
                return self._buffer[self._pos]
            if not self._fill():
                return None

    def advance(self) -> None:
        """Consume the character returned by :meth:`peek`."""
        self._pos += 1

    def value(self, limit: int) -> Any:
        """Decode the next JSON value (after :meth:`peek`).

        Raises:
            json.JSONDecodeError: Invalid JSON.
            UnreadableFile: The value exceeds ``limit`` characters.
        """
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(self._buffer) - _CUT_MARGIN
                if self._eof or not cut:
                    raise
            else:
                # A number at the very end of the buffer may continue in the next chunk.
                if end < len(self._buffer) or self._eof:
                    self._pos = end
                    return value
            if len(self._buffer) - self._pos > limit:
                raise UnreadableFile(f"JSON value larger than {limit // (1024 * 1024)} MiB")
            self._fill(len(self._buffer) - self._pos)


class JsonReader(BaseReader):
    """A JSON document: an array of objects, an object holding one list of objects, or a single object.

    Decisions:
        * A top-level array is streamed element by element (memory is bounded by the largest element,
          at most 64 MiB); an element that is not an object is a :class:`RowError`, ``line_no`` is the
          1-based element index.
        * A top-level object is decoded whole (at most 256 MiB of text: JSON documents are meant for
          API-sized payloads; use NDJSON for bulk). If exactly one of its values is a non-empty list of
          objects (``{"records": [...]}``), that list holds the records; if none is, the object is one
          record (or zero records when a conventional key like ``records``/``data``/``items`` holds an
          empty list); several such lists are ambiguous and make the file unreadable.
        * Invalid JSON makes the file unreadable: unlike NDJSON there is no line to resynchronise on.
    """

    format = "json"

    def __init__(self, source: Source, hints: ReadHints) -> None:
        super().__init__(source.compression)
        self._source = source
        self.encoding = detect_encoding(source.sample, source.at_eof, hints.encoding)
        self._chunks = DecodedText(source.binary_stream(), self.encoding).chunks()
        self._scanner = _Scanner(self._chunks)
        self._map = _ColumnMap(self.columns)
        self._records: list[Any] | None = None  # set when the top level is an object
        first = self._scanner.peek()
        if first is None:
            raise UnreadableFile("empty JSON document")
        if first == "[":
            return
        if first != "{":
            value = self._decode_or_raise(_MAX_DOCUMENT_CHARS, "JSON document")
            kind = type(value).__name__
            raise UnreadableFile(f"JSON top level is a {kind}, expected an array of objects or an object")
        document = self._decode_or_raise(_MAX_DOCUMENT_CHARS, "JSON document")
        self._expect_end("object")
        self._records = self._records_of(document)

    def _decode_or_raise(self, limit: int, what: str) -> Any:
        try:
            return self._scanner.value(limit)
        except json.JSONDecodeError as exc:
            raise UnreadableFile(f"invalid JSON in {what}: {exc.msg}") from exc
        except RecursionError as exc:
            raise UnreadableFile(f"invalid JSON in {what}: nested too deeply") from exc

    def _expect_end(self, what: str) -> None:
        if self._scanner.peek() is not None:
            raise UnreadableFile(f"unexpected data after the top-level JSON {what}")

    @staticmethod
    def _records_of(document: dict[str, Any]) -> list[Any]:
        lists = [
            key
            for key, value in document.items()
            if isinstance(value, list) and any(isinstance(item, dict) for item in value)
        ]
        if len(lists) == 1:
            return document[lists[0]]  # type: ignore[no-any-return]
        if len(lists) > 1:
            raise UnreadableFile(
                f"JSON object holds several lists of objects ({', '.join(lists)}): cannot tell which holds "
                "the records"
            )
        if any(key.lower() in _RECORD_KEYS and value == [] for key, value in document.items()):
            return []
        return [document]

    def _element(self, index: int, value: Any) -> RawRow | RowError:
        if isinstance(value, dict):
            return RawRow(index, self._map.values(value), _dumps(value))
        return row_error(index, _dumps(value), "not a JSON object")

    def _items(self) -> Iterator[RawRow | RowError]:
        if self._records is not None:
            for index, value in enumerate(self._records, 1):
                yield self._element(index, value)
            return
        scanner = self._scanner
        scanner.advance()  # the opening "["
        index = 0
        if scanner.peek() == "]":
            scanner.advance()
        else:
            while True:
                index += 1
                if scanner.peek() is None:
                    raise UnreadableFile(f"truncated JSON: the array ends before element {index}")
                yield self._element(index, self._decode_or_raise(_MAX_ELEMENT_CHARS, f"element {index}"))
                separator = scanner.peek()
                if separator == ",":
                    scanner.advance()
                    if scanner.peek() == "]":  # tolerate a trailing comma
                        scanner.advance()
                        break
                    continue
                if separator == "]":
                    scanner.advance()
                    break
                if separator is None:
                    raise UnreadableFile("truncated JSON: the array is not closed")
                raise UnreadableFile(f"invalid JSON after element {index}: expected ',' or ']'")
        self._expect_end("array")

    def close(self) -> None:
        """Release the spool, if any; the caller's stream is left open."""
        self._chunks.close()
        self._source.close()
