"""Sending batches over HTTP (webhook, customer-match and CRM destinations): an HMAC signature, the
batch's idempotency key, a token-bucket rate limit, and retries with exponential backoff and jitter
that honour Retry-After.

Sleeping and time come in as functions, so the policy is tested without waiting.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

from cdp.activate.batches import BatchMessage
from cdp.ports import HttpTransport

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class OutgoingBatch:
    """One request's worth of changes."""

    idempotency_key: str
    body: bytes
    records: int

    @classmethod
    def of(cls, message: BatchMessage) -> OutgoingBatch:
        """The request of one queued batch."""
        return cls(message.idempotency_key, message.http_body(), len(message.records))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` HMAC of `timestamp.body`; the timestamp in the signed text stops replays."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped; Retry-After wins when the server sends it."""

    max_attempts: int = 5
    base_seconds: float = 0.5
    cap_seconds: float = 30.0

    def delay(self, attempt: int, retry_after: str | None, now: float, rng: random.Random) -> float:
        """Seconds to wait before attempt number `attempt + 1` (attempt counts from 1)."""
        if retry_after:
            try:
                return min(self.cap_seconds, max(0.0, float(retry_after)))
            except ValueError:
                try:
                    return min(
                        self.cap_seconds, max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
                    )
                except (TypeError, ValueError):
                    pass
        return rng.uniform(0, min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1)))


class TokenBucket:
    """At most `rate` requests a second on average, with bursts up to `capacity`."""

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        self._rate, self._capacity, self._clock = rate, capacity, clock
        self._tokens = capacity
        self._stamp = clock()

    def wait_time(self) -> float:
        """Take a token; return how long to wait first (0 when one is available)."""
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._stamp) * self._rate)
        self._stamp = now
        self._tokens -= 1
        return 0.0 if self._tokens >= 0 else -self._tokens / self._rate


@dataclass
class DeliveryReport:
    """What a delivery did."""

    batches: int = 0
    delivered_batches: int = 0
    delivered_records: int = 0
    attempts: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)


def deliver(
    batches: Sequence[OutgoingBatch],
    *,
    url: str,
    secret: str,
    transport: HttpTransport,
    policy: RetryPolicy,
    bucket: TokenBucket,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    rng: random.Random,
    timeout: float = 10.0,
) -> DeliveryReport:
    """Send each batch until it is accepted (2xx) or fails for good (non-retryable status, or attempts
    exhausted). A failed batch does not stop the others; it is reported with its last status."""
    report = DeliveryReport(batches=len(batches))
    for batch in batches:
        outcome = _send_with_retries(
            batch, url, secret, transport, policy, bucket, sleep, clock, rng, timeout, report
        )
        if outcome is None:
            report.delivered_batches += 1
            report.delivered_records += batch.records
        else:
            report.failed.append(
                {"idempotency_key": batch.idempotency_key, "records": batch.records, "reason": outcome}
            )
    return report


def _send_with_retries(
    batch: OutgoingBatch,
    url: str,
    secret: str,
    transport: HttpTransport,
    policy: RetryPolicy,
    bucket: TokenBucket,
    sleep: Callable[[float], None],
    clock: Callable[[], float],
    rng: random.Random,
    timeout: float,
    report: DeliveryReport,
) -> str | None:
    """Send one batch; None when accepted, else why it failed for good."""
    failure = ""
    for attempt in range(1, policy.max_attempts + 1):
        sleep(bucket.wait_time())
        timestamp = str(int(clock()))
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": batch.idempotency_key,
            "X-CDP-Timestamp": timestamp,
            "X-CDP-Signature": sign(secret, timestamp, batch.body),
        }
        report.attempts += 1
        retry_after: str | None = None
        try:
            response = transport.post(url, batch.body, headers, timeout)
        except OSError as error:
            failure = f"connection error: {error}"
        else:
            if 200 <= response.status < 300:
                return None
            failure = f"HTTP {response.status}"
            if response.status not in RETRYABLE:
                return failure
            retry_after = {k.lower(): v for k, v in response.headers.items()}.get("retry-after")
        if attempt < policy.max_attempts:
            sleep(policy.delay(attempt, retry_after, clock(), rng))
    return f"{failure} after {policy.max_attempts} attempts"
