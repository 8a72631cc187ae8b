"""Records as factorized columns: each field is an integer code per record (-1 = missing) and the list of
its distinct values. Blocking and exact comparisons then work on integers, and every string function
(phonetic keys, Jaro-Winkler, nicknames) runs once per distinct value or value pair, not once per row:
names, cities and postcodes repeat a lot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import jellyfish
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from unidecode import unidecode


@dataclass(frozen=True)
class Field:
    """One field of every record: `codes[i]` indexes `values`, -1 when record i has no value."""

    codes: np.ndarray
    values: list[str]
    # The values as an Arrow array, when they were read as one: looking many values up in them is then
    # a hash in Arrow, not a dict of a million Python strings.
    value_array: pa.Array | None = dataclass_field(default=None, compare=False, repr=False)

    def value(self, index: int) -> str | None:
        code = int(self.codes[index])
        return self.values[code] if code >= 0 else None

    def counts(self) -> np.ndarray:
        """How many records hold each distinct value."""
        return np.bincount(self.codes[self.codes >= 0], minlength=len(self.values))


def distinct_with_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values of an integer array and how often each occurs (a sort and a mask:
    numpy's hash-based `np.unique` is several times slower on tens of millions of int64)."""
    ordered = np.sort(values)
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else ordered
    return ordered[starts], np.diff(np.r_[starts, len(ordered)]).astype(np.int64)


def distinct_sorted(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array."""
    return distinct_with_counts(values)[0]


def agree(
    fields: Mapping[str, Field], names: tuple[str, ...], left: np.ndarray, right: np.ndarray
) -> np.ndarray:
    """Pairs (left[k], right[k]) whose records hold the same value on every named field."""
    agreeing = np.ones(len(left), dtype=bool)
    for name in names:
        codes = fields[name].codes
        agreeing &= (codes[left] >= 0) & (codes[left] == codes[right])
    return agreeing


def missing_field(size: int) -> Field:
    return Field(np.full(size, -1, dtype=np.int64), [])


def factorize(array: pa.Array | pa.ChunkedArray) -> Field:
    """Codes and distinct values of a column; nulls and blank strings are missing."""
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    if not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
        array = pc.cast(array, pa.string())
    # Encoded first, then trimmed: the string functions run once per distinct value, not per row. The
    # trimmed values keep the order of their first row, as if the column had been trimmed first.
    raw = pc.dictionary_encode(array)
    trimmed = pc.utf8_trim_whitespace(raw.dictionary)
    encoded = pc.dictionary_encode(pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed))
    to_code = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    codes = pc.fill_null(raw.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    return Field(np.r_[to_code, -1][codes], encoded.dictionary.to_pylist(), encoded.dictionary)


def extend_fields(
    stored: Mapping[str, Field], added: Mapping[str, Field], rows: np.ndarray, size: int
) -> dict[str, Field]:
    """The fields of `size` records: `stored` ones, with `rows` (changed rows in place, new ones after)
    holding the values of `added` (the fields of those records alone, in the order of `rows`).

    Stored codes stay as they are and a value new to a field is appended to its values: a run adding a
    few records to millions factorizes only theirs. Values no record holds any more stay listed (their
    count is zero); codes are labels, nothing depends on their order.
    """
    extended: dict[str, Field] = {}
    for name, field in stored.items():
        local = added[name]
        known = field.value_array if field.value_array is not None else pa.array(field.values, pa.string())
        found = pc.index_in(pa.array(local.values, pa.string()), value_set=known)
        is_new = pc.is_null(found).to_numpy(zero_copy_only=False)
        to_code = np.r_[pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64), -1]
        to_code[np.flatnonzero(is_new)] = len(field.values) + np.arange(int(is_new.sum()))
        codes = np.full(size, -1, dtype=np.int64)
        codes[: len(field.codes)] = field.codes
        codes[rows] = to_code[local.codes]  # -1 indexes the trailing -1
        new_values = [value for value, new in zip(local.values, is_new.tolist(), strict=True) if new]
        value_array = pa.concat_arrays([known, pa.array(new_values, known.type)])
        extended[name] = Field(codes, field.values + new_values, value_array)
    return extended


def derive(field: Field, function: Callable[[str], str | None]) -> Field:
    """A new field computed from each distinct value of another (None or "" = missing)."""
    derived = [function(value) or None for value in field.values]
    distinct = sorted({value for value in derived if value})
    position = {value: code for code, value in enumerate(distinct)}
    mapping = np.array([position[v] if v else -1 for v in derived] + [-1], dtype=np.int64)
    # codes of -1 index the trailing -1 of the mapping.
    return Field(mapping[field.codes], distinct)


def keep_where(field: Field, mask: np.ndarray) -> Field:
    """The field with values only where mask is true (e.g. only valid e-mails are evidence)."""
    return Field(np.where(mask, field.codes, -1), field.values, field.value_array)


def distinct_and_inverse(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct integers of `keys` (in order of first appearance) and, per key, the index of its own:
    `np.unique(keys, return_inverse=True)` without the order, hashed by Arrow (a sort of ten million
    keys takes a second)."""
    encoded = pc.dictionary_encode(pa.array(keys))
    return encoded.dictionary.to_numpy(), encoded.indices.to_numpy().astype(np.int64)


def _compact(key: np.ndarray) -> np.ndarray:
    """Codes 0..n-1 for the n distinct values."""
    return distinct_and_inverse(key)[1]


def combine(fields: list[Field]) -> np.ndarray:
    """One compact code per distinct combination of values; -1 when any field is missing."""
    size = len(fields[0].codes)
    key = np.zeros(size, dtype=np.int64)
    missing = np.zeros(size, dtype=bool)
    for field in fields:
        missing |= field.codes < 0
        if (int(key.max(initial=0)) + 1) * (len(field.values) + 1) >= 2**62:
            key = _compact(key)  # so the product of cardinalities never overflows int64
        key = key * (len(field.values) + 1) + field.codes + 1
    return np.where(missing, -1, _compact(key)) if size else key


def combine_around(fields: list[Field], around: np.ndarray | None) -> np.ndarray:
    """`combine` for the records that share their key with a record of `around` (a mask; None: all
    records), -1 elsewhere: the keys of the blocks those records are in, whole (their sizes are exact),
    for the cost of a hash lookup per record rather than of keying every record."""
    if around is None:
        return combine(fields)
    size = len(fields[0].codes)
    keys = np.full(size, -1, dtype=np.int64)
    if math.prod(len(field.values) + 1 for field in fields) < 2**62:
        # Every combination has its own integer (mixed radix): the records holding one of those of
        # `around` are found at once.
        raw = np.zeros(size, dtype=np.int64)
        missing = np.zeros(size, dtype=bool)
        for field in fields:
            missing |= field.codes < 0
            raw = raw * (len(field.values) + 1) + field.codes + 1
        raw[missing] = -1
        held = raw[around]
        held = np.unique(held[held >= 0])
        if len(held):
            found = pc.is_in(pa.array(raw), value_set=pa.array(held))
            rows = pc.indices_nonzero(found).to_numpy().astype(np.int64)
            keys[rows] = _compact(raw[rows])
        return keys
    # Too many combinations for one integer: the records holding each value of theirs, keyed fully.
    candidate = np.ones(size, dtype=bool)
    for field in fields:
        value_held = np.zeros(len(field.values) + 1, dtype=bool)  # per code + 1: slot 0 is "missing"
        value_held[field.codes[around] + 1] = True
        value_held[0] = False
        candidate &= value_held[field.codes + 1]
    rows = np.flatnonzero(candidate)
    if len(rows):
        combined = combine([Field(field.codes[rows], field.values) for field in fields])
        shared = np.isin(combined, combined[around[rows] & (combined >= 0)])
        keys[rows[shared]] = combined[shared]
    return keys


def _metaphone(value: str) -> str | None:
    return jellyfish.metaphone(value.replace(" ", "")) or None


def _street_key(value: str) -> str | None:
    return " ".join(unidecode(value).lower().replace(",", " ").split()) or None


def _company_prefix(value: str) -> str | None:
    # Four letters: long enough to keep blocks small, short enough for a plural or a typo at the end.
    return value.replace(" ", "")[:4] or None


def _flag(table: pa.Table, name: str) -> np.ndarray | None:
    """True where a validity column is true; None when the table has no such column."""
    if name not in table.column_names:
        return None
    column = table.column(name)
    if not pa.types.is_boolean(column.type):
        column = pc.equal(pc.utf8_lower(pc.cast(column, pa.string())), "true")
    return pc.fill_null(column, False).to_numpy(zero_copy_only=False).astype(bool)


def _initial(value: str) -> str | None:
    return value[:1] or None


# Blocking keys derived from a staged column: name -> (the column, the function of each distinct value).
DERIVATIONS: Mapping[str, tuple[str, Callable[[str], str | None]]] = {
    "last_name_sound": ("last_name_key", _metaphone),
    "first_name_initial": ("first_name_key", _initial),
    "last_name_initial": ("last_name_key", _initial),
    "street_key": ("street", _street_key),
    "company_prefix": ("company_key", _company_prefix),
}


# Validity flag guarding each identifier: an invalid e-mail, phone or date is no evidence at all
# (it neither blocks, nor compares, nor conflicts).
_VALIDITY = {
    "email_key": "email_valid",
    "phone": "phone_valid",
    "birth_date": "birth_date_valid",
    "siret": "siret_valid",
    "siren": "siren_valid",
    "vat": "vat_valid",
}


def source_columns(names: set[str]) -> set[str]:
    """The staged columns `record_fields` may read for these fields: a resolution needs no other, so a
    large stored table can be read with only these."""
    columns = set(names) | {DERIVATIONS[name][0] for name in names if name in DERIVATIONS}
    return columns | {_VALIDITY[name] for name in names if name in _VALIDITY}


def record_fields(table: pa.Table, names: set[str]) -> dict[str, Field]:
    """The fields the settings name, factorized, with blocking keys derived from staged columns.

    Derived keys: `last_name_sound` (metaphone of the last name key), `first_name_initial`,
    `last_name_initial`, `company_prefix` (the company key's first letters), and
    `street_key` (accent-folded, lower-case street) when the staged table has none.
    """
    size = table.num_rows
    fields: dict[str, Field] = {}

    def staged(name: str) -> Field:
        if name not in fields:
            fields[name] = (
                factorize(table.column(name)) if name in table.column_names else missing_field(size)
            )
        return fields[name]

    result: dict[str, Field] = {}
    for name in sorted(names):
        derived = name not in table.column_names and name in DERIVATIONS
        if derived:
            source, function = DERIVATIONS[name]
            field = derive(staged(source), function)
        else:
            field = staged(name)
        flag = _flag(table, _VALIDITY[name]) if name in _VALIDITY else None
        result[name] = keep_where(field, flag) if flag is not None else field
    return result
