"""The whole pipeline on the embedded emulator, as `make demo` runs it, with real outputs checked."""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from cdp.activate import build_audience
from cdp.config import parse_destination, parse_segment
from cdp.golden.consent import permits
from cdp.local.demo import DemoResult
from cdp.model import GOLDEN_CONTACT_SCHEMA

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def _pairs(groups: dict[str, set[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(pair)) for members in groups.values() for pair in combinations(members, 2)}


def test_the_run_succeeds_and_every_row_is_accounted_for(demo: DemoResult) -> None:
    assert demo.run["status"] == "SUCCEEDED", demo.run
    assert all(report["reconciled"] for report in demo.reports)
    assert demo.rows_in == demo.staged + demo.quarantined
    assert demo.staged > 0


def test_malformed_input_lands_in_quarantine_with_a_reason(demo: DemoResult) -> None:
    # Given a sample with one broken CRM row and one unreadable file
    crm = next(r for r in demo.reports if r["object_key"] == "crm/contacts_2026-11.csv")
    corrupt = next(r for r in demo.reports if r["object_key"] == "crm/export_corrompu.csv")
    # Then the row is quarantined with its reason, and the file with an error document
    assert crm["quarantined"] == 1
    assert list(crm["reasons"]) == ["unreadable row"]
    assert corrupt["status"] == "unreadable" and "binary" in corrupt["error"]
    error_docs = list((demo.lake).glob("cdp-quarantine-*/files/source=crm/*/*.json"))
    assert len(error_docs) == 1
    assert json.loads(error_docs[0].read_text())["object_key"] == "crm/export_corrompu.csv"
    rows = pq.read_table(next(demo.lake.glob("cdp-quarantine-*/quarantine_rows/source=crm/*/*.parquet")))
    assert rows.column("raw").to_pylist()[0].startswith("CRM999999;")


def test_an_idempotent_api_retry_lands_once(demo: DemoResult) -> None:
    assert demo.api_statuses == [202, 202, 202]
    webforms = [r for r in demo.reports if r["source"] == "webforms"]
    assert len(webforms) == 2
    assert sum(r["staged"] for r in webforms) == sum(len(b) for b in demo.sample.api_batches)


def test_golden_contacts_match_the_known_people(demo: DemoResult) -> None:
    # The customer ids of every source record, from the exported xref snapshot
    xref = pq.read_table(
        next(demo.lake.glob("cdp-curated-*/xref_contact/run_id=run-0001/*.parquet"))
    ).to_pylist()
    predicted: dict[str, set[str]] = {}
    truth: dict[str, set[str]] = {}
    for row in xref:
        key = f"{row['source']}/{row['source_id']}"
        predicted.setdefault(row["customer_id"], set()).add(key)
        truth.setdefault(demo.sample.truth[(row["source"], row["source_id"])], set()).add(key)
    assert len(xref) == len(demo.sample.truth)
    predicted_pairs, true_pairs = _pairs(predicted), _pairs(truth)
    precision = len(predicted_pairs & true_pairs) / len(predicted_pairs)
    recall = len(predicted_pairs & true_pairs) / len(true_pairs)
    assert precision >= 0.98, precision
    assert recall >= 0.95, recall
    assert abs(demo.golden_contacts - demo.sample.persons) <= max(2, demo.sample.persons // 50)
    assert demo.golden_accounts == demo.sample.companies


def test_golden_tables_have_the_published_schema(demo: DemoResult) -> None:
    table = pq.read_table(next(demo.lake.glob("cdp-curated-*/golden_contact/run_id=run-0001/*.parquet")))
    assert table.schema.remove_metadata().equals(GOLDEN_CONTACT_SCHEMA)
    lineage = [item for items in table.column("lineage").to_pylist() for item in items]
    assert {"attribute", "value", "source", "source_id", "rule"} == set(lineage[0])
    catalog = json.loads((demo.lake / "catalog.json").read_text())
    assert catalog["tables"]["golden_contact"].endswith("/golden_contact/run_id=run-0001/")


def test_segments_are_published_once_despite_errors_and_only_with_consent(demo: DemoResult) -> None:
    segments = {
        s.name: s
        for s in (parse_segment(p.read_text()) for p in (ROOT / "config" / "segments").glob("*.yaml"))
    }
    assert set(demo.segments) == set(segments)
    assert all(sizes["size"] > 0 for sizes in demo.segments.values())
    golden = {
        row["customer_id"]: row
        for row in pq.read_table(
            next(demo.lake.glob("cdp-curated-*/golden_contact/run_id=run-0001/*.parquet"))
        ).to_pylist()
    }
    members = pq.read_table(
        next(demo.lake.glob("cdp-curated-*/segment_membership/run_id=run-0001/*.parquet"))
    ).to_pylist()
    # The receiver answered 429 then 500 first; every batch was still accepted exactly once, through the queue
    assert demo.published["failures_answered"] == [429, 500]
    assert (demo.published["duplicates_dropped"], demo.published["dead_letters"]) == (0, 0)
    received: Counter[str] = Counter()
    for batch in demo.published["accepted_batches"]:
        received[batch["destination"]] += len(batch["records"])
    for path in (ROOT / "config" / "destinations").glob("*.yaml"):
        config = parse_destination(path.read_text())
        if config.type == "file_export":
            continue
        audiences = [
            build_audience(config, [m["customer_id"] for m in members if m["segment"] == name], golden)
            for name, segment in segments.items()
            if config.name in segment.destinations
        ]
        expected = sum(len(audience) for audience in audiences)
        assert received[config.name] == expected, config.name
    # Nobody without the e-mail marketing consent reached the e-mail tool
    mailed = [
        record["customer_id"]
        for batch in demo.published["accepted_batches"]
        if batch["destination"] == "email_tool"
        for record in batch["records"]
    ]
    assert all(permits(golden[c]["consents"], "email", "marketing") for c in mailed)
    assert received["crm"] > 0
    assert demo.published["files"] and all(f.startswith("partner_files/") for f in demo.published["files"])


def test_the_athena_style_query_answers(demo: DemoResult) -> None:
    assert len(demo.query_rows) == 5
    revenues = [row["revenue"] for row in demo.query_rows]
    assert revenues == sorted(revenues, reverse=True) and revenues[0] > 0


def test_b2b_accounts_are_verified_by_the_register_and_contacts_attach_to_their_company(
    demo: DemoResult,
) -> None:
    # Given the sample's register: one company known only by its head office, one whose ERP
    # establishment is closed, one missing
    assert demo.accounts_by_register_status == {"verified": 8, "closed": 1, "not_found": 1}
    # Then contacts attach to their company's account by each kind of evidence, and only to it
    assert set(demo.links_by_evidence) == {"source link", "siret", "e-mail domain"}
    snapshot = "cdp-curated-*/{}/run_id=run-0001/*.parquet"
    xref = pq.read_table(next(demo.lake.glob(snapshot.format("xref_contact")))).to_pylist()
    links = pq.read_table(next(demo.lake.glob(snapshot.format("contact_account")))).to_pylist()
    accounts = pq.read_table(next(demo.lake.glob(snapshot.format("xref_account")))).to_pylist()
    code_of_account = {row["account_id"]: row["source_id"] for row in accounts}
    persons_of = {}
    for row in xref:
        persons_of.setdefault(row["customer_id"], set()).add(
            demo.sample.truth[(row["source"], row["source_id"])]
        )
    linked = {
        person: code_of_account[link["account_id"]]
        for link in links
        for person in persons_of[link["customer_id"]]
    }
    # Every company person some contact source knows is linked to the right company, and nobody else
    known = set(demo.sample.truth.values())
    assert linked == {person: code for person, code in demo.sample.works_at.items() if person in known}


def test_the_profile_api_returns_a_360_view_of_a_demo_customer(demo: DemoResult) -> None:
    top = demo.query_rows[0]
    status, view = demo.profile["by_id"]
    assert status == 200 and view["customer_id"] == top["customer_id"]
    assert view["golden"]["email"] == top["email"]
    assert view["source_records"] and all({"source", "source_id"} == set(s) for s in view["source_records"])
    assert view["metrics"]["revenue"] == top["revenue"] and "high_value" in view["segments"]
    assert isinstance(view["consents"], list)
    # The same customer by e-mail (whatever its case), and a clear 404 for an unknown one
    assert demo.profile["by_email"] == (200, {"profiles": [view]})
    assert demo.profile["unknown"][0] == 404
