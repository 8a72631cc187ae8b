"""Golden records: survivorship with lineage, contact-account links, customer metrics."""

from cdp.golden.consent import permits
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
    "build_golden",
    "choose",
    "customer_metrics",
    "link_contacts_to_accounts",
    "permits",
]
