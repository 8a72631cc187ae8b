"""Survivorship: one trusted value per attribute, chosen by rules the business can read, with lineage.

Each attribute has a chain of rules; each rule keeps the best candidates by its criterion and passes
them to the next, until one candidate is left (ties fall to the smallest source key, so the choice is
deterministic). The lineage records the record that supplied the value and the rules that chose it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Rule names: "valid" keeps values whose validity flag is true; "trust" the most trusted source
# (lowest trust_rank); "recent" the latest updated_at; "frequent" the most frequent value;
# "complete" the longest value.
RULES = ("valid", "trust", "recent", "frequent", "complete")

_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class AttributeRule:
    """How one golden attribute is chosen.

    Attributes:
        attribute: the golden column.
        source_field: the staged column it comes from (defaults to the attribute).
        valid_field: the staged validity flag the "valid" rule reads.
        chain: rules applied in order.
        group: attributes of one group (e.g. an address) are all taken from the record that wins
            the group's first attribute, so a street never pairs with another record's city.
        collect: also keep every distinct value, in a list column of this name, the golden value first;
            on a group's first attribute, every distinct group (e.g. each address) as a list of structs.
        collect_also: other (field, validity flag) pairs whose valid values join that list (a
            contact's mobile joins its phones even when another number is the best one).
    """

    attribute: str
    chain: tuple[str, ...]
    source_field: str | None = None
    valid_field: str | None = None
    group: str | None = None
    collect: str | None = None
    collect_also: tuple[tuple[str, str], ...] = ()


CONTACT_RULES: tuple[AttributeRule, ...] = (
    AttributeRule("civility", ("trust", "frequent", "recent")),
    AttributeRule("first_name", ("trust", "frequent", "complete", "recent")),
    AttributeRule("last_name", ("trust", "frequent", "complete", "recent")),
    AttributeRule("email", ("valid", "trust", "recent"), valid_field="email_valid", collect="emails"),
    AttributeRule(
        "phone",
        ("valid", "trust", "recent"),
        valid_field="phone_valid",
        collect="phones",
        collect_also=(("mobile", "mobile_valid"),),
    ),
    AttributeRule("street", ("recent", "trust"), group="address", collect="addresses"),
    AttributeRule("postcode", ("recent", "trust"), group="address"),
    AttributeRule("city", ("recent", "trust"), group="address"),
    AttributeRule("country", ("recent", "trust"), group="address"),
    AttributeRule("birth_date", ("valid", "frequent", "trust"), valid_field="birth_date_valid"),
    AttributeRule("company_name", ("trust", "recent")),
    AttributeRule("siret", ("valid", "trust", "recent"), valid_field="siret_valid"),
)

ACCOUNT_RULES: tuple[AttributeRule, ...] = (
    AttributeRule("company_name", ("trust", "frequent", "complete")),
    AttributeRule("legal_form", ("trust", "frequent")),
    AttributeRule("siren", ("valid", "trust", "frequent"), valid_field="siren_valid"),
    AttributeRule("siret", ("valid", "trust", "recent"), valid_field="siret_valid"),
    AttributeRule("vat", ("valid", "trust"), valid_field="vat_valid"),
    AttributeRule("web_domain", ("trust", "frequent")),
    AttributeRule("email", ("valid", "trust", "recent"), valid_field="email_valid"),
    AttributeRule("phone", ("valid", "trust", "recent"), valid_field="phone_valid"),
    AttributeRule("street", ("recent", "trust"), group="address"),
    AttributeRule("postcode", ("recent", "trust"), group="address"),
    AttributeRule("city", ("recent", "trust"), group="address"),
    AttributeRule("country", ("recent", "trust"), group="address"),
)


def _key(record: Mapping[str, Any]) -> str:
    return f"{record['source']}\x1f{record['source_id']}"


def choose(
    records: Sequence[Mapping[str, Any]], field: str, chain: Sequence[str], valid_field: str | None = None
) -> tuple[Mapping[str, Any], list[str]] | None:
    """The record whose `field` survives, and the rules that decided; None when no record has a value.

    Args:
        records: the cluster's staged records (dicts with source, source_id, trust_rank, updated_at).
        field: the staged field.
        chain: rule names, applied in order.
        valid_field: the validity flag the "valid" rule reads.
    """
    candidates = [r for r in records if r.get(field) is not None and r.get(field) != ""]
    if not candidates:
        return None
    deciding: list[str] = []
    for rule in chain:
        if len(candidates) == 1:
            break
        if rule == "valid" and valid_field:
            kept = [r for r in candidates if r.get(valid_field)]
        elif rule == "trust":
            best = min(r["trust_rank"] for r in candidates)
            kept = [r for r in candidates if r["trust_rank"] == best]
        elif rule == "recent":
            latest = max(r.get("updated_at") or _OLDEST for r in candidates)
            kept = [r for r in candidates if (r.get("updated_at") or _OLDEST) == latest]
        elif rule == "frequent":
            counts = Counter(str(r[field]) for r in candidates)
            top = max(counts.values())
            kept = [r for r in candidates if counts[str(r[field])] == top]
        elif rule == "complete":
            longest = max(len(str(r[field])) for r in candidates)
            kept = [r for r in candidates if len(str(r[field])) == longest]
        else:
            raise ValueError(f"unknown survivorship rule {rule!r}; known: {', '.join(RULES)}")
        if kept and len(kept) < len(candidates):
            deciding.append(rule)
            candidates = kept
    winner = min(candidates, key=_key)
    return winner, deciding or ["only value" if len(candidates) == 1 else "first source key"]


def _collect_groups(
    records: Sequence[Mapping[str, Any]],
    rules: Sequence[AttributeRule],
    group: str,
    winner: Mapping[str, Any] | None,
) -> list[dict[str, Any]]:
    """Every distinct value of a group (e.g. each address), the winning record's first."""
    members = [(r.attribute, r.source_field or r.attribute) for r in rules if r.group == group]

    def value(record: Mapping[str, Any]) -> dict[str, Any]:
        return {attribute: record.get(field) or None for attribute, field in members}

    distinct: dict[tuple[Any, ...], dict[str, Any]] = {}
    for record in sorted(records, key=_key):
        item = value(record)
        if any(v is not None for v in item.values()):
            distinct.setdefault(tuple(item.values()), item)
    primary = value(winner) if winner is not None else None
    others = [item for item in distinct.values() if item != primary]
    return ([primary] if primary in distinct.values() else []) + others


def build_golden(records: Sequence[Mapping[str, Any]], rules: Sequence[AttributeRule]) -> dict[str, Any]:
    """One golden record from a cluster's staged records, with a `lineage` list.

    Returns:
        The golden attributes, each collected list, `sources`, `record_count`, `last_updated_at` and
        `lineage` (attribute, value, source, source_id, rule).
    """
    golden: dict[str, Any] = {}
    lineage: list[dict[str, Any]] = []
    group_winner: dict[str, Mapping[str, Any]] = {}
    for rule in rules:
        field = rule.source_field or rule.attribute
        if rule.group and rule.group in group_winner:
            winner: Mapping[str, Any] | None = group_winner[rule.group]
            deciding = [f"{rule.group} of the same record"]
            if winner is not None and winner.get(field) in (None, ""):
                winner = None
        else:
            chosen = choose(records, field, rule.chain, rule.valid_field)
            winner, deciding = (chosen[0], chosen[1]) if chosen else (None, [])
            if rule.group and winner is not None:
                group_winner[rule.group] = winner
        golden[rule.attribute] = winner[field] if winner is not None else None
        if winner is not None:
            lineage.append(
                {
                    "attribute": rule.attribute,
                    "value": str(winner[field]),
                    "source": winner["source"],
                    "source_id": winner["source_id"],
                    "rule": ">".join(deciding),
                }
            )
        if rule.collect and rule.group:
            golden[rule.collect] = _collect_groups(records, rules, rule.group, group_winner.get(rule.group))
        elif rule.collect:
            sources = ((field, rule.valid_field), *rule.collect_also)
            values = sorted(
                {
                    str(r[name])
                    for name, valid in sources
                    for r in records
                    if r.get(name) and (valid is None or r.get(valid))
                }
            )
            primary = golden[rule.attribute]
            golden[rule.collect] = ([primary] if primary in values else []) + [
                v for v in values if v != primary
            ]
    golden["sources"] = sorted({r["source"] for r in records})
    golden["record_count"] = len(records)
    stamps = [r["updated_at"] for r in records if r.get("updated_at")]
    golden["last_updated_at"] = max(stamps) if stamps else None
    golden["lineage"] = lineage
    return golden


def link_contacts_to_accounts(
    contacts: Sequence[Mapping[str, Any]],
    accounts: Sequence[Mapping[str, Any]],
    account_sources: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """Which customer works at which account, from the strongest evidence available; one account each.

    Evidence, strongest first: the source's own link (the contact's `account_ref` is the source id of
    an account record, in the contact's source or the account source its configuration names), the
    contact's SIRET, its SIREN, then its e-mail domain when it is an account's web domain (staged
    contacts carry `web_domain` only for company domains: never a webmail nor a typo of one). Among
    records of one customer pointing at different accounts, the strongest evidence wins.

    Args:
        contacts: staged contact rows with their `customer_id`.
        accounts: staged account rows with their `account_id`.
        account_sources: contact source -> the source whose account ids its `account_ref` names, when
            not the contact's own source (an ERP's contact sheet naming the ERP's company codes).
    """
    linked_source = account_sources or {}
    by_ref = {(a["source"], a["source_id"]): a["account_id"] for a in accounts}
    by_siret = {a["siret"]: a["account_id"] for a in accounts if a.get("siret") and a.get("siret_valid")}
    by_siren = {a["siren"]: a["account_id"] for a in accounts if a.get("siren")}
    by_domain = {a["web_domain"]: a["account_id"] for a in accounts if a.get("web_domain")}
    best: dict[str, tuple[int, str, str]] = {}
    for contact in contacts:
        candidates: list[tuple[int, str, str]] = []
        ref = contact.get("account_ref")
        ref_key = (linked_source.get(contact["source"], contact["source"]), ref)
        if ref and ref_key in by_ref:
            candidates.append((0, by_ref[ref_key], "source link"))
        if contact.get("siret_valid") and contact.get("siret") in by_siret:
            candidates.append((1, by_siret[contact["siret"]], "siret"))
        if contact.get("siren") and contact["siren"] in by_siren:
            candidates.append((2, by_siren[contact["siren"]], "siren"))
        if contact.get("web_domain") and contact["web_domain"] in by_domain:
            candidates.append((3, by_domain[contact["web_domain"]], "e-mail domain"))
        for candidate in candidates:
            current = best.get(contact["customer_id"])
            if current is None or candidate < current:
                best[contact["customer_id"]] = candidate
    return [
        {"customer_id": customer, "account_id": account, "evidence": evidence}
        for customer, (_rank, account, evidence) in sorted(best.items())
    ]
