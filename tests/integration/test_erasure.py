"""Erasure on the demo's lake: forget one person, find no trace of them in any Parquet object, and keep
them out when a later file brings them back."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from cdp.cli import main
from cdp.local.demo import DemoResult
from cdp.local.stack import LocalCdp

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _traces(lake: Path, email: str, phones: set[str], first: str, last: str) -> list[str]:
    """Where the person still appears: their e-mail, a phone (any formatting) or their full name in a row."""
    national = {phone[3:] for phone in phones}
    found = []
    for path in lake.rglob("*.parquet"):
        for row in pq.read_table(path).to_pylist():
            texts = [s.casefold() for s in _strings(row)]
            digits = {re.sub(r"\D", "", s) for s in texts}
            if (
                any(email in s for s in texts)
                or any(n in d for n in national for d in digits)
                or (first.casefold() in texts and last.casefold() in texts)
            ):
                found.append(str(path.relative_to(lake)))
    return found


def test_a_forgotten_person_leaves_no_trace_and_stays_out(
    demo: DemoResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(demo.lake, lake)
    # Given a customer known from the CRM and the web forms, with purchases and e-mail events
    golden = pq.read_table(next(lake.glob("cdp-curated-*/golden_contact/run_id=run-0001/*.parquet")))
    person = next(
        row
        for row in golden.to_pylist()
        if {"crm", "webforms"} <= set(row["sources"]) and row["first_name"] and row["phone"]
    )
    email, first, last = person["email"], person["first_name"], person["last_name"]
    phones = set(person["phones"])
    assert _traces(lake, email, phones, first, last)
    # When they are forgotten by e-mail
    assert main(["forget", "--email", email.upper(), "--lake", str(lake)]) == 0
    receipt = json.loads(capsys.readouterr().out)
    # Then no Parquet object of any bucket holds their e-mail, phone or name, in any snapshot
    assert _traces(lake, email, phones, first, last) == []
    assert receipt["customers_found"] == 1 and receipt["rows_removed_total"] >= 3
    assert any(item["key"].startswith("crm/") and item["action"] == "kept" for item in receipt["raw_objects"])
    # And the receipt (kept in the config bucket) carries only a hash of them
    stored = next(lake.glob("cdp-config-*/erasure/receipts/*.json")).read_text()
    assert email not in stored.lower() and last not in stored

    # Given a later CRM export bringing them back, beside someone new
    export = tmp_path / "retour.csv"
    export.write_bytes(
        "Code client;Prénom;Nom;E-mail;Téléphone\r\n"
        f"R1;{first};{last};{email};{person['phone']}\r\n"
        "R2;Zoé;Nouvelle;zoe.nouvelle@orange.fr;06 11 22 33 44\r\n".encode("cp1252")
    )
    # When it is ingested and a run follows
    assert main(["ingest", str(export), "--source", "crm", "--lake", str(lake)]) == 0
    printed = capsys.readouterr().out
    assert main(["run", "--lake", str(lake), "--run-id", "run-0002"]) == 0
    # Then their row is quarantined as erased, without its values, and they are still nowhere
    assert "staged 1, quarantined 1" in printed and "erased: 1" in printed
    assert _traces(lake, email, phones, first, last) == []


def _document_traces(lake: Path, email: str, phones: set[str], first: str, last: str) -> list[str]:
    """Where the person still appears in a CSV row or a JSON object (exported files, audiences, profiles,
    reports): their e-mail or a phone anywhere in it, or their first and last name as two of its values
    (not two items of a list: a file profile's most frequent first and last names are other people's)."""
    national = {phone[3:] for phone in phones}

    def about_them(texts: list[str], fields: list[str]) -> bool:
        folded = [t.casefold() for t in texts]
        digits = {re.sub(r"\D", "", t) for t in folded}
        names = {f.casefold() for f in fields}
        return (
            any(email in t for t in folded)
            or any(n in d for n in national for d in digits)
            or {first.casefold(), last.casefold()} <= names
        )

    def objects(value: Any) -> list[dict[str, Any]]:
        if isinstance(value, dict):
            return [value, *(o for item in value.values() for o in objects(item))]
        if isinstance(value, list):
            return [o for item in value for o in objects(item)]
        return []

    found = []
    for path in [*lake.rglob("*.csv"), *lake.rglob("*.json")]:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", errors="replace", newline="") as handle:
                rows = [(row, row) for row in csv.reader(handle)]
        else:
            rows = [
                (
                    [s for v in o.values() if not isinstance(v, dict) for s in _strings(v)],
                    [v for v in o.values() if isinstance(v, str)],
                )
                for o in objects(json.loads(path.read_text(encoding="utf-8")))
            ]
        if any(about_them(texts, fields) for texts, fields in rows):
            found.append(str(path.relative_to(lake)))
    return found


def _about(records: list[dict[str, Any]], customer_id: str, email: str) -> list[dict[str, Any]]:
    return [r for r in records if customer_id in r.values() or email in json.dumps(r).lower()]


def test_forgetting_through_the_api_reaches_profiles_audiences_and_the_outbox(
    demo: DemoResult, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    shutil.copytree(demo.lake, lake)
    with LocalCdp(ROOT) as cdp:
        cdp.restore(lake)
        assert cdp.run_unify("run-0002")["status"] == "SUCCEEDED"
        cdp.settle_deliveries()
        # Given a customer the partner files (a CSV export with names and e-mails) were sent
        curated = cdp.buckets.curated
        audience_key = "_audiences/partner_files/b2b_idf_recent_buyers/run_id=run-0002.json"
        audience = json.loads(cdp.store.get_bytes(curated, audience_key))
        golden = {r["customer_id"]: r for r in cdp.query("SELECT * FROM golden_contact").to_pylist()}
        person = next(golden[c] for c in sorted(audience) if golden[c]["phone"] and golden[c]["first_name"])
        customer_id, email = person["customer_id"], person["email"]
        phones, first, last = set(person["phones"]), person["first_name"], person["last_name"]
        assert cdp.api_get(f"/v1/profiles/{customer_id}")[0] == 200
        export = cdp.export(tmp_path / "before")
        assert any(p.endswith(".csv") for p in _document_traces(export, email, phones, first, last))
        before = len(cdp.receiver.received.batches)
        # When they are forgotten through the API, landed files holding them included
        status, answer = cdp.api_post("/v1/erasures", {"email": email, "include_raw": True})
        cdp.settle_deliveries()
        # Then the API answers with the receipt id only, and the profile API no longer knows them
        assert status == 202 and set(answer) == {"erasure_id", "receipt"}
        assert cdp.api_get(f"/v1/profiles/{customer_id}")[0] == 404
        assert cdp.api_get("/v1/profiles", {"email": email})[0] == 404
        # And each HTTP destination holding them got one remove, nothing else
        sent = list(cdp.receiver.received.batches.values())[before:]
        assert sent and {b["action"] for b in sent} == {"remove"}
        assert all(len(_about(b["records"], customer_id, email)) == len(b["records"]) for b in sent)
        # And no Parquet, CSV or JSON object of the lake holds their e-mail, phone or name
        after = cdp.export(tmp_path / "after")
        assert _traces(after, email, phones, first, last) == []
        assert _document_traces(after, email, phones, first, last) == []
        # When the next run follows
        seen = len(cdp.receiver.received.batches)
        assert cdp.run_unify("run-0003")["status"] == "SUCCEEDED"
        cdp.settle_deliveries()
        # Then they are neither brought back nor sent again, and the profile API still does not know them
        later = [r for b in list(cdp.receiver.received.batches.values())[seen:] for r in b["records"]]
        assert _about(later, customer_id, email) == []
        assert cdp.api_get(f"/v1/profiles/{customer_id}")[0] == 404
        final = cdp.export(tmp_path / "final")
        assert _traces(final, email, phones, first, last) == []
        assert _document_traces(final, email, phones, first, last) == []
