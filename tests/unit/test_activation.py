"""Membership deltas and webhook delivery: batching, signatures, retries, failures."""

from __future__ import annotations

import random

from cdp.activate import OutgoingBatch, RetryPolicy, TokenBucket, deliver, plan_audience, plan_messages, sign
from cdp.adapters.memory import ScriptedTransport
from cdp.ports import HttpResponse
from cdp.segments import membership_delta


def test_membership_delta() -> None:
    delta = membership_delta(["a", "b", "c"], ["b", "c", "d"])
    assert (delta.entered, delta.stayed, delta.exited, delta.size) == (["d"], ["b", "c"], ["a"], 3)
    assert delta.rows("s", "r1")[0] == {
        "segment": "s",
        "customer_id": "d",
        "status": "entered",
        "run_id": "r1",
    }


def _deliver(transport: ScriptedTransport, batches: int = 1, attempts: int = 4) -> tuple:
    sleeps: list[float] = []
    now = [1_000.0]

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    plan = plan_audience({}, {str(i): {"customer_id": str(i)} for i in range(batches)})
    planned = [OutgoingBatch.of(m) for m in plan_messages("dest", "seg", "run", plan, 1)]
    report = deliver(
        planned,
        url="http://hook",
        secret="k",
        transport=transport,
        policy=RetryPolicy(max_attempts=attempts),
        bucket=TokenBucket(100, 100, lambda: now[0]),
        sleep=sleep,
        clock=lambda: now[0],
        rng=random.Random(0),
    )
    return report, sleeps


def test_429_then_200_delivers_once_honouring_retry_after() -> None:
    transport = ScriptedTransport(
        lambda n, _b: HttpResponse(429, {"Retry-After": "3"}, b"") if n == 1 else HttpResponse(200, {}, b"")
    )
    report, sleeps = _deliver(transport)
    assert (report.delivered_batches, report.attempts, report.failed) == (1, 2, [])
    assert 3.0 in sleeps
    keys = {headers["Idempotency-Key"] for _u, _b, headers in transport.requests}
    assert len(keys) == 1  # the retry carries the same key


def test_a_500_storm_fails_the_batch_after_the_attempts_and_others_go_on() -> None:
    transport = ScriptedTransport(
        lambda n, body: HttpResponse(500, {}, b"") if b'"batch":0' in body else HttpResponse(200, {}, b"")
    )
    report, _ = _deliver(transport, batches=2, attempts=3)
    assert report.delivered_batches == 1
    assert report.failed[0]["reason"] == "HTTP 500 after 3 attempts"


def test_client_errors_are_not_retried() -> None:
    report, _ = _deliver(ScriptedTransport(lambda n, b: HttpResponse(400, {}, b"")))
    assert report.attempts == 1 and report.failed[0]["reason"] == "HTTP 400"


def test_signature_covers_timestamp_and_body() -> None:
    assert sign("k", "1", b"x") == sign("k", "1", b"x") != sign("k", "2", b"x")
    assert sign("k", "1", b"x").startswith("sha256=")
