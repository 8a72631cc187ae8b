"""Activation: audiences per destination (consent-aware), batches of changes, and their delivery."""

from cdp.activate.audience import Audience, AudiencePlan, build_audience, plan_audience
from cdp.activate.batches import BatchMessage, plan_messages
from cdp.activate.webhook import (
    DeliveryReport,
    OutgoingBatch,
    RetryPolicy,
    TokenBucket,
    deliver,
    sign,
)

__all__ = [
    "Audience",
    "AudiencePlan",
    "BatchMessage",
    "DeliveryReport",
    "OutgoingBatch",
    "RetryPolicy",
    "TokenBucket",
    "build_audience",
    "deliver",
    "plan_audience",
    "plan_messages",
    "sign",
]
