"""The profile store: 360 views by customer id, e-mail and phone, always from the current run."""

from __future__ import annotations

from typing import Any

import pytest
from cdp.activate.profiles import profile_items
from cdp.adapters.memory import MemoryKeyValueStore
from cdp.services.profiles import find_profiles, get_profile

CONSENT = {"channel": "email", "purpose": "marketing", "granted": True, "occurred_at": "2026-01-02T00:00:00"}


def _contact(customer_id: str, email: str, phone: str | None = None) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "first_name": "Marie",
        "email": email,
        "emails": [email],
        "phone": phone,
        "phones": [phone] if phone else [],
        "country": "FR",
        "consents": [CONSENT],
    }


def _write(store: MemoryKeyValueStore, run_id: str, *contacts: dict[str, Any]) -> None:
    store.put_items(
        profile_items(
            run_id,
            contacts,
            [
                {"customer_id": c["customer_id"], "source": "crm", "source_id": f"{c['customer_id']}-1"}
                for c in contacts
            ],
            [{"customer_id": c["customer_id"], "orders": 2, "revenue": 80.5} for c in contacts],
            [
                {"customer_id": contacts[0]["customer_id"], "segment": "vip", "status": "entered"},
                {"customer_id": contacts[0]["customer_id"], "segment": "old", "status": "exited"},
            ],
        )
    )


def test_a_customer_360_view_by_id_email_and_phone() -> None:
    # Given a run with Marie, whose golden record came from one CRM record
    store = MemoryKeyValueStore()
    _write(store, "r1", _contact("C-1", "marie@example.fr", "+33612345678"))
    # When she is read by id, by e-mail (any case) and by phone (any format)
    view = get_profile(store, "C-1")
    # Then the view has her golden record, source records, metrics, current segments and consent
    assert view is not None
    assert view["golden"]["first_name"] == "Marie"
    assert view["source_records"] == [{"source": "crm", "source_id": "C-1-1"}]
    assert view["metrics"] == {"orders": 2, "revenue": 80.5}
    assert (view["segments"], view["consents"], view["run_id"]) == (["vip"], [CONSENT], "r1")
    assert find_profiles(store, email=" MARIE@example.fr") == [view]
    assert find_profiles(store, phone="06 12 34 56 78") == [view]


def test_only_the_current_run_is_served() -> None:
    # Given Marie in run 1, and in run 2 merged into C-2 with a new e-mail
    store = MemoryKeyValueStore()
    _write(store, "r1", _contact("C-1", "marie@example.fr"))
    _write(store, "r2", _contact("C-2", "marie.new@example.fr"))
    # Then the merged-away id and the old e-mail are not served any more
    assert get_profile(store, "C-1") is None
    assert find_profiles(store, email="marie@example.fr") == []
    assert [p["customer_id"] for p in find_profiles(store, email="marie.new@example.fr")] == ["C-2"]


def test_shared_e_mails_lead_to_every_customer_carrying_them() -> None:
    store = MemoryKeyValueStore()
    _write(store, "r1", _contact("C-1", "famille@example.fr"), _contact("C-2", "famille@example.fr"))
    assert [p["customer_id"] for p in find_profiles(store, email="famille@example.fr")] == ["C-1", "C-2"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({}, "exactly one"),
        ({"email": "a@b.fr", "phone": "0612345678"}, "exactly one"),
        ({"phone": "12"}, "valid"),
    ],
)
def test_bad_lookups_are_refused_with_a_reason(query: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        find_profiles(MemoryKeyValueStore(), **query)
