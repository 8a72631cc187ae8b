"""Survivorship rules, lineage, contact-account links and metrics."""

from __future__ import annotations

from datetime import UTC, datetime

from cdp.golden import CONTACT_RULES, build_golden, choose, customer_metrics

OLD = datetime(2025, 1, 1, tzinfo=UTC)
NEW = datetime(2026, 6, 1, tzinfo=UTC)


def _record(source: str, sid: str, trust: int, updated: datetime | None, **fields: object) -> dict:
    return {"source": source, "source_id": sid, "trust_rank": trust, "updated_at": updated, **fields}


def test_valid_values_win_then_trust_then_recency() -> None:
    records = [
        _record("web", "1", 3, NEW, email="bad@", email_valid=False),
        _record("crm", "2", 1, OLD, email="a@x.fr", email_valid=True),
        _record("shop", "3", 2, NEW, email="b@x.fr", email_valid=True),
    ]
    winner, rules = choose(records, "email", ("valid", "trust", "recent"), "email_valid")
    assert winner["source_id"] == "2" and rules == ["valid", "trust"]
    winner, rules = choose(records, "email", ("valid", "recent"), "email_valid")
    assert winner["source_id"] == "3" and rules == ["valid", "recent"]


def test_frequent_and_complete_rules() -> None:
    records = [
        _record("a", "1", 1, OLD, first_name="Jean"),
        _record("b", "2", 1, OLD, first_name="Jean-Marc"),
        _record("c", "3", 1, OLD, first_name="Jean"),
    ]
    assert choose(records, "first_name", ("frequent",))[0]["first_name"] == "Jean"
    assert choose(records, "first_name", ("complete",))[0]["first_name"] == "Jean-Marc"
    assert choose([_record("a", "1", 1, OLD, first_name=None)], "first_name", ("trust",)) is None


def test_golden_record_keeps_address_together_and_lineage() -> None:
    records = [
        _record(
            "crm",
            "1",
            1,
            OLD,
            first_name="Marie",
            street="1 rue A",
            postcode="75011",
            city="Paris",
            email="m@x.fr",
            email_valid=True,
            phone="+33612345678",
            phone_valid=True,
        ),
        _record(
            "web",
            "9",
            3,
            NEW,
            first_name="marie",
            street="9 rue B",
            postcode="69003",
            city=None,
            email="m2@x.fr",
            email_valid=True,
            phone="+33143000000",
            phone_valid=True,
            mobile="+33699999999",
            mobile_valid=True,
        ),
    ]
    golden = build_golden(records, CONTACT_RULES)
    assert golden["first_name"] == "Marie"  # most trusted source
    assert (golden["street"], golden["postcode"], golden["city"]) == (
        "9 rue B",
        "69003",
        None,
    )  # most recent address
    assert golden["emails"] == ["m@x.fr", "m2@x.fr"] and golden["email"] == "m@x.fr"
    # The best phone first, then every other valid number, the mobile given beside a landline too
    assert golden["phones"] == ["+33612345678", "+33143000000", "+33699999999"]
    assert golden["sources"] == ["crm", "web"] and golden["record_count"] == 2
    lineage = {item["attribute"]: item for item in golden["lineage"]}
    assert lineage["first_name"] == {
        "attribute": "first_name",
        "value": "Marie",
        "source": "crm",
        "source_id": "1",
        "rule": "trust",
    }
    assert lineage["postcode"]["rule"] == "address of the same record"


def test_metrics_recency_frequency_monetary() -> None:
    as_of = datetime(2026, 11, 23, tzinfo=UTC)
    tx = [
        {"customer_id": "C-1", "amount": 10.5, "occurred_at": datetime(2026, 11, 13, tzinfo=UTC)},
        {"customer_id": "C-1", "amount": 20.0, "occurred_at": datetime(2026, 1, 1, tzinfo=UTC)},
        {"customer_id": None, "amount": 99.0, "occurred_at": as_of},
    ]
    events = [
        {"customer_id": "C-1", "event_type": "click", "occurred_at": as_of},
        {"customer_id": "C-2", "event_type": "open", "occurred_at": as_of},
    ]
    rows = {r["customer_id"]: r for r in customer_metrics(["C-1", "C-2"], tx, events, as_of)}
    assert (rows["C-1"]["orders"], rows["C-1"]["revenue"], rows["C-1"]["recency_days"]) == (2, 30.5, 10)
    assert rows["C-1"]["email_clicks"] == 1 and rows["C-2"]["email_opens"] == 1 and rows["C-2"]["orders"] == 0
