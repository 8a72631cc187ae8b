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

from cdp.config import SurvivorshipConfig, parse_survivorship
from cdp.golden import (
    attribute_consents,
    build_golden,
    customer_metrics,
    golden_consents,
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
from cdp.resolve.ledger import entity_events, ledger_table, previous_ids
from cdp.resolve.output import links_table, summary
from cdp.resolve.overrides import Override, parse_overrides, recorded_overrides
from cdp.resolve.settings_file import account_settings as account_settings_from
from cdp.resolve.settings_file import contact_settings as contact_settings_from
from cdp.resolve.settings_file import read_document
from cdp.services.lake import Lake, rows_to_table
from cdp.services.register import load_register
from cdp.services.staging import load_source_config
from cdp.tables import (
    CONTACT_ACCOUNT,
    CURATED_TABLES,
    CUSTOMER_METRICS,
    GOLDEN_ACCOUNT,
    GOLDEN_CONTACT,
    HISTORY_TABLES,
    IDENTITY_LEDGER,
    LINKS,
    SEGMENT_MEMBERSHIP,
    STAGING_TABLES,
    XREF_ACCOUNT,
    XREF_CONTACT,
    TableDef,
)

SURVIVORSHIP_KEY = "survivorship.yaml"
CONTACT_RESOLUTION_KEY = "resolution/contact.yaml"
ACCOUNT_RESOLUTION_KEY = "resolution/account.yaml"

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


# Manual overrides of each entity, kept in the config bucket (written by POST /v1/overrides).
OVERRIDES_KEY = "overrides/{entity}.json"


def load_overrides(lake: Lake, entity: Entity) -> list[Override]:
    """The entity's overrides from the config bucket (none when the object does not exist)."""
    key = OVERRIDES_KEY.format(entity=entity.value)
    if not any(item.key == key for item in lake.store.list(lake.buckets.config, key)):
        return []
    return parse_overrides(json.loads(lake.store.get_bytes(lake.buckets.config, key)))


def _resolve_entity(
    lake: Lake,
    catalog: Catalog,
    entity: Entity,
    settings: ResolutionSettings,
    xref: TableDef,
    id_column: str,
    run_id: str,
    history: pa.Table,
    at: datetime,
) -> tuple[Resolution, pa.Table, pa.Table]:
    staged = latest_records(lake.read_partitioned(STAGING_TABLES[entity]))
    # Ids stay stable across runs: the current (last committed) xref and ledger are the previous state.
    current = lake.read_location(xref, catalog.table_location(xref.name))
    previous = previous_ids(current, id_column, history, entity.value)
    recorded = recorded_overrides(entity_events(history, entity.value)["evidence"].to_pylist())
    resolution = resolve_records(staged, settings, None, previous, load_overrides(lake, entity), recorded)
    xref_table = pa.table(
        {
            "source": staged.column("source"),
            "source_id": staged.column("source_id"),
            id_column: pa.array(resolution.ids, pa.string()),
            "run_id": pa.array([run_id] * staged.num_rows, pa.string()),
        }
    )
    lake.write_snapshot(xref, run_id, xref_table)
    events = ledger_table(resolution.events, entity.value, run_id, at)
    # The accepted links and the near misses, as `cdp resolve` keeps: what stewards review. The other
    # candidate pairs (seven times as many at a million records) are not kept; any pair can still be
    # explained from the run's saved model.
    return resolution, links_table(staged, resolution, entity.value, run_id), events


def resolve_run(lake: Lake, catalog: Catalog, run_id: str, at: datetime | None = None) -> dict[str, Any]:
    """Resolve staged contacts and accounts, keeping the ids of the current xref by the ledger's rule; write
    the run's xref, links and identity ledger snapshots, settings and model."""
    moment = at or datetime.now(UTC)
    history = lake.read_location(IDENTITY_LEDGER, catalog.table_location(IDENTITY_LEDGER.name))
    contact_settings, account_settings = load_resolution_settings(lake)
    contacts, contact_links, contact_events = _resolve_entity(
        lake, catalog, Entity.CONTACT, contact_settings, XREF_CONTACT, "customer_id", run_id, history, moment
    )
    accounts, account_links, account_events = _resolve_entity(
        lake, catalog, Entity.ACCOUNT, account_settings, XREF_ACCOUNT, "account_id", run_id, history, moment
    )
    lake.write_snapshot(LINKS, run_id, pa.concat_tables([contact_links, account_links]))
    lake.write_snapshot(IDENTITY_LEDGER, run_id, pa.concat_tables([history, contact_events, account_events]))
    contact_summary, account_summary = summary(contacts), summary(accounts)
    result = {
        "run_id": run_id,
        "contacts": {
            **contact_summary,
            "customers": contact_summary["entities"],
            "ledger_events": contact_events.num_rows,
        },
        "accounts": {
            **account_summary,
            "accounts": account_summary["entities"],
            "ledger_events": account_events.num_rows,
        },
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


def load_resolution_settings(lake: Lake) -> tuple[ResolutionSettings, ResolutionSettings]:
    """Contact and account resolution settings: the config bucket's `resolution/contact.yaml` and
    `resolution/account.yaml` (partial files on top of the defaults, as `cdp resolve --settings` reads
    them), or the built-in ones for a missing file.

    Raises:
        SettingsError: a file is there but unusable (the message names every problem): the run stops
            rather than resolve with settings nobody wrote.
    """
    loaded: list[ResolutionSettings] = []
    for key, defaults, parse in (
        (CONTACT_RESOLUTION_KEY, CONTACT_SETTINGS, contact_settings_from),
        (ACCOUNT_RESOLUTION_KEY, ACCOUNT_SETTINGS, account_settings_from),
    ):
        try:
            text = lake.store.get_bytes(lake.buckets.config, key).decode("utf-8")
        except KeyError:
            loaded.append(defaults)
            continue
        loaded.append(parse(read_document(text, key), key))
    return loaded[0], loaded[1]


def load_survivorship(lake: Lake) -> SurvivorshipConfig:
    """The config bucket's survivorship rules, or the built-in ones when it has none."""
    try:
        text = lake.store.get_bytes(lake.buckets.config, SURVIVORSHIP_KEY).decode("utf-8")
    except KeyError:
        return SurvivorshipConfig()
    return parse_survivorship(text, SURVIVORSHIP_KEY)


def _account_sources(lake: Lake, contacts: Sequence[dict[str, Any]]) -> dict[str, str]:
    """Contact source -> the source its account_ref names, for sources whose configuration says so."""
    sources = {contact["source"] for contact in contacts}
    configs = {name: load_source_config(lake.store, lake.buckets, name) for name in sources}
    return {name: c.account_source for name, c in configs.items() if c is not None and c.account_source}


def merge_run(lake: Lake, run_id: str, as_of: datetime | None = None) -> dict[str, Any]:
    """Golden contacts (with their consents) and accounts with lineage, contact-account links and
    customer metrics for the run."""
    moment = as_of or datetime.now(UTC)
    survivorship = load_survivorship(lake)
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
    for row in (*contacts, *accounts):
        row["trust_rank"] = survivorship.trust_rank(row["source"], row["trust_rank"])
    golden_contacts = _golden(contacts, "customer_id", survivorship.contact_rules, run_id)
    register = load_register(lake)
    golden_accounts = verify_accounts(
        _golden(accounts, "account_id", survivorship.account_rules, run_id), register
    )
    consents = attribute_consents(
        latest_records(lake.read_partitioned(STAGING_TABLES[Entity.CONSENT])).to_pylist(), contacts
    )
    members: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in contacts:
        members[row["customer_id"]].append(row)
    for golden in golden_contacts:
        golden["consents"], deciding = golden_consents(
            members[golden["customer_id"]], consents.get(golden["customer_id"], ())
        )
        golden["email_opt_in"] = deciding["granted"] if deciding else None
        if deciding:
            golden["lineage"].append(
                {
                    "attribute": "email_opt_in",
                    "value": str(deciding["granted"]),
                    "source": deciding["source"],
                    "source_id": deciding["source_id"],
                    "rule": "latest consent",
                }
            )
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
        "consent_statements": sum(len(g["consents"]) for g in golden_contacts),
    }


def commit_run(lake: Lake, catalog: Catalog, run_id: str, stage: str) -> dict[str, Any]:
    """Move the current pointer (each Glue table's location) of a stage's tables to the run's snapshot,
    and register the run in their `<table>_history` tables.

    Every snapshot is checked first: if one is missing, no pointer moves and the previous run stays current.
    If moving a pointer fails midway, the pointers already moved go back before the error is raised, so the
    stage's tables are never left on two different runs.
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
    previous = {name: catalog.table_location(name) for name in locations}
    moved: list[str] = []
    try:
        for name, location in locations.items():
            catalog.set_table_location(name, location)
            moved.append(name)
    except Exception:
        for name in reversed(moved):
            catalog.set_table_location(name, previous[name])
        raise
    for name, location in locations.items():
        catalog.add_partition(HISTORY_TABLES[name].name, {"run_id": run_id}, location)
    return {"run_id": run_id, "stage": stage, "tables": sorted(locations)}
