"""Stable ids across unify runs and an unlink posted to the API, through the local stack."""

from __future__ import annotations

import json
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from cdp.local.demo import DemoResult
from cdp.local.stack import LocalCdp

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _xref(cdp: LocalCdp) -> dict[str, str]:
    rows = cdp.query("SELECT source, source_id, customer_id FROM xref_contact").to_pylist()
    return {f"{r['source']}:{r['source_id']}": r["customer_id"] for r in rows}


def test_a_second_run_keeps_every_id_and_honours_an_unlink_posted_to_the_api(demo: DemoResult) -> None:
    with LocalCdp(ROOT) as cdp:
        # Given the demo's lake after its first run, and a customer of two records
        cdp.restore(demo.lake)
        before = _xref(cdp)
        sizes = Counter(before.values())
        first, second = sorted(
            k for k, c in before.items() if sizes[c] == 2 and c == min(c for c, n in sizes.items() if n == 2)
        )
        # When a steward unlinks them through the API and the unify workflow runs again
        body = {"kind": "separate", "first": first, "second": second, "by": "alice", "why": "two people"}
        request = urllib.request.Request(
            f"{cdp.gateway.url}/v1/overrides",
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "x-api-key": cdp.stack.api_keys[0]},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback gateway
            assert response.status == 201
        assert cdp.run_unify("run-0002")["status"] == "SUCCEEDED"
        after = _xref(cdp)
        ledger = cdp.query(
            "SELECT event, customer_id, other_id, record_keys FROM identity_ledger "
            "WHERE run_id = 'run-0002' AND entity = 'contact'"
        ).to_pylist()
    # Then every other record keeps its id, the smallest record keeps the pair's id, the other a new one
    assert {k: v for k, v in after.items() if k != second} == {k: v for k, v in before.items() if k != second}
    assert after[first] == before[first] != after[second]
    # And the ledger, queryable like any table, holds the unlink and the split
    events = {(e["event"], e["customer_id"], e["other_id"]) for e in ledger}
    assert events == {
        ("created", after[second], None),
        ("split", before[first], after[second]),
        ("unlinked", before[first], after[second]),
    }
