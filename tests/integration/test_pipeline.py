"""The whole pipeline on the embedded emulator, as `make demo` runs it, with real outputs checked."""

from __future__ import annotations

import json
from itertools import combinations

import pyarrow.parquet as pq
import pytest
from cdp.local.demo import DemoResult
from cdp.model import GOLDEN_CONTACT_SCHEMA

pytestmark = pytest.mark.integration


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


def test_segments_are_published_once_despite_errors(demo: DemoResult) -> None:
    assert set(demo.segments) == {"high_value", "engaged_opt_in", "b2b_contacts"}
    assert all(sizes["size"] > 0 for sizes in demo.segments.values())
    # The receiver answered 429 then 500 first; every member still arrived exactly once.
    assert demo.published["failures_answered"] == [429, 500]
    expected = sum(sizes["entered"] for sizes in demo.segments.values())
    assert demo.published["records"] == expected
    assert demo.published["duplicates_dropped"] == 0


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
