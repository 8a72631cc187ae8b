"""Resolve a file of contact records with canonical column names, outside the pipeline (`cdp resolve`).

The same normalizers and the same engine as the state machine's steps; the file needs `source` and
`source_id` and any of the canonical contact fields (first_name, last_name, email, phone, street,
city, postcode, country, birth_date, company_name, siret, updated_at...); missing ones are empty.

The output folder is also the state of the next run: run again with the same folder, the new or changed
records of the input are added to what it holds (incrementally, with its model), ids stay stable by the
ledger's rule, and the overrides of `overrides.json` (`cdp link` / `cdp unlink`) hold. Each run adds
its own files to the folder (`cdp.services.resolve_folder`): the history is read column by column, never
rewritten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cdp.ingest import open_table
from cdp.model import IDENTITY_LEDGER_SCHEMA, LINEAGE_SCHEMA
from cdp.resolve import CONTACT_SETTINGS, resolve_records, settings_and_model
from cdp.resolve.columns import extend_fields, record_fields
from cdp.resolve.engine import Resolution, field_names, input_columns, resolve_incremental
from cdp.resolve.ledger import PreviousIds, id_births, ledger_table, previous_ids, record_key_column
from cdp.resolve.output import kept_pairs, links_table, summary, written_part
from cdp.resolve.overrides import Override, make_override, parse_overrides, recorded_overrides
from cdp.resolve.settings import ResolutionSettings
from cdp.resolve.settings_file import SettingsError, contact_settings, read_document
from cdp.resolve.training import Model
from cdp.services.batch_normalize import InputError, stage_contacts
from cdp.services.resolve_folder import PAIRS_SCHEMA, FieldFiles, ResolveFolder, RunFiles

# InputError lives with the normalization that raises it; `cdp resolve` imports it from here.
__all__ = ["XREF_SCHEMA", "BatchResolution", "InputError", "add_override", "read_settings", "resolve_stream"]

XREF_SCHEMA = pa.schema([("source", pa.string()), ("source_id", pa.string()), ("customer_id", pa.string())])
OVERRIDES_FILE = "overrides.json"


@dataclass(frozen=True)
class BatchResolution:
    """What a `cdp resolve` run adds to its folder (see `cdp.services.resolve_folder`): the xref of every
    record, the run's new and changed records, its links (accepted and near misses) with explanations,
    the earlier links it made stale, its identity ledger events, a summary, and the settings and model
    (what `cdp explain` and the next incremental run read)."""

    run: RunFiles
    full: bool  # the run's files hold the whole state (a first or a `--full` run)

    @property
    def xref(self) -> pa.Table:
        return self.run.xref

    @property
    def summary(self) -> dict[str, Any]:
        return self.run.summary

    @property
    def model(self) -> dict[str, Any] | None:
        """The settings and model, when the run made them (None: the folder's hold)."""
        return self.run.model

    def write(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        (ResolveFolder.open(out) or ResolveFolder(out)).commit(self.run, full=self.full)


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
    folder: ResolveFolder | None, requested: ResolutionSettings | None, full: bool
) -> ResolutionSettings:
    """A folder keeps the settings it was resolved with; other settings need a full run."""
    if folder is None:
        return requested or CONTACT_SETTINGS
    kept = folder.settings()
    if requested is None or requested == kept:
        return kept
    if not full:
        raise InputError(
            f"{folder.path} was resolved with other settings (its model.json): an incremental run keeps "
            "them. Give no --settings (or the same ones) to continue, --full to resolve everything again "
            "with the new ones, or another --out folder"
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


def _content(table: pa.Table, rows: list[int], columns: list[str]) -> list[str]:
    """Each row's normalized values (not its lineage) as comparable text."""
    picked = table.select(columns).take(pa.array(rows, pa.int64())).to_pylist()
    return [json.dumps(row, sort_keys=True, default=str) for row in picked]


@dataclass(frozen=True)
class _Fresh:
    """The input rows that are new or changed (a record sent again unchanged is not), each with its row
    among all records: a changed record keeps its row, new ones follow the stored ones."""

    records: pa.Table
    rows: np.ndarray

    def merged_into(self, stored: pa.Table) -> pa.Table:
        """The stored records (in row order) with the changed ones replaced in place and new ones after."""
        fresh = self.records.select(stored.column_names).cast(stored.schema)
        take = np.arange(stored.num_rows + int((self.rows >= stored.num_rows).sum()), dtype=np.int64)
        take[self.rows] = stored.num_rows + np.arange(len(self.rows))
        return pa.concat_tables([stored, fresh]).take(pa.array(take))

    def mask(self, size: int) -> np.ndarray:
        fresh = np.zeros(size, dtype=bool)
        fresh[self.rows] = True
        return fresh


def _fresh(folder: ResolveFolder, stored_keys: pa.ChunkedArray, staged: pa.Table) -> _Fresh:
    # A key sent twice: its last row.
    latest = {key: row for row, key in enumerate(record_key_column(staged).to_pylist())}
    # The stored keys are looked up in the batch's (a hash of the batch, not of the history).
    position = pc.index_in(stored_keys, value_set=pa.array(list(latest), pa.string()))
    found = pc.indices_nonzero(pc.is_valid(position))
    stored_at = dict(zip(position.take(found).to_pylist(), found.to_pylist(), strict=True))
    stored_rows = [stored_at.get(k) for k in range(len(latest))]
    known = [
        (stored, latest[key]) for key, stored in zip(latest, stored_rows, strict=True) if stored is not None
    ]
    changed: list[tuple[int, int]] = []
    if known:
        # Only the stored versions of the records sent again are read, to compare.
        stored = folder.records(rows=np.array([s for s, _ in known], dtype=np.int64))
        at = {row: position for position, row in enumerate(stored["row"].to_pylist())}
        columns = [
            n for n in staged.column_names if n in stored.column_names and n not in LINEAGE_SCHEMA.names
        ]
        before = _content(stored, [at[s] for s, _ in known], columns)
        after = _content(staged, [n for _, n in known], columns)
        changed = [pair for pair, old, new in zip(known, before, after, strict=True) if old != new]
    added = [row for row, stored in zip(latest.values(), stored_rows, strict=True) if stored is None]
    rows = np.r_[
        np.array([s for s, _ in changed], dtype=np.int64),
        len(stored_keys) + np.arange(len(added), dtype=np.int64),
    ]
    return _Fresh(staged.take(pa.array([n for _, n in changed] + added, pa.int64())), rows)


def _links(records: pa.Table, resolution: Resolution, run_id: str) -> pa.Table:
    """The run's links, each with the rows of its two records (what the next run reads of them)."""
    keep = kept_pairs(resolution)
    links = links_table(records, resolution, "contact", run_id)
    left, right = resolution.pairs.left[keep], resolution.pairs.right[keep]
    return links.append_column("left_row", pa.array(left)).append_column("right_row", pa.array(right))


def _xref(records: pa.Table, ids: list[str]) -> pa.Table:
    return pa.table(
        {
            "source": records.column("source"),
            "source_id": records.column("source_id"),
            "customer_id": pa.array(ids, pa.string()),
        },
        schema=XREF_SCHEMA,
    )


def _recorded(ledger: pa.Table) -> set[str]:
    """The overrides the ledger holds an event for: only the events an override caused name one, the
    others need not come to Python."""
    return recorded_overrides(
        ledger.filter(pc.match_substring(ledger["evidence"], '"override"'))["evidence"].to_pylist()
    )


def _accepted(links: pa.Table) -> int:
    return int(pc.sum(pc.fill_null(links["accepted"], False)).as_py() or 0)


def _with_rows(table: pa.Table, rows: np.ndarray) -> pa.Table:
    return table.append_column("row", pa.array(rows, pa.int64()))


def _summary(resolution: Resolution, run_id: str, full: bool, fresh: int) -> dict[str, Any]:
    """The run's counts; `accepted_links` is set by the caller to what the folder holds after the run."""
    result = summary(resolution)
    result.update(
        {
            "customers": result["entities"],
            "run_id": run_id,
            "mode": "full" if full else "incremental",
            "fresh_records": fresh,
            "ledger_events": resolution.events.counts(),
        }
    )
    return result


def _resolve_all(
    staged: pa.Table | None,
    folder: ResolveFolder | None,
    overrides: list[Override],
    run_id: str,
    moment: datetime,
    settings: ResolutionSettings,
) -> BatchResolution:
    """A first run, or `--full`: retrain and resolve every record; the run's files hold the whole state."""
    history = IDENTITY_LEDGER_SCHEMA.empty_table()
    previous = PreviousIds()
    if folder is None:
        assert staged is not None  # resolve_stream needs an input or an earlier output
        records, fresh = staged, staged.num_rows
    else:
        history, xref = folder.ledger(), folder.xref()
        previous = previous_ids(xref, "customer_id", history, settings.entity)
        records = folder.records().drop_columns(["row"])
        if staged is not None:
            added = _fresh(folder, record_key_column(xref), staged)
            records, fresh = added.merged_into(records), len(added.rows)
        else:
            fresh = 0
    resolution = resolve_records(records, settings, None, previous, overrides, _recorded(history))
    fields = FieldFiles.of(resolution.fields, np.arange(records.num_rows))
    xref_table = _xref(records, resolution.ids)
    ledger = pa.concat_tables([history, ledger_table(resolution.events, settings.entity, run_id, moment)])
    result = _summary(resolution, run_id, True, fresh)
    model = settings_and_model(resolution)
    # The links with their explanations, the run's largest output, come last, built from the pairs
    # they keep: every other candidate pair, the ids and the ledger events are freed first (peak memory).
    resolution = written_part(resolution)
    links = _links(records, resolution, run_id)
    result["accepted_links"] = _accepted(links)
    run = RunFiles(
        run_id=run_id,
        xref=xref_table,
        records=_with_rows(records, np.arange(records.num_rows)),
        links=links,
        stale=PAIRS_SCHEMA.empty_table(),
        ledger=ledger,
        summary=result,
        model=model,
        fields=fields,
    )
    return BatchResolution(run, full=True)


def _resolve_added(
    staged: pa.Table | None,
    folder: ResolveFolder,
    overrides: list[Override],
    run_id: str,
    moment: datetime,
    settings: ResolutionSettings,
) -> BatchResolution:
    """Add the new and changed records to the folder's with its model: of the history, only the record
    keys (the xref), the engine's fields (codes and values: only the run's own records are factorized)
    and the links' rows are read, and only the run's own records, fields, links and events are
    written."""
    xref = folder.xref()
    keys = xref.select(["source", "source_id"])
    if staged is None:
        added = _Fresh(keys.schema.empty_table(), np.empty(0, dtype=np.int64))
    else:
        added = _fresh(folder, record_key_column(xref), staged)
    records = added.merged_into(keys)  # the keys of every record, in record order
    fresh = added.mask(records.num_rows)
    names = field_names(settings)
    stored_fields = folder.fields(names)
    if stored_fields is None:  # a folder written before fields were kept: factorized once, then kept
        stored = folder.records(sorted(input_columns(settings))).drop_columns(["row"])
        stored_fields = record_fields(stored, names)
        known = None
    else:
        known = {name: len(field.values) for name, field in stored_fields.items()}
    fields = extend_fields(stored_fields, record_fields(added.records, names), added.rows, records.num_rows)
    field_files = FieldFiles.of(fields, np.arange(records.num_rows) if known is None else added.rows, known)
    # Of the ledger, only what ids were created when, and the events an override caused.
    births = id_births(
        folder.ledger(["entity", "event", "customer_id", "at"], pc.field("event") == "created"),
        settings.entity,
    )
    recorded = _recorded(folder.ledger(["evidence"], pc.match_substring(pc.field("evidence"), '"override"')))
    stored_links = folder.links(["left_row", "right_row", "accepted"])
    stored_accepted = (
        pc.fill_null(stored_links["accepted"], False).to_numpy(zero_copy_only=False).astype(bool)
    )
    saved = folder.model()
    previous_row_ids = pa.concat_arrays(
        [xref["customer_id"].combine_chunks(), pa.nulls(records.num_rows - xref.num_rows, pa.string())]
    )
    incremental = resolve_incremental(
        records,
        fresh,
        (stored_links["left_row"].to_numpy(), stored_links["right_row"].to_numpy(), stored_accepted),
        previous_row_ids,
        PreviousIds(created=births),
        settings,
        Model.from_dict(saved["model"], settings),
        overrides,
        recorded,
        fields,
        stored_fields,
    )
    resolution = incremental.resolution
    stale = stored_links.filter(pa.array(incremental.stale)).select(PAIRS_SCHEMA.names)
    still_accepted = int((stored_accepted & ~incremental.stale).sum())
    del incremental
    # A model saved before term frequencies were kept with it keeps those of this run from now on.
    model = None
    if "term_frequencies" not in saved["model"]:
        model = {**saved, "model": {**resolution.model.to_dict(settings), **saved["model"]}}
    xref_table = _xref(records, resolution.ids)
    ledger = ledger_table(resolution.events, settings.entity, run_id, moment)
    result = _summary(resolution, run_id, False, len(added.rows))
    # Links last, from the pairs they keep (as in a full run).
    resolution = written_part(resolution)
    links = _links(records, resolution, run_id)
    result["accepted_links"] = still_accepted + _accepted(links)
    run = RunFiles(
        run_id=run_id,
        xref=xref_table,
        records=_with_rows(added.records, added.rows),
        links=links,
        stale=stale,
        ledger=ledger,
        summary=result,
        model=model,
        fields=field_files,
    )
    return BatchResolution(run, full=False)


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
        What the run adds to the folder: the xref (source, source_id, customer_id for every record), the
        run's records, links and ledger events, a summary and the model.
    """
    moment = now or datetime.now(UTC)
    run_id = f"batch-{moment:%Y%m%dT%H%M%S%f}"
    if out is not None:
        ResolveFolder.upgrade(out)
    folder = ResolveFolder.open(out) if out is not None else None
    overrides = load_overrides(out) if out is not None else []
    settings = _run_settings(folder, settings, full)
    staged: pa.Table | None = None
    if stream is not None:
        reader = open_table(stream, filename)
        missing = {"source", "source_id"} - set(reader.columns)
        if missing:
            raise InputError(f"{filename}: missing column(s) {', '.join(sorted(missing))}")
        staged = stage_contacts(
            reader, filename, default_country=default_country, day_first=day_first, workers=workers
        )
    elif folder is None:
        raise InputError("no input and no earlier output to continue from")
    if folder is None or full:
        return _resolve_all(staged, folder, overrides, run_id, moment, settings)
    return _resolve_added(staged, folder, overrides, run_id, moment, settings)


def add_override(
    out: Path, kind: str, first: str, second: str, by: str, why: str, now: datetime | None = None
) -> Override:
    """Record a force-link or force-separation in an output folder; both records must be in it.

    Raises:
        InputError: no output in the folder, an unknown record, or an invalid override.
    """
    ResolveFolder.upgrade(out)
    folder = ResolveFolder.open(out)
    if folder is None:
        raise InputError(f"{out}: no `cdp resolve` output here; resolve a file into it first")
    try:
        override = make_override(kind, first, second, by, why, now or datetime.now(UTC))
    except ValueError as error:
        raise InputError(str(error)) from error
    known = record_key_column(folder.xref())
    for record in (override.first, override.second):
        if not pc.is_in(pa.scalar(record), value_set=known).as_py():
            raise InputError(f"{out}: no record {record!r} (records are named source:source_id)")
    overrides = [*load_overrides(out), override]
    (out / OVERRIDES_FILE).write_text(
        json.dumps([o.to_dict() for o in overrides], indent=2), encoding="utf-8"
    )
    return override
