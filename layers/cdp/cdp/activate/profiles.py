"""The 360 view of each customer, as items for point reads: one per customer, plus one per e-mail and
phone that leads to the customers carrying it.

Every item carries its run; a pointer item names the current run, written last, so the API never
serves a customer that a later run merged away or an e-mail that is no longer theirs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from cdp.normalize.phone import normalize_phone

CURRENT = "meta#current"
ITEM_LIMIT_BYTES = 400 * 1024  # DynamoDB's item size limit


def customer_key(customer_id: str) -> str:
    """Key of a customer's profile item."""
    return f"customer#{customer_id}"


def email_key(email: str) -> str | None:
    """Key of an e-mail lookup item (trimmed, lower-cased), or None for a blank."""
    normalized = email.strip().lower()
    return f"email#{normalized}" if normalized else None


def phone_key(phone: str, default_region: str = "FR") -> str | None:
    """Key of a phone lookup item (E.164), or None when the number is not valid."""
    e164 = normalize_phone(phone, default_region).value
    return f"phone#{e164}" if e164 else None


def lookup_keys(contact: Mapping[str, Any]) -> list[str]:
    """Keys of the e-mail and phone lookup items that lead to a golden contact."""
    country = contact.get("country") or "FR"
    keys = [email_key(e) for e in contact.get("emails") or [contact.get("email")] if e]
    keys += [phone_key(p, country) for p in contact.get("phones") or [contact.get("phone")] if p]
    return [key for key in keys if key]


def profile_items(
    run_id: str,
    contacts: Iterable[Mapping[str, Any]],
    xref: Iterable[Mapping[str, Any]],
    metrics: Iterable[Mapping[str, Any]],
    memberships: Iterable[Mapping[str, Any]],
) -> list[dict[str, str]]:
    """Items of one run: each customer's golden record, source records, metrics, segments and consent,
    the e-mail and phone lookups, and last the pointer to the run."""
    sources: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in xref:
        sources[row["customer_id"]].append({"source": row["source"], "source_id": row["source_id"]})
    metrics_of = {row["customer_id"]: dict(row) for row in metrics}
    segments: dict[str, list[str]] = defaultdict(list)
    for row in memberships:
        if row["status"] != "exited":
            segments[row["customer_id"]].append(row["segment"])
    items: list[dict[str, str]] = []
    lookups: dict[str, set[str]] = defaultdict(set)
    for contact in contacts:
        customer_id = contact["customer_id"]
        golden = {k: v for k, v in contact.items() if k != "consents"}
        view = {
            "customer_id": customer_id,
            "golden": golden,
            "source_records": sorted(sources[customer_id], key=lambda s: (s["source"], s["source_id"])),
            "metrics": {k: v for k, v in metrics_of.get(customer_id, {}).items() if k != "customer_id"},
            "segments": sorted(segments[customer_id]),
            "consents": list(contact.get("consents") or []),
            "run_id": run_id,
        }
        document = json.dumps(view, default=str, ensure_ascii=False, sort_keys=True)
        if len(document.encode()) > ITEM_LIMIT_BYTES - 1024:
            raise ValueError(
                f"profile of {customer_id} is larger than a DynamoDB item ({len(document)} bytes)"
            )
        items.append({"pk": customer_key(customer_id), "run_id": run_id, "profile": document})
        for key in lookup_keys(contact):
            lookups[key].add(customer_id)
    items += [
        {"pk": key, "run_id": run_id, "customer_ids": json.dumps(sorted(ids))} for key, ids in lookups.items()
    ]
    return [*items, {"pk": CURRENT, "run_id": run_id}]
