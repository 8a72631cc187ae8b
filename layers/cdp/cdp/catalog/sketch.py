"""Small streaming summaries with bounded memory: HyperLogLog (distinct counts), Misra-Gries (frequent
values) and a seeded reservoir sample (Li's algorithm L).

All three are deterministic: the same values in the same order give the same state, whatever the batch
boundaries, which keeps stored profiles reproducible.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from hashlib import blake2b

import numpy as np

_MASK64 = (1 << 64) - 1
_BASE = 0x100000001B3  # odd, so it is invertible modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_LENGTH_MIX = 0x9E3779B97F4A7C15
_FMIX1, _FMIX2 = 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53
# Longer values are first reduced to a digest: bounds the memory of the vectorized path.
_LONG = 256
_VECTOR_MIN = 32


def _fmix(h: int) -> int:
    h ^= h >> 33
    h = (h * _FMIX1) & _MASK64
    h ^= h >> 33
    h = (h * _FMIX2) & _MASK64
    return h ^ (h >> 33)


def _short_form(value: str) -> str:
    if len(value) <= _LONG:
        return value
    return blake2b(value.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest() + "\x01"


def hash64(value: str) -> int:
    """A stable 64-bit hash of a string (Python's ``hash`` is salted per process, so it is not used).

    A polynomial hash of the code points, modulo 2**64, finished by MurmurHash3's fmix64. It is the
    scalar twin of the vectorized hashing in ``HyperLogLog.add_many``: both give the same value.
    """
    text = _short_form(value)
    h, power = 0, 1
    for char in text:
        h = (h + (ord(char) + 1) * power) & _MASK64
        power = (power * _BASE) & _MASK64
    return _fmix(h ^ ((len(text) * _LENGTH_MIX) & _MASK64))


class _Powers:
    """Cached powers of the hash base and of its inverse, modulo 2**64."""

    forward = np.ones(1, dtype=np.uint64)
    inverse = np.ones(1, dtype=np.uint64)

    @classmethod
    def get(cls, size: int) -> tuple[np.ndarray, np.ndarray]:
        if len(cls.forward) < size:
            grown = 1 << max(16, (size - 1).bit_length())
            for attribute, base in (("forward", _BASE), ("inverse", _BASE_INVERSE)):
                factors = np.full(grown, base, dtype=np.uint64)
                factors[0] = 1
                setattr(cls, attribute, np.cumprod(factors, dtype=np.uint64))  # wraps modulo 2**64
        return cls.forward, cls.inverse


def hash64_many(values: list[str]) -> np.ndarray:
    """``hash64`` of many strings at once, vectorized with numpy (same results as ``hash64``).

    All values are joined into one UTF-32 buffer; each value's polynomial hash is a segment sum of
    code x base**position, re-based with the inverse power of the segment start.
    """
    texts = [_short_form(v) for v in values] if max(map(len, values)) > _LONG else values
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1 or min(map(len, texts)) == 0:
        # NUL inside a value, or an empty value: the separators would lie; hash one by one.
        return np.fromiter(map(hash64, values), dtype=np.uint64, count=len(values))
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    separators = np.flatnonzero(codes == 0)
    starts = np.empty(len(texts), dtype=np.intp)
    starts[0] = 0
    starts[1:] = separators + 1
    lengths = np.empty(len(texts), dtype=np.uint64)
    lengths[:-1] = separators - starts[:-1]
    lengths[-1] = len(codes) - starts[-1]
    forward, inverse = _Powers.get(len(codes) + 1)
    terms = (codes.astype(np.uint64) + np.uint64(1)) * forward[: len(codes)]
    terms[separators] = 0  # a segment runs up to the next start: separators must add nothing
    h = np.add.reduceat(terms, starts) * inverse[starts]
    h ^= lengths * np.uint64(_LENGTH_MIX)
    h ^= h >> np.uint64(33)
    h *= np.uint64(_FMIX1)
    h ^= h >> np.uint64(33)
    h *= np.uint64(_FMIX2)
    h ^= h >> np.uint64(33)
    return h


class HyperLogLog:
    """HyperLogLog distinct counter (Flajolet et al. 2007) with the small-range linear-counting correction.

    With the default precision (2**14 one-byte registers, 16 KiB) the standard error is about 0.8 %.
    """

    __slots__ = ("precision", "registers")

    def __init__(self, precision: int = 14) -> None:
        """Create an empty counter.

        Args:
            precision: log2 of the number of registers (4..18).
        """
        if not 4 <= precision <= 18:
            raise ValueError("precision must be between 4 and 18")
        self.precision = precision
        self.registers = np.zeros(1 << precision, dtype=np.uint8)

    def add_many(self, values: Iterable[str]) -> None:
        """Add values (duplicates are harmless)."""
        keys = list(values)
        if not keys:
            return
        p = self.precision
        if len(keys) < _VECTOR_MIN:
            shift, cap, registers = 64 - p, 64 - p + 1, self.registers
            for key in keys:
                x = hash64(key)
                rest = (x << p) & _MASK64
                rank = min(65 - rest.bit_length(), cap) if rest else cap
                index = x >> shift
                if rank > registers[index]:
                    registers[index] = rank
            return
        hashes = hash64_many(keys)
        index = (hashes >> np.uint64(64 - p)).astype(np.intp)
        # A sentinel bit caps the rank at 64 - p + 1; frexp's exponent is the bit length.
        rest = (hashes << np.uint64(p)) | np.uint64(1 << (p - 1))
        _, exponent = np.frexp(rest.astype(np.float64))
        np.maximum.at(self.registers, index, (65 - exponent).astype(np.uint8))

    def count(self) -> int:
        """The estimated number of distinct values added."""
        m = len(self.registers)
        alpha = 0.7213 / (1 + 1.079 / m)
        estimate = alpha * m * m / float(np.sum(np.exp2(-self.registers.astype(np.float64))))
        zeros = int(np.count_nonzero(self.registers == 0))
        if estimate <= 2.5 * m and zeros:
            # Few values: linear counting on empty registers is far more accurate.
            estimate = m * math.log(m / zeros)
        return round(estimate)


class MisraGries:
    """Weighted Misra-Gries summary: keeps at most ``capacity`` counters; any value whose true frequency
    exceeds n / (capacity + 1) is guaranteed to be kept, and kept counts undercount by at most that much."""

    __slots__ = ("capacity", "counts")

    def __init__(self, capacity: int = 1000, counts: Mapping[str, int] | None = None) -> None:
        """Create a summary, optionally seeded with exact counts (which are reduced to ``capacity``)."""
        self.capacity = capacity
        self.counts: dict[str, int] = dict(counts or {})
        self._reduce()

    def update(self, counts: Mapping[str, int]) -> None:
        """Add weighted occurrences (value -> count)."""
        mine = self.counts
        get = mine.get
        for value, count in counts.items():
            mine[value] = get(value, 0) + count
        self._reduce()

    def _reduce(self) -> None:
        if len(self.counts) <= self.capacity:
            return
        # Subtracting the (capacity+1)-th largest count from everyone is the batch form of the classic
        # "decrement all" step; it keeps the error bound when summaries are merged.
        pivot = heapq.nlargest(self.capacity + 1, self.counts.values())[-1]
        self.counts = {value: count - pivot for value, count in self.counts.items() if count > pivot}

    def top(self, k: int) -> list[tuple[str, int]]:
        """The k most frequent kept values, most frequent first (ties by value for stability)."""
        return heapq.nsmallest(k, self.counts.items(), key=lambda item: (-item[1], item[0]))


class Reservoir:
    """Uniform sample of a stream without replacement (Li's algorithm L): O(k) memory, and random draws
    only happen for items that enter the sample, so skipping over a large batch is cheap."""

    __slots__ = ("size", "items", "seen", "max_chars", "_rng", "_w", "_next")

    def __init__(self, size: int, seed: int | str = 0, *, max_chars: int | None = None) -> None:
        """Create an empty reservoir.

        Args:
            size: Number of items kept.
            seed: Seed of the random generator (int or str; str seeds are hashed deterministically).
            max_chars: Truncate stored items to this many characters (bounds memory on huge values).
        """
        self.size = max(0, size)
        self.max_chars = max_chars
        self.items: list[str] = []
        self.seen = 0
        self._rng = random.Random(seed)
        self._w = 1.0
        self._next = 0

    def _draw(self) -> float:
        # In (0, 1]: log() below must never see 0.
        return 1.0 - self._rng.random()

    def _advance(self) -> None:
        self._w *= math.exp(math.log(self._draw()) / self.size)
        w = min(self._w, 1.0 - 1e-12)
        self._next += math.floor(math.log(self._draw()) / math.log1p(-w)) + 1

    def _cut(self, value: str) -> str:
        return value if self.max_chars is None else value[: self.max_chars]

    def extend(self, values: Sequence[str]) -> None:
        """Offer every value of a batch, in order."""
        if self.size == 0:
            self.seen += len(values)
            return
        start, end = self.seen, self.seen + len(values)
        position = start
        if len(self.items) < self.size:
            take = min(self.size - len(self.items), len(values))
            self.items.extend(self._cut(v) for v in values[:take])
            position += take
            if len(self.items) == self.size:
                # Reservoir just filled: schedule the first replacement.
                self._next = position - 1
                self._advance()
        while self._next < end and len(self.items) == self.size:
            if self._next >= position:
                self.items[self._rng.randrange(self.size)] = self._cut(values[self._next - start])
            self._advance()
        self.seen = end
