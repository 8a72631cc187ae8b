"""Text-level helpers: encoding detection, undecodable-byte repair, column names and value conversion."""

from __future__ import annotations

import base64
import codecs
import datetime as dt
import decimal
import io
import json
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

import charset_normalizer

from .base import UnreadableFile
from .streams import ReadableStream

# Legacy encodings that charset-normalizer may propose for western text; cp1252 is a superset of
# latin-1's printable range, so we report cp1252 for all of them.
_WESTERN_CODECS = frozenset({"cp1252", "latin-1", "iso8859-15", "iso8859-1", "ascii", "mac-roman"})
# In western text accented letters are a minority of letters; in Cyrillic or Greek 8-bit text read as
# cp1252 nearly every letter is "accented". This threshold separates the two.
_MAX_WESTERN_NON_ASCII_LETTERS = 0.3
_LETTER = re.compile(r"[^\W\d_]")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")


def detect_encoding(sample: bytes, at_eof: bool, hint: str | None = None) -> str:
    """Choose the text encoding of a file from its first bytes.

    Order: the hint; a BOM (UTF-8, UTF-16, UTF-32); UTF-8 if the sample is valid UTF-8 (or mostly valid,
    with a few stray legacy bytes that are repaired line by line); cp1252 for western legacy text;
    charset-normalizer's guess otherwise. charset-normalizer alone is unreliable on short French samples
    (it proposes cp775 or cp1006 for "Prénom;Société"), hence the guards around it.

    Args:
        sample: First bytes of the (decompressed) content.
        at_eof: Whether the sample is the whole content (a trailing partial UTF-8 sequence is then an
            error rather than a cut).
        hint: Encoding from the source's configuration, authoritative when given.

    Returns:
        A Python codec name.

    Raises:
        UnreadableFile: The hinted encoding does not exist.
    """
    if hint:
        try:
            name = codecs.lookup(hint).name
            b"".decode(name)  # rejects bytes-to-bytes codecs such as "base64"
        except LookupError as exc:
            raise UnreadableFile(f"unknown encoding {hint!r} in the source configuration") from exc
        if name == "utf-8" and sample.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if name in ("utf-16", "utf-32") and not sample.startswith(
            (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
        ):
            return f"{name}-le"  # no BOM to tell the byte order: Windows writes little-endian
        return name
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"  # checked before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoded = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode(sample, final=at_eof)
    invalid = len(_ESCAPED.findall(decoded))
    if invalid == 0:
        return "utf-8"
    valid_non_ascii = sum(1 for char in decoded if char > "\x7f") - invalid
    if valid_non_ascii >= 2 * invalid:
        return "utf-8"  # a UTF-8 file with a few cp1252 bytes pasted in: keep UTF-8, repair those bytes
    legacy = sample.decode("cp1252", errors="replace")
    letters = len(_LETTER.findall(legacy))
    non_ascii_letters = len(_NON_ASCII_LETTER.findall(legacy))
    if non_ascii_letters <= _MAX_WESTERN_NON_ASCII_LETTERS * max(letters, 1):
        return "cp1252"
    best = charset_normalizer.from_bytes(sample).best()
    if best is not None:
        try:
            name = codecs.lookup(best.encoding).name
        except LookupError:
            return "cp1252"
        return "cp1252" if name in _WESTERN_CODECS else name
    return "cp1252"


def decode_errors_for(encoding: str) -> str:
    """Error handler for decoding a whole file in ``encoding``.

    ASCII-compatible encodings use ``surrogateescape`` so that an undecodable byte never aborts the read:
    :func:`repair` then re-decodes those bytes as cp1252 (see there). UTF-16/32 cannot carry surrogate
    escapes, so they use ``replace``.
    """
    probe = 'a,;\t|\n"'
    try:
        compatible = probe.encode("ascii").decode(encoding) == probe
    except (UnicodeDecodeError, LookupError):
        compatible = False
    return "surrogateescape" if compatible else "replace"


_ESCAPED = re.compile("[\udc80-\udcff]")
# Undecodable byte b (escaped as U+DC00+b) -> its cp1252 character, or its latin-1 character for the five
# bytes cp1252 leaves undefined, so the repair itself can never fail.
_REPAIR_TABLE = {
    0xDC00 + b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0x100)
}
_TEXT_CHUNK = 1024 * 1024
# No physical line of a table is this long: beyond it the content is not line-oriented text, and holding
# it would defeat streaming.
MAX_LINE_CHARS = 64 * 1024 * 1024


def repair(text: str) -> tuple[str, int]:
    """Replace escaped undecodable bytes by their cp1252 reading; return the text and how many there were.

    Chosen over quarantining the record: the typical cause is a cp1252 export appended to a UTF-8 file
    (or an accent typed in another tool), and cp1252 recovers "é" rather than losing the whole record.
    Valid characters around them are untouched.
    """
    if text.isascii() or _ESCAPED.search(text) is None:
        return text, 0
    return text.translate(_REPAIR_TABLE), len(_ESCAPED.findall(text))


def decode_sample(sample: bytes, encoding: str, at_eof: bool) -> str:
    """Decode the detection sample the same way the file will be decoded (without a cut last character)."""
    decoder = codecs.getincrementaldecoder(encoding)(decode_errors_for(encoding))
    try:
        return repair(decoder.decode(sample, final=at_eof))[0]
    except UnicodeError as exc:
        raise UnreadableFile(f"cannot decode the file as {encoding}: {exc}") from exc


class DecodedText:
    """Incremental decoding of a binary stream, as text chunks or as physical lines.

    Decoding is done per 1 MiB chunk (never the whole file) with ``surrogateescape``, and undecodable
    bytes are then read as cp1252 (see :func:`repair`), so a stray byte never aborts the read. Checking
    for them per chunk rather than per line keeps the common case (no bad byte) at C speed.

    Attributes:
        fallbacks: Number of undecodable bytes read as cp1252 so far.
        exhausted: :meth:`lines` has returned its last line.
    """

    def __init__(self, binary: ReadableStream, encoding: str) -> None:
        self._binary = binary
        self._decoder = codecs.getincrementaldecoder(encoding)(decode_errors_for(encoding))
        self._encoding = encoding
        self.fallbacks = 0
        self.exhausted = False

    def chunks(self) -> Iterator[str]:
        """Decoded text in chunks of about 1 MiB, in order."""
        while True:
            data = self._binary.read(_TEXT_CHUNK)
            try:
                text = self._decoder.decode(data, final=not data)
            except UnicodeError as exc:  # codecs that cannot escape errors (e.g. stateful Asian codecs)
                raise UnreadableFile(f"cannot decode the file as {self._encoding}: {exc}") from exc
            if text:
                text, repaired = repair(text)
                self.fallbacks += repaired
                yield text
            if not data:
                return

    def lines(self, seen: list[str] | None = None) -> Iterator[str]:
        """Physical lines with their endings (``\n``, ``\r\n`` or ``\r``), like ``open(newline="")``.

        Args:
            seen: If given, every line is also appended to it (the CSV reader collects a record's
                original lines this way).

        Raises:
            UnreadableFile: A line exceeds 64 MiB.
        """
        carry = ""
        for chunk in self.chunks():
            text = carry + chunk if carry else chunk
            # A final "\r" may be the first half of a "\r\n" split across chunks: keep it for later.
            cut = max(text.rfind("\n"), text.rfind("\r", 0, len(text) - 1))
            if cut < 0:
                if len(text) > MAX_LINE_CHARS:
                    raise UnreadableFile(f"a line is longer than {MAX_LINE_CHARS // 2**20} Mi characters")
                carry = text
                continue
            carry = text[cut + 1 :]
            if seen is None:
                yield from io.StringIO(text[: cut + 1], newline="")
            else:
                for line in io.StringIO(text[: cut + 1], newline=""):
                    seen.append(line)
                    yield line
        if carry:
            for line in io.StringIO(carry, newline=""):
                if seen is not None:
                    seen.append(line)
                yield line
        self.exhausted = True


# --- column names -----------------------------------------------------------------------------------


def clean_name(name: object, position: int) -> str:
    """A header cell as a column name: text, BOM removed, stripped, ``column_<n>`` when empty."""
    text = "" if name is None else (name if isinstance(name, str) else to_text(name) or "")
    return text.replace("\ufeff", "").strip() or f"column_{position}"


def unique_name(name: str, taken: set[str], reserved: Iterable[str] = ()) -> str:
    """``name``, or ``name_2``, ``name_3``... whichever is not yet taken nor reserved."""
    if name not in taken:
        return name
    reserved = set(reserved)
    suffix = 2
    while f"{name}_{suffix}" in taken or f"{name}_{suffix}" in reserved:
        suffix += 1
    return f"{name}_{suffix}"


def dedupe_columns(names: Iterable[object]) -> list[str]:
    """Clean and deduplicate a header: duplicates get ``_2``, ``_3``... suffixes.

    A suffix never steals a name that appears literally later in the header (``a, a, a_2`` becomes
    ``a, a_3, a_2``).
    """
    cleaned = [clean_name(name, position) for position, name in enumerate(names, 1)]
    reserved = set(cleaned)
    taken: set[str] = set()
    result = []
    for name in cleaned:
        unique = unique_name(name, taken, reserved)
        taken.add(unique)
        result.append(unique)
    return result


# --- values -----------------------------------------------------------------------------------------


def compact_json(value: Any) -> str:
    """Compact JSON text, non-ASCII kept readable; unknown types (dates, decimals) as their text."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes):
        return bytes_text(value)
    if isinstance(value, tuple):
        return list(value)
    return str(value)


def bytes_text(value: bytes) -> str:
    """Binary cell as text: UTF-8 when it is valid UTF-8, else base64."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return base64.b64encode(value).decode("ascii")


def json_text(value: Any) -> str | None:
    """A JSON value as raw text: null -> None, numbers and booleans in their JSON text form.

    Strings are kept as-is (empty or blank -> None); arrays and objects become compact JSON text.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value and not value.isspace() else None
    if isinstance(value, dict | list):
        return compact_json(value)
    return json.dumps(value)  # int -> "1", float -> "1.5", bool -> "true"


def to_text(value: Any, midnight_as_date: bool = False) -> str | None:
    """A typed cell (XLSX, Parquet) as raw text.

    Integral floats lose their ".0" ("75001" rather than "75001.0": spreadsheets and pandas store codes
    and postcodes as floats); NaN is a missing value; dates and datetimes use ISO format; booleans are
    "true"/"false"; nested values are compact JSON.

    Args:
        value: The cell value as a Python object.
        midnight_as_date: Write a naive datetime at exactly midnight as a date; right for spreadsheets,
            which store plain dates as midnight datetimes, wrong for typed timestamps.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value if value and not value.isspace() else None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, decimal.Decimal):
        if value.is_nan():
            return None
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if midnight_as_date and value.tzinfo is None and value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, bytes):
        return bytes_text(value)
    if isinstance(value, dict | list | tuple):
        return compact_json(value)
    return str(value)
