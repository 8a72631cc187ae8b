"""Activation: batches of segment changes, signed and idempotent, delivered with retries."""

from cdp.activate.webhook import (
    DeliveryReport,
    OutgoingBatch,
    RetryPolicy,
    TokenBucket,
    deliver,
    plan_batches,
    sign,
)

__all__ = ["DeliveryReport", "OutgoingBatch", "RetryPolicy", "TokenBucket", "deliver", "plan_batches", "sign"]
