"""Columnar contact normalization: a batch of raw columns in, Arrow columns of the staging schema out.

A block of :data:`cdp.normalize.records.CONTACT_BLOCKS` with a fast path
(:data:`cdp.normalize.vectorized.FAST_PATHS`) first computes the rows whose values have a usual shape
with Arrow kernels. The other rows, and every row of the other blocks, go through the block's per-value
function once per distinct combination of its inputs in the batch (customer files repeat first names,
cities, companies, a household's address), and Arrow gathers the results back to the rows. Nothing is
built per row in Python; the results are exactly those of the row-wise
:func:`cdp.normalize.records.normalize_contact`, which runs the per-value functions of the same blocks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cdp._gc import no_cycle_collection
from cdp.model import CONTACT_FIELDS_SCHEMA
from cdp.normalize.records import CONTACT_BLOCKS, ContactBlock, ContactContext, coerce_text, contact_context
from cdp.normalize.vectorized import FAST_PATHS, FastPath

_TYPES: dict[str, pa.DataType] = {field.name: field.type for field in CONTACT_FIELDS_SCHEMA}


def text_array(values: Sequence[object]) -> pa.Array:
    """Raw source values as a string array (numbers, dates and bytes in their text form, NaN as null)."""
    try:
        return pa.array(values, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([coerce_text(value) for value in values], pa.string())


def normalize_contact_columns(
    columns: Mapping[str, pa.Array], num_rows: int, *, default_country: str = "FR", day_first: bool = True
) -> list[pa.Array]:
    """Normalize a batch of contacts given as raw string columns.

    Args:
        columns: Canonical field name -> raw values (a string array of ``num_rows``); a missing field
            reads as empty, as in :func:`cdp.normalize.records.normalize_contact`.
        num_rows: The batch's number of rows.
        default_country: ISO country assumed for phones and postcodes when the record has no country.
        day_first: Day/month order of ambiguous numeric dates.

    Returns:
        The columns of ``CONTACT_FIELDS_SCHEMA``, in its order.
    """
    if num_rows == 0:
        return [pa.array([], field.type) for field in CONTACT_FIELDS_SCHEMA]
    context = contact_context(default_country, day_first)
    absent = pa.nulls(num_rows, pa.string())
    outputs: dict[str, pa.Array] = {}
    with no_cycle_collection():
        for block in CONTACT_BLOCKS:
            inputs = [
                outputs[name[1:]] if name[0] == "=" else columns.get(name, absent) for name in block.inputs
            ]
            fast = FAST_PATHS.get(block.compute)
            if fast is None:
                computed = _per_value(block, inputs, context)
            else:
                computed = _fast_then_per_value(block, fast, inputs, context)
            computed_by_name = dict(zip(block.outputs, computed, strict=True))
            outputs.update(computed_by_name | _verbatim_raw(block, columns, absent))
    return [outputs[name] for name in CONTACT_FIELDS_SCHEMA.names]


def _per_value(block: ContactBlock, inputs: Sequence[pa.Array], context: ContactContext) -> list[pa.Array]:
    """The block's outputs from its per-value function, run once per distinct combination of inputs."""
    rows_of_distinct, distinct = _distinct(inputs)
    results = [block.compute(*args, context) for args in distinct]
    gather = pa.array(rows_of_distinct)
    return [
        pa.array(values, _TYPES.get(name, pa.string())).take(gather)
        for name, values in zip(block.outputs, zip(*results, strict=True), strict=True)
    ]


def _fast_then_per_value(
    block: ContactBlock, fast: FastPath, inputs: Sequence[pa.Array], context: ContactContext
) -> list[pa.Array]:
    """The block's outputs from its vectorized fast path, and its per-value function for the rows the
    fast path does not handle (garbage, rare spellings)."""
    handled, computed = fast(inputs, context)
    rest = pc.invert(handled)
    if not pc.any(rest).as_py():
        return computed
    leftover = _per_value(block, [array.filter(rest) for array in inputs], context)
    return [
        pc.replace_with_mask(pc.cast(whole, part.type), rest, part)
        for whole, part in zip(computed, leftover, strict=True)
    ]


def _verbatim_raw(
    block: ContactBlock, columns: Mapping[str, pa.Array], absent: pa.Array
) -> dict[str, pa.Array]:
    """The block's raw outputs that are its input columns unchanged (no round trip through Python)."""
    if not block.raw_verbatim:
        return {}
    return {
        f"{name}_raw": columns.get(name, absent) for name in block.inputs if f"{name}_raw" in block.outputs
    }


def _distinct(arrays: Sequence[pa.Array]) -> tuple[np.ndarray, list[tuple[object, ...]]]:
    """The distinct combinations of values across arrays, and for each row the index of its own."""
    dictionaries: list[list[object]] = []
    indices: list[np.ndarray] = []
    for array in arrays:
        encoded = array.dictionary_encode(null_encoding="encode")
        dictionaries.append(encoded.dictionary.to_pylist())
        indices.append(encoded.indices.to_numpy(zero_copy_only=False))
    if len(arrays) == 1:  # the dictionary is the distinct values already
        return indices[0], [(value,) for value in dictionaries[0]]
    codes = indices[0].astype(np.int64)
    for dictionary, array_indices in zip(dictionaries[1:], indices[1:], strict=True):
        # Compact first so that code * size never overflows: both are at most the row count.
        _, codes = np.unique(codes, return_inverse=True)
        codes = codes * len(dictionary) + array_indices
    _, first_rows, inverse = np.unique(codes, return_index=True, return_inverse=True)
    columns = [
        [dictionary[i] for i in array_indices[first_rows]]
        for dictionary, array_indices in zip(dictionaries, indices, strict=True)
    ]
    return inverse, list(zip(*columns, strict=True))
