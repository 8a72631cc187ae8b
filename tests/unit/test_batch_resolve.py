"""`cdp resolve` on small files with canonical columns."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cdp.cli import main
from cdp.ingest import open_table
from cdp.model import Entity, staging_schema
from cdp.normalize import normalize_contact
from cdp.services.batch_normalize import InputError, stage_contacts
from cdp.services.resolve_folder import ResolveFolder

ROWS = [
    {
        "source": "crm",
        "source_id": "1",
        "first_name": "Marie",
        "last_name": "DUPONT",
        "email": "Marie.Dupont@orange.fr",
        "phone": "06 12 34 56 78",
        "postcode": "75011",
        "birth_date": "02/01/1980",
    },
    {
        "source": "web",
        "source_id": "a",
        "first_name": "marie",
        "last_name": "dupont",
        "email": "marie.dupont@orange.fr",
        "phone": "+33612345678",
        "postcode": "75011",
        "birth_date": "",
    },
    {
        "source": "crm",
        "source_id": "2",
        "first_name": "Jean",
        "last_name": "Dupont",
        "email": "jean.dupont@free.fr",
        "phone": "01 43 00 00 00",
        "postcode": "75011",
        "birth_date": "30/06/1978",
    },
]


def test_resolve_writes_an_xref_row_for_every_input_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a Parquet file with canonical column names (any of them may be missing)
    source = tmp_path / "contacts.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), source)
    # When it is resolved
    assert main(["resolve", str(source), "--out", str(tmp_path / "out")]) == 0
    # Then every row has a customer id, the two Marie records share one, and the links are explained
    xref = pq.read_table(tmp_path / "out" / "xref.parquet").to_pylist()
    ids = {(r["source"], r["source_id"]): r["customer_id"] for r in xref}
    assert len(xref) == 3
    assert ids[("crm", "1")] == ids[("web", "a")] != ids[("crm", "2")]
    links = ResolveFolder.open(tmp_path / "out").links().to_pylist()
    accepted = [link for link in links if link["accepted"]]
    assert len(accepted) == 1 and json.loads(accepted[0]["explanation"])["fields"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (summary["records"], summary["customers"]) == (3, 2)
    assert "3 records -> 2 customers" in capsys.readouterr().out


def test_explain_replays_any_pair_of_a_resolve_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a resolved file
    source = tmp_path / "contacts.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), source)
    out = tmp_path / "out"
    assert main(["resolve", str(source), "--out", str(out)]) == 0
    capsys.readouterr()
    # When the two Marie records are explained
    assert main(["explain", str(out), "crm:1", "web:a", "--json"]) == 0
    explained = json.loads(capsys.readouterr().out)
    # Then the waterfall adds up and says they are one customer
    assert explained["accepted"] and explained["same_customer"]
    assert explained["values"]["email_key"] == ["marie.dupont@orange.fr", "marie.dupont@orange.fr"]
    total = explained["prior"] + sum(item["weight"] for item in explained["fields"])
    assert total == pytest.approx(explained["total"], abs=0.01)
    # And Marie and Jean, relatives at one postcode with one surname, are vetoed apart
    assert main(["explain", str(out), "crm:1", "crm:2"]) == 0
    printed = capsys.readouterr().out
    assert "no link" in printed and "different birth dates" in printed
    # And an unknown record is a one-line error
    assert main(["explain", str(out), "crm:1", "crm:404"]) == 2
    assert capsys.readouterr().err.strip() == "cdp explain: no record 'crm:404' in this output"


def test_resolve_needs_source_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text("first_name,last_name\nMarie,Dupont\n", encoding="utf-8")
    assert main(["resolve", str(source), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == "cdp resolve: contacts.csv: missing column(s) source, source_id"


# ------------------------------------------------------------------ normalization of the whole file

STAGED_AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def _csv(tmp_path: Path, rows: int, broken_line: int | None = None) -> Path:
    """A CSV of messy canonical contacts; `broken_line` (a file line number) gets one field too many."""
    path = tmp_path / "contacts.csv"
    lines = ["source,source_id,first_name,last_name,email,phone,mobile,street,postcode,city,birth_date"]
    for i in range(rows):
        line = (
            f"{'crm' if i % 3 else 'web'},{i if i % 7 else ''},marie{i},DUPONT,Marie.{i}@Orange.fr,"
            f"06 12 34 {i % 100:02d} 78,{'' if i % 2 else 'N/A'},{i} RUE DE LA PAIX,{75000 + i % 20},"
            f"PARIS,{1 + i % 28:02d}/03/1980"
        )
        lines.append(line + (",extra" if i + 2 == broken_line else ""))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stage(path: Path, workers: int, batch_rows: int = 7) -> pa.Table:
    with path.open("rb") as stream:
        reader = open_table(stream, path.name)
        return stage_contacts(
            reader, path.name, workers=workers, batch_rows=batch_rows, ingested_at=STAGED_AT
        )


def test_staging_in_workers_gives_the_same_table_in_input_order(tmp_path: Path) -> None:
    # Given a file of several batches
    path = _csv(tmp_path, 40)
    # When it is normalized in this process and in two workers
    alone, parallel = _stage(path, workers=1), _stage(path, workers=2)
    # Then both give the same staging table, one row per input row, in file order
    assert parallel.schema == alone.schema == staging_schema(Entity.CONTACT)
    assert parallel.equals(alone)
    assert parallel.column("line_no").to_pylist() == list(range(2, 42))
    # Empty source ids fall back to the line number, as the xref needs a key for every row.
    assert parallel.column("source_id").to_pylist()[:8] == ["2", "1", "2", "3", "4", "5", "6", "9"]


def test_staged_rows_are_the_record_normalizer_output(tmp_path: Path) -> None:
    # The columnar fast path must give exactly what normalize_contact gives row by row.
    path = _csv(tmp_path, 12)
    staged = _stage(path, workers=1, batch_rows=5).to_pylist()
    with path.open("rb") as stream:
        raws = [row.values for batch in open_table(stream, path.name).batches() for row in batch.rows]
    assert len(staged) == len(raws)
    for row, raw in zip(staged, raws, strict=True):
        expected = normalize_contact(raw)
        assert {name: row[name] for name in expected} == expected
        assert (row["source"], row["object_key"], row["ingested_at"], row["trust_rank"]) == (
            raw["source"],
            "contacts.csv",
            STAGED_AT,
            1,
        )


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_record_in_a_later_batch_stops_the_file(tmp_path: Path, workers: int) -> None:
    path = _csv(tmp_path, 40, broken_line=30)
    with pytest.raises(InputError, match=r"^contacts\.csv, line 30: expected 11 fields, found 12$"):
        _stage(path, workers=workers)


def test_a_file_without_rows_gives_an_empty_staging_table(tmp_path: Path) -> None:
    path = _csv(tmp_path, 0)
    staged = _stage(path, workers=2)
    assert staged.num_rows == 0 and staged.schema == staging_schema(Entity.CONTACT)


def test_workers_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="workers must be at least 1"):
        _stage(_csv(tmp_path, 3), workers=0)
