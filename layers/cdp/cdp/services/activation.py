"""Segments and their delivery: evaluate each segment's SQL, keep membership deltas, plan each
destination's changes (consent-aware) onto the delivery queue, deliver queued batches, redrive."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from cdp.activate import (
    Audience,
    BatchMessage,
    OutgoingBatch,
    RetryPolicy,
    TokenBucket,
    build_audience,
    deliver,
    plan_audience,
    plan_messages,
)
from cdp.activate.formats import render_file
from cdp.config import (
    ConfigError,
    CustomerMatchDestination,
    DestinationConfig,
    FileExportDestination,
    SegmentConfig,
    parse_destination,
    parse_segment,
)
from cdp.erasure import without_erased
from cdp.ports import Catalog, HttpTransport, MessageQueue, ObjectStore, QueryEngine
from cdp.segments import membership_delta
from cdp.segments.schedule import is_due
from cdp.services.lake import Buckets, Lake, rows_to_table
from cdp.services.tombstones import load_tombstones
from cdp.tables import GOLDEN_CONTACT, SEGMENT_MEMBERSHIP

SQS_MAX_BYTES = 256 * 1024
AUDIENCES_PREFIX = "_audiences/"


def load_segments(store: ObjectStore, buckets: Buckets) -> list[SegmentConfig]:
    """Every segment defined in the config bucket (`segments/*.yaml`), by name."""
    segments = [
        parse_segment(store.get_bytes(buckets.config, item.key).decode("utf-8"), origin=item.key)
        for item in store.list(buckets.config, "segments/")
        if item.key.endswith((".yaml", ".yml"))
    ]
    return sorted(segments, key=lambda s: s.name)


def load_destination(store: ObjectStore, buckets: Buckets, name: str) -> DestinationConfig:
    """One destination's configuration (`destinations/<name>.yaml`); ConfigError when missing or invalid."""
    key = f"destinations/{name}.yaml"
    try:
        text = store.get_bytes(buckets.config, key).decode("utf-8")
    except KeyError as error:
        raise ConfigError(f"unknown destination {name!r}: there is no {key} in the config bucket") from error
    return parse_destination(text, origin=key)


def _last_refresh(lake: Lake, segment: str) -> tuple[str | None, datetime | None]:
    try:
        state = json.loads(lake.store.get_bytes(lake.buckets.curated, f"_segments/{segment}.json"))
    except KeyError:
        return None, None
    return state["run_id"], datetime.fromisoformat(state["refreshed_at"])


def evaluate_segments(
    lake: Lake, catalog: Catalog, engine: QueryEngine, run_id: str, now: datetime | None = None
) -> dict[str, Any]:
    """Evaluate every segment that is due over the current golden tables, write the run's membership
    snapshot with entered/stayed/exited against the current (previous) membership, and list the
    deliveries to make. A segment not due yet keeps its members (all "stayed") and sends nothing."""
    moment = now or datetime.now(UTC)
    previous_table = lake.read_location(SEGMENT_MEMBERSHIP, catalog.table_location(SEGMENT_MEMBERSHIP.name))
    previous: dict[str, set[str]] = {}
    for row in previous_table.to_pylist():
        if row["status"] != "exited":
            previous.setdefault(row["segment"], set()).add(row["customer_id"])
    rows: list[dict[str, Any]] = []
    sizes: dict[str, dict[str, int]] = {}
    deliveries: list[dict[str, str]] = []
    segments = load_segments(lake.store, lake.buckets)
    for segment in segments:  # a broken destination stops the run before any membership changes
        for destination in segment.destinations:
            load_destination(lake.store, lake.buckets, destination)
    for segment in segments:
        before = previous.get(segment.name, set())
        refreshed_run, refreshed_at = _last_refresh(lake, segment.name)
        # A retried step re-evaluates what its first attempt did (the membership is not committed yet).
        if refreshed_run != run_id and not is_due(segment.schedule, refreshed_at, moment):
            rows += membership_delta(before, before).rows(segment.name, run_id)
            sizes[segment.name] = {"size": len(before), "entered": 0, "exited": 0, "refreshed": 0}
            continue
        result = engine.query(segment.sql)
        if "customer_id" not in result.column_names:
            raise ValueError(f"segment {segment.name}: its SQL must return a customer_id column")
        members = {cid for cid in result.column("customer_id").to_pylist() if cid}
        delta = membership_delta(before, members)
        rows += delta.rows(segment.name, run_id)
        sizes[segment.name] = {
            "size": delta.size,
            "entered": len(delta.entered),
            "exited": len(delta.exited),
            "refreshed": 1,
        }
        deliveries += [
            {"run_id": run_id, "segment": segment.name, "destination": d} for d in segment.destinations
        ]
        state = {"run_id": run_id, "refreshed_at": moment.isoformat()}
        lake.store.put_bytes(
            lake.buckets.curated,
            f"_segments/{segment.name}.json",
            json.dumps(state).encode(),
            "application/json",
        )
    lake.write_snapshot(SEGMENT_MEMBERSHIP, run_id, rows_to_table(rows, SEGMENT_MEMBERSHIP.schema))
    return {"run_id": run_id, "segments": sizes, "deliveries": deliveries}


def _audience_prefix(destination: str, segment: str) -> str:
    return f"{AUDIENCES_PREFIX}{destination}/{segment}/"


def _previous_audience(
    lake: Lake, destination: str, segment: str, run_id: str
) -> tuple[str | None, Audience]:
    """The audience the destination was last sent before this run, and that run's id.

    The pointer remembers the run before the current one, so re-planning a run (a retried step) compares
    with the same previous audience and plans the same batches, with the same idempotency keys."""
    prefix = _audience_prefix(destination, segment)
    try:
        pointer = json.loads(lake.store.get_bytes(lake.buckets.curated, f"{prefix}current.json"))
    except KeyError:
        return None, {}
    previous_run = pointer["previous"] if pointer["run_id"] == run_id else pointer["run_id"]
    if previous_run is None:
        return None, {}
    audience = json.loads(lake.store.get_bytes(lake.buckets.curated, f"{prefix}run_id={previous_run}.json"))
    return previous_run, audience


def _save_audience(
    lake: Lake, destination: str, segment: str, run_id: str, previous_run: str | None, audience: Audience
) -> None:
    prefix = _audience_prefix(destination, segment)
    lake.store.put_bytes(
        lake.buckets.curated,
        f"{prefix}run_id={run_id}.json",
        json.dumps(audience, default=str, sort_keys=True).encode(),
        "application/json",
    )
    pointer = {"run_id": run_id, "previous": previous_run}
    lake.store.put_bytes(
        lake.buckets.curated, f"{prefix}current.json", json.dumps(pointer).encode(), "application/json"
    )


def publish_delivery(
    lake: Lake, queue: MessageQueue, run_id: str, segment: str, destination: str
) -> dict[str, Any]:
    """Plan one segment's changes for one destination and enqueue them as batches.

    The destination should hold the segment's members who give the consent it needs; the batches add
    who is new (or changed) and remove who left or withdrew consent since the audience last sent
    (everyone current with `full_resync`). The delivery function sends them."""
    config = load_destination(lake.store, lake.buckets, destination)
    members = [
        r["customer_id"]
        for r in lake.read_snapshot(SEGMENT_MEMBERSHIP, run_id).to_pylist()
        if r["segment"] == segment and r["status"] != "exited"
    ]
    profiles = {g["customer_id"]: g for g in lake.read_snapshot(GOLDEN_CONTACT, run_id).to_pylist()}
    previous_run, previous = _previous_audience(lake, destination, segment, run_id)
    current = build_audience(config, members, profiles)
    plan = plan_audience(
        previous,
        current,
        full_resync=config.full_resync,
        replace_changed=isinstance(config, CustomerMatchDestination),
    )
    messages = plan_messages(destination, segment, run_id, plan, config.batch_size)
    for message in messages:
        size = len(message.model_dump_json().encode())
        if size > SQS_MAX_BYTES:
            raise ValueError(
                f"destination {destination}: a batch of {len(message.records)} records is {size} bytes, "
                f"more than a queue message holds ({SQS_MAX_BYTES}); lower its batch_size"
            )
    queue.send([m.model_dump_json() for m in messages])
    _save_audience(lake, destination, segment, run_id, previous_run, current)
    return {
        "run_id": run_id,
        "segment": segment,
        "destination": destination,
        "members": len(members),
        "audience": len(current),
        # Members left out for want of consent (or of anything the destination can match on).
        "excluded": len([m for m in members if m in profiles]) - len(current),
        "added": len(plan.add),
        "removed": len(plan.remove),
        "batches": len(messages),
    }


class DeliveryFailed(RuntimeError):
    """A batch could not be delivered now; the queue will retry it, then park it in the dead-letter queue."""


def deliver_message(
    body: str,
    store: ObjectStore,
    buckets: Buckets,
    outbox_bucket: str | None,
    secret: Callable[[str | None], str],
    transport: HttpTransport,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    rate_limits: dict[str, TokenBucket] | None = None,
) -> dict[str, Any]:
    """Deliver one queued batch to its destination; raise DeliveryFailed when it did not go through.

    HTTP destinations get the batch signed, under its idempotency key, with retries; file exports
    write it to the outbox bucket under a key named after the batch, so a redelivery overwrites it.
    `rate_limits` keeps one token bucket per destination across the batches a caller delivers (the
    deliver function keeps it for its container's life)."""
    message = BatchMessage.model_validate_json(body)
    if message.action == "add":  # people erased since the batch was queued are never sent
        records = without_erased(message.records, load_tombstones(store, buckets))
        message = message.model_copy(update={"records": records})
    summary = {
        "destination": message.destination,
        "segment": message.segment,
        "run_id": message.run_id,
        "action": message.action,
        "batch": message.batch,
        "records": len(message.records),
    }
    if not message.records:
        return summary
    config = load_destination(store, buckets, message.destination)
    if isinstance(config, FileExportDestination):
        if not outbox_bucket:
            raise RuntimeError("OUTBOX_BUCKET is not set")
        key = (
            f"{config.name}/{message.segment}/run_id={message.run_id}/"
            f"{message.action}-{message.batch:05d}.{config.format}"
        )
        columns = ["customer_id", *(f for f in config.fields if f != "customer_id")]
        store.put_bytes(outbox_bucket, key, render_file(message.records, columns, config.format))
        return {**summary, "object": f"s3://{outbox_bucket}/{key}"}
    limits = rate_limits if rate_limits is not None else {}
    bucket = limits.setdefault(
        config.name, TokenBucket(config.rate_per_second, max(1.0, config.rate_per_second), clock)
    )
    report = deliver(
        [OutgoingBatch.of(message)],
        url=config.url,
        secret=secret(config.secret),
        transport=transport,
        policy=RetryPolicy(max_attempts=config.max_attempts, base_seconds=config.backoff_seconds),
        bucket=bucket,
        sleep=sleep,
        clock=clock,
        rng=random.Random(message.idempotency_key),
    )
    if report.failed:
        raise DeliveryFailed(
            f"{message.destination}/{message.segment} batch {message.action}-{message.batch}: "
            f"{report.failed[0]['reason']}"
        )
    return {**summary, "attempts": report.attempts}


def redrive(dead_letters: MessageQueue, queue: MessageQueue, limit: int | None = None) -> int:
    """Move messages from the dead-letter queue back to the delivery queue; returns how many moved.

    Each message is sent before it is deleted, so a crash in between duplicates it rather than losing
    it, and the batch's idempotency key lets the receiver drop the duplicate."""
    moved = 0
    while limit is None or moved < limit:
        received = dead_letters.receive(10 if limit is None else min(10, limit - moved))
        if not received:
            break
        queue.send([m.body for m in received])
        for message in received:
            dead_letters.delete(message.receipt)
        moved += len(received)
    return moved
