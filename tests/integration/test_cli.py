"""The local workflow on the demo's lake: ingest a file, run again, query, print the catalog."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cdp.cli import main
from cdp.local.demo import DemoResult

pytestmark = pytest.mark.integration


@pytest.fixture
def lake(demo: DemoResult, tmp_path: Path) -> Path:
    copy = tmp_path / "lake"
    shutil.copytree(demo.lake, copy)
    return copy


def test_ingest_then_run_adds_a_customer_and_reports_segment_changes(
    demo: DemoResult, lake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a new CRM export with one good row and one row with nothing identifying
    export = tmp_path / "nouveaux.csv"
    export.write_bytes(
        "Code client;Prénom;Nom;E-mail;Téléphone;CP\r\n"
        "N1;Zoé;Nouvelle;zoe.nouvelle@orange.fr;06 11 22 33 44;75011\r\n"
        "N2;;;;;\r\n".encode("cp1252")
    )
    # When it is ingested, then a unify run follows
    assert main(["ingest", str(export), "--source", "crm", "--lake", str(lake)]) == 0
    printed = capsys.readouterr().out
    assert "rows in 2, staged 1, quarantined 1" in printed and "no identifying field: 1" in printed
    assert main(["run", "--lake", str(lake), "--run-id", "run-0002"]) == 0
    # Then the new person is a golden customer, and memberships of the second run are deltas
    assert (
        main(
            [
                "query",
                "SELECT first_name FROM golden_contact WHERE last_name = 'Nouvelle'",
                "--lake",
                str(lake),
            ]
        )
        == 0
    )
    assert "Zoé" in capsys.readouterr().out
    membership = pq.read_table(next(lake.glob("cdp-curated-*/segment_membership/run_id=run-0002/*.parquet")))
    # The newcomer joins no segment and every earlier member keeps its id: everybody stayed.
    assert set(membership.column("status").to_pylist()) == {"stayed"}
    assert membership.num_rows == sum(sizes["size"] for sizes in demo.segments.values())


def test_ingest_errors_are_one_line_and_non_zero(
    lake: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(tmp_path / "missing.csv"), "--source", "crm", "--lake", str(lake)]) == 2
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert main(["ingest", str(binary), "--source", "crm", "--lake", str(lake)]) == 1
    errors = capsys.readouterr().err.strip().splitlines()
    assert errors == [
        f"cdp ingest: {tmp_path / 'missing.csv'}: no such file",
        f"cdp ingest: {binary}: binary content, not a text table",
    ]


def test_catalog_prints_tables_and_profiles(lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--lake", str(lake)]) == 0
    printed = capsys.readouterr().out
    assert "golden_contact" in printed and "crm/contacts_2026-11.csv" in printed and "email" in printed


def test_named_queries_run_locally_with_the_template_sql(
    demo: DemoResult, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given a customer known from two sources
    golden = pq.read_table(next(demo.lake.glob("cdp-curated-*/golden_contact/run_id=run-0001/*.parquet")))
    email = next(row["email"] for row in golden.to_pylist() if len(row["sources"]) > 1 and row["email"])
    lake = str(demo.lake)
    # When the named queries run
    assert main(["query", "--named", "customer_360_by_email", "--param", email.upper(), "--lake", lake]) == 0
    assert "1 row(s)" in capsys.readouterr().out
    assert main(["query", "--named", "source_overlap", "--lake", lake]) == 0
    assert "webforms" in capsys.readouterr().out
    assert main(["query", "--named", "duplicates_per_source", "--lake", lake]) == 0
    assert "crm" in capsys.readouterr().out
    assert main(["query", "--named", "nope", "--lake", lake]) == 2
