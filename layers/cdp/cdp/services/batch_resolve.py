"""Resolve a file of contact records with canonical column names, outside the pipeline (`cdp resolve`).

The same normalizers and the same engine as the state machine's steps; the file needs `source` and
`source_id` and any of the canonical contact fields (first_name, last_name, email, phone, street,
city, postcode, country, birth_date, company_name, siret, updated_at...); missing ones are empty.

The output folder is also the state of the next run: run again with the same folder, the new or changed
records of the input are added to what it holds (incrementally, with its model), ids stay stable by the
ledger's rule, and the overrides of `overrides.json` (`cdp link` / `cdp unlink`) hold.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cdp.ingest import open_table
from cdp.model import IDENTITY_LEDGER_SCHEMA, LINEAGE_SCHEMA
from cdp.resolve import CONTACT_SETTINGS, resolve_records, settings_and_model
from cdp.resolve.engine import Resolution, resolve_incremental
from cdp.resolve.ledger import PreviousIds, id_births, ledger_table, previous_ids, record_key
from cdp.resolve.output import links_table, summary, written_part
from cdp.resolve.overrides import Override, make_override, parse_overrides, recorded_overrides
from cdp.resolve.settings import ResolutionSettings
from cdp.resolve.settings_file import SettingsError, contact_settings, read_document
from cdp.resolve.training import Model
from cdp.services.batch_normalize import InputError, stage_contacts

# InputError lives with the normalization that raises it; `cdp resolve` imports it from here.
__all__ = ["XREF_SCHEMA", "BatchResolution", "InputError", "add_override", "read_settings", "resolve_stream"]

XREF_SCHEMA = pa.schema([("source", pa.string()), ("source_id", pa.string()), ("customer_id", pa.string())])
FILES = ("xref.parquet", "links.parquet", "records.parquet", "ledger.parquet", "model.json", "summary.json")
OVERRIDES_FILE = "overrides.json"


@dataclass(frozen=True)
class BatchResolution:
    """What `cdp resolve` writes: the xref, the links (accepted and near misses) with explanations, the
    normalized records, the identity ledger (every run's events), a summary, and the settings and model
    (what `cdp explain` and the next incremental run read)."""

    xref: pa.Table
    links: pa.Table
    records: pa.Table
    ledger: pa.Table
    summary: dict[str, Any]
    model: dict[str, Any]

    def write(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        for name, table in (
            ("xref", self.xref),
            ("links", self.links),
            ("records", self.records),
            ("ledger", self.ledger),
        ):
            pq.write_table(table, out / f"{name}.parquet")
        (out / "model.json").write_text(json.dumps(self.model, indent=2), encoding="utf-8")
        (out / "summary.json").write_text(json.dumps(self.summary, indent=2), encoding="utf-8")


@dataclass(frozen=True)
class StoredRun:
    """A folder's previous output: the state an incremental run continues from."""

    records: pa.Table
    links: pa.Table
    xref: pa.Table
    ledger: pa.Table
    model: dict[str, Any]

    @classmethod
    def load(cls, out: Path) -> StoredRun | None:
        """The folder's output, or None when it holds none yet."""
        if not (out / "xref.parquet").is_file():
            return None
        try:
            ledger_path = out / "ledger.parquet"
            return cls(
                records=pq.read_table(out / "records.parquet"),
                links=pq.read_table(out / "links.parquet"),
                xref=pq.read_table(out / "xref.parquet"),
                ledger=pq.read_table(ledger_path)
                if ledger_path.is_file()
                else IDENTITY_LEDGER_SCHEMA.empty_table(),
                model=json.loads((out / "model.json").read_text(encoding="utf-8")),
            )
        except (OSError, ValueError) as error:
            raise InputError(
                f"{out}: an incomplete `cdp resolve` output ({error}); use another folder"
            ) from error


    def settings(self, out: Path) -> ResolutionSettings:
        """The settings the folder was resolved with (saved in model.json)."""
        try:
            return contact_settings(self.model["settings"], f"{out / 'model.json'}: settings")
        except (KeyError, SettingsError) as error:
            raise InputError(f"{out}: unusable stored settings ({error}); use another folder") from error


def read_settings(path: Path) -> ResolutionSettings:
    """Contact settings from a YAML or JSON file, partial or full (see `cdp.resolve.settings_file`).

    Raises:
        InputError: the file cannot be read, or names what is wrong with it.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: cannot read the settings file ({error})") from error
    try:
        return contact_settings(read_document(text, str(path)), str(path))
    except SettingsError as error:
        raise InputError(str(error)) from error


def _run_settings(
    stored: StoredRun | None, out: Path | None, requested: ResolutionSettings | None, full: bool
) -> ResolutionSettings:
    """A folder keeps the settings it was resolved with; other settings need a full run."""
    if stored is None or out is None:
        return requested or CONTACT_SETTINGS
    kept = stored.settings(out)
    if requested is None or requested == kept:
        return kept
    if not full:
        raise InputError(
            f"{out} was resolved with other settings (its model.json): an incremental run keeps them. "
            "Give no --settings (or the same ones) to continue, --full to resolve everything again with "
            "the new ones, or another --out folder"
        )
    return requested


def load_overrides(out: Path) -> list[Override]:
    path = out / OVERRIDES_FILE
    if not path.is_file():
        return []
    try:
        return parse_overrides(json.loads(path.read_text(encoding="utf-8")))
    except ValueError as error:
        raise InputError(f"{path}: {error}") from error


def _keys(table: pa.Table) -> list[str]:
    return [
        record_key(s, i)
        for s, i in zip(
            table.column("source").to_pylist(), table.column("source_id").to_pylist(), strict=True
        )
    ]


def _key_column(table: pa.Table, prefix: str = "") -> pa.ChunkedArray:
    """Each row's record key (`source:source_id`) as an Arrow column."""
    return pc.binary_join_element_wise(table[f"{prefix}source"], table[f"{prefix}source_id"], ":")


def _content(table: pa.Table, rows: list[int], columns: list[str]) -> list[str]:
    """Each row's normalized values (not its lineage) as comparable text."""
    picked = table.select(columns).take(pa.array(rows, pa.int64())).to_pylist()
    return [json.dumps(row, sort_keys=True, default=str) for row in picked]


def _union(stored: pa.Table, staged: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """The stored records with changed ones replaced in place and new ones appended, and which rows are
    fresh (new or changed). A record sent again unchanged is not fresh."""
    staged_keys = _keys(staged)
    latest = {key: row for row, key in enumerate(staged_keys)}  # a key sent twice: its last row
    stored_rows = pc.index_in(pa.array(list(latest), pa.string()), value_set=_key_column(stored)).to_pylist()
    stored_row = {key: row for key, row in zip(latest, stored_rows, strict=True) if row is not None}
    columns = [n for n in staged.column_names if n in stored.column_names and n not in LINEAGE_SCHEMA.names]
    known = [(stored_row[key], row) for key, row in latest.items() if key in stored_row]
    before = _content(stored, [s for s, _ in known], columns)
    after = _content(staged, [n for _, n in known], columns)
    changed = {s: n for (s, n), old, new in zip(known, before, after, strict=True) if old != new}
    added = [row for key, row in latest.items() if key not in stored_row]
    combined = pa.concat_tables([stored, staged.select(stored.column_names).cast(stored.schema)])
    offset = stored.num_rows
    take = np.arange(stored.num_rows + len(added), dtype=np.int64)
    take[list(changed)] = [offset + row for row in changed.values()]
    take[stored.num_rows :] = [offset + row for row in added]
    fresh = np.zeros(len(take), dtype=bool)
    fresh[list(changed)] = True
    fresh[stored.num_rows :] = True
    return combined.take(pa.array(take)), fresh


def _rows(keys: pa.ChunkedArray, record_keys: pa.ChunkedArray, what: str) -> np.ndarray:
    rows = pc.index_in(keys, value_set=record_keys)
    if rows.null_count:
        raise InputError(f"{what} name records that records.parquet does not hold; resolve with --full")
    return rows.to_numpy(zero_copy_only=False).astype(np.int64)


def _stored_pairs(links: pa.Table, record_keys: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The stored links as row pairs, and whether each was accepted."""
    return (
        _rows(_key_column(links, "left_"), record_keys, "links.parquet"),
        _rows(_key_column(links, "right_"), record_keys, "links.parquet"),
        pc.fill_null(links["accepted"], False).to_numpy(zero_copy_only=False).astype(bool),
    )


def resolve_stream(
    stream: BinaryIO | None,
    filename: str,
    default_country: str = "FR",
    day_first: bool = True,
    workers: int | None = None,
    out: Path | None = None,
    full: bool = False,
    now: datetime | None = None,
    settings: ResolutionSettings | None = None,
) -> BatchResolution:
    """Normalize and resolve every row of a file, continuing from what `out` holds.

    Normalization streams the file in batches over `workers` processes (None: one per CPU; 1: this
    process only), see `cdp.services.batch_normalize.stage_contacts`.

    Args:
        stream, filename: the input (None: no new records, e.g. to apply new overrides).
        out: the output folder of earlier runs, if any: its records, links, model, ledger and overrides.
        full: recompute everything (retrain, block and score every pair) instead of adding the new records.
        now: the time of the run (ledger events).
        settings: the contact settings of a first or full run (None: the folder's, else the defaults);
            an incremental run refuses settings other than the folder's.

    Returns:
        The xref (source, source_id, customer_id for every record) and everything else the command writes.
    """
    moment = now or datetime.now(UTC)
    run_id = f"batch-{moment:%Y%m%dT%H%M%S%f}"
    stored = StoredRun.load(out) if out is not None else None
    overrides = load_overrides(out) if out is not None else []
    settings = _run_settings(stored, out, settings, full)
    if stream is not None:
        reader = open_table(stream, filename)
        missing = {"source", "source_id"} - set(reader.columns)
        if missing:
            raise InputError(f"{filename}: missing column(s) {', '.join(sorted(missing))}")
        staged = stage_contacts(
            reader, filename, default_country=default_country, day_first=day_first, workers=workers
        )
    elif stored is None:
        raise InputError("no input and no earlier output to continue from")
    else:
        staged = stored.records.schema.empty_table()

    if stored is None:
        records, fresh = staged, np.ones(staged.num_rows, dtype=bool)
        history = IDENTITY_LEDGER_SCHEMA.empty_table()
    else:
        records, fresh = _union(stored.records, staged)
        history = stored.ledger
    # Only the events an override caused name one; the others need not come to Python.
    recorded = recorded_overrides(
        history.filter(pc.match_substring(history["evidence"], '"override"'))["evidence"].to_pylist()
    )

    resolution: Resolution
    kept_links: pa.Table | None = None  # an incremental run's stored links that still hold
    if stored is None or full:
        previous = (
            PreviousIds()
            if stored is None
            else previous_ids(stored.xref, "customer_id", stored.ledger, settings.entity)
        )
        resolution = resolve_records(records, settings, None, previous, overrides, recorded)
        model = settings_and_model(resolution)
    else:
        record_keys = _key_column(records)
        xref_rows = pc.index_in(record_keys, value_set=_key_column(stored.xref))  # null: a new record
        incremental = resolve_incremental(
            records,
            fresh,
            _stored_pairs(stored.links, record_keys),
            stored.xref["customer_id"].take(xref_rows).combine_chunks(),
            PreviousIds(created=id_births(stored.ledger, settings.entity)),
            settings,
            Model.from_dict(stored.model["model"], settings),
            overrides,
            recorded,
        )
        resolution = incremental.resolution
        # A model saved before term frequencies were kept with it keeps those of this run from now on.
        saved = resolution.model.to_dict(settings)
        model = {**stored.model, "model": {**saved, **stored.model["model"]}}
        kept_links = stored.links.filter(pa.array(~incremental.stale))

    xref = pa.table(
        {
            "source": records.column("source"),
            "source_id": records.column("source_id"),
            "customer_id": pa.array(resolution.ids, pa.string()),
        }
    )
    ledger = pa.concat_tables(
        [history, ledger_table(resolution.events, settings.entity, run_id, moment)]
    )
    result = summary(resolution)
    result.update(
        {
            "customers": result["entities"],
            "run_id": run_id,
            "mode": "full" if stored is None or full else "incremental",
            "fresh_records": int(fresh.sum()),
            "ledger_events": dict(Counter(event.event.value for event in resolution.events)),
        }
    )
    # The links with their explanations, the run's largest output, come last, built from the pairs
    # they keep: every other candidate pair, the ids and the ledger events are freed first (peak memory).
    resolution = written_part(resolution)
    links = links_table(records, resolution, "contact", run_id)
    if kept_links is not None:
        links = pa.concat_tables([kept_links, links])
    result["accepted_links"] = int(pc.sum(pc.fill_null(links["accepted"], False)).as_py() or 0)
    return BatchResolution(
        xref=xref, links=links, records=records, ledger=ledger, summary=result, model=model
    )


def add_override(
    out: Path, kind: str, first: str, second: str, by: str, why: str, now: datetime | None = None
) -> Override:
    """Record a force-link or force-separation in an output folder; both records must be in it.

    Raises:
        InputError: no output in the folder, an unknown record, or an invalid override.
    """
    stored = StoredRun.load(out)
    if stored is None:
        raise InputError(f"{out}: no `cdp resolve` output here; resolve a file into it first")
    try:
        override = make_override(kind, first, second, by, why, now or datetime.now(UTC))
    except ValueError as error:
        raise InputError(str(error)) from error
    known = set(_keys(stored.records))
    for record in (override.first, override.second):
        if record not in known:
            raise InputError(f"{out}: no record {record!r} (records are named source:source_id)")
    overrides = [*load_overrides(out), override]
    (out / OVERRIDES_FILE).write_text(
        json.dumps([o.to_dict() for o in overrides], indent=2), encoding="utf-8"
    )
    return override
