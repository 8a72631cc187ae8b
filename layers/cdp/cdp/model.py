"""Canonical model: entity kinds, canonical field names and the Arrow schemas of staged and golden tables.

Every staged row keeps its lineage (source, source record id, object key, line number) and, for each
normalized field, the raw value, the normalized value and a validity flag, so nothing is lost and every
golden value can be traced back.
"""

from __future__ import annotations

from enum import StrEnum

import pyarrow as pa


class Entity(StrEnum):
    """Kinds of record a source can carry."""

    CONTACT = "contact"
    ACCOUNT = "account"
    TRANSACTION = "transaction"
    EVENT = "event"
    CONSENT = "consent"


# Canonical input fields a source mapping may target, per entity. Raw source columns are mapped onto these
# names before normalization; normalizers read them as optional strings.
CANONICAL_FIELDS: dict[Entity, tuple[str, ...]] = {
    Entity.CONTACT: (
        "source_id",
        "civility",
        "first_name",
        "last_name",
        "full_name",
        "email",
        "phone",
        "mobile",
        "street",
        "postcode",
        "city",
        "country",
        "birth_date",
        "company_name",
        "siret",
        "siren",
        "vat",
        "customer_number",
        "email_opt_in",
        "updated_at",
        "account_ref",
    ),
    Entity.ACCOUNT: (
        "source_id",
        "company_name",
        "siret",
        "siren",
        "vat",
        "website",
        "email",
        "phone",
        "street",
        "postcode",
        "city",
        "country",
        "updated_at",
    ),
    Entity.TRANSACTION: (
        "source_id",
        "customer_ref",
        "email",
        "phone",
        "amount",
        "currency",
        "occurred_at",
        "channel",
    ),
    Entity.EVENT: ("source_id", "customer_ref", "email", "event_type", "occurred_at", "channel", "url"),
    Entity.CONSENT: (
        "source_id",
        "customer_ref",
        "email",
        "phone",
        "channel",
        "purpose",
        "granted",
        "occurred_at",
    ),
}

# Columns every staged row carries, whatever its entity, added by the staging service (not normalizers).
LINEAGE_SCHEMA = pa.schema(
    [
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_id", pa.string(), nullable=False),
        pa.field("object_key", pa.string(), nullable=False),
        pa.field("line_no", pa.int64(), nullable=False),
        pa.field("ingested_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("trust_rank", pa.int32(), nullable=False),
    ]
)

_S = pa.string()
_B = pa.bool_()

# Normalized contact columns (what `cdp.normalize.normalize_contact` returns, besides lineage). Each
# normalized field has its `*_raw` source value and, when a value can be wrong, a `*_valid` flag (None when
# absent, False when present but unusable); `*_key` columns are accent-folded forms for matching.
CONTACT_FIELDS_SCHEMA = pa.schema(
    [
        ("civility", _S),
        ("civility_raw", _S),
        ("civility_valid", _B),
        ("first_name", _S),
        ("first_name_raw", _S),
        ("first_name_valid", _B),
        ("first_name_key", _S),
        ("last_name", _S),
        ("last_name_raw", _S),
        ("last_name_valid", _B),
        ("last_name_key", _S),
        ("names_swapped", _B),
        ("email", _S),
        ("email_raw", _S),
        ("email_valid", _B),
        ("email_key", _S),
        ("email_is_role", _B),
        ("email_suggestion", _S),
        # The best number (the main phone, else the mobile): what matching and survivorship read.
        ("phone", _S),
        ("phone_raw", _S),
        ("phone_valid", _B),
        ("phone_type", _S),
        ("phone_source", _S),  # "phone" or "mobile": the field the matching number came from
        # The mobile column as given, kept even when the main phone is the one used.
        ("mobile", _S),
        ("mobile_raw", _S),
        ("mobile_valid", _B),
        ("street", _S),
        ("street_raw", _S),
        ("street_valid", _B),
        ("street_key", _S),
        ("postcode", _S),
        ("postcode_raw", _S),
        ("postcode_valid", _B),
        ("city", _S),
        ("city_raw", _S),
        ("city_valid", _B),
        ("city_key", _S),
        ("country", _S),
        ("country_raw", _S),
        ("country_valid", _B),
        ("birth_date", pa.date32()),
        ("birth_date_raw", _S),
        ("birth_date_valid", _B),
        ("company_name", _S),
        ("company_name_raw", _S),
        ("company_name_valid", _B),
        ("company_key", _S),
        ("legal_form", _S),
        ("siret", _S),
        ("siret_raw", _S),
        ("siret_valid", _B),
        ("siren", _S),
        ("siren_raw", _S),
        ("siren_valid", _B),
        ("vat", _S),
        ("vat_raw", _S),
        ("vat_valid", _B),
        ("web_domain", _S),
        ("customer_number", _S),
        ("email_opt_in", _B),
        ("email_opt_in_raw", _S),
        ("email_opt_in_valid", _B),
        ("account_ref", _S),
        ("updated_at", pa.timestamp("us", tz="UTC")),
        ("updated_at_raw", _S),
        ("updated_at_valid", _B),
    ]
)

# Normalized account (company) columns, with the same raw/valid/key conventions as contacts.
ACCOUNT_FIELDS_SCHEMA = pa.schema(
    [
        ("company_name", _S),
        ("company_name_raw", _S),
        ("company_name_valid", _B),
        ("company_key", _S),
        ("legal_form", _S),
        ("siret", _S),
        ("siret_raw", _S),
        ("siret_valid", _B),
        ("siren", _S),
        ("siren_raw", _S),
        ("siren_valid", _B),
        ("vat", _S),
        ("vat_raw", _S),
        ("vat_valid", _B),
        ("web_domain", _S),
        ("web_domain_raw", _S),  # the website column
        ("web_domain_valid", _B),
        ("email", _S),
        ("email_raw", _S),
        ("email_valid", _B),
        ("phone", _S),
        ("phone_raw", _S),
        ("phone_valid", _B),
        ("street", _S),
        ("street_raw", _S),
        ("street_valid", _B),
        ("street_key", _S),
        ("postcode", _S),
        ("postcode_raw", _S),
        ("postcode_valid", _B),
        ("city", _S),
        ("city_raw", _S),
        ("city_valid", _B),
        ("city_key", _S),
        ("country", _S),
        ("country_raw", _S),
        ("country_valid", _B),
        ("updated_at", pa.timestamp("us", tz="UTC")),
        ("updated_at_raw", _S),
        ("updated_at_valid", _B),
    ]
)

TRANSACTION_FIELDS_SCHEMA = pa.schema(
    [
        ("customer_ref", _S),
        ("email", _S),
        ("email_key", _S),
        ("phone", _S),
        ("amount", pa.float64()),
        ("amount_raw", _S),
        ("currency", _S),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("channel", _S),
    ]
)

EVENT_FIELDS_SCHEMA = pa.schema(
    [
        ("customer_ref", _S),
        ("email", _S),
        ("email_key", _S),
        ("event_type", _S),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("channel", _S),
        ("url", _S),
    ]
)

CONSENT_FIELDS_SCHEMA = pa.schema(
    [
        ("customer_ref", _S),
        ("email", _S),
        ("email_key", _S),
        ("phone", _S),
        ("channel", _S),
        ("purpose", _S),
        ("granted", _B),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
    ]
)

FIELDS_SCHEMAS: dict[Entity, pa.Schema] = {
    Entity.CONTACT: CONTACT_FIELDS_SCHEMA,
    Entity.ACCOUNT: ACCOUNT_FIELDS_SCHEMA,
    Entity.TRANSACTION: TRANSACTION_FIELDS_SCHEMA,
    Entity.EVENT: EVENT_FIELDS_SCHEMA,
    Entity.CONSENT: CONSENT_FIELDS_SCHEMA,
}


def staging_schema(entity: Entity) -> pa.Schema:
    """The full schema of a staged table: lineage columns followed by the entity's normalized columns."""
    return pa.schema(list(LINEAGE_SCHEMA) + list(FIELDS_SCHEMAS[entity]))


QUARANTINE_SCHEMA = pa.schema(
    [
        ("source", _S),
        ("object_key", _S),
        ("line_no", pa.int64()),
        ("raw", _S),
        ("reason", _S),
        ("quarantined_at", pa.timestamp("us", tz="UTC")),
    ]
)

# ---------------------------------------------------------------- golden (curated) tables

_LINEAGE_ITEM = pa.struct([("attribute", _S), ("value", _S), ("source", _S), ("source_id", _S), ("rule", _S)])

# One consent statement that reached a golden contact (see cdp.golden.consent).
CONSENT_ITEM = pa.struct(
    [
        ("channel", _S),
        ("purpose", _S),
        ("granted", _B),
        ("occurred_at", pa.timestamp("us", tz="UTC")),
        ("source", _S),
        ("source_id", _S),
    ]
)

# One postal address a golden contact is known at (the golden street/postcode/city/country is the first).
ADDRESS_ITEM = pa.struct([("street", _S), ("postcode", _S), ("city", _S), ("country", _S)])

GOLDEN_CONTACT_SCHEMA = pa.schema(
    [
        ("customer_id", _S),
        ("civility", _S),
        ("first_name", _S),
        ("last_name", _S),
        ("email", _S),
        ("emails", pa.list_(_S)),
        ("phone", _S),
        ("phones", pa.list_(_S)),
        ("street", _S),
        ("postcode", _S),
        ("city", _S),
        ("country", _S),
        ("addresses", pa.list_(ADDRESS_ITEM)),
        ("birth_date", pa.date32()),
        ("company_name", _S),
        ("siret", _S),
        ("account_id", _S),
        ("email_opt_in", _B),
        ("consents", pa.list_(CONSENT_ITEM)),
        ("sources", pa.list_(_S)),
        ("record_count", pa.int32()),
        ("last_updated_at", pa.timestamp("us", tz="UTC")),
        ("lineage", pa.list_(_LINEAGE_ITEM)),
        ("run_id", _S),
    ]
)

GOLDEN_ACCOUNT_SCHEMA = pa.schema(
    [
        ("account_id", _S),
        ("company_name", _S),
        ("legal_form", _S),
        ("siren", _S),
        ("siret", _S),
        ("vat", _S),
        ("web_domain", _S),
        ("email", _S),
        ("phone", _S),
        ("street", _S),
        ("postcode", _S),
        ("city", _S),
        ("country", _S),
        # From the reference company register (cdp.golden.register): verified, closed, not_found,
        # no_identifier or not_checked; matched on "siret" or "siren"; the register's own values.
        ("register_status", _S),
        ("register_match", _S),
        ("legal_name", _S),
        ("activity_code", _S),
        ("headcount_band", _S),
        ("establishment_closed", _B),
        ("sources", pa.list_(_S)),
        ("record_count", pa.int32()),
        ("last_updated_at", pa.timestamp("us", tz="UTC")),
        ("lineage", pa.list_(_LINEAGE_ITEM)),
        ("run_id", _S),
    ]
)

XREF_CONTACT_SCHEMA = pa.schema([("source", _S), ("source_id", _S), ("customer_id", _S), ("run_id", _S)])
XREF_ACCOUNT_SCHEMA = pa.schema([("source", _S), ("source_id", _S), ("account_id", _S), ("run_id", _S)])

# One row per change of identity (see cdp.resolve.ledger): ids created, merged, split, force-linked,
# unlinked; `evidence` is JSON (the link or override that decided it).
IDENTITY_LEDGER_SCHEMA = pa.schema(
    [
        ("entity", _S),
        ("run_id", _S),
        ("at", pa.timestamp("us", tz="UTC")),
        ("event", _S),
        ("customer_id", _S),
        ("other_id", _S),
        ("record_keys", pa.list_(_S)),
        ("evidence", _S),
    ]
)

LINKS_SCHEMA = pa.schema(
    [
        ("entity", _S),
        ("left_source", _S),
        ("left_source_id", _S),
        ("right_source", _S),
        ("right_source_id", _S),
        ("match_weight", pa.float64()),
        ("match_probability", pa.float64()),
        ("rule", _S),
        ("accepted", _B),
        ("explanation", _S),  # JSON: per-field comparison level and weight
        ("run_id", _S),
    ]
)

CONTACT_ACCOUNT_SCHEMA = pa.schema(
    [("customer_id", _S), ("account_id", _S), ("evidence", _S), ("run_id", _S)]
)

CUSTOMER_METRICS_SCHEMA = pa.schema(
    [
        ("customer_id", _S),
        ("orders", pa.int64()),
        ("revenue", pa.float64()),
        ("first_order_at", pa.timestamp("us", tz="UTC")),
        ("last_order_at", pa.timestamp("us", tz="UTC")),
        ("recency_days", pa.int64()),
        ("email_opens", pa.int64()),
        ("email_clicks", pa.int64()),
        ("last_email_engagement_at", pa.timestamp("us", tz="UTC")),
        ("web_visits", pa.int64()),
        ("first_seen_at", pa.timestamp("us", tz="UTC")),
        ("last_seen_at", pa.timestamp("us", tz="UTC")),
        ("average_order_value", pa.float64()),
        ("preferred_channel", _S),
        ("run_id", _S),
    ]
)

SEGMENT_MEMBERSHIP_SCHEMA = pa.schema([("segment", _S), ("customer_id", _S), ("status", _S), ("run_id", _S)])
