"""Consent statements reach the golden contact: from consent records and the contacts' own opt-in."""

from __future__ import annotations

from datetime import UTC, datetime

from cdp.golden import attribute_consents, golden_consents, permits
from cdp.model import Entity
from cdp.services.unify import merge_run
from cdp.tables import GOLDEN_CONTACT

from tests.unit.lake_helpers import new_lake, stage, write_xref


def _at(month: int) -> datetime:
    return datetime(2026, month, 1, tzinfo=UTC)


CONTACTS = [
    {
        "source": "crm",
        "source_id": "CRM1",
        "customer_id": "C-1",
        "customer_number": "FID1",
        "email_key": "anne@x.fr",
        "email_valid": True,
        "phone": "+33611111111",
        "phone_valid": True,
    },
    {"source": "web", "source_id": "W1", "customer_id": "C-2", "email_key": "bob@x.fr", "email_valid": True},
    {"source": "web", "source_id": "W2", "customer_id": "C-3", "email_key": "bob@x.fr", "email_valid": True},
]


def _consent(sid: str, granted: bool | None, month: int, **who: str) -> dict:
    return {
        "source": "consents",
        "source_id": sid,
        "channel": "email",
        "purpose": "marketing",
        "granted": granted,
        "occurred_at": _at(month),
        **who,
    }


def test_consent_records_find_their_customer_by_reference_email_or_phone() -> None:
    # Given statements naming a customer by record id, customer number, e-mail, phone, an ambiguous
    # e-mail (two customers) and no one
    rows = [
        _consent("K1", True, 1, customer_ref="CRM1"),
        _consent("K2", True, 2, customer_ref="FID1"),
        _consent("K3", False, 3, email_key="anne@x.fr"),
        _consent("K4", True, 4, phone="+33611111111"),
        _consent("K5", True, 5, email_key="bob@x.fr"),
        _consent("K6", True, 6, email_key="nobody@x.fr"),
        _consent("K7", None, 7, customer_ref="CRM1"),  # not a recognised yes/no
    ]
    # When they are attributed
    found = attribute_consents(rows, CONTACTS)
    # Then only the unambiguous ones with a decision reach a customer
    assert {c: [s["source_id"] for s in statements] for c, statements in found.items()} == {
        "C-1": ["K1", "K2", "K3", "K4"]
    }


def test_a_later_opt_out_overrides_an_earlier_opt_in_and_the_opt_in_flag_agrees() -> None:
    # Given a CRM record opted in in March and a consent record opting out in June
    records = [{"source": "crm", "source_id": "CRM1", "email_opt_in": True, "updated_at": _at(3)}]
    statements = attribute_consents([_consent("K1", False, 6, customer_ref="CRM1")], CONTACTS)["C-1"]
    # When they are combined
    consents, deciding = golden_consents(records, statements)
    # Then both are kept, oldest first, and the opt-out decides
    assert [(s["source"], s["granted"]) for s in consents] == [("crm", True), ("consents", False)]
    assert deciding is not None and deciding["source_id"] == "K1"
    assert not permits(consents, "email", "marketing")


def test_no_statement_leaves_the_opt_in_unknown() -> None:
    consents, deciding = golden_consents([{"source": "crm", "source_id": "1", "email_opt_in": None}])
    assert consents == [] and deciding is None


def test_merge_fills_consents_and_opt_in_with_lineage() -> None:
    # Given one customer opted in by the CRM, then opted out through the consent source
    lake, _catalog = new_lake()
    stage(
        lake,
        Entity.CONTACT,
        "crm",
        [
            {
                "source_id": "CRM1",
                "last_name": "Roux",
                "email": "anne@x.fr",
                "email_key": "anne@x.fr",
                "email_valid": True,
                "email_opt_in": True,
                "updated_at": _at(3),
            }
        ],
    )
    stage(lake, Entity.CONSENT, "consents", [_consent("K1", False, 6, email_key="anne@x.fr")], trust=2)
    write_xref(lake, "run-1", {("crm", "CRM1"): "C-1"})
    # When the run merges
    summary = merge_run(lake, "run-1")
    # Then the golden contact carries both statements and is opted out, traced to the consent record
    golden = lake.read_snapshot(GOLDEN_CONTACT, "run-1").to_pylist()[0]
    assert summary["consent_statements"] == 2
    assert [s["granted"] for s in golden["consents"]] == [True, False]
    assert golden["email_opt_in"] is False
    lineage = {item["attribute"]: item for item in golden["lineage"]}
    assert (lineage["email_opt_in"]["source_id"], lineage["email_opt_in"]["rule"]) == ("K1", "latest consent")
