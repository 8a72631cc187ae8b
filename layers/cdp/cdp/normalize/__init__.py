"""Pure normalization core: raw source values in, clean, comparable and validated values out.

Field-level normalizers take a raw string (or None) and return a small frozen dataclass carrying the
normalized ``value``, the untouched ``raw`` input and, where it applies, a ``valid`` flag and a matching
``key`` (accent-folded, lowercase). Checked values (e-mails, phones, postcodes, identifiers, dates) have a
``value`` only when valid; display values (names, streets, cities, companies) are cleaned, never
invented. Record-level normalizers map a record of canonical fields onto the staging columns defined in
``cdp.model``; ``normalize_records`` does a whole batch.

No function here raises on any string input, does I/O of its own or reads the environment; field-level
results are memoised with ``functools.lru_cache`` (values repeat a lot in customer files).
"""

from cdp.normalize.address import (
    City,
    Country,
    Postcode,
    Street,
    normalize_city,
    normalize_country,
    normalize_postcode,
    normalize_street,
)
from cdp.normalize.company import (
    CompanyName,
    Siren,
    Siret,
    Vat,
    WebDomain,
    normalize_company_name,
    normalize_siren,
    normalize_siret,
    normalize_vat,
    normalize_web_domain,
)
from cdp.normalize.emails import Email, normalize_email, suggest_domain
from cdp.normalize.names import PersonName, is_first_name, normalize_civility, normalize_person_name
from cdp.normalize.phone import Phone, normalize_phone
from cdp.normalize.records import (
    normalize_account,
    normalize_consent,
    normalize_contact,
    normalize_event,
    normalize_records,
    normalize_transaction,
)
from cdp.normalize.values import (
    Amount,
    DateValue,
    normalize_amount,
    normalize_bool,
    normalize_channel,
    normalize_code,
    normalize_currency,
    normalize_date,
    normalize_datetime,
)

__all__ = [
    "Amount",
    "City",
    "CompanyName",
    "Country",
    "DateValue",
    "Email",
    "PersonName",
    "Phone",
    "Postcode",
    "Siren",
    "Siret",
    "Street",
    "Vat",
    "WebDomain",
    "is_first_name",
    "normalize_account",
    "normalize_amount",
    "normalize_bool",
    "normalize_channel",
    "normalize_city",
    "normalize_civility",
    "normalize_code",
    "normalize_company_name",
    "normalize_consent",
    "normalize_contact",
    "normalize_country",
    "normalize_currency",
    "normalize_date",
    "normalize_datetime",
    "normalize_email",
    "normalize_event",
    "normalize_person_name",
    "normalize_phone",
    "normalize_postcode",
    "normalize_records",
    "normalize_siren",
    "normalize_siret",
    "normalize_street",
    "normalize_transaction",
    "normalize_vat",
    "normalize_web_domain",
    "suggest_domain",
]
