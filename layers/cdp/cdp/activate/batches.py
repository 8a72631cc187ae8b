"""Batches of audience changes: what the publish step enqueues and the delivery function sends.

A batch's idempotency key depends only on what the batch is (destination, segment, run, action,
number), so a retried, re-planned or redriven batch carries the same key and the receiver can drop
the duplicate.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from cdp.activate.audience import AudiencePlan

Action = Literal["add", "remove"]


class BatchMessage(BaseModel):
    """One batch of one destination, as it travels on the delivery queue."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    destination: str
    segment: str
    run_id: str
    action: Action
    batch: int
    idempotency_key: str
    records: list[dict[str, Any]]

    def http_body(self) -> bytes:
        """The JSON body an HTTP destination receives (stable bytes: the signature covers them)."""
        payload = {
            "destination": self.destination,
            "segment": self.segment,
            "run_id": self.run_id,
            "action": self.action,
            "batch": self.batch,
            "records": self.records,
        }
        return json.dumps(payload, separators=(",", ":"), sort_keys=True, default=str).encode()


def idempotency_key(destination: str, segment: str, run_id: str, action: str, number: int) -> str:
    """The key of one batch, the same however many times it is planned or sent."""
    return hashlib.sha256(f"{destination}|{segment}|{run_id}|{action}|{number}".encode()).hexdigest()[:32]


def plan_messages(
    destination: str, segment: str, run_id: str, plan: AudiencePlan, batch_size: int
) -> list[BatchMessage]:
    """Split a plan's adds and removes into batches of at most `batch_size` records."""
    messages = []
    action: Action
    for action, records in (("add", plan.add), ("remove", plan.remove)):
        messages += [
            BatchMessage(
                destination=destination,
                segment=segment,
                run_id=run_id,
                action=action,
                batch=number,
                idempotency_key=idempotency_key(destination, segment, run_id, action, number),
                records=list(chunk),
            )
            for number, chunk in enumerate(_chunks(records, batch_size))
        ]
    return messages


def _chunks(records: Sequence[dict[str, Any]], size: int) -> list[Sequence[dict[str, Any]]]:
    return [records[start : start + size] for start in range(0, len(records), size)]
