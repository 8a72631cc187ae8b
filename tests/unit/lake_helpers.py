"""A small lake in memory: staged rows and xref snapshots written the way the pipeline writes them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa
from cdp.adapters.memory import MemoryCatalog, MemoryObjectStore
from cdp.model import Entity, staging_schema
from cdp.services.lake import Buckets, Lake, rows_to_table
from cdp.tables import ALL_TABLES, STAGING_TABLES, XREF_ACCOUNT, XREF_CONTACT, Zone

BUCKETS = Buckets("landing", "staging", "curated", "quarantine", "config")
LANDED = datetime(2026, 11, 23, tzinfo=UTC)


def new_lake() -> tuple[Lake, MemoryCatalog]:
    """An empty lake, every curated table pointing at its empty initial snapshot, as template.yaml says."""
    catalog = MemoryCatalog(
        {
            t.name: f"s3://{BUCKETS.curated}/{t.snapshot_prefix('initial') if t.snapshot else t.prefix + '/'}"
            for t in ALL_TABLES
            if t.zone is Zone.CURATED
        }
    )
    return Lake(MemoryObjectStore(), BUCKETS), catalog


def stage(lake: Lake, entity: Entity, source: str, rows: Sequence[Mapping[str, Any]], trust: int = 1) -> None:
    """Stage rows of one source, with the lineage columns the staging service adds."""
    full = [
        {
            "source": source,
            "object_key": f"{source}/file.csv",
            "line_no": number + 2,
            "ingested_at": LANDED,
            "trust_rank": trust,
            **row,
        }
        for number, row in enumerate(rows)
    ]
    lake.write_partition_file(
        STAGING_TABLES[entity],
        {"source": source, "ingest_date": "2026-11-23"},
        f"{source}-0",
        rows_to_table(full, staging_schema(entity)),
    )


def write_xref(lake: Lake, run_id: str, contacts: Mapping[tuple[str, str], str]) -> None:
    """The resolve step's output: contact record -> customer id (and no accounts)."""
    keys = list(contacts)
    lake.write_snapshot(
        XREF_CONTACT,
        run_id,
        pa.table(
            {
                "source": [s for s, _ in keys],
                "source_id": [i for _, i in keys],
                "customer_id": [contacts[k] for k in keys],
                "run_id": [run_id] * len(keys),
            }
        ),
    )
    lake.write_snapshot(XREF_ACCOUNT, run_id, XREF_ACCOUNT.schema.empty_table())
