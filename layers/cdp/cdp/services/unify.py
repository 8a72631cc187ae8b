"""The unification run's steps: resolve identities, merge golden records, commit the snapshot.

Each step reads and writes the lake only; the state machine passes nothing but the run id, so any step
can be retried or replayed on its own.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from cdp.golden import (
    ACCOUNT_RULES,
    CONTACT_RULES,
    build_golden,
    customer_metrics,
    link_contacts_to_accounts,
    verify_accounts,
)
from cdp.model import Entity
from cdp.ports import Catalog
from cdp.resolve import (
    ACCOUNT_SETTINGS,
    CONTACT_SETTINGS,
    Resolution,
    ResolutionSettings,
    resolve_records,
    settings_and_model,
)
from cdp.resolve.output import links_table, summary
from cdp.services.lake import Lake, rows_to_table
from cdp.services.register import load_register
from cdp.services.staging import load_source_config
from cdp.tables import (
    CONTACT_ACCOUNT,
    CURATED_TABLES,
    CUSTOMER_METRICS,
    GOLDEN_ACCOUNT,
    GOLDEN_CONTACT,
    LINKS,
    SEGMENT_MEMBERSHIP,
    STAGING_TABLES,
    XREF_ACCOUNT,
    XREF_CONTACT,
    TableDef,
)

COMMIT_STAGES: dict[str, tuple[TableDef, ...]] = {
    "golden": tuple(t for t in CURATED_TABLES if t is not SEGMENT_MEMBERSHIP),
    "segments": (SEGMENT_MEMBERSHIP,),
}


def latest_records(table: pa.Table) -> pa.Table:
    """One row per (source, source_id): the most recently landed one, so a record re-sent in a later
    file updates the earlier one instead of counting twice."""
    if table.num_rows == 0:
        return table
    order = table.sort_by(
        [
            ("source", "ascending"),
            ("source_id", "ascending"),
            ("ingested_at", "descending"),
            ("object_key", "descending"),
            ("line_no", "descending"),
        ]
    )
    sources, ids = order.column("source").to_pylist(), order.column("source_id").to_pylist()
    keep = [
        i for i in range(order.num_rows) if i == 0 or (sources[i], ids[i]) != (sources[i - 1], ids[i - 1])
    ]
    return order.take(pa.array(keep, pa.int64()))


def _resolve_entity(
    lake: Lake, entity: Entity, settings: ResolutionSettings, xref: TableDef, id_column: str, run_id: str
) -> tuple[Resolution, pa.Table]:
    staged = latest_records(lake.read_partitioned(STAGING_TABLES[entity]))
    resolution = resolve_records(staged, settings)
    xref_table = pa.table(
        {
            "source": staged.column("source"),
            "source_id": staged.column("source_id"),
            id_column: pa.array(resolution.ids, pa.string()),
            "run_id": pa.array([run_id] * staged.num_rows, pa.string()),
        }
    )
    lake.write_snapshot(xref, run_id, xref_table)
    # The pipeline keeps every scored pair: a run's links are what stewards review and explain.
    return resolution, links_table(staged, resolution, entity.value, run_id, near_miss_bits=None)


def resolve_run(lake: Lake, run_id: str) -> dict[str, Any]:
    """Resolve staged contacts and accounts; write the run's xref and links snapshots, settings and model."""
    contacts, contact_links = _resolve_entity(
        lake, Entity.CONTACT, CONTACT_SETTINGS, XREF_CONTACT, "customer_id", run_id
    )
    accounts, account_links = _resolve_entity(
        lake, Entity.ACCOUNT, ACCOUNT_SETTINGS, XREF_ACCOUNT, "account_id", run_id
    )
    lake.write_snapshot(LINKS, run_id, pa.concat_tables([contact_links, account_links]))
    contact_summary, account_summary = summary(contacts), summary(accounts)
    result = {
        "run_id": run_id,
        "contacts": {**contact_summary, "customers": contact_summary["entities"]},
        "accounts": {**account_summary, "accounts": account_summary["entities"]},
    }
    lake.store.put_bytes(
        lake.buckets.curated,
        f"_runs/run_id={run_id}/resolve.json",
        json.dumps(
            {
                "summary": result,
                "contact": settings_and_model(contacts),
                "account": settings_and_model(accounts),
            },
            indent=2,
        ).encode(),
        "application/json",
    )
    return result


def _attach(rows: list[dict[str, Any]], xref: pa.Table, id_column: str) -> list[dict[str, Any]]:
    ids = {
        (s, i): e
        for s, i, e in zip(
            xref.column("source").to_pylist(),
            xref.column("source_id").to_pylist(),
            xref.column(id_column).to_pylist(),
            strict=True,
        )
    }
    for row in rows:
        row[id_column] = ids[(row["source"], row["source_id"])]
    return rows


def _golden(rows: Sequence[dict[str, Any]], id_column: str, rules: Any, run_id: str) -> list[dict[str, Any]]:
    clusters: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        clusters[row[id_column]].append(row)
    return [
        {id_column: entity_id, **build_golden(members, rules), "run_id": run_id}
        for entity_id, members in sorted(clusters.items())
    ]


def _attribute(rows: list[dict[str, Any]], contacts: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each transaction or event the customer it belongs to: the record it names in its own
    source, a customer number, or an e-mail."""
    by_ref = {(c["source"], c["source_id"]): c["customer_id"] for c in contacts}
    by_number = {c["customer_number"]: c["customer_id"] for c in contacts if c.get("customer_number")}
    by_email = {
        c["email_key"]: c["customer_id"] for c in contacts if c.get("email_key") and c.get("email_valid")
    }
    for row in rows:
        ref = row.get("customer_ref")
        row["customer_id"] = (
            by_ref.get((row["source"], ref)) or by_number.get(ref) or by_email.get(row.get("email_key") or "")
        )
    return rows


def _account_sources(lake: Lake, contacts: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Contact source -> the source its account_ref names, for sources whose configuration says so."""
    sources = {contact["source"] for contact in contacts}
    configs = {name: load_source_config(lake.store, lake.buckets, name) for name in sources}
    return {name: c.account_source for name, c in configs.items() if c is not None and c.account_source}


def merge_run(lake: Lake, run_id: str, as_of: datetime | None = None) -> dict[str, Any]:
    """Golden contacts and accounts with lineage, contact-account links and customer metrics for the run."""
    moment = as_of or datetime.now(UTC)
    contacts = _attach(
        latest_records(lake.read_partitioned(STAGING_TABLES[Entity.CONTACT])).to_pylist(),
        lake.read_snapshot(XREF_CONTACT, run_id),
        "customer_id",
    )
    accounts = _attach(
        latest_records(lake.read_partitioned(STAGING_TABLES[Entity.ACCOUNT])).to_pylist(),
        lake.read_snapshot(XREF_ACCOUNT, run_id),
        "account_id",
    )
    golden_contacts = _golden(contacts, "customer_id", CONTACT_RULES, run_id)
    register = load_register(lake)
    golden_accounts = verify_accounts(_golden(accounts, "account_id", ACCOUNT_RULES, run_id), register)
    works_at = link_contacts_to_accounts(contacts, accounts, _account_sources(lake, contacts))
    account_of = {link["customer_id"]: link["account_id"] for link in works_at}
    for golden in golden_contacts:
        golden["account_id"] = account_of.get(golden["customer_id"])
    transactions = _attribute(
        latest_records(lake.read_partitioned(STAGING_TABLES[Entity.TRANSACTION])).to_pylist(), contacts
    )
    events = _attribute(
        latest_records(lake.read_partitioned(STAGING_TABLES[Entity.EVENT])).to_pylist(), contacts
    )
    metrics = customer_metrics([g["customer_id"] for g in golden_contacts], transactions, events, moment)
    for row in metrics:
        row["run_id"] = run_id
    lake.write_snapshot(GOLDEN_CONTACT, run_id, rows_to_table(golden_contacts, GOLDEN_CONTACT.schema))
    lake.write_snapshot(GOLDEN_ACCOUNT, run_id, rows_to_table(golden_accounts, GOLDEN_ACCOUNT.schema))
    lake.write_snapshot(
        CONTACT_ACCOUNT,
        run_id,
        rows_to_table([{**w, "run_id": run_id} for w in works_at], CONTACT_ACCOUNT.schema),
    )
    lake.write_snapshot(CUSTOMER_METRICS, run_id, rows_to_table(metrics, CUSTOMER_METRICS.schema))
    return {
        "run_id": run_id,
        "golden_contacts": len(golden_contacts),
        "golden_accounts": len(golden_accounts),
        "contact_account_links": len(works_at),
        "links_by_evidence": dict(Counter(link["evidence"] for link in works_at)),
        "accounts_by_register_status": dict(Counter(g["register_status"] for g in golden_accounts)),
        "register_rows_rejected": len(register.rejected) if register else 0,
        "transactions": len(transactions),
        "transactions_attributed": sum(1 for t in transactions if t["customer_id"]),
        "events": len(events),
    }


def commit_run(lake: Lake, catalog: Catalog, run_id: str, stage: str) -> dict[str, Any]:
    """Move the current pointer (each Glue table's location) of a stage's tables to the run's snapshot.

    Every snapshot is checked first: if one is missing, no pointer moves and the previous run stays current.
    """
    if stage not in COMMIT_STAGES:
        raise ValueError(f"unknown commit stage {stage!r}; known: {', '.join(COMMIT_STAGES)}")
    tables = COMMIT_STAGES[stage]
    locations = {}
    for table in tables:
        bucket = lake.buckets.of(table.zone)
        prefix = table.snapshot_prefix(run_id)
        if not any(item.key.endswith(".parquet") for item in lake.store.list(bucket, prefix)):
            raise RuntimeError(f"run {run_id}: snapshot of {table.name} is missing; nothing was committed")
        locations[table.name] = f"s3://{bucket}/{prefix}"
    for name, location in locations.items():
        catalog.set_table_location(name, location)
    return {"run_id": run_id, "stage": stage, "tables": sorted(locations)}
