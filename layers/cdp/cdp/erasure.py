"""Erasure (the right to be forgotten): who a request is about, what mentions them, and tombstones.

Pure: the service (`cdp.services.erasure`) reads and rewrites the lake with these decisions.

"Nothing is lost" and erasure meet here: every input row is still accounted for (a row about an erased
person is quarantined with the reason "erased", its object key and line number), but its values are not
kept anywhere. Tombstones hold identifiers hashed with SHA-256 (e-mail key, E.164 phone, record id or
customer number), never the identifiers themselves.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from cdp.config import DestinationConfig, FileExportDestination
from cdp.normalize.emails import normalize_email
from cdp.normalize.phone import normalize_phone

Kind = Literal["email", "phone", "customer_id"]
KINDS: tuple[Kind, ...] = ("email", "phone", "customer_id")
REDACTED = "[erased]"


class ErasureRequestError(ValueError):
    """The identifier cannot name anyone (e.g. not an e-mail address)."""


def identifier_key(kind: Kind, value: str, default_region: str = "FR") -> str:
    """The form an identifier is matched and hashed in: the e-mail key, the E.164 phone, the id as given."""
    text = (value or "").strip()
    if kind == "email":
        key = normalize_email(text).key
    elif kind == "phone":
        key = normalize_phone(text, default_region).value
    else:
        key = text or None
    if not key:
        raise ErasureRequestError(f"{value!r} is not a usable {kind.replace('_', ' ')}")
    return key


def tombstone_hash(kind: Kind, key: str) -> str:
    """The hash a tombstone keeps of one identifier."""
    return hashlib.sha256(f"{kind}:{key}".encode()).hexdigest()


@dataclass
class Person:
    """Everything that identifies one person across the lake, gathered from their records."""

    customer_ids: set[str] = field(default_factory=set)
    records: set[tuple[str, str]] = field(default_factory=set)  # contact (source, source_id)
    emails: set[str] = field(default_factory=set)  # e-mail keys and e-mails as normalized
    phones: set[str] = field(default_factory=set)  # E.164
    refs: set[str] = field(default_factory=set)  # record ids and customer numbers other tables cite
    names: set[tuple[str, str]] = field(default_factory=set)  # (first name, last name), case-folded

    def add_contact(self, row: Mapping[str, Any]) -> None:
        """Take in one staged contact record of the person."""
        self.records.add((row["source"], row["source_id"]))
        self.refs.update(v for v in (row["source_id"], row.get("customer_number")) if v)
        self.emails.update(v.lower() for v in (row.get("email"), row.get("email_key")) if v)
        self.phones.update(v for v in (row.get("phone"), row.get("mobile")) if v)
        if row.get("first_name") and row.get("last_name"):
            self.names.add((row["first_name"].casefold(), row["last_name"].casefold()))

    def named_by(self, kind: Kind, key: str, row: Mapping[str, Any]) -> bool:
        """Whether a staged contact row carries the identifier an erasure request gives."""
        if kind == "email":
            return key in {(row.get("email_key") or "").lower(), (row.get("email") or "").lower()}
        if kind == "phone":
            return key in {row.get("phone"), row.get("mobile")}
        return key in {row.get("source_id"), row.get("customer_number")}

    def forget_shared(self, others: Iterable[Mapping[str, Any]]) -> None:
        """Stop matching on values other people's records carry too (a household's landline), so erasing
        one person neither removes nor blocks the others."""
        for row in others:
            if (row["source"], row["source_id"]) in self.records:
                continue
            self.phones -= {row.get("phone"), row.get("mobile")}
            self.emails -= {(row.get("email") or "").lower(), (row.get("email_key") or "").lower()}

    def mentioned_in(self, row: Mapping[str, Any], contact_record: bool = False) -> bool:
        """Whether a row of any table is about the person: a staged contact record when it is one of
        theirs; any other row by customer id, record, e-mail, phone or customer reference."""
        if contact_record:
            return (row.get("source"), row.get("source_id")) in self.records
        if row.get("customer_id") in self.customer_ids:
            return True
        for side in ("left_", "right_"):
            if (row.get(f"{side}source"), row.get(f"{side}source_id")) in self.records:
                return True
        email = row.get("email_key") or row.get("email")
        return (
            (isinstance(email, str) and email.lower() in self.emails)
            or bool({row.get("phone"), row.get("mobile")} & self.phones)
            or (row.get("customer_ref") or "") in self.refs
        )

    def needles(self) -> list[re.Pattern[str]]:
        """Patterns that find the person in free text (a quarantined line, a profile's sample values)."""
        patterns = [re.escape(email) for email in self.emails]
        for phone in self.phones:
            national = phone[3:] if phone.startswith("+33") else phone.lstrip("+")
            # A number written with any separators ("06 12 34 56 78", "0033 6 12...", "+33 (0)6...").
            patterns.append(r"[\s.\-()]*".join(re.escape(digit) for digit in national))
        patterns += [rf"\b{re.escape(ref)}\b" for ref in self.refs]
        patterns += [
            rf"{re.escape(first)}\W+{re.escape(last)}|{re.escape(last)}\W+{re.escape(first)}"
            for first, last in self.names
        ]
        return [re.compile(p, re.IGNORECASE) for p in patterns]

    def tombstones(self) -> set[str]:
        """Hashes of every identifier the person could come back with, and of their golden ids (so a
        batch queued before the erasure is not delivered after it)."""
        return (
            {tombstone_hash("email", e) for e in self.emails}
            | {tombstone_hash("phone", p) for p in self.phones}
            | {tombstone_hash("customer_id", r) for r in self.refs | self.customer_ids}
        )


def mentions(text: str, needles: Iterable[re.Pattern[str]]) -> bool:
    """Whether free text mentions the person."""
    return any(needle.search(text) for needle in needles)


def redact(document: Any, needles: list[re.Pattern[str]]) -> tuple[Any, int]:
    """A JSON document with every string (key or value) mentioning the person replaced; and how many."""
    if isinstance(document, str):
        return (REDACTED, 1) if mentions(document, needles) else (document, 0)
    if isinstance(document, list):
        items = [redact(item, needles) for item in document]
        return [item for item, _ in items], sum(count for _, count in items)
    if isinstance(document, dict):
        redacted, total = {}, 0
        for key, value in document.items():
            new_key, key_count = redact(key, needles) if isinstance(key, str) else (key, 0)
            new_value, value_count = redact(value, needles)
            redacted[new_key] = new_value
            total += key_count + value_count
        return redacted, total
    return document, 0


def erased_by(mapped: Mapping[str, str | None], hashes: set[str] | frozenset[str], region: str) -> bool:
    """Whether a row about to be staged (canonical field -> raw value) names an erased person."""
    if not hashes:
        return False
    candidates: list[tuple[Kind, str | None]] = [
        ("email", normalize_email(mapped.get("email")).key if mapped.get("email") else None),
        ("customer_id", (mapped.get("source_id") or "").strip()),
        ("customer_id", (mapped.get("customer_ref") or "").strip()),
        ("customer_id", (mapped.get("customer_number") or "").strip()),
    ]
    for name in ("phone", "mobile"):
        if mapped.get(name):
            candidates.append(("phone", normalize_phone(mapped[name], region).value))
    return any(tombstone_hash(kind, key) in hashes for kind, key in candidates if key)


def erasure_removals(
    config: DestinationConfig, audience: Mapping[str, Mapping[str, Any]], customer_ids: Iterable[str]
) -> list[dict[str, Any]]:
    """What to send a destination so it drops the person: a remove of the records it was last sent.

    Every destination type takes removes; a file export gets the customer id only, since the file it
    writes would otherwise be a new copy of the person's data in the outbox."""
    removed = [dict(audience[c]) for c in sorted(set(customer_ids)) if c in audience]
    if isinstance(config, FileExportDestination):
        return [{"customer_id": record["customer_id"]} for record in removed]
    return removed


def record_fingerprint(record: Mapping[str, Any]) -> str:
    """The hash a tombstone keeps of a record sent to a destination (hashed identifiers or CRM fields
    carry no customer id), as it reads once through JSON."""
    text = json.dumps(json.loads(json.dumps(record, default=str)), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"record:{text}".encode()).hexdigest()


def without_erased(
    records: Iterable[Mapping[str, Any]], hashes: set[str] | frozenset[str]
) -> list[dict[str, Any]]:
    """Records of a batch whose person has not been erased since the batch was queued (by their
    customer id, or by the record itself)."""
    return [
        dict(record)
        for record in records
        if tombstone_hash("customer_id", str(record.get("customer_id") or "")) not in hashes
        and record_fingerprint(record) not in hashes
    ]
