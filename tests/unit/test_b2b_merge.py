"""The merge step on an in-memory lake: accounts verified by the register in the config bucket, contacts
linked to accounts through another source's company codes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from cdp.adapters.memory import MemoryCatalog
from cdp.golden import RegisterError
from cdp.model import Entity
from cdp.normalize import normalize_account, normalize_contact
from cdp.services.lake import Lake, rows_to_table
from cdp.services.unify import merge_run, resolve_run
from cdp.tables import CONTACT_ACCOUNT, GOLDEN_ACCOUNT, STAGING_TABLES

from tests.unit.lake_helpers import new_lake

NOW = datetime(2026, 11, 23, tzinfo=UTC)
ACME_SIRET, NOVA_SIRET = "73282932000074", "55210055400013"
REGISTER_CSV = (
    "siren,siret,legal_name,activity_code,headcount_band,establishment_state,head_office,street,postcode,city\n"
    f"732829320,{ACME_SIRET},ACME SOLUTIONS,62.01Z,12,A,true,1 rue de la Paix,75002,PARIS\n"
    f"552100554,{NOVA_SIRET},NOVA INFORMATIQUE,62.02A,01,F,true,5 rue Nationale,59000,LILLE\n"
    "552100554,not-a-siret,NOVA INFORMATIQUE,62.02A,01,A,false,,,\n"
)


def _stage(lake: Lake, entity: Entity, source: str, rows: list[dict[str, str]]) -> None:
    normalize = normalize_contact if entity is Entity.CONTACT else normalize_account
    staged: list[dict[str, Any]] = [
        {
            "source": source,
            "source_id": row.pop("id"),
            "object_key": f"{source}/file",
            "line_no": line,
            "ingested_at": NOW,
            "trust_rank": 1,
            **normalize(row),
        }
        for line, row in enumerate(rows, start=2)
    ]
    table = STAGING_TABLES[entity]
    lake.write_partition_file(
        table, {"source": source, "ingest_date": "2026-11-23"}, "part", rows_to_table(staged, table.schema)
    )


@pytest.fixture
def lake_and_catalog() -> tuple[Lake, MemoryCatalog]:
    lake, catalog = new_lake()
    _stage(
        lake,
        Entity.ACCOUNT,
        "erp",
        [
            {"id": "ERP-1", "company_name": "ACME SAS", "siret": ACME_SIRET, "website": "acme.fr"},
            {"id": "ERP-2", "company_name": "Nova Informatique", "siret": NOVA_SIRET},
            {"id": "ERP-3", "company_name": "Garage Central", "city": "Lyon"},
        ],
    )
    _stage(
        lake,
        Entity.CONTACT,
        "erp-contacts",
        [{"id": "K1", "first_name": "Anne", "last_name": "Roux", "account_ref": "ERP-2"}],
    )
    _stage(
        lake,
        Entity.CONTACT,
        "crm",
        [
            {"id": "1", "first_name": "Paul", "last_name": "Petit", "email": "paul.petit@acme.fr"},
            {"id": "2", "first_name": "Lou", "last_name": "Blanc", "email": "lou.blanc@gmail.com"},
        ],
    )
    source = "name: erp-contacts\nentity: contact\naccount_source: erp\nmapping: {Code: account_ref}\n"
    lake.store.put_bytes("config", "sources/erp-contacts.yaml", source.encode(), "application/yaml")
    return lake, catalog


def _golden_accounts(lake: Lake) -> dict[str, dict[str, Any]]:
    return {row["company_name"]: row for row in lake.read_snapshot(GOLDEN_ACCOUNT, "r1").to_pylist()}


def test_merge_verifies_accounts_with_the_register_and_links_contacts(
    lake_and_catalog: tuple[Lake, MemoryCatalog],
) -> None:
    lake, catalog = lake_and_catalog
    # Given a SIRENE-like register in the config bucket, one of its rows unusable
    lake.store.put_bytes("config", "reference/sirene/sirene.csv", REGISTER_CSV.encode(), "text/csv")
    # When the run resolves and merges
    resolve_run(lake, catalog, "r1")
    summary = merge_run(lake, "r1", as_of=NOW)
    # Then each golden account carries what the register says about it
    accounts = _golden_accounts(lake)
    columns = ("register_status", "register_match", "legal_name", "activity_code", "establishment_closed")
    assert {name: tuple(row[c] for c in columns) for name, row in accounts.items()} == {
        "ACME": ("verified", "siret", "ACME SOLUTIONS", "62.01Z", False),
        "Nova Informatique": ("closed", "siret", "NOVA INFORMATIQUE", "62.02A", True),
        "Garage Central": ("no_identifier", None, None, None, None),
    }
    assert summary["accounts_by_register_status"] == {"verified": 1, "closed": 1, "no_identifier": 1}
    assert summary["register_rows_rejected"] == 1
    # And the ERP contact is linked through its company code, the CRM one through its e-mail domain
    links = {
        row["evidence"]: row["account_id"] for row in lake.read_snapshot(CONTACT_ACCOUNT, "r1").to_pylist()
    }
    assert links == {
        "source link": accounts["Nova Informatique"]["account_id"],
        "e-mail domain": accounts["ACME"]["account_id"],
    }


def test_without_a_register_accounts_are_not_checked(lake_and_catalog: tuple[Lake, MemoryCatalog]) -> None:
    lake, catalog = lake_and_catalog
    resolve_run(lake, catalog, "r1")
    merge_run(lake, "r1", as_of=NOW)
    assert {row["register_status"] for row in _golden_accounts(lake).values()} == {"not_checked"}


def test_a_register_file_without_its_columns_fails_the_merge_with_its_name(
    lake_and_catalog: tuple[Lake, MemoryCatalog],
) -> None:
    lake, catalog = lake_and_catalog
    lake.store.put_bytes("config", "reference/sirene/wrong.csv", b"siren,name\n732829320,ACME\n", "text/csv")
    resolve_run(lake, catalog, "r1")
    with pytest.raises(RegisterError, match="reference/sirene/wrong.csv"):
        merge_run(lake, "r1", as_of=NOW)
