"""`cdp resolve` on small files with canonical columns."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cdp.cli import main

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
    links = pq.read_table(tmp_path / "out" / "links.parquet").to_pylist()
    accepted = [link for link in links if link["accepted"]]
    assert len(accepted) == 1 and json.loads(accepted[0]["explanation"])["fields"]
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert (summary["records"], summary["customers"]) == (3, 2)
    assert "3 records -> 2 customers" in capsys.readouterr().out


def test_resolve_needs_source_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "contacts.csv"
    source.write_text("first_name,last_name\nMarie,Dupont\n", encoding="utf-8")
    assert main(["resolve", str(source), "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == "cdp resolve: contacts.csv: missing column(s) source, source_id"
