"""Customer metrics from transactions and engagement events: recency, frequency, monetary value."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any


def customer_metrics(
    customer_ids: Sequence[str],
    transactions: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    as_of: datetime,
) -> list[dict[str, Any]]:
    """One metrics row per customer (every customer gets a row, zeros when nothing is known).

    Args:
        customer_ids: every golden customer id.
        transactions: rows with `customer_id` (already attributed; None when unknown), `amount`,
            `occurred_at`.
        events: rows with `customer_id`, `event_type` (open, click, visit, ...) and `occurred_at`.
        as_of: the moment recency is measured from.
    """
    metrics: dict[str, dict[str, Any]] = {
        cid: {
            "customer_id": cid,
            "orders": 0,
            "revenue": 0.0,
            "first_order_at": None,
            "last_order_at": None,
            "recency_days": None,
            "email_opens": 0,
            "email_clicks": 0,
            "web_visits": 0,
            "first_seen_at": None,
            "last_seen_at": None,
        }
        for cid in customer_ids
    }

    def seen(row: dict[str, Any], at: datetime | None) -> None:
        if at is None:
            return
        row["first_seen_at"] = at if row["first_seen_at"] is None else min(row["first_seen_at"], at)
        row["last_seen_at"] = at if row["last_seen_at"] is None else max(row["last_seen_at"], at)

    for tx in transactions:
        row = metrics.get(tx.get("customer_id") or "")
        if row is None:
            continue
        at = tx.get("occurred_at")
        row["orders"] += 1
        row["revenue"] += float(tx.get("amount") or 0.0)
        if at is not None:
            row["first_order_at"] = at if row["first_order_at"] is None else min(row["first_order_at"], at)
            row["last_order_at"] = at if row["last_order_at"] is None else max(row["last_order_at"], at)
        seen(row, at)
    counters = {
        "open": "email_opens",
        "click": "email_clicks",
        "visit": "web_visits",
        "page_view": "web_visits",
    }
    for event in events:
        row = metrics.get(event.get("customer_id") or "")
        if row is None:
            continue
        counter = counters.get((event.get("event_type") or "").lower())
        if counter:
            row[counter] += 1
        seen(row, event.get("occurred_at"))
    for row in metrics.values():
        if row["last_order_at"] is not None:
            row["recency_days"] = (as_of - row["last_order_at"]).days
        row["revenue"] = round(row["revenue"], 2)
    return [metrics[cid] for cid in customer_ids]
