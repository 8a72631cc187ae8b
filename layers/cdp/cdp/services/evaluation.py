"""Score the output of `cdp resolve` against a ground-truth column of the file that was resolved
(`cdp evaluate`).

Records are the rows of the truth file, matched to the xref on (source, source_id); xref rows absent
from the truth file are left out, so a labelled sample of the input can be scored on its own. A row
whose truth label is null or empty is an entity of its own. Only accepted links count, and only those
whose two records are in the truth file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cdp.resolve.evaluate import Evaluation, evaluate
from cdp.services.resolve_folder import InputError, ResolveFolder

XREF_FILE = "xref.parquet"
LINKS_FILE = "links.parquet"
_KEY_SEPARATOR = "\x1f"  # ASCII unit separator: never inside a source name or a source id


class EvaluationInputError(ValueError):
    """The output folder or the truth file cannot be evaluated; the message says why, on one line."""


def evaluate_output(out_dir: Path, truth_path: Path, column: str) -> Evaluation:
    """Evaluate the xref (and accepted links, when links.parquet exists) written by `cdp resolve`.

    Args:
        out_dir: The folder written by `cdp resolve INPUT --out DIR`.
        truth_path: The resolved file (.csv, .csv.gz or .parquet) with `source`, `source_id` and `column`.
        column: The column holding the true entity of each row.

    Raises:
        EvaluationInputError: A file is missing or unreadable, a column is missing, a (source, source_id)
            repeats in the truth file, or a truth row has no xref row.
    """
    truth = _read_truth(truth_path, tuple(dict.fromkeys(("source", "source_id", column))))
    xref_path = out_dir / XREF_FILE
    xref = _read_parquet(xref_path, ("source", "source_id", "customer_id"))
    links = _read_accepted_links(out_dir)
    keys = [_record_keys(truth, "source", "source_id"), _record_keys(xref, "source", "source_id")]
    if links is not None:
        keys += [_record_keys(links, "left_source", "left_source_id")]
        keys += [_record_keys(links, "right_source", "right_source_id")]
    (truth_records, xref_records, *link_records), record_count = _record_numbers(keys)
    truth_row = np.full(record_count, -1)  # per record: its truth row, -1 when not in the truth file
    truth_row[truth_records] = np.arange(len(truth_records))
    repeated = len(truth_records) - np.count_nonzero(truth_row >= 0)
    if repeated:
        raise EvaluationInputError(
            f"{truth_path}: {repeated} row(s) repeat the (source, source_id) of another row, "
            "so the xref cannot tell them apart"
        )
    xref_row = np.full(len(truth_records), -1)  # per truth row: its xref row, -1 when not resolved
    xref_truth_row = truth_row[xref_records]
    in_truth = xref_truth_row >= 0
    xref_row[xref_truth_row[in_truth]] = np.flatnonzero(in_truth)
    unresolved = np.flatnonzero(xref_row < 0)
    if len(unresolved):
        first = int(unresolved[0])
        source, source_id = truth["source"][first], truth["source_id"][first]
        raise EvaluationInputError(
            f"{truth_path}: {len(unresolved)} row(s) have no row in {xref_path} "
            f"(first: source={source}, source_id={source_id}); was it resolved from this file?"
        )
    link_rows = None
    if link_records:
        left, right = (truth_row[records] for records in link_records)
        both_in_truth = (left >= 0) & (right >= 0)
        link_rows = np.column_stack([left[both_in_truth], right[both_in_truth]])
    predicted = _label_codes(xref["customer_id"].take(xref_row))
    return evaluate(_label_codes(truth[column]), predicted, link_rows)


def _record_numbers(keys: list[pa.Array]) -> tuple[list[np.ndarray], int]:
    """Number the records that the key arrays name: the numbers within each array, and how many records.

    Keys are hashed once, all arrays together; what follows is integer array indexing.
    """
    encoded = pc.dictionary_encode(pa.concat_arrays(keys))
    numbers = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return np.split(numbers, np.cumsum([len(k) for k in keys])[:-1]), len(encoded.dictionary)


def _label_codes(labels: pa.ChunkedArray) -> np.ndarray:
    """Dense codes of a label column; a null or empty label gets a code of its own, so its record is an
    entity alone, as `cdp.resolve.evaluate` treats None. Hashed by Arrow: a Python dict over a million
    labels would take seconds."""
    labels = labels.combine_chunks()
    if pa.types.is_string(labels.type) or pa.types.is_large_string(labels.type):
        labels = pc.if_else(pc.equal(labels, ""), pa.scalar(None, labels.type), labels)
    encoded = pc.dictionary_encode(labels)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    unlabelled = codes < 0
    codes[unlabelled] = len(encoded.dictionary) + np.arange(np.count_nonzero(unlabelled))
    return codes


def _read_accepted_links(out_dir: Path) -> pa.Table | None:
    """The accepted links: the current ones of a `cdp resolve` folder (see `resolve_folder`), or those of
    a single links file; None when there are none."""
    columns = ("left_source", "left_source_id", "right_source", "right_source_id", "accepted")
    try:
        folder = ResolveFolder.open(out_dir)
    except InputError as error:
        raise EvaluationInputError(str(error)) from error
    if folder is not None:
        try:
            links = folder.links(columns)
        except InputError as error:
            raise EvaluationInputError(str(error)) from error
    elif (out_dir / LINKS_FILE).exists():
        links = _read_parquet(out_dir / LINKS_FILE, columns)
    else:
        return None
    return links.filter(pc.fill_null(links["accepted"], False))


def _record_keys(table: pa.Table, source: str, source_id: str) -> pa.Array:
    """One string per row identifying its record: source and source id, joined."""
    parts = [pc.fill_null(pc.cast(table[name], pa.string()), "") for name in (source, source_id)]
    return pc.binary_join_element_wise(*parts, _KEY_SEPARATOR).combine_chunks()


def _read_truth(path: Path, columns: tuple[str, ...]) -> pa.Table:
    name = path.name.lower()
    if name.endswith(".parquet"):
        return _read_parquet(path, columns)
    if not name.endswith((".csv", ".csv.gz")):
        raise EvaluationInputError(f"{path}: expected a .csv, .csv.gz or .parquet file")
    _require_file(path)
    try:
        # Every column as text, as `cdp resolve` read it: "007" must stay "007" to match its xref row.
        with pacsv.open_csv(path) as reader:
            names = reader.schema.names
        _require_columns(path, names, columns)
        options = pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), include_columns=list(columns)
        )
        return pacsv.read_csv(path, convert_options=options)
    except (pa.ArrowException, OSError) as error:
        raise EvaluationInputError(f"{path}: {_first_line(error)}") from error


def _read_parquet(path: Path, columns: tuple[str, ...]) -> pa.Table:
    _require_file(path)
    try:
        _require_columns(path, pq.read_schema(path).names, columns)
        return pq.read_table(path, columns=list(columns))
    except (pa.ArrowException, OSError) as error:
        raise EvaluationInputError(f"{path}: {_first_line(error)}") from error


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise EvaluationInputError(f"{path}: no such file")


def _require_columns(path: Path, present: list[str], needed: tuple[str, ...]) -> None:
    missing = [name for name in needed if name not in present]
    if missing:
        raise EvaluationInputError(
            f"{path}: missing column(s) {', '.join(missing)} (columns: {', '.join(present)})"
        )


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
