"""Forget a person: remove them from staging, every curated table and snapshot, quarantine and derived
documents, add tombstones so they never come back, and write a receipt.

Raw landed objects are never changed by the pipeline; erasure lists the ones holding the person's rows in
the receipt and deletes them (every version, whole objects: other people's rows in them go too, their
staged rows stay) only when asked to (`include_raw`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import pyarrow as pa

from cdp.erasure import Kind, Person, identifier_key, mentions, redact, tombstone_hash
from cdp.model import Entity
from cdp.ports import ObjectStore
from cdp.services.lake import Buckets, Lake, from_parquet, to_parquet
from cdp.tables import CURATED_TABLES, GOLDEN_CONTACT, QUARANTINE, STAGING_TABLES, XREF_CONTACT, TableDef

TOMBSTONES_KEY = "erasure/tombstones.json"
RECEIPTS_PREFIX = "erasure/receipts/"


def load_tombstones(store: ObjectStore, buckets: Buckets) -> frozenset[str]:
    """The hashed identifiers of every erased person."""
    try:
        return frozenset(json.loads(store.get_bytes(buckets.config, TOMBSTONES_KEY))["hashes"])
    except KeyError:
        return frozenset()


def _files(lake: Lake, table: TableDef) -> Iterator[tuple[str, str, pa.Table, dict[str, str]]]:
    """(bucket, key, data, partition values) of every Parquet object under a table's root (every
    snapshot of a curated table)."""
    bucket = lake.buckets.of(table.zone)
    for item in list(lake.store.list(bucket, f"{table.prefix}/")):
        if item.key.endswith(".parquet"):
            values = dict(unquote(p).split("=", 1) for p in item.key.split("/")[1:-1] if "=" in p)
            yield bucket, item.key, from_parquet(lake.store.get_bytes(bucket, item.key)), values


def _rows(data: pa.Table, partition: dict[str, str]) -> list[dict[str, Any]]:
    return [{**partition, **row} for row in data.to_pylist()]


def find_person(lake: Lake, kind: Kind, key: str) -> Person:
    """Everything that identifies the person an identifier names: the contact records carrying it and
    every record resolved to the same customer in any run (golden and cross-reference snapshots)."""
    person = Person()
    for _bucket, _key, data, _partition in _files(lake, GOLDEN_CONTACT):
        for row in data.select(["customer_id", "emails", "phones"]).to_pylist():
            if (
                (kind == "customer_id" and row["customer_id"] == key)
                or (kind == "email" and key in (row["emails"] or []))
                or (kind == "phone" and key in (row["phones"] or []))
            ):
                person.customer_ids.add(row["customer_id"])
    contacts = [
        row
        for _b, _k, data, part in _files(lake, STAGING_TABLES[Entity.CONTACT])
        for row in _rows(data, part)
    ]
    xref = [row for _b, _k, data, _p in _files(lake, XREF_CONTACT) for row in data.to_pylist()]
    person.records.update((r["source"], r["source_id"]) for r in contacts if person.named_by(kind, key, r))
    person.customer_ids.update(
        r["customer_id"] for r in xref if (r["source"], r["source_id"]) in person.records
    )
    person.records.update(
        (r["source"], r["source_id"]) for r in xref if r["customer_id"] in person.customer_ids
    )
    for row in contacts:
        if (row["source"], row["source_id"]) in person.records:
            person.add_contact(row)
    person.forget_shared(contacts)
    {"email": person.emails, "phone": person.phones, "customer_id": person.refs}[kind].add(key)
    return person


def forget(
    lake: Lake, kind: Kind, value: str, include_raw: bool = False, now: datetime | None = None
) -> dict[str, Any]:
    """Erase the person an e-mail, phone or customer id (golden id, record id or customer number) names.

    Returns:
        The receipt (also written to the config bucket): what was removed where, counts, when; the
        person appears in it only as the hash of the identifier asked for.
    """
    key = identifier_key(kind, value)
    moment = now or datetime.now(UTC)
    person = find_person(lake, kind, key)
    needles = person.needles()
    removed: dict[str, int] = {}
    raw_objects: set[str] = set()
    tables = [*STAGING_TABLES.values(), *CURATED_TABLES]
    for table in tables:
        for bucket, object_key, data, partition in _files(lake, table):
            rows = _rows(data, partition)
            contact = table is STAGING_TABLES[Entity.CONTACT]
            mask = [not person.mentioned_in(row, contact_record=contact) for row in rows]
            if all(mask):
                continue
            raw_objects.update(
                row["object_key"]
                for row, keep in zip(rows, mask, strict=True)
                if not keep and row.get("object_key")
            )
            removed[f"s3://{bucket}/{object_key}"] = mask.count(False)
            lake.store.put_bytes(bucket, object_key, to_parquet(data.filter(pa.array(mask))))
    for bucket, object_key, data, _partition in _files(lake, QUARANTINE):
        raws = data.column("raw").to_pylist()
        mask = [not mentions(raw or "", needles) for raw in raws]
        if not all(mask):
            removed[f"s3://{bucket}/{object_key}"] = mask.count(False)
            lake.store.put_bytes(bucket, object_key, to_parquet(data.filter(pa.array(mask))))
    redacted: dict[str, int] = {}
    for bucket in (lake.buckets.staging, lake.buckets.quarantine, lake.buckets.curated):
        for item in list(lake.store.list(bucket, "")):
            if not item.key.endswith(".json"):
                continue
            document, count = redact(json.loads(lake.store.get_bytes(bucket, item.key)), needles)
            if count:
                redacted[f"s3://{bucket}/{item.key}"] = count
                lake.store.put_bytes(
                    bucket, item.key, json.dumps(document, indent=2).encode(), "application/json"
                )
    if include_raw:
        for object_key in sorted(raw_objects):
            lake.store.purge(lake.buckets.landing, object_key)
    tombstones = load_tombstones(lake.store, lake.buckets) | person.tombstones()
    lake.store.put_bytes(
        lake.buckets.config,
        TOMBSTONES_KEY,
        json.dumps({"hashes": sorted(tombstones)}, indent=0).encode(),
        "application/json",
    )
    requested = tombstone_hash(kind, key)
    receipt = {
        "erasure_id": f"{moment:%Y%m%dT%H%M%S}-{requested[:12]}",
        "requested_at": moment.isoformat(),
        "identifier": {"kind": kind, "sha256": requested},
        "customers_found": len(person.customer_ids),
        "source_records_found": len(person.records),
        "rows_removed": dict(sorted(removed.items())),
        "rows_removed_total": sum(removed.values()),
        "documents_redacted": dict(sorted(redacted.items())),
        "tombstones_added": len(person.tombstones()),
        "raw_objects": [
            {
                "bucket": lake.buckets.landing,
                "key": k,
                "action": "deleted, every version" if include_raw else "kept",
            }
            for k in sorted(raw_objects)
        ],
    }
    lake.store.put_bytes(
        lake.buckets.config,
        f"{RECEIPTS_PREFIX}{receipt['erasure_id']}.json",
        json.dumps(receipt, indent=2).encode(),
        "application/json",
    )
    return receipt
