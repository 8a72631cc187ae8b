"""Customer metrics from transactions and engagement events: recency, frequency, monetary value,
first and last seen, e-mail engagement, web visits and the preferred channel."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cdp.normalize.data import CHANNELS

_CANONICAL_CHANNELS = frozenset(CHANNELS.values())
# The channel an engagement event happened on, whatever the sending tool called its campaign.
_OLDEST = datetime.min.replace(tzinfo=UTC)
_EVENT_CHANNELS = {"open": "email", "click": "email", "visit": "web", "page_view": "web"}


def customer_metrics(
    customer_ids: Sequence[str],
    transactions: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    as_of: datetime,
) -> list[dict[str, Any]]:
    """One metrics row per customer (every customer gets a row, zeros when nothing is known).

    `preferred_channel` is the channel of most of the customer's interactions: purchases on their own
    channel when it is a known one (store, web, phone...), e-mail opens and clicks on "email", visits
    on "web"; ties go to the most recent interaction's channel.

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
            "last_email_engagement_at": None,
            "web_visits": 0,
            "first_seen_at": None,
            "last_seen_at": None,
            "average_order_value": None,
            "preferred_channel": None,
        }
        for cid in customer_ids
    }
    channels: dict[str, Counter[str]] = {cid: Counter() for cid in customer_ids}
    channel_last: dict[str, dict[str, datetime]] = {cid: {} for cid in customer_ids}

    def used(customer: str, channel: str | None, at: datetime | None) -> None:
        if channel not in _CANONICAL_CHANNELS:
            return
        channels[customer][channel] += 1
        if at is not None:
            last = channel_last[customer]
            last[channel] = max(last.get(channel, at), at)

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
        used(row["customer_id"], tx.get("channel"), at)
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
        kind = (event.get("event_type") or "").lower()
        at = event.get("occurred_at")
        counter = counters.get(kind)
        if counter:
            row[counter] += 1
        if counter in ("email_opens", "email_clicks") and at is not None:
            last = row["last_email_engagement_at"]
            row["last_email_engagement_at"] = at if last is None else max(last, at)
        seen(row, at)
        used(row["customer_id"], _EVENT_CHANNELS.get(kind), at)
    for cid, row in metrics.items():
        if row["last_order_at"] is not None:
            row["recency_days"] = (as_of - row["last_order_at"]).days
        if row["orders"]:
            row["average_order_value"] = round(row["revenue"] / row["orders"], 2)
        row["revenue"] = round(row["revenue"], 2)
        if channels[cid]:
            last = channel_last[cid]
            row["preferred_channel"] = max(
                channels[cid], key=lambda c: (channels[cid][c], last.get(c, _OLDEST), c)
            )
    return [metrics[cid] for cid in customer_ids]
