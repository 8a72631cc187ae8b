"""Consent: what a person allowed, per channel and purpose; the latest statement wins.

A golden contact carries every consent statement that reached it (``consents``: channel, purpose,
granted, occurred_at and the source record). Activation asks :func:`permits` before sending anyone
anywhere; with no statement for the channel and purpose the answer is no.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

_UNDATED = datetime.min.replace(tzinfo=UTC)


def deciding_statement(
    consents: Iterable[Mapping[str, Any]] | None, channel: str, purpose: str | None = None
) -> Mapping[str, Any] | None:
    """The statement that decides a channel and purpose: the latest covering one, or None.

    A statement without a channel covers every channel, one without a purpose every purpose; an undated
    statement counts as the oldest, and a refusal wins a tie.
    """
    covering = [
        statement
        for statement in consents or ()
        if statement.get("granted") is not None
        and statement.get("channel") in (None, channel)
        and (purpose is None or statement.get("purpose") in (None, purpose))
    ]
    if not covering:
        return None
    return max(covering, key=lambda s: (s.get("occurred_at") or _UNDATED, not s["granted"]))


def permits(consents: Iterable[Mapping[str, Any]] | None, channel: str, purpose: str | None = None) -> bool:
    """Whether the latest statement covering this channel and purpose granted it (see
    :func:`deciding_statement`). No covering statement means no consent.
    """
    latest = deciding_statement(consents, channel, purpose)
    return latest is not None and bool(latest["granted"])


def _statement(
    row: Mapping[str, Any], channel: str | None, purpose: str | None, granted: bool, at: Any
) -> dict[str, Any]:
    return {
        "channel": channel,
        "purpose": purpose,
        "granted": granted,
        "occurred_at": at,
        "source": row["source"],
        "source_id": row["source_id"],
    }


def attribute_consents(
    consents: Iterable[Mapping[str, Any]], contacts: Iterable[Mapping[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Each staged consent statement given to the customer it is about, by customer id.

    A statement names its person by `customer_ref` (a contact's record id in any source, or its
    customer number), else by e-mail, else by phone; only valid e-mails and phones match, and a
    reference or value that points at two customers matches neither. Statements matching no one are
    left out (they are still in staging).
    """
    indexes: dict[str, dict[str, set[str]]] = {"ref": {}, "email": {}, "phone": {}}
    for contact in contacts:
        customer = contact["customer_id"]
        for index, value in (
            ("ref", contact.get("source_id")),
            ("ref", contact.get("customer_number")),
            ("email", contact.get("email_key") if contact.get("email_valid") else None),
            ("phone", contact.get("phone") if contact.get("phone_valid") else None),
            ("phone", contact.get("mobile") if contact.get("mobile_valid") else None),
        ):
            if value:
                indexes[index].setdefault(value, set()).add(customer)
    found: dict[str, list[dict[str, Any]]] = {}
    for row in consents:
        if row.get("granted") is None:
            continue
        for index, value in (
            ("ref", row.get("customer_ref")),
            ("email", row.get("email_key")),
            ("phone", row.get("phone")),
        ):
            customers = indexes[index].get(value or "", set())
            if len(customers) == 1:
                statement = _statement(
                    row, row.get("channel"), row.get("purpose"), row["granted"], row.get("occurred_at")
                )
                found.setdefault(next(iter(customers)), []).append(statement)
                break
    return found


def golden_consents(
    records: Iterable[Mapping[str, Any]], statements: Iterable[Mapping[str, Any]] = ()
) -> tuple[list[dict[str, Any]], Mapping[str, Any] | None]:
    """A customer's consent statements, oldest first, and the one deciding e-mail marketing.

    The statements are the staged consent records about the customer plus each contact record's own
    e-mail opt-in flag (channel email, purpose marketing, dated by the record's updated_at). The golden
    `email_opt_in` is the deciding statement's `granted` (None when no statement covers e-mail
    marketing), so it always agrees with :func:`permits`.
    """
    collected = [dict(s) for s in statements] + [
        _statement(r, "email", "marketing", r["email_opt_in"], r.get("updated_at"))
        for r in records
        if r.get("email_opt_in") is not None
    ]
    collected.sort(key=lambda s: (s["occurred_at"] or _UNDATED, s["source"], s["source_id"]))
    return collected, deciding_statement(collected, "email", "marketing")
