"""Segments and their delivery: evaluate each segment's SQL, keep membership deltas, and send each
destination only who entered and who exited."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from typing import Any

from cdp.activate import RetryPolicy, TokenBucket, deliver, plan_batches
from cdp.config import DestinationConfig, SegmentConfig, parse_destination, parse_segment
from cdp.ports import Catalog, HttpTransport, ObjectStore, QueryEngine
from cdp.segments import membership_delta
from cdp.services.lake import Buckets, Lake, rows_to_table
from cdp.tables import GOLDEN_CONTACT, SEGMENT_MEMBERSHIP


def load_segments(store: ObjectStore, buckets: Buckets) -> list[SegmentConfig]:
    """Every segment defined in the config bucket (`segments/*.yaml`), by name."""
    segments = [
        parse_segment(store.get_bytes(buckets.config, item.key).decode("utf-8"), origin=item.key)
        for item in store.list(buckets.config, "segments/")
        if item.key.endswith((".yaml", ".yml"))
    ]
    return sorted(segments, key=lambda s: s.name)


def load_destination(store: ObjectStore, buckets: Buckets, name: str) -> DestinationConfig:
    """One destination's configuration (`destinations/<name>.yaml`)."""
    key = f"destinations/{name}.yaml"
    return parse_destination(store.get_bytes(buckets.config, key).decode("utf-8"), origin=key)


def evaluate_segments(lake: Lake, catalog: Catalog, engine: QueryEngine, run_id: str) -> dict[str, Any]:
    """Evaluate every segment over the current golden tables, write the run's membership snapshot with
    entered/stayed/exited against the current (previous) membership, and list the deliveries to make."""
    previous_table = lake.read_location(SEGMENT_MEMBERSHIP, catalog.table_location(SEGMENT_MEMBERSHIP.name))
    previous: dict[str, set[str]] = {}
    for row in previous_table.to_pylist():
        if row["status"] != "exited":
            previous.setdefault(row["segment"], set()).add(row["customer_id"])
    rows: list[dict[str, Any]] = []
    sizes: dict[str, dict[str, int]] = {}
    deliveries: list[dict[str, str]] = []
    for segment in load_segments(lake.store, lake.buckets):
        result = engine.query(segment.sql)
        if "customer_id" not in result.column_names:
            raise ValueError(f"segment {segment.name}: its SQL must return a customer_id column")
        members = {cid for cid in result.column("customer_id").to_pylist() if cid}
        delta = membership_delta(previous.get(segment.name, set()), members)
        rows += delta.rows(segment.name, run_id)
        sizes[segment.name] = {"size": delta.size, "entered": len(delta.entered), "exited": len(delta.exited)}
        deliveries += [
            {"run_id": run_id, "segment": segment.name, "destination": d} for d in segment.destinations
        ]
    lake.write_snapshot(SEGMENT_MEMBERSHIP, run_id, rows_to_table(rows, SEGMENT_MEMBERSHIP.schema))
    return {"run_id": run_id, "segments": sizes, "deliveries": deliveries}


def publish_delivery(
    lake: Lake,
    transport: HttpTransport,
    secret: str,
    run_id: str,
    segment: str,
    destination: str,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """Send one segment's changes of one run to one destination: adds for who entered, removes for who
    exited. Batches that fail for good are kept under `_deliveries/` with their reason."""
    config = load_destination(lake.store, lake.buckets, destination)
    membership = [
        r for r in lake.read_snapshot(SEGMENT_MEMBERSHIP, run_id).to_pylist() if r["segment"] == segment
    ]
    golden = {g["customer_id"]: g for g in lake.read_snapshot(GOLDEN_CONTACT, run_id).to_pylist()}

    def record(customer_id: str) -> dict[str, Any]:
        profile = golden.get(customer_id, {})
        return {name: profile.get(name) if name != "customer_id" else customer_id for name in config.fields}

    plans = {
        action: plan_batches(
            segment,
            destination,
            run_id,
            action,
            [record(r["customer_id"]) for r in membership if r["status"] == status],
            config.batch_size,
        )
        for action, status in (("add", "entered"), ("remove", "exited"))
    }
    report = deliver(
        plans["add"] + plans["remove"],
        url=config.url,
        secret=secret,
        transport=transport,
        policy=RetryPolicy(max_attempts=config.max_attempts),
        bucket=TokenBucket(config.rate_per_second, max(1.0, config.rate_per_second), clock),
        sleep=sleep,
        clock=clock,
        rng=random.Random(f"{run_id}|{segment}|{destination}"),
    )
    for failed in report.failed:
        lake.store.put_bytes(
            lake.buckets.curated,
            f"_deliveries/run_id={run_id}/{segment}/{destination}/failed-{failed['idempotency_key']}.json",
            json.dumps(failed).encode(),
            "application/json",
        )
    return {
        "run_id": run_id,
        "segment": segment,
        "destination": destination,
        "added": sum(b.records for b in plans["add"]),
        "removed": sum(b.records for b in plans["remove"]),
        "batches": report.batches,
        "delivered_batches": report.delivered_batches,
        "delivered_records": report.delivered_records,
        "attempts": report.attempts,
        "failed": report.failed,
    }
