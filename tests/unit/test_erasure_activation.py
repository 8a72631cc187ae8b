"""Erasure beyond the lake: destinations' audiences, batches still queued, the outbox and the profiles."""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from cdp.activate.profiles import profile_items
from cdp.adapters.memory import MemoryCatalog, MemoryKeyValueStore, MemoryQueue, ScriptedTransport
from cdp.services.activation import deliver_message, publish_delivery
from cdp.services.erasure import ErasureTargets, forget
from cdp.services.erasure_api import parse_erasure_request
from cdp.services.ingest_api import InvalidBatch
from cdp.services.lake import Lake
from cdp.services.profiles import find_profiles, get_profile

from tests.unit.test_delivery_service import BUCKETS, _lake, _run

DESTINATIONS = ("mail", "crm", "files")


def _publish(lake: Lake, run_id: str, *destinations: str) -> list[str]:
    queue = MemoryQueue()
    for destination in destinations:
        publish_delivery(lake, queue, run_id, "fans", destination)
    return list(queue.messages.values())


def _deliver(lake: Lake, bodies: list[str], transport: ScriptedTransport) -> list[dict[str, Any]]:
    return [
        deliver_message(body, lake.store, BUCKETS, "outbox", lambda _r: "k", transport, sleep=lambda _s: None)
        for body in bodies
    ]


def _sent(transport: ScriptedTransport) -> list[tuple[str, str, dict[str, Any]]]:
    """(url, action, record) of every record posted."""
    return [
        (url, body["action"], record)
        for url, raw, _headers in transport.requests
        for body in [json.loads(raw)]
        for record in body["records"]
    ]


def _everything(lake: Lake, *buckets: str) -> str:
    return "\n".join(
        lake.store.get_bytes(bucket, item.key).decode("utf-8", "replace")
        for bucket in buckets
        for item in lake.store.list(bucket, "")
    )


@pytest.fixture
def activated() -> tuple[Lake, MemoryCatalog, list[str], ScriptedTransport]:
    """bob sent everywhere in r1; in r2 ann joins: the CRM and the files get her, her e-mail-tool add is
    still queued."""
    lake, catalog = _lake()
    transport = ScriptedTransport()
    _run(lake, catalog, "r1", {"bob": True})
    _deliver(lake, _publish(lake, "r1", *DESTINATIONS), transport)
    _run(lake, catalog, "r2", {"ann": True, "bob": True})
    _deliver(lake, _publish(lake, "r2", "crm", "files"), transport)
    queued = _publish(lake, "r2", "mail")
    return lake, catalog, queued, transport


def test_a_forgotten_person_gets_one_remove_per_destination_holding_them_then_vanishes(activated) -> None:
    lake, catalog, queued, transport = activated
    assert "ann@example.fr" in _everything(lake, "curated", "outbox")
    # When ann is forgotten while her add to the e-mail tool is still queued
    queue = MemoryQueue()
    receipt = forget(lake, "customer_id", "ann", targets=ErasureTargets("outbox", queue, None))
    # Then each destination whose current audience holds her gets one remove; the file export gets her id only
    removes = [json.loads(body) for body in queue.messages.values()]
    assert {(m["destination"], m["action"]) for m in removes} == {(d, "remove") for d in DESTINATIONS}
    records = {m["destination"]: m["records"] for m in removes}
    assert records == {
        "mail": [{"customer_id": "ann", "email": "ann@example.fr"}],
        "crm": [{"Id": "ann", "Mail": "ann@example.fr"}],
        "files": [{"customer_id": "ann"}],
    }
    assert all(m["run_id"] == f"erasure-{receipt['erasure_id']}" for m in removes)
    assert {(r["destination"], r["sent"]) for r in receipt["destination_removals"]} == {
        (d, True) for d in DESTINATIONS
    }
    # And no audience nor outbox file holds her any more, while bob's rows stay
    assert "ann@example.fr" not in _everything(lake, "curated", "outbox")
    exported = lake.store.get_bytes("outbox", "files/fans/run_id=r1/add-00000.csv")
    assert pacsv.read_csv(io.BytesIO(exported)).column("customer_id").to_pylist() == ["bob"]
    assert receipt["outbox_files"] == {
        "s3://outbox/files/fans/run_id=r2/add-00000.csv": "deleted (only their rows)"
    }
    # When the queued add is delivered, and the removes are
    transport.requests.clear()
    _deliver(lake, [*queued, *queue.messages.values()], transport)
    # Then she is never added, and removed once from each HTTP destination
    assert sorted((url, action) for url, action, _r in _sent(transport)) == [
        ("http://hook/crm", "remove"),
        ("http://hook/mail", "remove"),
    ]
    assert "ann@example.fr" not in _everything(lake, "outbox")
    # When the next run no longer has her
    _run(lake, catalog, "r3", {"bob": True})
    # Then no destination is sent anything about her again (nor anything at all: bob did not change)
    assert _publish(lake, "r3", *DESTINATIONS) == []


def test_without_a_delivery_queue_the_receipt_says_the_removes_were_not_sent(activated) -> None:
    lake, _catalog, _queued, _transport = activated
    receipt = forget(lake, "customer_id", "ann", targets=ErasureTargets("outbox"))
    assert {r["destination"]: r["sent"] for r in receipt["destination_removals"]} == {
        "mail": False,
        "crm": False,
        "files": False,
    }


def test_profiles_of_a_forgotten_person_are_deleted_and_shared_lookups_keep_the_others() -> None:
    # Given ann and bob's profiles, sharing a landline
    lake, catalog = _lake()
    _run(lake, catalog, "r1", {"ann": True, "bob": True})
    profiles = MemoryKeyValueStore()
    ann = {"customer_id": "ann", "emails": ["ann@example.fr"], "phones": ["+33145000000"], "consents": []}
    bob = {"customer_id": "bob", "emails": ["bob@example.fr"], "phones": ["+33145000000"], "consents": []}
    profiles.put_items(profile_items("r1", [ann, bob], [], [], []))
    # When ann is forgotten
    receipt = forget(lake, "customer_id", "ann", targets=ErasureTargets(profiles=profiles))
    # Then her profile and e-mail lookup are gone, and the shared phone leads to bob only
    assert get_profile(profiles, "ann") is None
    assert find_profiles(profiles, email="ann@example.fr") == []
    assert [p["customer_id"] for p in find_profiles(profiles, phone="01 45 00 00 00")] == ["bob"]
    assert receipt["profile_items_deleted"] == 2
    assert not any("ann" in json.dumps(item) for item in profiles.items.values())


def test_a_file_export_keeps_other_peoples_values_exactly() -> None:
    lake, catalog = _lake()
    _run(lake, catalog, "r1", {"ann": True, "bob": True})
    table = pa.table({"customer_id": ["ann", "bob"], "postcode": ["01000", "02100"]})
    sink = io.BytesIO()
    pacsv.write_csv(table, sink)
    lake.store.put_bytes("outbox", "files/fans/run_id=r1/add-00000.csv", sink.getvalue())
    forget(lake, "customer_id", "ann", targets=ErasureTargets("outbox"))
    kept = lake.store.get_bytes("outbox", "files/fans/run_id=r1/add-00000.csv").decode()
    assert kept.splitlines() == ['"customer_id","postcode"', '"bob","02100"']


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("[]", "expected a JSON object"),
        ('{"email": "a@b.fr", "phone": "0612345678"}', "exactly one of"),
        ('{"name": "Ann"}', "unknown field 'name'"),
        ('{"email": ""}', "non-empty string"),
        ('{"email": "a@b.fr", "include_raw": "yes"}', "true or false"),
    ],
)
def test_a_bad_erasure_request_is_refused_with_the_reason(body: str, detail: str) -> None:
    with pytest.raises(InvalidBatch, match=detail):
        parse_erasure_request(body)


def test_an_erasure_request_names_one_identifier() -> None:
    assert parse_erasure_request('{"phone": "06 12 34 56 78", "include_raw": true}') == (
        "phone",
        "06 12 34 56 78",
        True,
    )
