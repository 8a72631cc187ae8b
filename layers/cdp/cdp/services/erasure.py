"""Forget a person: remove them from staging, every curated table and snapshot, quarantine and derived
documents, the destinations' audiences (each destination holding them gets one remove), the outbox's
exported files and the profile store; add tombstones so they never come back, and write a receipt.

Raw landed objects are never changed by the pipeline; erasure lists the ones holding the person's rows in
the receipt and deletes them (every version, whole objects: other people's rows in them go too, their
staged rows stay) only when asked to (`include_raw`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.csv as pacsv

from cdp.activate import AudiencePlan, plan_messages
from cdp.activate.formats import render_file
from cdp.activate.profiles import customer_key, lookup_keys
from cdp.config import ConfigError
from cdp.erasure import (
    Kind,
    Person,
    erasure_removals,
    identifier_key,
    mentions,
    record_fingerprint,
    redact,
    tombstone_hash,
)
from cdp.model import Entity
from cdp.ports import KeyValueStore, MessageQueue, ObjectStore
from cdp.services.activation import AUDIENCES_PREFIX, load_destination
from cdp.services.lake import Lake, from_parquet, to_parquet
from cdp.services.tombstones import TOMBSTONES_KEY, load_tombstones
from cdp.tables import CURATED_TABLES, GOLDEN_CONTACT, QUARANTINE, STAGING_TABLES, XREF_CONTACT, TableDef

RECEIPTS_PREFIX = "erasure/receipts/"


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


@dataclass(frozen=True)
class ErasureTargets:
    """What erasure reaches beyond the lake's buckets, when the caller has it (a folder lake has neither
    a delivery queue nor a profile table)."""

    outbox_bucket: str | None = None
    delivery_queue: MessageQueue | None = None
    profiles: KeyValueStore | None = None


def _erase_audiences(
    lake: Lake, person: Person, erasure_id: str, queue: MessageQueue | None
) -> tuple[list[dict[str, Any]], set[str]]:
    """Drop the person from every audience snapshot of every destination, and send each destination
    that was last sent them one remove (so the next delta neither removes nor resends them).

    Returns the removals (for the receipt) and the fingerprints of every record of theirs that was sent
    (a batch still queued with them is then delivered without them)."""
    removals, fingerprints = [], set()
    for item in list(lake.store.list(lake.buckets.curated, AUDIENCES_PREFIX)):
        parts = item.key.split("/")
        if len(parts) != 4 or not parts[3].startswith("run_id=") or not parts[3].endswith(".json"):
            continue
        audience = json.loads(lake.store.get_bytes(lake.buckets.curated, item.key))
        theirs = {c: audience.pop(c) for c in sorted(person.customer_ids & audience.keys())}
        if not theirs:
            continue
        fingerprints |= {record_fingerprint(record) for record in theirs.values()}
        lake.store.put_bytes(
            lake.buckets.curated,
            item.key,
            json.dumps(audience, default=str, sort_keys=True).encode(),
            "application/json",
        )
        destination, segment = parts[1], parts[2]
        pointer = json.loads(
            lake.store.get_bytes(
                lake.buckets.curated, f"{AUDIENCES_PREFIX}{destination}/{segment}/current.json"
            )
        )
        if parts[3] != f"run_id={pointer['run_id']}.json":
            continue  # an earlier audience: the destination now holds the current one
        try:
            config = load_destination(lake.store, lake.buckets, destination)
        except ConfigError as error:
            removals.append(
                {
                    "destination": destination,
                    "segment": segment,
                    "records": len(theirs),
                    "sent": False,
                    "reason": str(error),
                }
            )
            continue
        records = erasure_removals(config, theirs, theirs.keys())
        messages = plan_messages(
            destination, segment, f"erasure-{erasure_id}", AudiencePlan([], records), config.batch_size
        )
        if queue is not None:
            queue.send([m.model_dump_json() for m in messages])
        removals.append(
            {
                "destination": destination,
                "segment": segment,
                "records": len(records),
                "sent": queue is not None,
                **({} if queue is not None else {"reason": "no delivery queue to send it on"}),
            }
        )
    return removals, fingerprints


def _read_export(data: bytes, file_format: str) -> pa.Table:
    if file_format == "parquet":
        return from_parquet(data)
    header = next(csv.reader(io.StringIO(data.decode("utf-8").split("\n", 1)[0])), [])
    # Every column as text, so that rewriting keeps other people's values exactly (postcode "01000").
    options = pacsv.ConvertOptions(column_types={name: pa.string() for name in header})
    return pacsv.read_csv(io.BytesIO(data), convert_options=options)


def _erase_outbox(store: ObjectStore, outbox: str, person: Person) -> dict[str, str]:
    """Rewrite each exported file without the person's rows (deleted when nothing else is left): the
    outbox is ours until the consumer fetches it, and a consumer that already has a file gets the
    person's customer id in a remove file."""
    changed = {}
    for item in list(store.list(outbox, "")):
        file_format = item.key.rsplit(".", 1)[-1]
        if file_format not in {"csv", "parquet"}:
            continue
        data = _read_export(store.get_bytes(outbox, item.key), file_format)
        mask = [not person.mentioned_in(row) for row in data.to_pylist()]
        if all(mask):
            continue
        kept = data.filter(pa.array(mask, pa.bool_()))
        if kept.num_rows:
            store.put_bytes(outbox, item.key, render_file(kept.to_pylist(), kept.column_names, file_format))
            changed[f"s3://{outbox}/{item.key}"] = f"rewritten without {mask.count(False)} row(s)"
        else:
            store.delete(outbox, item.key)
            changed[f"s3://{outbox}/{item.key}"] = "deleted (only their rows)"
    return changed


def _erase_profiles(profiles: KeyValueStore, person: Person) -> int:
    """Delete the person's profile items and take them out of the e-mail and phone lookups (a lookup
    shared with someone else keeps that someone); returns how many items were deleted."""
    doomed, lookups = [], set()
    for customer_id in sorted(person.customer_ids):
        item = profiles.get_item(customer_key(customer_id))
        if item is None:
            continue
        doomed.append(customer_key(customer_id))
        lookups.update(lookup_keys(json.loads(item["profile"])["golden"]))
    for key in sorted(lookups):
        item = profiles.get_item(key)
        if item is None:
            continue
        others = sorted(set(json.loads(item["customer_ids"])) - person.customer_ids)
        if others:
            profiles.put_items([{**item, "customer_ids": json.dumps(others)}])
        else:
            doomed.append(key)
    profiles.delete_items(doomed)
    return len(doomed)


def forget(
    lake: Lake,
    kind: Kind,
    value: str,
    include_raw: bool = False,
    now: datetime | None = None,
    targets: ErasureTargets = ErasureTargets(),
) -> dict[str, Any]:
    """Erase the person an e-mail, phone or customer id (golden id, record id or customer number) names.

    Returns:
        The receipt (also written to the config bucket): what was removed where, counts, when; the
        person appears in it only as the hash of the identifier asked for.
    """
    key = identifier_key(kind, value)
    moment = now or datetime.now(UTC)
    requested = tombstone_hash(kind, key)
    erasure_id = f"{moment:%Y%m%dT%H%M%S}-{requested[:12]}"
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
    removals, fingerprints = _erase_audiences(lake, person, erasure_id, targets.delivery_queue)
    redacted: dict[str, int] = {}
    for bucket in (lake.buckets.staging, lake.buckets.quarantine, lake.buckets.curated):
        for item in list(lake.store.list(bucket, "")):
            # Audiences are handled above by customer id: redacting a namesake's record would resend it.
            if not item.key.endswith(".json") or item.key.startswith(AUDIENCES_PREFIX):
                continue
            document, count = redact(json.loads(lake.store.get_bytes(bucket, item.key)), needles)
            if count:
                redacted[f"s3://{bucket}/{item.key}"] = count
                lake.store.put_bytes(
                    bucket, item.key, json.dumps(document, indent=2).encode(), "application/json"
                )
    outbox = _erase_outbox(lake.store, targets.outbox_bucket, person) if targets.outbox_bucket else {}
    profiles_deleted = _erase_profiles(targets.profiles, person) if targets.profiles else None
    if include_raw:
        for object_key in sorted(raw_objects):
            lake.store.purge(lake.buckets.landing, object_key)
    added = person.tombstones() | fingerprints
    tombstones = load_tombstones(lake.store, lake.buckets) | added
    lake.store.put_bytes(
        lake.buckets.config,
        TOMBSTONES_KEY,
        json.dumps({"hashes": sorted(tombstones)}, indent=0).encode(),
        "application/json",
    )
    receipt = {
        "erasure_id": erasure_id,
        "requested_at": moment.isoformat(),
        "identifier": {"kind": kind, "sha256": requested},
        "customers_found": len(person.customer_ids),
        "source_records_found": len(person.records),
        "rows_removed": dict(sorted(removed.items())),
        "rows_removed_total": sum(removed.values()),
        "documents_redacted": dict(sorted(redacted.items())),
        "destination_removals": removals,
        "outbox_files": dict(sorted(outbox.items())),
        "profile_items_deleted": profiles_deleted,
        "tombstones_added": len(added),
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
