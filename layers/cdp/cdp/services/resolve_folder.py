"""The folder `cdp resolve --out DIR` writes and every later run continues from: one file per run.

An incremental run adds a few records to a large history; it writes what it found (its records, its
links, its ledger events) next to what is there instead of rewriting the history:

    DIR/manifest.json          layout version and the committed runs, in order: the commit point of a
                               run (see `ResolveFolder.commit`), so the files of a run that failed
                               half-way are never read
    DIR/xref.parquet           source, source_id, customer_id of every record ever given, in record order
    DIR/records/<run>.parquet  the run's new and changed records, each with `row`, its place in that order
    DIR/links/<run>.parquet    the run's links (new and re-scored), explained, with `left_row`, `right_row`
    DIR/stale/<run>.parquet    `left_row`, `right_row` of the earlier links the run re-scored or dropped
    DIR/ledger/<run>.parquet   the run's identity ledger events
    DIR/fields/<run>.parquet   the engine's fields of the run's records: a code per field, with `row`
    DIR/values/<run>.parquet   the values the run added to each field (`field`, `code`, `value`)
    DIR/term_frequencies/<run>.parquet  the frequent values of the model a run trained (`field`, `value`,
                               `share`), named by model.json: hundreds of thousands of them, read
                               column-wise rather than parsed from JSON
    DIR/model.json, DIR/summary.json, DIR/overrides.json

A record's current version is the one of the latest run that holds its row; a link is current until a
later run lists it as stale. A full run (`--full`) writes the whole state as one run and drops the
files of the earlier ones.

The fields are what an incremental run would otherwise factorize again from every record's columns:
it reads integer codes and the distinct values instead, and factorizes only its own records. The
manifest names the run whose fields files are complete (`fields_from`: a first or full run, or the
first run after the fields were kept); the later runs' files add to them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cdp.model import IDENTITY_LEDGER_SCHEMA
from cdp.resolve.columns import Field
from cdp.resolve.ledger import record_key_column
from cdp.resolve.settings import ResolutionSettings
from cdp.resolve.settings_file import SettingsError, contact_settings
from cdp.resolve.training import FrequentValues
from cdp.services.batch_normalize import InputError

LAYOUT = 2
MANIFEST = "manifest.json"
XREF = "xref.parquet"
MODEL = "model.json"
SUMMARY = "summary.json"
_OLD_RECORDS = "records.parquet"  # the layout before this one: one file, rewritten every run
PAIRS_SCHEMA = pa.schema([("left_row", pa.int64()), ("right_row", pa.int64())])
VALUES_SCHEMA = pa.schema([("field", pa.string()), ("code", pa.int32()), ("value", pa.string())])
_RUN_FOLDERS = ("records", "links", "stale", "ledger", "fields", "values")
TERM_FREQUENCIES = "term_frequencies"


def _write_text(path: Path, text: str) -> None:
    """Write through a temporary file renamed into place: a reader sees the old file or the new one."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


@dataclass(frozen=True)
class FieldFiles:
    """A run's part of the stored fields: the codes of its records (with `row`) and the values it added
    to each field; `complete` when they hold every record and every value."""

    codes: pa.Table
    values: pa.Table  # VALUES_SCHEMA
    complete: bool

    @classmethod
    def of(
        cls, fields: dict[str, Field], rows: np.ndarray, known: dict[str, int] | None = None
    ) -> FieldFiles:
        """The codes of `rows` and the values past the `known` count of each field (None: all of them,
        and `rows` are every record)."""
        codes = pa.table(
            {
                "row": pa.array(rows, pa.int64()),
                **{name: pa.array(field.codes[rows], pa.int32()) for name, field in sorted(fields.items())},
            }
        )
        firsts = {name: (known or {}).get(name, 0) for name in fields}
        added = {name: fields[name].values[firsts[name] :] for name in sorted(fields)}
        values = pa.table(
            {
                "field": [name for name, new in added.items() for _ in new],
                "code": pa.array(
                    np.concatenate(
                        [firsts[name] + np.arange(len(new)) for name, new in added.items()] or [[]]
                    ).astype(np.int32)
                ),
                "value": [value for new in added.values() for value in new],
            },
            schema=VALUES_SCHEMA,
        )
        return cls(codes, values, complete=known is None)

    @classmethod
    def none(cls) -> FieldFiles:
        """No fields (a converted older output): the next run factorizes every record and keeps them."""
        return cls(pa.table({"row": pa.array([], pa.int64())}), VALUES_SCHEMA.empty_table(), complete=False)


@dataclass(frozen=True)
class RunFiles:
    """What one run adds to the folder."""

    run_id: str
    xref: pa.Table
    records: pa.Table  # with `row`
    links: pa.Table  # with `left_row`, `right_row`
    stale: pa.Table  # PAIRS_SCHEMA
    ledger: pa.Table
    summary: dict[str, Any]
    model: dict[str, Any] | None  # None: the stored model holds
    fields: FieldFiles


@dataclass
class ResolveFolder:
    """A `cdp resolve` output folder: reads its current state column by column, appends runs."""

    path: Path
    runs: list[str] = field(default_factory=list)
    fields_from: str | None = None  # the run whose fields files are complete (None: no fields kept)
    # model.json read once per folder object: with its term frequencies it is megabytes of JSON.
    _model: dict[str, Any] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def open(cls, path: Path) -> ResolveFolder | None:
        """The folder's committed runs, or None when it holds no output yet.

        Raises:
            InputError: an output of an older `cdp resolve` (one records.parquet), or an unreadable one.
        """
        manifest = path / MANIFEST
        if not manifest.is_file():
            if (path / _OLD_RECORDS).exists():
                raise InputError(
                    f"{path}: written by an older `cdp resolve` (one records.parquet, rewritten every "
                    "run); the next `cdp resolve`, `cdp link` or `cdp unlink` into it converts it"
                )
            return None
        try:
            saved = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(f"{manifest}: unreadable ({error}); use another folder") from error
        if saved.get("layout") != LAYOUT or not saved.get("runs"):
            raise InputError(f"{manifest}: not a layout {LAYOUT} `cdp resolve` output; use another folder")
        fields_from = saved.get("fields_from")
        folder = cls(path, list(saved["runs"]), fields_from if fields_from in saved["runs"] else None)
        folder._finish(folder.runs[-1])
        return folder

    @classmethod
    def upgrade(cls, path: Path) -> None:
        """Convert an older output (records.parquet, links.parquet and ledger.parquet, each rewritten
        every run) into one run of this layout, in place; a folder without one is left as it is."""
        if (path / MANIFEST).is_file() or not (path / _OLD_RECORDS).is_file():
            return
        try:
            records = pq.read_table(path / _OLD_RECORDS)
            links = pq.read_table(path / "links.parquet")
            ledger_path = path / "ledger.parquet"
            ledger = (
                pq.read_table(ledger_path) if ledger_path.is_file() else IDENTITY_LEDGER_SCHEMA.empty_table()
            )
            xref = pq.read_table(path / XREF)
            summary = json.loads((path / SUMMARY).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(
                f"{path}: an incomplete `cdp resolve` output ({error}); use another folder"
            ) from error
        keys = record_key_column(xref)
        rows = [pc.index_in(record_key_column(links, f"{end}_"), value_set=keys) for end in ("left", "right")]
        if records.num_rows != xref.num_rows or any(r.null_count for r in rows):
            raise InputError(f"{path}: links or records that the xref does not hold; use another folder")
        run = RunFiles(
            run_id=str(summary.get("run_id", "layout-1")),
            xref=xref,
            records=records.append_column("row", pa.array(np.arange(records.num_rows))),
            links=links.append_column("left_row", rows[0].cast(pa.int64())).append_column(
                "right_row", rows[1].cast(pa.int64())
            ),
            stale=PAIRS_SCHEMA.empty_table(),
            ledger=ledger,
            summary=summary,
            model=None,
            fields=FieldFiles.none(),
        )
        cls(path).commit(run, full=True)
        for name in (_OLD_RECORDS, "links.parquet", "ledger.parquet"):
            (path / name).unlink(missing_ok=True)

    def _read(
        self,
        folder: str,
        run: str,
        columns: Sequence[str] | None = None,
        where: pc.Expression | None = None,
    ) -> pa.Table:
        path = self.path / folder / f"{run}.parquet"
        try:
            if columns is not None:  # a run written before a column existed simply lacks it
                columns = [name for name in columns if name in pq.read_schema(path).names]
            return pq.read_table(path, columns=columns, filters=where)
        except (OSError, ValueError) as error:
            raise InputError(f"{path}: unreadable ({error}); resolve into a new folder") from error

    def xref(self) -> pa.Table:
        try:
            return pq.read_table(self.path / XREF)
        except (OSError, ValueError) as error:
            raise InputError(f"{self.path / XREF}: unreadable ({error}); use another folder") from error

    def model(self) -> dict[str, Any]:
        """The settings and model (do not modify: the folder object keeps it)."""
        if self._model is None:
            try:
                saved = json.loads((self.path / MODEL).read_text(encoding="utf-8"))
                frequencies = saved.get("model", {}).get("term_frequencies")
                if isinstance(frequencies, str):  # the name of the file holding them
                    saved["model"]["term_frequencies"] = _frequent_values(
                        pq.read_table(self.path / frequencies)
                    )
            except (OSError, ValueError) as error:
                raise InputError(f"{self.path / MODEL}: unreadable ({error}); use another folder") from error
            self._model = saved
        return self._model

    def settings(self) -> ResolutionSettings:
        """The settings the folder was resolved with (saved in model.json)."""
        origin = f"{self.path / MODEL}: settings"
        try:
            return contact_settings(self.model()["settings"], origin)
        except (KeyError, SettingsError) as error:
            message = f"{self.path}: unusable stored settings ({error}); use another folder"
            raise InputError(message) from error

    def records(self, columns: Sequence[str] | None = None, rows: np.ndarray | None = None) -> pa.Table:
        """The current version of every record (or of those of `rows`), in record order, with its `row`.

        Args:
            columns: the columns to read (None: all); a column no run holds is left out.
            rows: the rows wanted (None: all).
        """
        wanted = None if columns is None else [*dict.fromkeys([*columns, "row"])]
        where = None if rows is None else pc.field("row").isin(pa.array(rows, pa.int64()))
        table = pa.concat_tables(
            [self._read("records", run, wanted, where) for run in self.runs], promote_options="permissive"
        )
        expected = len(np.unique(rows)) if rows is not None else self.size()
        return self._latest(table, expected, "records")

    def _latest(self, table: pa.Table, expected: int, folder: str) -> pa.Table:
        """Each row's latest version (runs' tables concatenated in run order), in row order."""
        numbers = table["row"].to_numpy()
        order = np.argsort(numbers, kind="stable")  # a row's versions in run order: the last one holds
        ordered = numbers[order]
        latest = order[np.r_[ordered[1:] != ordered[:-1], True]] if len(order) else order
        if len(latest) != expected:
            raise InputError(f"{self.path / folder}: records are missing; resolve into a new folder")
        in_order = len(latest) == len(numbers) and bool((np.diff(numbers) > 0).all())
        return table if in_order else table.take(pa.array(latest))

    def fields(self, names: set[str]) -> dict[str, Field] | None:
        """The engine's fields of every record, as kept by the runs (None: the folder keeps none, or not
        all of these)."""
        if self.fields_from is None:
            return None
        runs = self.runs[self.runs.index(self.fields_from) :]
        stored = pq.read_schema(self.path / "fields" / f"{self.fields_from}.parquet").names
        if not names <= set(stored):
            return None
        codes = self._latest(
            pa.concat_tables([self._read("fields", run, [*sorted(names), "row"]) for run in runs]),
            self.size(),
            "fields",
        )
        # Each run lists a field's values by code, after those of the runs before.
        values = pa.concat_tables([self._read("values", run) for run in runs])
        result: dict[str, Field] = {}
        for name in sorted(names):
            held = values.filter(pc.equal(values["field"], name))
            if not np.array_equal(held["code"].to_numpy(), np.arange(held.num_rows)):
                raise InputError(f"{self.path / 'values'}: the values of {name} are incomplete; use --full")
            field_codes = pc.fill_null(codes[name], -1).to_numpy().astype(np.int64)
            value_array = held["value"].combine_chunks()
            result[name] = Field(field_codes, value_array.to_pylist(), value_array)
        return result

    def size(self) -> int:
        """How many records the folder holds."""
        return pq.read_metadata(self.path / XREF).num_rows

    def links(self, columns: Sequence[str] | None = None) -> pa.Table:
        """The current links: each run's, less those a later run lists as stale."""
        wanted = None if columns is None else [*dict.fromkeys([*columns, *PAIRS_SCHEMA.names])]
        size = self.size()
        later_stale = np.empty(0, dtype=np.int64)
        current: list[pa.Table] = []
        for run in reversed(self.runs):
            links = self._read("links", run, wanted)
            if len(later_stale):
                links = links.filter(pa.array(~np.isin(_pair_codes(links, size), later_stale)))
            current.append(links)
            later_stale = np.union1d(later_stale, _pair_codes(self._read("stale", run), size))
        table = pa.concat_tables(current[::-1], promote_options="permissive")
        return table if columns is None else table.select(list(columns))

    def ledger(self, columns: Sequence[str] | None = None, where: pc.Expression | None = None) -> pa.Table:
        """Every run's ledger events (those `where` holds), in run order."""
        schema = IDENTITY_LEDGER_SCHEMA
        if columns is not None:
            schema = pa.schema([schema.field(name) for name in columns])
        return pa.concat_tables([self._read("ledger", run, columns, where).cast(schema) for run in self.runs])

    def commit(self, run: RunFiles, full: bool) -> None:
        """Write a run's files, then the manifest that makes them part of the folder. A full run's files
        hold the whole state: the earlier runs' files are removed once it is committed.

        The whole-folder files (xref, model, summary) are written pending beside the current ones and
        put in place after the manifest: a run that stops before its manifest changes nothing (its files
        are removed by the next run), one that stops after it is completed by the next `open`.
        """
        for folder in _RUN_FOLDERS:
            (self.path / folder).mkdir(parents=True, exist_ok=True)
        # Encoding and compressing Parquet runs outside the GIL: the files are written side by side.
        with ThreadPoolExecutor(max_workers=4) as pool:
            written = [
                pool.submit(pq.write_table, table, self.path / folder / f"{run.run_id}.parquet")
                for folder, table in (
                    ("links", run.links),
                    ("records", run.records),
                    ("ledger", run.ledger),
                    ("stale", run.stale),
                    ("fields", run.fields.codes),
                    ("values", run.fields.values),
                )
            ]
            written.append(pool.submit(pq.write_table, run.xref, self._pending(XREF, run.run_id)))
            for future in written:
                future.result()
        if run.model is not None:
            saved = run.model
            frequencies = saved["model"].get("term_frequencies")
            if isinstance(frequencies, Mapping):
                name = f"{TERM_FREQUENCIES}/{run.run_id}.parquet"
                (self.path / TERM_FREQUENCIES).mkdir(exist_ok=True)
                pq.write_table(_frequency_table(frequencies), self.path / name)
                saved = {**saved, "model": {**saved["model"], "term_frequencies": name}}
            self._pending(MODEL, run.run_id).write_text(json.dumps(saved, indent=2), encoding="utf-8")
        self._pending(SUMMARY, run.run_id).write_text(json.dumps(run.summary, indent=2), encoding="utf-8")
        runs = [run.run_id] if full else [*self.runs, run.run_id]
        fields_from = run.run_id if run.fields.complete else None if full else self.fields_from
        manifest = {"layout": LAYOUT, "runs": runs, "fields_from": fields_from}
        # The commit point: from here the run is part of the folder, and its xref, model and summary
        # replace the earlier ones, now or, after a crash, when the folder is next opened.
        _write_text(self.path / MANIFEST, json.dumps(manifest, indent=2))
        dropped, self.runs, self.fields_from = (self.runs if full else []), runs, fields_from
        self._finish(run.run_id)
        # What runs that never committed left (only a run writing removes it: a reader leaves it alone).
        for leftover in self.path.glob(".*.pending"):
            leftover.unlink(missing_ok=True)
        if run.model is not None:
            self._model = run.model
        for old in dropped:
            for folder in (*_RUN_FOLDERS, TERM_FREQUENCIES):
                (self.path / folder / f"{old}.parquet").unlink(missing_ok=True)

    def _pending(self, name: str, run_id: str) -> Path:
        """Where a run writes its version of a whole-folder file until the manifest commits the run."""
        return self.path / f".{name}.{run_id}.pending"

    def _finish(self, run_id: str) -> None:
        """Put the committed run's xref, model and summary in place (a crash may have left them pending;
        a reader opening the folder meanwhile may have done it already)."""
        for name in (XREF, MODEL, SUMMARY):
            pending = self._pending(name, run_id)
            if pending.exists():
                os.replace(pending, self.path / name)


def _pair_codes(pairs: pa.Table, size: int) -> np.ndarray:
    """One integer per (left_row, right_row) pair."""
    return pairs["left_row"].to_numpy() * size + pairs["right_row"].to_numpy()


_FREQUENCY_SCHEMA = pa.schema([("field", pa.string()), ("value", pa.string()), ("share", pa.float64())])


def _frequency_table(frequencies: Mapping[str, Mapping[str, float]]) -> pa.Table:
    """A model's frequent values (field -> value -> share) as rows."""
    return pa.table(
        {
            "field": [name for name, shares in frequencies.items() for _ in range(len(shares))],
            "value": [value for shares in frequencies.values() for value in shares],
            "share": [share for shares in frequencies.values() for share in shares.values()],
        },
        schema=_FREQUENCY_SCHEMA,
    )


def _frequent_values(table: pa.Table) -> dict[str, FrequentValues]:
    """`_frequency_table` read back, each field's values column-wise."""
    fields = pc.unique(table["field"]).to_pylist()
    held = {name: table.filter(pc.equal(table["field"], name)) for name in fields}
    return {
        name: FrequentValues(rows["value"].combine_chunks(), rows["share"].to_numpy())
        for name, rows in held.items()
    }
