"""The pipeline's resolve step reads resolution settings from the config bucket (as `--settings` files)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from cdp.model import Entity
from cdp.normalize import normalize_contact
from cdp.resolve import ACCOUNT_SETTINGS, CONTACT_SETTINGS
from cdp.resolve.settings_file import SettingsError
from cdp.services.lake import Lake, rows_to_table
from cdp.services.unify import load_resolution_settings, resolve_run
from cdp.tables import STAGING_TABLES, XREF_CONTACT

from tests.unit.lake_helpers import new_lake

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def _stage_contacts(lake: Lake, rows: list[dict[str, str]]) -> None:
    staged: list[dict[str, Any]] = [
        {
            "source": "crm",
            "source_id": row.pop("id"),
            "object_key": "crm/file",
            "line_no": line,
            "ingested_at": NOW,
            "trust_rank": 1,
            **normalize_contact(row),
        }
        for line, row in enumerate(rows, start=2)
    ]
    table = STAGING_TABLES[Entity.CONTACT]
    lake.write_partition_file(
        table, {"source": "crm", "ingest_date": "2026-11-23"}, "part", rows_to_table(staged, table.schema)
    )


def _put(lake: Lake, key: str, text: str) -> None:
    lake.store.put_bytes(lake.buckets.config, key, text.encode(), "application/yaml")


def test_without_files_the_built_in_settings_hold() -> None:
    lake, _ = new_lake()
    assert load_resolution_settings(lake) == (CONTACT_SETTINGS, ACCOUNT_SETTINGS)


def _one_person_twice() -> list[dict[str, str]]:
    return [
        {"id": "1", "first_name": "Marie", "last_name": "Dupont", "email": "marie.dupont@example.fr"},
        {"id": "2", "first_name": "Marie", "last_name": "Dupont", "email": "marie.dupont@example.fr"},
    ]


def test_the_resolve_step_uses_the_config_buckets_settings() -> None:
    # Given two records of one person, which the default settings block on the e-mail and link
    default_lake, default_catalog = new_lake()
    _stage_contacts(default_lake, _one_person_twice())
    assert resolve_run(default_lake, default_catalog, "r1", at=NOW)["contacts"]["customers"] == 1
    lake, catalog = new_lake()
    _stage_contacts(lake, _one_person_twice())
    # And contact settings that block on the phone only, and account settings with a tighter cluster guard
    _put(lake, "resolution/contact.yaml", "blocking_rules:\n  - {fields: [phone]}\n")
    _put(lake, "resolution/account.yaml", "max_cluster_size: 7\n")
    # When the resolve step runs
    summary = resolve_run(lake, catalog, "r1", at=NOW)
    # Then the records were never compared: two customers
    assert summary["contacts"]["customers"] == 2
    assert len(set(lake.read_snapshot(XREF_CONTACT, "r1")["customer_id"].to_pylist())) == 2
    # And the run's settings, as saved, are the files' on top of the defaults
    saved = json.loads(lake.store.get_bytes(lake.buckets.curated, "_runs/run_id=r1/resolve.json"))
    assert [rule["fields"] for rule in saved["contact"]["settings"]["blocking_rules"]] == [["phone"]]
    defaults = json.loads(json.dumps(CONTACT_SETTINGS.to_dict()))
    assert saved["contact"]["settings"]["vetoes"] == defaults["vetoes"]
    assert saved["account"]["settings"]["max_cluster_size"] == 7


def test_an_unusable_settings_file_stops_the_run_and_names_the_problem() -> None:
    lake, catalog = new_lake()
    _put(lake, "resolution/contact.yaml", "match_probability_treshold: 0.9\n")
    with pytest.raises(SettingsError, match=r"resolution/contact\.yaml.*match_probability_treshold"):
        resolve_run(lake, catalog, "r1", at=NOW)
