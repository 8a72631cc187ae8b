"""Segments across runs, the publish step's batches and the delivery of one queued batch (memory fakes)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from cdp.adapters.memory import (
    MemoryCatalog,
    MemoryObjectStore,
    MemoryQueue,
    ScriptedTransport,
    StaticQueryEngine,
)
from cdp.config import ConfigError, parse_segment
from cdp.ports import HttpResponse
from cdp.services.activation import (
    DeliveryFailed,
    deliver_message,
    evaluate_segments,
    publish_delivery,
    redrive,
)
from cdp.services.lake import Buckets, Lake, rows_to_table
from cdp.services.unify import commit_run
from cdp.tables import GOLDEN_CONTACT, SEGMENT_MEMBERSHIP

BUCKETS = Buckets("landing", "staging", "curated", "quarantine", "config")
GRANTED = {"channel": "email", "purpose": "marketing", "granted": True, "occurred_at": None}
SEGMENT = "name: fans\nsql: SELECT customer_id FROM golden_contact\ndestinations: [mail, crm, files]\n"
DESTINATIONS = {
    "mail": "name: mail\ntype: webhook\nurl: http://hook/mail\nbatch_size: 2\nmax_attempts: 3\n"
    "consent: {channel: email, purpose: marketing}\nfields: [customer_id, email]\n",
    "crm": "name: crm\ntype: crm_upsert\nurl: http://hook/crm\nmapping: {Id: customer_id, Mail: email}\n",
    "files": "name: files\ntype: file_export\nformat: csv\nfields: [customer_id, email]\n",
}


def _lake() -> tuple[Lake, MemoryCatalog]:
    store = MemoryObjectStore()
    store.put_bytes("config", "segments/fans.yaml", SEGMENT.encode())
    for name, text in DESTINATIONS.items():
        store.put_bytes("config", f"destinations/{name}.yaml", text.encode())
    catalog = MemoryCatalog(
        {t.name: f"s3://curated/{t.prefix}/" for t in (GOLDEN_CONTACT, SEGMENT_MEMBERSHIP)}
    )
    return Lake(store, BUCKETS), catalog


def _run(
    lake: Lake, catalog: MemoryCatalog, run_id: str, people: dict[str, bool], now: datetime | None = None
) -> dict[str, Any]:
    """One run: golden contacts (name -> consents to e-mail marketing), segments, commit."""
    golden = [
        {"customer_id": c, "email": f"{c}@example.fr", "consents": [GRANTED] if consent else []}
        for c, consent in people.items()
    ]
    lake.write_snapshot(GOLDEN_CONTACT, run_id, rows_to_table(golden, GOLDEN_CONTACT.schema))
    engine = StaticQueryEngine(lambda _sql: pa.table({"customer_id": list(people)}))
    result = evaluate_segments(lake, catalog, engine, run_id, now)
    commit_run(lake, catalog, run_id, "segments")
    return result


def _statuses(lake: Lake, run_id: str) -> dict[str, str]:
    return {r["customer_id"]: r["status"] for r in lake.read_snapshot(SEGMENT_MEMBERSHIP, run_id).to_pylist()}


def _published(lake: Lake, run_id: str, destination: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    queue = MemoryQueue()
    summary = publish_delivery(lake, queue, run_id, "fans", destination)
    return summary, [json.loads(body) for body in queue.messages.values()]


def test_membership_delta_across_two_runs_and_consent_aware_batches() -> None:
    # Given a first run with ann (consents), bob (does not) and cy (consents)
    lake, catalog = _lake()
    first = _run(lake, catalog, "r1", {"ann": True, "bob": False, "cy": True})
    assert first["segments"]["fans"] == {"size": 3, "entered": 3, "exited": 0, "refreshed": 1}
    summary, batches = _published(lake, "r1", "mail")
    # Then the e-mail tool gets ann and cy only; bob is never sent
    assert [r["customer_id"] for b in batches for r in b["records"]] == ["ann", "cy"]
    assert summary["excluded"] == 1
    # When ann leaves, dan arrives and cy withdraws (no consent statement any more in this run)
    _run(lake, catalog, "r2", {"bob": False, "cy": False, "dan": True})
    assert _statuses(lake, "r2") == {"ann": "exited", "bob": "stayed", "cy": "stayed", "dan": "entered"}
    _, batches = _published(lake, "r2", "mail")
    # Then dan is added, and ann (left) and cy (withdrew) are removed with the records they were sent
    sent = {(b["action"], r["customer_id"]) for b in batches for r in b["records"]}
    assert sent == {("add", "dan"), ("remove", "ann"), ("remove", "cy")}
    # And re-planning the same run (a retried step) plans the same batches under the same keys
    _, again = _published(lake, "r2", "mail")
    assert again == batches


def test_destinations_without_consent_needs_get_everyone_in_their_own_format() -> None:
    lake, catalog = _lake()
    _run(lake, catalog, "r1", {"ann": True, "bob": False})
    _, batches = _published(lake, "r1", "crm")
    assert batches[0]["records"] == [
        {"Id": "ann", "Mail": "ann@example.fr"},
        {"Id": "bob", "Mail": "bob@example.fr"},
    ]


def _deliver(lake: Lake, body: str, transport: ScriptedTransport) -> dict[str, Any]:
    return deliver_message(
        body, lake.store, BUCKETS, "outbox", lambda _ref: "k", transport, sleep=lambda _s: None
    )


def test_a_batch_answered_429_then_200_is_delivered_once_under_one_key() -> None:
    lake, catalog = _lake()
    _run(lake, catalog, "r1", {"ann": True})
    _, batches = _published(lake, "r1", "mail")
    transport = ScriptedTransport(
        lambda n, _b: HttpResponse(429, {"Retry-After": "0"}, b"") if n == 1 else HttpResponse(200, {}, b"")
    )
    result = _deliver(lake, json.dumps(batches[0]), transport)
    assert result["attempts"] == 2
    assert len({headers["Idempotency-Key"] for _u, _b, headers in transport.requests}) == 1
    assert json.loads(transport.requests[-1][1])["records"] == [
        {"customer_id": "ann", "email": "ann@example.fr"}
    ]


def test_a_500_storm_fails_the_batch_and_a_redrive_sends_it_back_once() -> None:
    lake, catalog = _lake()
    _run(lake, catalog, "r1", {"ann": True})
    _, batches = _published(lake, "r1", "mail")
    with pytest.raises(DeliveryFailed, match="HTTP 500 after 3 attempts"):
        _deliver(lake, json.dumps(batches[0]), ScriptedTransport(lambda n, b: HttpResponse(500, {}, b"")))
    # The queue parks it in the dead-letter queue; a redrive moves it back once
    dead_letters, queue = MemoryQueue(), MemoryQueue()
    dead_letters.send([json.dumps(batches[0])])
    assert redrive(dead_letters, queue) == 1
    assert (list(dead_letters.messages), list(queue.messages.values())) == ([], [json.dumps(batches[0])])


def test_file_exports_land_in_the_outbox_under_the_batch_name() -> None:
    lake, catalog = _lake()
    _run(lake, catalog, "r1", {"ann": True, "bob": False})
    _, batches = _published(lake, "r1", "files")
    result = _deliver(lake, json.dumps(batches[0]), ScriptedTransport())
    assert result["object"] == "s3://outbox/files/fans/run_id=r1/add-00000.csv"
    data = lake.store.get_bytes("outbox", "files/fans/run_id=r1/add-00000.csv")
    assert pacsv.read_csv(io.BytesIO(data)).column("customer_id").to_pylist() == ["ann", "bob"]


def test_a_malformed_message_is_refused_with_a_clear_error() -> None:
    lake, _ = _lake()
    with pytest.raises(ValueError, match="records"):
        _deliver(lake, json.dumps({"destination": "mail"}), ScriptedTransport())


def test_a_weekly_segment_keeps_its_members_between_refreshes() -> None:
    # Given a segment refreshed at most once a week, evaluated on day 0 with ann
    lake, catalog = _lake()
    lake.store.put_bytes("config", "segments/fans.yaml", (SEGMENT + "schedule: rate(7 days)\n").encode())
    day0 = datetime(2026, 11, 2, tzinfo=UTC)
    assert _run(lake, catalog, "r1", {"ann": True}, day0)["deliveries"]
    # When the next daily run sees bob instead, the segment is not due: ann stays, nothing is sent
    second = _run(lake, catalog, "r2", {"bob": True}, day0 + timedelta(days=1))
    assert (second["segments"]["fans"]["refreshed"], second["deliveries"]) == (0, [])
    assert _statuses(lake, "r2") == {"ann": "stayed"}
    # And a week later it is refreshed
    third = _run(lake, catalog, "r3", {"bob": True}, day0 + timedelta(days=7))
    assert _statuses(lake, "r3") == {"ann": "exited", "bob": "entered"} and third["deliveries"]


def test_an_unknown_schedule_is_refused() -> None:
    with pytest.raises(ConfigError, match="schedule"):
        parse_segment("name: s\nsql: SELECT 1\nschedule: every full moon\n")


def test_the_rate_limit_spans_the_batches_of_a_destination() -> None:
    # Given a destination limited to one request a second, and two batches delivered at the same instant
    lake, catalog = _lake()
    lake.store.put_bytes(
        "config", "destinations/mail.yaml", (DESTINATIONS["mail"] + "rate_per_second: 1\n").encode()
    )
    _run(lake, catalog, "r1", {"ann": True, "bea": True, "cy": True})
    _, batches = _published(lake, "r1", "mail")
    sleeps: list[float] = []
    limits: dict[str, Any] = {}
    for batch in batches:
        deliver_message(
            json.dumps(batch),
            lake.store,
            BUCKETS,
            "outbox",
            lambda _r: "k",
            ScriptedTransport(),
            sleep=sleeps.append,
            clock=lambda: 1_000.0,
            rate_limits=limits,
        )
    # Then the second batch waits for a token
    assert len(batches) == 2 and sleeps == [0.0, 1.0]


def test_a_segment_naming_an_unknown_destination_stops_the_run_with_a_clear_error() -> None:
    lake, catalog = _lake()
    lake.store.put_bytes("config", "segments/fans.yaml", SEGMENT.replace("files]", "files, fax]").encode())
    with pytest.raises(ConfigError, match="unknown destination 'fax'"):
        _run(lake, catalog, "r1", {"ann": True})
