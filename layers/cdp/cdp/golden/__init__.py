"""Golden records: survivorship with lineage, contact-account links, company register, customer metrics."""

from cdp.golden.consent import attribute_consents, golden_consents, permits
from cdp.golden.metrics import customer_metrics
from cdp.golden.register import (
    REGISTER_COLUMNS,
    Register,
    RegisterError,
    RegisterStatus,
    add_rows,
    canonical_columns,
    verify_accounts,
)
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
    "REGISTER_COLUMNS",
    "AttributeRule",
    "Register",
    "RegisterError",
    "RegisterStatus",
    "add_rows",
    "attribute_consents",
    "canonical_columns",
    "build_golden",
    "choose",
    "customer_metrics",
    "golden_consents",
    "link_contacts_to_accounts",
    "permits",
    "verify_accounts",
]
