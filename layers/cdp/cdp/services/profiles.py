"""The profile API's store: written from a run's snapshots, read by customer id, e-mail or phone."""

from __future__ import annotations

import json
from typing import Any

from cdp.activate.profiles import CURRENT, customer_key, email_key, phone_key, profile_items
from cdp.ports import KeyValueStore
from cdp.services.lake import Lake
from cdp.tables import CUSTOMER_METRICS, GOLDEN_CONTACT, SEGMENT_MEMBERSHIP, XREF_CONTACT


def write_profiles(lake: Lake, store: KeyValueStore, run_id: str) -> dict[str, Any]:
    """Write every customer's 360 view of the run (after its segments are evaluated); returns counts."""
    items = profile_items(
        run_id,
        lake.read_snapshot(GOLDEN_CONTACT, run_id).to_pylist(),
        lake.read_snapshot(XREF_CONTACT, run_id).to_pylist(),
        lake.read_snapshot(CUSTOMER_METRICS, run_id).to_pylist(),
        lake.read_snapshot(SEGMENT_MEMBERSHIP, run_id).to_pylist(),
    )
    store.put_items(items)
    customers = sum(1 for item in items if item["pk"].startswith("customer#"))
    return {"run_id": run_id, "profiles": customers, "lookups": len(items) - customers - 1}


def _current_run(store: KeyValueStore) -> str | None:
    pointer = store.get_item(CURRENT)
    return pointer["run_id"] if pointer else None


def get_profile(store: KeyValueStore, customer_id: str) -> dict[str, Any] | None:
    """A customer's 360 view from the current run, or None."""
    run_id = _current_run(store)
    item = store.get_item(customer_key(customer_id))
    if item is None or run_id is None or item["run_id"] != run_id:
        return None
    profile: dict[str, Any] = json.loads(item["profile"])
    return profile


def find_profiles(
    store: KeyValueStore, *, email: str | None = None, phone: str | None = None
) -> list[dict[str, Any]]:
    """The current customers carrying an e-mail or a phone (several when people share one)."""
    if (email is None) == (phone is None):
        raise ValueError("look up by exactly one of email or phone")
    key = email_key(email) if email is not None else phone_key(phone or "")
    if key is None:
        raise ValueError(
            f"not a valid {'e-mail' if email is not None else 'phone number'}: {email or phone!r}"
        )
    run_id = _current_run(store)
    item = store.get_item(key)
    if item is None or item["run_id"] != run_id:
        return []
    profiles = (get_profile(store, customer_id) for customer_id in json.loads(item["customer_ids"]))
    return [p for p in profiles if p is not None]
