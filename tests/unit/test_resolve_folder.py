"""The `cdp resolve` output folder: one file per run under a manifest, current records and links read
back from them, full runs that compact it, and older folders converted in place."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cdp.resolve.columns import record_fields
from cdp.resolve.engine import field_names, input_columns
from cdp.services import resolve_folder
from cdp.services.batch_resolve import BatchResolution, InputError, resolve_stream
from cdp.services.explain import ExplainError, explain_records
from cdp.services.resolve_folder import ResolveFolder

T0 = datetime(2026, 1, 1, tzinfo=UTC)
HEADER = ("source", "source_id", "first_name", "last_name", "email", "phone", "postcode")
MARIE = ("crm", "1", "Marie", "Dupont", "marie.dupont@orange.fr", "0612345678", "75011")
MARIE_WEB = ("web", "a", "marie", "dupont", "marie.dupont@orange.fr", "+33612345678", "75011")
JEAN = ("crm", "2", "Jean", "Martin", "jean.martin@free.fr", "0698765432", "69001")
JEAN_SHOP = ("shop", "9", "Jean", "Martin", "jean.martin@free.fr", "0698765432", "69001")
PAUL = ("crm", "3", "Paul", "Durand", "paul.durand@free.fr", "0655555555", "13001")
# Marie's web record changed: another e-mail, another phone.
MARIE_WEB_MOVED = ("web", "a", "marie", "dupont", "m.dupont@gmail.com", "0700000000", "75011")


def _resolve(rows: list[tuple[str, ...]], out: Path, hour: int, full: bool = False) -> BatchResolution:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerows([HEADER, *rows])
    stream = io.BytesIO(text.getvalue().encode())
    result = resolve_stream(stream, "in.csv", workers=1, out=out, full=full, now=T0.replace(hour=hour))
    result.write(out)
    return result


def _ids(out: Path) -> dict[str, str]:
    xref = pq.read_table(out / "xref.parquet").to_pylist()
    return {f"{r['source']}:{r['source_id']}": r["customer_id"] for r in xref}


def _accepted(folder: ResolveFolder) -> set[tuple[str, str]]:
    links = folder.links().to_pylist()
    return {
        (f"{r['left_source']}:{r['left_source_id']}", f"{r['right_source']}:{r['right_source_id']}")
        for r in links
        if r["accepted"]
    }


def test_each_run_adds_its_own_files_and_the_folder_reads_back_the_current_records_and_links(
    tmp_path: Path,
) -> None:
    # Given a folder where Marie's two records are linked and Jean is alone
    _resolve([MARIE, MARIE_WEB, JEAN], tmp_path, hour=0)
    # When Marie's web record changes (another e-mail, another phone) and a new Jean record comes
    result = _resolve([MARIE_WEB_MOVED, JEAN_SHOP], tmp_path, hour=1)
    # Then the run wrote only its two records, each with its row (the changed one keeps its own)
    folder = ResolveFolder.open(tmp_path)
    assert folder is not None and len(folder.runs) == 2
    run_records = pq.read_table(tmp_path / "records" / f"{folder.runs[1]}.parquet")
    assert sorted(zip(run_records["source_id"].to_pylist(), run_records["row"].to_pylist(), strict=True)) == [
        ("9", 3),
        ("a", 1),
    ]
    assert result.summary["fresh_records"] == 2
    # And the folder's records are the union in row order, with the changed record's new version
    records = folder.records(["source", "source_id", "email"])
    assert records["source_id"].to_pylist() == ["1", "a", "2", "9"]
    assert records["email"].to_pylist()[1] == "m.dupont@gmail.com"
    # And the current links hold Jean's new link and Marie's link scored again with the new version
    assert ("crm:2", "shop:9") in _accepted(folder)
    marie = [
        r for r in folder.links().to_pylist() if {r["left_source_id"], r["right_source_id"]} == {"1", "a"}
    ]
    assert len(marie) == 1 and marie[0]["run_id"] == folder.runs[1]
    # And the xref has every record, the new Jean with the old Jean's id
    ids = _ids(tmp_path)
    assert len(ids) == 4 and ids["shop:9"] == ids["crm:2"]


def test_the_files_of_a_run_not_in_the_manifest_are_never_read(tmp_path: Path) -> None:
    # Given a resolved folder, and the files of a run that failed before its manifest was written
    _resolve([MARIE, MARIE_WEB, JEAN], tmp_path, hour=0)
    folder = ResolveFolder.open(tmp_path)
    assert folder is not None
    committed = folder.runs[0]
    for name in ("records", "links", "ledger"):
        shutil.copy(tmp_path / name / f"{committed}.parquet", tmp_path / name / "batch-failed.parquet")
    # When the folder is read
    again = ResolveFolder.open(tmp_path)
    # Then only the committed run counts: each record and link once
    assert again is not None and again.runs == [committed]
    assert again.records()["source_id"].to_pylist() == ["1", "a", "2"]
    assert _accepted(again) == {("crm:1", "web:a")}


def test_a_full_run_keeps_the_whole_state_in_one_run_and_the_ledger_history(tmp_path: Path) -> None:
    # Given a folder with two runs
    _resolve([MARIE, MARIE_WEB, JEAN], tmp_path, hour=0)
    _resolve([JEAN_SHOP, PAUL], tmp_path, hour=1)
    # When it is resolved again in full
    _resolve([], tmp_path, hour=2, full=True)
    # Then one run holds every record and link, the earlier runs' files are gone, the ledger is whole
    folder = ResolveFolder.open(tmp_path)
    assert folder is not None and len(folder.runs) == 1
    assert sorted(path.name for path in (tmp_path / "records").iterdir()) == [f"{folder.runs[0]}.parquet"]
    assert folder.records().num_rows == 5
    assert _accepted(folder) == {("crm:1", "web:a"), ("crm:2", "shop:9")}
    assert {row["at"].hour for row in folder.ledger().to_pylist()} == {0, 1}


def _write_older_layout(new: Path, old: Path) -> None:
    """The same output as the previous `cdp resolve` wrote it: one file each, rewritten every run."""
    folder = ResolveFolder.open(new)
    assert folder is not None
    old.mkdir()
    pq.write_table(folder.records().drop_columns(["row"]), old / "records.parquet")
    pq.write_table(folder.links().drop_columns(["left_row", "right_row"]), old / "links.parquet")
    pq.write_table(folder.ledger(), old / "ledger.parquet")
    for name in ("xref.parquet", "summary.json"):
        shutil.copy(new / name, old / name)
    # Its model.json held the term frequencies themselves.
    saved = folder.model()
    frequencies = {name: dict(shares) for name, shares in saved["model"]["term_frequencies"].items()}
    inline = {**saved, "model": {**saved["model"], "term_frequencies": frequencies}}
    (old / "model.json").write_text(json.dumps(inline), encoding="utf-8")


def test_an_older_folder_is_converted_by_the_next_run_and_meanwhile_refused_with_a_clear_error(
    tmp_path: Path,
) -> None:
    # Given a folder in the older layout
    _resolve([MARIE, MARIE_WEB, JEAN], tmp_path / "new", hour=0)
    old = tmp_path / "old"
    _write_older_layout(tmp_path / "new", old)
    before = _ids(old)
    # When it is explained, Then the error says what the folder is and how to convert it
    with pytest.raises(ExplainError, match="older `cdp resolve`.*converts it"):
        explain_records(old, "crm:1", "web:a")
    # When a new record is resolved into it
    _resolve([JEAN_SHOP], old, hour=1)
    # Then it continued from the older output: same ids, the new record added, the layout converted
    after = _ids(old)
    assert {key: after[key] for key in before} == before and after["shop:9"] == after["crm:2"]
    assert not (old / "records.parquet").exists()
    folder = ResolveFolder.open(old)
    assert folder is not None and len(folder.runs) == 2
    assert _accepted(folder) == {("crm:1", "web:a"), ("crm:2", "shop:9")}
    assert json.loads((old / "summary.json").read_text())["mode"] == "incremental"


def test_a_folder_with_a_broken_manifest_is_refused(tmp_path: Path) -> None:
    # Given a folder whose manifest is not this layout's
    (tmp_path / "manifest.json").write_text(json.dumps({"layout": 1, "runs": ["x"]}))
    # Then resolving into it stops with an error naming the manifest, and writes nothing
    with pytest.raises(InputError, match="manifest.json"):
        _resolve([MARIE], tmp_path, hour=0)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["manifest.json"]


def _decoded(fields: dict) -> dict[str, list[str | None]]:
    """Each field's value per record (codes are labels: two factorizations compare by values)."""
    return {name: [field.value(i) for i in range(len(field.codes))] for name, field in fields.items()}


def test_the_folder_keeps_the_engines_fields_and_an_incremental_run_adds_only_its_records(
    tmp_path: Path,
) -> None:
    # Given a first run, then a run changing Marie's web record and adding a Jean record
    _resolve([MARIE, MARIE_WEB, JEAN], tmp_path, hour=0)
    result = _resolve([MARIE_WEB_MOVED, JEAN_SHOP], tmp_path, hour=1)
    folder = ResolveFolder.open(tmp_path)
    assert folder is not None
    names = field_names(folder.settings())
    # When the folder's fields are read back
    kept = folder.fields(names)
    # Then they are what factorizing every current record gives
    assert kept is not None
    expected = record_fields(folder.records(sorted(input_columns(folder.settings()))), names)
    assert _decoded(kept) == _decoded(expected)
    # And the second run wrote the codes of its two records only, and only the values new to a field
    assert result.run.fields.codes["row"].to_pylist() == [1, 3]
    # (the new e-mail key, gmail's dots dropped, and the new source; Jean's e-mail was known)
    assert result.run.fields.values.to_pylist() == [
        {"field": "email_key", "code": 2, "value": "mdupont@gmail.com"},
        {"field": "source", "code": 2, "value": "shop"},
    ]


def test_a_folder_without_kept_fields_is_factorized_once_then_kept(tmp_path: Path) -> None:
    # Given a folder written before the fields were kept (no `fields_from` in its manifest)
    _resolve([MARIE, MARIE_WEB, JEAN], tmp_path, hour=0)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    (tmp_path / "manifest.json").write_text(json.dumps({"layout": 2, "runs": manifest["runs"]}))
    folder = ResolveFolder.open(tmp_path)
    assert folder is not None and folder.fields(field_names(folder.settings())) is None
    # When an incremental run adds a record
    result = _resolve([JEAN_SHOP], tmp_path, hour=1)
    # Then it keeps every record's fields from then on, and the ids are those of a folder that had them
    folder = ResolveFolder.open(tmp_path)
    assert folder is not None and folder.fields_from == result.run.run_id
    assert result.run.fields.complete and result.run.fields.codes.num_rows == 4
    kept = folder.fields(field_names(folder.settings()))
    assert kept is not None and all(len(field.codes) == 4 for field in kept.values())
    _resolve([MARIE, MARIE_WEB, JEAN], tmp_path / "kept", hour=0)
    _resolve([JEAN_SHOP], tmp_path / "kept", hour=1)
    assert _ids(tmp_path) == _ids(tmp_path / "kept")


def test_the_models_frequent_values_are_kept_beside_model_json_and_read_back(tmp_path: Path) -> None:
    # Given a first run on enough records for term frequencies (a thousand)
    people = [("crm", str(k), "Jean", "Dupont", f"p{k}@example.fr", "", "75011") for k in range(1_200)]
    result = _resolve(people, tmp_path, hour=0)
    trained = result.run.model
    assert trained is not None
    # When the folder's model is read back
    saved = json.loads((tmp_path / "model.json").read_text())
    folder = ResolveFolder.open(tmp_path)
    assert folder is not None
    # Then model.json names the run's file of frequent values, and reading gives the same shares
    assert saved["model"]["term_frequencies"] == f"term_frequencies/{result.run.run_id}.parquet"
    read = folder.model()["model"]["term_frequencies"]
    expected = trained["model"]["term_frequencies"]
    assert {name: dict(shares) for name, shares in read.items()} == expected
    assert expected["last_name_key"] == {"dupont": 1.0}


def test_a_run_that_stops_before_its_manifest_leaves_the_folder_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a folder, and a second run that stops just before writing its manifest
    _resolve([MARIE, MARIE_WEB, JEAN], tmp_path, hour=0)
    before = _ids(tmp_path)
    summary = (tmp_path / "summary.json").read_text()
    real_write = resolve_folder._write_text

    def crash_on_manifest(path: Path, text: str) -> None:
        if path.name == "manifest.json":
            raise KeyboardInterrupt
        real_write(path, text)

    monkeypatch.setattr(resolve_folder, "_write_text", crash_on_manifest)
    with pytest.raises(KeyboardInterrupt):
        _resolve([JEAN_SHOP, PAUL], tmp_path, hour=1)
    monkeypatch.undo()
    # When the folder is opened again
    folder = ResolveFolder.open(tmp_path)
    # Then it holds the first run only: its ids, its summary
    assert folder is not None and len(folder.runs) == 1
    assert _ids(tmp_path) == before and (tmp_path / "summary.json").read_text() == summary
    # And the run can simply be done again, which removes what the stopped one left
    _resolve([JEAN_SHOP, PAUL], tmp_path, hour=2)
    assert set(_ids(tmp_path)) == set(before) | {"shop:9", "crm:3"}
    assert not list(tmp_path.glob(".*.pending"))


def test_a_run_that_stops_after_its_manifest_is_completed_when_the_folder_is_next_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a folder, and a second run that stops right after its manifest, before its xref is in place
    first = _resolve([MARIE, MARIE_WEB, JEAN], tmp_path, hour=0).run.run_id
    real_finish = ResolveFolder._finish

    def crash_on_finishing_a_new_run(self: ResolveFolder, run_id: str) -> None:
        if run_id != first:
            raise KeyboardInterrupt
        real_finish(self, run_id)

    monkeypatch.setattr(ResolveFolder, "_finish", crash_on_finishing_a_new_run)
    with pytest.raises(KeyboardInterrupt):
        _resolve([JEAN_SHOP, PAUL], tmp_path, hour=1)
    monkeypatch.undo()
    assert len(_ids(tmp_path)) == 3  # the xref in place is still the first run's
    # When the folder is opened again
    folder = ResolveFolder.open(tmp_path)
    # Then the committed run's xref and summary are put in place, and the folder reads consistently
    assert folder is not None and len(folder.runs) == 2
    ids = _ids(tmp_path)
    assert len(ids) == 5 and ids["shop:9"] == ids["crm:2"]
    assert json.loads((tmp_path / "summary.json").read_text())["fresh_records"] == 2
    assert folder.records().num_rows == 5 and not list(tmp_path.glob(".*.pending"))


def test_opening_a_folder_leaves_the_pending_files_of_a_run_still_writing(tmp_path: Path) -> None:
    # Given a folder, and the pending xref of a run that is still writing (no manifest entry yet)
    _resolve([MARIE, MARIE_WEB, JEAN], tmp_path, hour=0)
    writing = tmp_path / ".xref.parquet.batch-20990101T000000000000.pending"
    shutil.copy(tmp_path / "xref.parquet", writing)
    # When a reader (`cdp explain`, `cdp evaluate`) opens the folder
    assert ResolveFolder.open(tmp_path) is not None
    # Then the writer's file is left for it to commit
    assert writing.exists()
