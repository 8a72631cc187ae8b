"""Byte-stream plumbing: peeking a sample from a non-seekable stream, gzip, spooling, binary sniffing.

Input streams may be non-seekable (an S3 ``StreamingBody`` only offers ``read(n)``), so detection reads a
sample from the front and :class:`ChainedStream` puts it back in front of the rest. Nothing here reads a
whole file into memory, except :meth:`Source.seekable_file` which spools to anonymous temporary storage
for the formats that need random access (XLSX, Parquet).
"""

from __future__ import annotations

import gzip
import io
import re
import shutil
import tempfile
import zlib
from typing import IO, Protocol

from .base import UnreadableFile

SAMPLE_SIZE = 64 * 1024
# Parquet/XLSX need random access; up to this size a non-seekable stream is spooled in memory, beyond it
# to an anonymous temporary file (the only "I/O" the core does, and it leaves nothing behind).
SPOOL_MAX_MEMORY = 64 * 1024 * 1024
_COPY_CHUNK = 1024 * 1024
_READ_BUFFER = 256 * 1024

GZIP_MAGIC = b"\x1f\x8b"


class ReadableStream(Protocol):
    """The least a caller's stream must offer: ``read(n)`` returning bytes (``b""`` at end)."""

    def read(self, size: int = -1, /) -> bytes: ...


class ChainedStream(io.RawIOBase):
    """A read-only raw stream that serves ``prefix`` then the rest of ``rest``.

    Used to put a detection sample back in front of a non-seekable stream. It never closes ``rest``: the
    caller owns its stream. When ``gzip_errors`` is set, decompression failures raised by ``rest`` (a
    :class:`gzip.GzipFile`) become :class:`UnreadableFile`, wherever in the file they happen.
    """

    def __init__(self, prefix: bytes, rest: ReadableStream | None, *, gzip_errors: bool = False) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._offset = 0
        self._rest = rest
        self._gzip_errors = gzip_errors

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        target = memoryview(buffer).cast("B")
        if self._offset < len(self._prefix):
            count = min(len(target), len(self._prefix) - self._offset)
            target[:count] = self._prefix[self._offset : self._offset + count]
            self._offset += count
            return count
        if self._rest is None:
            return 0
        data = read_rest(self._rest, len(target), gzip_errors=self._gzip_errors)
        if len(data) > len(target):
            # A stream that ignores the requested size: keep the excess for the next call.
            self._prefix, self._offset = memoryview(data[len(target) :]), 0
            data = data[: len(target)]
        target[: len(data)] = data
        return len(data)


def read_rest(stream: ReadableStream, size: int, *, gzip_errors: bool) -> bytes:
    """Read up to ``size`` bytes, turning gzip decompression failures into :class:`UnreadableFile`.

    Only content errors are translated; transport errors of the caller's stream (timeouts, resets)
    propagate unchanged so that the caller can retry.
    """
    if not gzip_errors:
        return stream.read(size) or b""
    try:
        return stream.read(size) or b""
    except EOFError as exc:
        raise UnreadableFile("truncated gzip stream") from exc
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise UnreadableFile(f"corrupt gzip stream: {exc}") from exc


def read_sample(stream: ReadableStream, size: int = SAMPLE_SIZE, *, gzip_errors: bool = False) -> bytes:
    """Read up to ``size`` bytes, looping because ``read(n)`` on a network stream may return less.

    Returns:
        Exactly ``size`` bytes, or fewer only when the stream ended.
    """
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        data = read_rest(stream, remaining, gzip_errors=gzip_errors)
        if not data:
            break
        parts.append(data)
        remaining -= len(data)
    return b"".join(parts)


def _start_position(stream: ReadableStream) -> int | None:
    """Where a seekable stream is now, so it can be rewound after sampling; None if not seekable."""
    try:
        if callable(getattr(stream, "seekable", None)) and stream.seekable():  # type: ignore[attr-defined]
            return int(stream.tell())  # type: ignore[attr-defined]
    except (OSError, ValueError, AttributeError):
        pass
    return None


class Source:
    """A caller's stream after sampling: the (decompressed) sample, chained back in front of the rest.

    Attributes:
        sample: First bytes of the decompressed content (up to 64 KiB).
        at_eof: The sample holds the whole content.
        compression: ``"gzip"`` or None.
    """

    def __init__(self, stream: ReadableStream) -> None:
        self._stream = stream
        self._start = _start_position(stream)
        head = read_sample(stream)
        if not head:
            raise UnreadableFile("empty file")
        self.compression: str | None = None
        self._body: ReadableStream = stream  # what follows the sample
        if head.startswith(GZIP_MAGIC):
            # Detected from the magic bytes, not the name: exports are often gzipped without ".gz".
            self.compression = "gzip"
            self._body = gzip.GzipFile(fileobj=io.BufferedReader(ChainedStream(head, stream)), mode="rb")
            self.sample = read_sample(self._body, gzip_errors=True)
            if not self.sample:
                raise UnreadableFile("empty file (gzip stream decompresses to nothing)")
        else:
            self.sample = head
        self.at_eof = len(self.sample) < SAMPLE_SIZE
        self._spool: IO[bytes] | None = None

    def binary_stream(self) -> io.BufferedReader:
        """The whole decompressed content as a buffered binary stream, sample included."""
        raw = ChainedStream(self.sample, self._body, gzip_errors=self.compression == "gzip")
        return io.BufferedReader(raw, buffer_size=_READ_BUFFER)

    def seekable_file(self) -> IO[bytes]:
        """The whole decompressed content as a seekable binary file (XLSX and Parquet need random access).

        A seekable, uncompressed caller stream starting at offset 0 is rewound and used directly (and is
        never closed). Otherwise the content is
        copied to a :class:`tempfile.SpooledTemporaryFile` (in memory up to 64 MiB, then an anonymous
        temporary file), released by :meth:`close`.
        """
        # Only a stream positioned at its very start: Parquet footers hold absolute offsets.
        if self.compression is None and self._start == 0:
            try:
                self._stream.seek(self._start)  # type: ignore[attr-defined]
                return self._stream  # type: ignore[return-value]
            except (OSError, ValueError, AttributeError):
                pass  # claimed seekable but is not: fall back to spooling the chained stream
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_MEMORY)  # noqa: SIM115 - closed by close()
        self._spool = spool
        shutil.copyfileobj(self.binary_stream(), spool, _COPY_CHUNK)
        spool.seek(0)
        return spool  # type: ignore[return-value]

    def close(self) -> None:
        """Release the spool, if any; the caller's stream is left open."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None


# --- content sniffing -------------------------------------------------------------------------------

# Bytes that do not occur in text tables (C0 controls except tab/newlines/form feed, and DEL).
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32), 127])
_MAX_CONTROL_RATIO = 0.05

# Binary formats we recognise only to explain why they are refused.
_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "legacy Excel 97-2003 (.xls) workbook is not supported: save as .xlsx",
    ),
    (b"\xfd7zXZ\x00", "xz compression is not supported (use gzip)"),
    (b"\x28\xb5\x2f\xfd", "zstd compression is not supported (use gzip)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archives are not supported (use gzip)"),
    (b"Rar!\x1a\x07", "RAR archives are not supported (use gzip)"),
    (b"%PDF-", "PDF document, not a table"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")


def magic_format(sample: bytes) -> str | None:
    """Format identified by the leading magic bytes: ``"xlsx"`` (zip), ``"parquet"`` or None."""
    if sample.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if sample.startswith(b"PAR1"):
        return "parquet"
    return None


def refuse_binary(sample: bytes) -> None:
    """Raise :class:`UnreadableFile` if the sample is not text.

    Text is recognised by the absence of NUL bytes and a low ratio of control characters; known binary
    formats get a specific message.

    Raises:
        UnreadableFile: The content is binary.
    """
    for magic, reason in _REFUSED_MAGIC:
        if sample.startswith(magic):
            raise UnreadableFile(reason)
    if _BZIP2.match(sample):
        raise UnreadableFile("bzip2 compression is not supported (use gzip)")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16/32 with a BOM: NUL bytes are expected
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if b"\x00" in sample or controls > _MAX_CONTROL_RATIO * len(sample):
        raise UnreadableFile("binary content, not a text table")
