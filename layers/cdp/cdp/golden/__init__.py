"""Golden records: survivorship with lineage, contact-account links, customer metrics."""

from cdp.golden.consent import attribute_consents, golden_consents, permits
from cdp.golden.metrics import customer_metrics
from cdp.golden.survivorship import (
    ACCOUNT_RULES,
    CONTACT_RULES,
    AttributeRule,
    build_golden,
    choose,
    link_contacts_to_accounts,
)

__all__ = [
    "ACCOUNT_RULES",
    "CONTACT_RULES",
    "AttributeRule",
    "attribute_consents",
    "build_golden",
    "choose",
    "customer_metrics",
    "golden_consents",
    "link_contacts_to_accounts",
    "permits",
]
