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

_MASK64 = (1 << 64) - 1


def hash64(value: str) -> int:
    """A stable 64-bit hash of a string (Python's ``hash`` is salted per process, so it is not used)."""
    return int.from_bytes(blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


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
        self.registers = bytearray(1 << precision)

    def add_many(self, values: Iterable[str]) -> None:
        """Add values (duplicates are harmless)."""
        p = self.precision
        shift, cap, registers = 64 - p, 64 - p + 1, self.registers
        for value in values:
            x = hash64(value)
            index = x >> shift
            rest = (x << p) & _MASK64
            # Rank = position of the leftmost 1-bit in the remaining 64 - p bits.
            rank = 65 - rest.bit_length() if rest else cap
            if rank > cap:
                rank = cap
            if rank > registers[index]:
                registers[index] = rank

    def count(self) -> int:
        """The estimated number of distinct values added."""
        m = len(self.registers)
        alpha = 0.7213 / (1 + 1.079 / m)
        estimate = alpha * m * m / sum(2.0 ** -r for r in self.registers)
        zeros = self.registers.count(0)
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
