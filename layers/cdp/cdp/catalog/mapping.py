"""Mapping proposals: from a file profile to a draft source configuration (entity + column mapping)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cdp.catalog import _lexicon as lex
from cdp.catalog._text import header_tokens
from cdp.catalog.profile import ColumnProfile, FileProfile
from cdp.model import CANONICAL_FIELDS, Entity

ENTITIES: tuple[str, ...] = ("contact", "account", "transaction", "event", "consent")

_PERSON_TYPES = frozenset({"first_name", "last_name", "full_name", "civility", "birth_date", "gender"})
_COMPANY_TYPES = frozenset({"company_name", "siret", "siren", "vat"})
_DATE_TYPES = frozenset({"date", "datetime"})
# A column is treated as the record's own id when (nearly) every value is different.
_UNIQUE_ID = 0.98
# Columns typed with less confidence than this are left to the user.
_MIN_CONFIDENCE = 0.3

# Semantic type -> canonical fields to try, in order, per entity (the id columns are handled apart).
_TARGETS: dict[str, dict[str, tuple[str, ...]]] = {
    "contact": {
        "email": ("email",), "phone": ("phone", "mobile"), "first_name": ("first_name",),
        "last_name": ("last_name",), "full_name": ("full_name",), "civility": ("civility",),
        "gender": ("civility",), "company_name": ("company_name",), "siret": ("siret",), "siren": ("siren",),
        "vat": ("vat",), "street": ("street",), "postcode": ("postcode",), "city": ("city",),
        "country": ("country",), "birth_date": ("birth_date",), "date": ("updated_at",),
        "datetime": ("updated_at",), "consent_flag": ("email_opt_in",),
    },
    "account": {
        "company_name": ("company_name",), "siret": ("siret",), "siren": ("siren",), "vat": ("vat",),
        "url": ("website",), "email": ("email",), "phone": ("phone",), "street": ("street",),
        "postcode": ("postcode",), "city": ("city",), "country": ("country",), "date": ("updated_at",),
        "datetime": ("updated_at",),
    },
    "transaction": {
        "email": ("email",), "phone": ("phone",), "amount": ("amount",), "currency": ("currency",),
        "date": ("occurred_at",), "datetime": ("occurred_at",), "device_id": ("customer_ref",),
    },
    "event": {
        "email": ("email",), "event_type": ("event_type",), "date": ("occurred_at",),
        "datetime": ("occurred_at",), "url": ("url",), "device_id": ("customer_ref",),
    },
    "consent": {
        "email": ("email",), "phone": ("phone",), "consent_flag": ("granted",), "boolean": ("granted",),
        "date": ("occurred_at",), "datetime": ("occurred_at",), "device_id": ("customer_ref",),
    },
}  # fmt: skip

# Header words that point at fields no semantic type covers (or refine one).
_CHANNEL_WORDS = lex.words("canal channel source medium magasin store boutique pos shop origine origin")
_UPDATE_WORDS = lex.words("maj modif modification modified updated update last derniere")
_MOBILE_WORDS = lex.words("mobile portable gsm cell cellphone msisdn")
_CUSTOMER_WORDS = lex.words("client customer cust user member adherent contact utilisateur")
_RECORD_ID_WORDS = lex.words("order commande transaction ticket facture invoice event evenement vente sale")
_ACCOUNT_WORDS = lex.words("compte account societe entreprise company organisation organization")
_PURPOSE_WORDS = lex.words("purpose finalite objet")
_CONSENT_WORDS = lex.words("optin opt newsletter consent consentement rgpd gdpr marketing abonne")
_OCCURRED_WORDS = lex.words("achat commande transaction order purchase vente event evenement occurred")


@dataclass(frozen=True)
class MappingProposal:
    """A proposed mapping of a file's columns onto an entity's canonical fields.

    Attributes:
        entity: "contact", "account", "transaction" or "event" (or "consent" when asked for).
        mapping: Source column -> canonical field.
        confidence: Source column -> confidence of its mapping (0..1).
        unmapped: Columns left out, in file order.
        date_order: "DMY" or "MDY": how ambiguous dates of the file read (DMY unless proven otherwise).
    """

    entity: str
    mapping: dict[str, str]
    confidence: dict[str, float]
    unmapped: list[str]
    date_order: str = "DMY"
    reasons: dict[str, str] = field(default_factory=dict)

    def to_yaml_dict(self, source: str) -> dict[str, Any]:
        """The draft of a source configuration, ready for ``cdp.config.dump_yaml``.

        Args:
            source: The source's name.

        Returns:
            ``{"name", "entity", "status": "draft", "default_country", "date_order", "trust_rank",
            "mapping"}``.
        """
        return {
            "name": source,
            "entity": self.entity,
            "status": "draft",
            "default_country": "FR",
            "date_order": self.date_order,
            "trust_rank": 5,
            "mapping": dict(self.mapping),
        }


def guess_entity(columns: Iterable[ColumnProfile]) -> str:
    """The entity a set of profiled columns most likely describes.

    Rules, in order: an event_type column means events; an amount means transactions (unless the file is
    clearly about people: several person fields such as names, civility, birth date); company identifiers
    or names without any person field mean accounts; anything else (names, e-mails...) means contacts.

    Args:
        columns: Column profiles.

    Returns:
        "event", "transaction", "account" or "contact".
    """
    types = {c.semantic_type for c in columns if c.semantic_type and c.confidence >= _MIN_CONFIDENCE}
    if "event_type" in types:
        return "event"
    if "amount" in types and len(types & _PERSON_TYPES) < 2:
        # A CRM export may carry a lifetime value; a sales file rarely carries more than a name.
        return "transaction"
    if types & _COMPANY_TYPES and not types & _PERSON_TYPES:
        return "account"
    return "contact"


def _words(column: ColumnProfile) -> frozenset[str]:
    return frozenset(header_tokens(column.name))


def _is_unique(column: ColumnProfile) -> bool:
    filled = column.rows - column.nulls
    return filled > 0 and column.distinct / filled >= _UNIQUE_ID


def _id_fields(entity: str, column: ColumnProfile, source_id_taken: bool) -> tuple[str, ...]:
    """Candidate fields for a customer-number-like column."""
    words = _words(column)
    customerish = bool(words & _CUSTOMER_WORDS)
    if entity in ("contact", "account"):
        if words & _ACCOUNT_WORDS and entity == "contact" and not customerish:
            return ("account_ref",)
        if _is_unique(column) and not source_id_taken:
            return ("source_id", "customer_number") if entity == "contact" else ("source_id",)
        return ("customer_number", "account_ref") if entity == "contact" else ()
    # Transactions, events, consents: the record's own id is unique and not named after the customer;
    # a repeated number can only point at the customer.
    if not _is_unique(column):
        return ("customer_ref",)
    if customerish:
        return ("customer_ref", "source_id")
    return ("source_id", "customer_ref")


def _header_fields(entity: str, column: ColumnProfile) -> tuple[str, ...]:
    """Fields suggested by the header alone (for columns no semantic type covers)."""
    words = _words(column)
    allowed = set(CANONICAL_FIELDS[Entity(entity)])
    fields: list[str] = []
    if words & _CHANNEL_WORDS:
        fields.append("channel")
    if words & _PURPOSE_WORDS:
        fields.append("purpose")
    if entity == "contact" and words & _ACCOUNT_WORDS and words & {"id", "ref", "code", "reference"}:
        fields.append("account_ref")
    return tuple(f for f in fields if f in allowed)


def _candidates(entity: str, column: ColumnProfile, source_id_taken: bool) -> tuple[tuple[str, ...], float]:
    """Fields to try for a column, and a factor applied to its confidence."""
    semantic = column.semantic_type if column.confidence >= _MIN_CONFIDENCE else None
    words = _words(column)
    if semantic == "customer_number":
        return _id_fields(entity, column, source_id_taken), 1.0
    targets = _TARGETS[entity].get(semantic or "", ())
    if semantic == "phone" and words & _MOBILE_WORDS and "mobile" in CANONICAL_FIELDS[Entity(entity)]:
        targets = ("mobile", "phone")
    if semantic in _DATE_TYPES and entity in ("contact", "account") and not words & _UPDATE_WORDS:
        return targets, 0.6  # a creation or other date: only a fallback for updated_at
    if (
        semantic in _DATE_TYPES
        and entity in ("transaction", "event", "consent")
        and not words & _OCCURRED_WORDS
    ):
        return targets, 0.9  # "Date d'achat" beats "Date de création" for occurred_at
    if semantic == "gender":
        return targets, 0.7  # M / F can fill the civility field
    if semantic == "boolean" and entity == "contact" and words & _CONSENT_WORDS:
        return ("email_opt_in",), 0.6
    if targets:
        return targets, 1.0
    return _header_fields(entity, column), 0.5


def propose_mapping(profile: FileProfile, entity: str | None = None) -> MappingProposal:
    """Propose an entity and a column mapping for a profiled file.

    Each column's semantic type points at canonical fields of the entity; conflicts (two columns for one
    field) go to the most confident column, the other tries its next candidate or stays unmapped. The
    unique customer-number column becomes ``source_id``; non-unique ones become ``customer_ref``
    (transactions, events) or ``customer_number`` (contacts).

    Args:
        profile: The file profile.
        entity: Force the entity instead of guessing it.

    Returns:
        The proposal.

    Raises:
        ValueError: If ``entity`` is not a known entity.
    """
    chosen = entity or guess_entity(profile.columns)
    if chosen not in ENTITIES:
        raise ValueError(f"unknown entity {chosen!r}; expected one of {', '.join(ENTITIES)}")
    allowed = set(CANONICAL_FIELDS[Entity(chosen)])
    # Most confident first; dates that only fit as fallbacks go last; file order breaks ties.
    order = sorted(
        range(len(profile.columns)),
        key=lambda i: (-_candidates(chosen, profile.columns[i], False)[1], -profile.columns[i].confidence, i),
    )
    mapping: dict[str, str] = {}
    confidence: dict[str, float] = {}
    reasons: dict[str, str] = {}
    taken: set[str] = set()
    for index in order:
        column = profile.columns[index]
        targets, factor = _candidates(chosen, column, "source_id" in taken)
        for rank, target in enumerate(targets):
            if target in taken or target not in allowed:
                continue
            taken.add(target)
            mapping[column.name] = target
            base = column.confidence if column.semantic_type else 0.5
            confidence[column.name] = round(base * factor * (1.0 if rank == 0 else 0.8), 3)
            reasons[column.name] = f"{column.semantic_type or 'header'} -> {target}"
            break
    # Keep the file's column order in the mapping, as users read it.
    ordered = {c.name: mapping[c.name] for c in profile.columns if c.name in mapping}
    unmapped = [c.name for c in profile.columns if c.name not in mapping]
    orders = {c.date_order for c in profile.columns if c.date_order}
    date_order = "MDY" if orders == {"MDY"} else "DMY"
    return MappingProposal(
        entity=chosen,
        mapping=ordered,
        confidence={name: confidence[name] for name in ordered},
        unmapped=unmapped,
        date_order=date_order,
        reasons={name: reasons[name] for name in ordered},
    )
