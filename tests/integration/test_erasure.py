"""Erasure on the demo's lake: forget one person, find no trace of them in any Parquet object, and keep
them out when a later file brings them back."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from cdp.cli import main
from cdp.local.demo import DemoResult

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
