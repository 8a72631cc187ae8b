"""Customer 360 metrics: monetary value, e-mail engagement and the preferred channel."""

from __future__ import annotations

from datetime import UTC, datetime

from cdp.golden import customer_metrics

AS_OF = datetime(2026, 11, 23, tzinfo=UTC)


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, tzinfo=UTC)


def test_average_order_value_last_engagement_and_preferred_channel() -> None:
    # Given two store purchases, three e-mail interactions and a web visit
    transactions = [
        {"customer_id": "C-1", "amount": 10.0, "occurred_at": _at(1), "channel": "store"},
        {"customer_id": "C-1", "amount": 25.0, "occurred_at": _at(2), "channel": "paris_11"},
    ]
    events = [
        {"customer_id": "C-1", "event_type": "open", "occurred_at": _at(3)},
        {"customer_id": "C-1", "event_type": "click", "occurred_at": _at(9)},
        {"customer_id": "C-1", "event_type": "open", "occurred_at": _at(5)},
        {"customer_id": "C-1", "event_type": "visit", "occurred_at": _at(20)},
    ]
    # When the metrics are computed
    row = customer_metrics(["C-1"], transactions, events, AS_OF)[0]
    # Then
    assert row["average_order_value"] == 17.5
    assert row["last_email_engagement_at"] == _at(9)
    assert (row["first_seen_at"], row["last_seen_at"]) == (_at(1), _at(20))
    # E-mail (3) beats the store (1: "paris_11" is a store's name, not a known channel) and the web (1)
    assert row["preferred_channel"] == "email"


def test_a_tie_goes_to_the_most_recent_channel_and_no_interaction_leaves_it_unknown() -> None:
    transactions = [{"customer_id": "C-1", "amount": 5.0, "occurred_at": _at(10), "channel": "web"}]
    events = [{"customer_id": "C-1", "event_type": "open", "occurred_at": _at(2)}]
    rows = customer_metrics(["C-1", "C-2"], transactions, events, AS_OF)
    assert rows[0]["preferred_channel"] == "web"
    assert rows[1]["preferred_channel"] is None and rows[1]["average_order_value"] is None
