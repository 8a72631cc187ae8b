"""Streaming column profiler: exact counts, bounded-memory distinct and frequency estimates, min/max,
lengths, pattern signatures and a seeded sample on which semantic typing runs.

Rows are consumed in fixed-size chunks (whatever batches the caller passes), and every per-chunk step
works on the chunk's *distinct* values with C-level built-ins (Counter, min, max, map), so low-cardinality
columns cost almost nothing and unique columns cost one dict update per value.
"""

from __future__ import annotations

import heapq
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from itertools import compress, filterfalse, islice
from operator import itemgetter
from typing import Any

from cdp.catalog._lexicon import words
from cdp.catalog._text import DECIMAL, INTEGER, NULL_MAX_CHARS, NULL_TOKENS, date_iso, parse_date, signature
from cdp.catalog.semantic import PII_TYPES, analyze_values, looks_like_pii
from cdp.catalog.sketch import HyperLogLog, MisraGries, Reservoir

PHYSICAL_TYPES: tuple[str, ...] = ("integer", "decimal", "boolean", "date", "datetime", "string", "empty")

_CHUNK_ROWS = 8192
_TOP_VALUES = 10
_TOP_PATTERNS = 5
_SAMPLE_CHARS = 256
# Physical booleans: the strict spellings only (semantic typing knows more: oui/non, O/N, x...).
_BOOLEAN_SPELLINGS = words("true false yes no oui non y n 0 1 t f vrai faux")
# ISO dates and date-times in a fixed layout sort correctly as text: no parsing needed for min/max.
_ISO_FAST = re.compile(
    r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
    r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    re.ASCII,
)
_DATE_GATE = re.compile(r"\s*(?:\d{1,4}[-/. ]|[^\W\d_]{3,})")
_MAX_NUMBER_CHARS = 30
_STR_OR_NONE = frozenset({str, type(None)})
# Null cells: the null tokens, padded with whitespace or not, in any case; checked on short keys only.
_NULL_KEY_MAX = NULL_MAX_CHARS
_NULL_TEXT = re.compile(
    r"\s*(?:" + "|".join(re.escape(token) for token in sorted(NULL_TOKENS, key=len, reverse=True)) + r")\s*",
    re.IGNORECASE,
)
# Types that should identify one record each: duplicates lower their quality.
_UNIQUE_TYPES = frozenset({"customer_number", "siret"})
# Weights of column qualities in the file quality: identifiers matter most, untyped columns least.
_KEY_TYPES = frozenset({"email", "phone", "siret", "siren", "vat", "customer_number"})


@dataclass(frozen=True)
class ColumnProfile:
    """Statistics and semantic reading of one column.

    Attributes:
        name: Column name as found in the source.
        physical_type: One of ``PHYSICAL_TYPES``, inferred from every non-null value.
        rows: Rows seen (including rows where the column was absent).
        nulls: Null cells (None, blank, "NULL", "N/A"...).
        null_rate: nulls / rows.
        distinct: Distinct non-null values (an estimate when ``distinct_approximate``).
        distinct_approximate: True once the exact tracking cap was passed; then top-value counts are
            Misra-Gries lower bounds too.
        min: Smallest value (numeric order for numbers, ISO text for dates, text order otherwise).
        max: Largest value, same rules.
        min_length: Shortest non-null value, in characters.
        max_length: Longest non-null value.
        mean_length: Mean length of non-null values.
        top_values: Up to 10 most frequent values with their counts.
        patterns: Up to 5 dominant pattern signatures with their share of the non-null sample.
        semantic_type: One of ``cdp.catalog.SEMANTIC_TYPES`` or None.
        confidence: Confidence in ``semantic_type`` (0..1).
        pii: Whether the column holds personal data.
        quality: completeness x validity x uniqueness (the latter for identifier types), 0..1.
        date_order: "DMY" or "MDY" when the sampled dates are written day/month or month/day and one
            reading is impossible; None when unknown or not a date column.
        sample_size: Number of sampled non-null values the semantic reading is based on.
    """

    name: str
    physical_type: str
    rows: int
    nulls: int
    null_rate: float
    distinct: int
    distinct_approximate: bool
    min: str | None
    max: str | None
    min_length: int | None
    max_length: int | None
    mean_length: float | None
    top_values: list[tuple[str, int]]
    patterns: list[tuple[str, float]]
    semantic_type: str | None
    confidence: float
    pii: bool
    quality: float
    date_order: str | None = None
    sample_size: int = 0

    @property
    def uniqueness(self) -> float:
        """Distinct non-null values / non-null values (0 for empty columns)."""
        filled = self.rows - self.nulls
        return min(1.0, self.distinct / filled) if filled else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (tuples become lists)."""
        data = asdict(self)
        data["top_values"] = [[value, count] for value, count in self.top_values]
        data["patterns"] = [[pattern, share] for pattern, share in self.patterns]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ColumnProfile:
        """Rebuild a profile from ``to_dict`` output (unknown keys are ignored)."""
        known = {f for f in cls.__dataclass_fields__}
        values = {k: v for k, v in data.items() if k in known}
        values["top_values"] = [(str(v), int(c)) for v, c in data.get("top_values", [])]
        values["patterns"] = [(str(p), float(s)) for p, s in data.get("patterns", [])]
        return cls(**values)


@dataclass(frozen=True)
class FileProfile:
    """Profile of a whole file (or stream of rows).

    Attributes:
        rows: Rows seen.
        columns: One profile per column, in order of first appearance.
        quality: Weighted mean of column qualities (identifiers count double, untyped columns half).
    """

    rows: int
    columns: list[ColumnProfile] = field(default_factory=list)
    quality: float = 0.0

    def column(self, name: str) -> ColumnProfile:
        """The profile of a column by name; raises KeyError when absent."""
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serializable form, stored next to the data."""
        return {"rows": self.rows, "quality": self.quality, "columns": [c.to_dict() for c in self.columns]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FileProfile:
        """Rebuild a profile from ``to_dict`` output.

        Args:
            d: A dict as produced by ``to_dict`` (possibly after a JSON round trip).

        Returns:
            An equal FileProfile.
        """
        return cls(
            rows=int(d["rows"]),
            columns=[ColumnProfile.from_dict(c) for c in d.get("columns", [])],
            quality=float(d.get("quality", 0.0)),
        )


def _weight(column: ColumnProfile) -> float:
    if column.semantic_type is None:
        return 0.5
    return 2.0 if column.semantic_type in _KEY_TYPES else 1.0


def file_quality(columns: list[ColumnProfile]) -> float:
    """Weighted mean of column qualities: identifiers weigh 2, other typed columns 1, untyped columns 0.5."""
    total = sum(_weight(c) for c in columns)
    return round(sum(_weight(c) * c.quality for c in columns) / total, 4) if total else 0.0


class _DateRange:
    """Min/max of a date column under both readings of ambiguous day/month forms."""

    __slots__ = ("iso_min", "iso_max", "dmy", "mdy", "dmy_ok", "mdy_ok", "timed")

    def __init__(self) -> None:
        self.iso_min: str | None = None
        self.iso_max: str | None = None
        self.dmy: list[str] = []  # [min, max] once set
        self.mdy: list[str] = []
        self.dmy_ok = True
        self.mdy_ok = True
        self.timed = False

    def add(self, keys: list[str]) -> bool:
        """Take a chunk's distinct values; False as soon as one is not a date."""
        # Written "2024-01-31 10:00" or "2024-01-31T10:00": compared in the ISO "T" form.
        fast = [k.strip().replace(" ", "T", 1) for k in keys if _ISO_FAST.fullmatch(k.strip())]
        if fast:
            low, high = min(fast), max(fast)
            self.iso_min = low if self.iso_min is None or low < self.iso_min else self.iso_min
            self.iso_max = high if self.iso_max is None or high > self.iso_max else self.iso_max
            self.timed = self.timed or max(map(len, fast)) > 10
        if len(fast) == len(keys):
            return True
        for key in keys:
            if _ISO_FAST.fullmatch(key.strip()):
                continue
            parts = parse_date(key)
            if parts is None:
                return False
            self.timed = self.timed or parts.time is not None
            if self.dmy_ok:
                iso = date_iso(parts, "DMY")
                if iso is None:
                    self.dmy_ok = False
                else:
                    _extend(self.dmy, iso)
            if self.mdy_ok:
                iso = date_iso(parts, "MDY")
                if iso is None:
                    self.mdy_ok = False
                else:
                    _extend(self.mdy, iso)
            if not (self.dmy_ok or self.mdy_ok):
                return False
        return True

    def bounds(self) -> tuple[str | None, str | None]:
        """ISO min and max, reading ambiguous forms day first unless only month first is possible."""
        chosen = self.dmy if self.dmy_ok else self.mdy
        lows = [v for v in (self.iso_min, chosen[0] if chosen else None) if v]
        highs = [v for v in (self.iso_max, chosen[1] if chosen else None) if v]
        return (min(lows) if lows else None, max(highs) if highs else None)


def _extend(bounds: list[str], value: str) -> None:
    if not bounds:
        bounds.extend((value, value))
    elif value < bounds[0]:
        bounds[0] = value
    elif value > bounds[1]:
        bounds[1] = value


class _Column:
    """Running state of one column."""

    def __init__(
        self, key: Any, prior_rows: int, sample_size: int, seed: int, cap: int, top_capacity: int
    ) -> None:
        self.key = key
        self.name = key if isinstance(key, str) else str(key)
        self.rows = prior_rows
        self.nulls = prior_rows  # the column did not exist in earlier rows
        self.cap = cap
        self.top_capacity = top_capacity
        self.exact: Counter[str] | None = Counter()
        self.hll: HyperLogLog | None = None
        self.frequent: MisraGries | None = None
        self.len_min: int | None = None
        self.len_max: int | None = None
        self.len_sum = 0
        self.text_min: str | None = None
        self.text_max: str | None = None
        self.can_bool = True
        self.can_int = True
        self.can_dec = True
        self.can_date = True
        self.int_min: tuple[int, str] | None = None
        self.int_max: tuple[int, str] | None = None
        self.dec_min: tuple[float, str] | None = None
        self.dec_max: tuple[float, str] | None = None
        self.dates = _DateRange()
        self.reservoir = Reservoir(sample_size, f"{seed}:{self.name}", max_chars=_SAMPLE_CHARS)
        self.pending: list[Any] = []

    # -- per chunk -------------------------------------------------------------------------------------------

    def flush(self) -> None:
        if self.pending:
            values, self.pending = self.pending, []
            self._consume(values)

    def _consume(self, values: list[Any]) -> None:
        self.rows += len(values)
        try:
            counts = Counter(values)
        except TypeError:
            # Unhashable cells (e.g. csv.DictReader's list of surplus fields): profile their text.
            values = [v if v is None or isinstance(v, str) else str(v) for v in values]
            counts = Counter(values)
        if not set(map(type, counts)) <= _STR_OR_NONE:
            # Rare: non-string cells (a reader handing over numbers). Profile their text form.
            values = [v if v is None or type(v) is str else str(v) for v in values]
            counts = Counter(values)
        nulls = counts.pop(None, 0)
        # Null tokens are short: only short keys are checked, with C-level filters (no Python loop per key).
        short = compress(counts, map(_NULL_KEY_MAX.__ge__, map(len, counts)))
        null_keys = list(filter(_NULL_TEXT.fullmatch, short))
        for key in null_keys:
            nulls += counts.pop(key)
        self.nulls += nulls
        if not counts:
            return
        if nulls:
            dropped = {None, *null_keys}
            values = list(filterfalse(dropped.__contains__, values))
        self.reservoir.extend(values)
        new_keys = self._track_distinct(counts, values)
        self.len_sum += sum(map(operator.mul, map(len, counts), counts.values()))
        if new_keys:
            self._track_bounds(new_keys)
            self._track_types(new_keys)

    def _track_distinct(self, counts: Counter[str], values: list[str]) -> list[str]:
        """Count the chunk's values; returns the values never seen before (all of them once past the cap)."""
        if self.exact is None:
            assert self.hll is not None and self.frequent is not None
            self.hll.add_many(counts)
            self.frequent.update(counts)
            return list(counts)
        exact = self.exact
        new_keys = list(filterfalse(exact.__contains__, counts)) if exact else list(counts)
        if len(counts) * 4 > len(values):
            # Mostly distinct values: counting the cells in C beats a Python loop over the keys.
            exact.update(values)
        else:
            get = exact.get
            for key, count in counts.items():
                exact[key] = get(key, 0) + count
        if len(exact) > self.cap:
            # Past the cap: keep a sketch for the count and a Misra-Gries summary for frequent values.
            self.hll = HyperLogLog()
            self.hll.add_many(exact)
            self.frequent = MisraGries(self.top_capacity, exact)
            self.exact = None
        return new_keys

    def _track_bounds(self, keys: list[str]) -> None:
        lengths = list(map(len, keys))
        low, high = min(lengths), max(lengths)
        self.len_min = low if self.len_min is None else min(low, self.len_min)
        self.len_max = high if self.len_max is None else max(high, self.len_max)
        low_text, high_text = min(keys), max(keys)
        if self.text_min is None or low_text < self.text_min:
            self.text_min = low_text
        if self.text_max is None or high_text > self.text_max:
            self.text_max = high_text

    def _track_types(self, keys: list[str]) -> None:
        if self.can_bool and not (
            len(keys) <= 8 and all(k.strip().lower() in _BOOLEAN_SPELLINGS for k in keys)
        ):
            self.can_bool = False
        if self.can_int:
            if all(map(INTEGER.fullmatch, keys)) and max(map(len, keys)) <= _MAX_NUMBER_CHARS:
                numbers = list(map(int, keys))
                self._bound_int(numbers, keys)
            else:
                self.can_int = False
                if self.int_min is not None and self.int_max is not None:
                    # Carry integer bounds over to the decimal ones.
                    self.dec_min = (float(self.int_min[0]), self.int_min[1])
                    self.dec_max = (float(self.int_max[0]), self.int_max[1])
        if not self.can_int and self.can_dec:
            if all(map(DECIMAL.fullmatch, keys)):
                floats = [float(k.replace(",", ".")) for k in keys]
                self._bound_dec(floats, keys)
            else:
                self.can_dec = False
        if self.can_date and not (all(map(_DATE_GATE.match, keys)) and self.dates.add(keys)):
            self.can_date = False

    def _bound_int(self, numbers: list[int], keys: list[str]) -> None:
        low, high = min(numbers), max(numbers)
        if self.int_min is None or low < self.int_min[0]:
            self.int_min = (low, keys[numbers.index(low)].strip())
        if self.int_max is None or high > self.int_max[0]:
            self.int_max = (high, keys[numbers.index(high)].strip())

    def _bound_dec(self, floats: list[float], keys: list[str]) -> None:
        low, high = min(floats), max(floats)
        if self.dec_min is None or low < self.dec_min[0]:
            self.dec_min = (low, keys[floats.index(low)].strip())
        if self.dec_max is None or high > self.dec_max[0]:
            self.dec_max = (high, keys[floats.index(high)].strip())

    # -- result ----------------------------------------------------------------------------------------------

    def physical_type(self) -> str:
        if self.rows == self.nulls:
            return "empty"
        if self.can_bool:
            return "boolean"
        if self.can_int:
            return "integer"
        if self.can_dec:
            return "decimal"
        if self.can_date:
            return "datetime" if self.dates.timed else "date"
        return "string"

    def result(self) -> ColumnProfile:
        physical = self.physical_type()
        filled = self.rows - self.nulls
        if self.exact is not None:
            distinct, approximate = len(self.exact), False
            top = heapq.nsmallest(_TOP_VALUES, self.exact.items(), key=lambda item: (-item[1], item[0]))
        else:
            assert self.hll is not None and self.frequent is not None
            # The exact phase already saw more than `cap` distinct values: never report fewer.
            distinct, approximate = max(self.hll.count(), self.cap + 1), True
            top = self.frequent.top(_TOP_VALUES)
        low, high = self._bounds(physical)
        sample = self.reservoir.items
        analysis = analyze_values(self.name, sample)
        semantic = analysis.semantic_type
        completeness = filled / self.rows if self.rows else 0.0
        quality = completeness * analysis.validity
        uniqueness = min(1.0, distinct / filled) if filled else 0.0
        if semantic in _UNIQUE_TYPES and uniqueness >= 0.8:
            # Meant to be an identifier (mostly unique): every duplicate is a defect.
            quality *= uniqueness
        pii = bool(semantic in PII_TYPES or (sample and looks_like_pii(sample)))
        return ColumnProfile(
            name=self.name,
            physical_type=physical,
            rows=self.rows,
            nulls=self.nulls,
            null_rate=round(self.nulls / self.rows, 6) if self.rows else 0.0,
            distinct=distinct,
            distinct_approximate=approximate,
            min=low,
            max=high,
            min_length=self.len_min,
            max_length=self.len_max,
            mean_length=round(self.len_sum / filled, 4) if filled else None,
            top_values=[(value, count) for value, count in top],
            patterns=_patterns(sample),
            semantic_type=semantic,
            confidence=analysis.confidence,
            pii=pii,
            quality=round(quality, 4),
            date_order=_date_order(sample) if semantic in ("date", "datetime", "birth_date") else None,
            sample_size=len(sample),
        )

    def _bounds(self, physical: str) -> tuple[str | None, str | None]:
        if physical == "integer" and self.int_min and self.int_max:
            return self.int_min[1], self.int_max[1]
        if physical == "decimal" and self.dec_min and self.dec_max:
            return self.dec_min[1], self.dec_max[1]
        if physical in ("date", "datetime"):
            return self.dates.bounds()
        return self.text_min, self.text_max


def _patterns(sample: list[str]) -> list[tuple[str, float]]:
    if not sample:
        return []
    counts = Counter(signature(value) for value in sample)
    top = heapq.nsmallest(_TOP_PATTERNS, counts.items(), key=lambda item: (-item[1], item[0]))
    return [(pattern, round(count / len(sample), 4)) for pattern, count in top]


def _date_order(sample: list[str]) -> str | None:
    """DMY if a sampled numeric date has a first part above 12, MDY if only a second part is; else None."""
    first = second = False
    for value in sample:
        parts = parse_date(value)
        if parts is None or not parts.ambiguous:
            continue
        first = first or parts.first > 12
        second = second or parts.second > 12
    if first and not second:
        return "DMY"
    if second and not first:
        return "MDY"
    return None


class Profiler:
    """Incremental, memory-bounded profiler of a stream of rows.

    Counts of rows and nulls are exact. Distinct values are counted exactly up to ``distinct_cap`` per
    column, then estimated with HyperLogLog (``distinct_approximate`` is set). Semantic typing runs on a
    seeded reservoir sample of ``sample_size`` non-null values per column.

    Rows are buffered into fixed chunks, so any split of the same rows into ``add`` calls gives the same
    profile. ``result()`` consumes the partly filled chunk; adding rows afterwards is allowed.

    Example:
        >>> profiler = Profiler(["email"])
        >>> profiler.add([{"email": "a@b.fr"}, {"email": None}])
        >>> profiler.result().columns[0].nulls
        1
    """

    def __init__(
        self,
        columns: list[str],
        *,
        sample_size: int = 1000,
        seed: int = 0,
        distinct_cap: int = 100_000,
        top_capacity: int = 1000,
    ) -> None:
        """Create a profiler.

        Args:
            columns: Expected columns, in order; columns first seen in later rows are appended.
            sample_size: Size of the per-column reservoir sample used for patterns and semantic typing.
            seed: Seed of the reservoir sampling (same seed and rows -> same profile).
            distinct_cap: Distinct values tracked exactly per column before switching to estimates.
            top_capacity: Counters kept by the frequent-values summary once past the cap.
        """
        self._sample_size = sample_size
        self._seed = seed
        self._cap = max(1, distinct_cap)
        self._top_capacity = max(_TOP_VALUES, top_capacity)
        self._rows = 0  # rows buffered or consumed
        self._pending = 0  # rows buffered in the current chunk
        self._columns: dict[Any, _Column] = {}
        for name in columns:
            self._add_column(name)

    def _add_column(self, key: Any) -> _Column:
        column = _Column(key, self._rows - self._pending, self._sample_size, self._seed, self._cap,
                         self._top_capacity)  # fmt: skip
        # Rows already buffered in this chunk lacked the column: they are nulls in its pending list.
        column.pending = [None] * self._pending
        self._columns[key] = column
        return column

    def add(self, rows: Iterable[Mapping[str, str | None]]) -> None:
        """Profile more rows. May be called any number of times.

        Args:
            rows: Mappings column -> raw string value (None or missing keys are nulls).
        """
        iterator = iter(rows)
        while True:
            room = _CHUNK_ROWS - self._pending
            batch = list(islice(iterator, room))
            if not batch:
                return
            self._take(batch)
            if self._pending >= _CHUNK_ROWS:
                self._flush()

    def _take(self, batch: list[Mapping[str, str | None]]) -> None:
        known = self._columns
        seen_keys: set[Any] = set()
        for row in batch:
            seen_keys.update(row.keys())
        if not seen_keys <= known.keys():
            # Append new columns in order of first appearance, for a stable column order.
            for row in batch:
                for key in row:
                    if key not in known:
                        self._add_column(key)
        for key, column in known.items():
            try:
                # Every row has every column in the common case: fetch in C.
                values = list(map(itemgetter(key), batch))
            except (KeyError, IndexError):
                values = [row.get(key) for row in batch]
            column.pending.extend(values)
        self._pending += len(batch)
        self._rows += len(batch)

    def _flush(self) -> None:
        for column in self._columns.values():
            column.flush()
        self._pending = 0

    @property
    def rows(self) -> int:
        """Rows added so far."""
        return self._rows

    def result(self) -> FileProfile:
        """The profile of every row added so far.

        Returns:
            The file profile, with one column profile per column in order of first appearance.
        """
        self._flush()
        columns = [column.result() for column in self._columns.values()]
        return FileProfile(rows=self._rows, columns=columns, quality=file_quality(columns))
