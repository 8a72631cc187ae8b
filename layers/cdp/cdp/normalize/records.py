"""Record-level normalization: one mapping of canonical fields in, one row of the staging schema out.

Each function returns exactly the columns of its entity's ``*_FIELDS_SCHEMA`` (see ``cdp.model``).
Conventions for every entity:

* a ``*_raw`` column holds the source value untouched; a normalized column is None when the value is
  missing or unusable, so nothing valid is invented and nothing raw is lost;
* a ``*_valid`` column is None when the source value is missing (empty or blank), False when present but
  invalid, True when valid, so data-quality metrics can tell "absent" from "wrong". A column that can be
  filled from another field (``phone`` from ``mobile``, ``siren`` from the SIRET or VAT number, a
  civility typed in a name column, an account's ``web_domain`` from its e-mail) is valid whenever it
  holds a value, so the flag always describes the value next to it; ``phone_source`` says which field
  the contact's ``phone`` came from, while ``phone_raw`` always keeps the phone field as given;
* ``*_key`` columns are accent-folded, lowercase forms for matching (``street_key``, ``city_key``...).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

import phonenumbers

from cdp._gc import no_cycle_collection
from cdp.model import CONTACT_FIELDS_SCHEMA, Entity
from cdp.normalize._text import CACHE_FEW, CACHE_REPEATED, clean, is_null_text
from cdp.normalize.address import (
    normalize_city,
    normalize_country,
    normalize_postcode,
    normalize_street,
)
from cdp.normalize.company import (
    Vat,
    normalize_company_name,
    normalize_siren,
    normalize_siret,
    normalize_vat,
    normalize_web_domain,
)
from cdp.normalize.data import WEBMAIL_DOMAINS
from cdp.normalize.emails import Email, normalize_email
from cdp.normalize.names import normalize_person_name
from cdp.normalize.phone import Phone, normalize_phone
from cdp.normalize.values import (
    cached_date,
    cached_datetime,
    normalize_amount,
    normalize_bool,
    normalize_channel,
    normalize_code,
    normalize_currency,
    normalize_datetime,
)

RawRecord = Mapping[str, Any]

# Oldest plausible age: an older birth date is a placeholder or a typo.
_MAX_AGE_DAYS = 130 * 366


def coerce_text(value: object) -> str | None:
    """Text form of a non-string source value (numbers from Parquet or spreadsheets, dates, bytes)."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN: a missing cell in a dataframe export
            return None
        # Integral floats are identifiers or numbers that lost their type ("612345678.0").
        return str(int(value)) if value.is_integer() and abs(value) < 1e18 else repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


_EMPTY: dict[str, str | None] = {}


def _reader(raw: RawRecord | None) -> Callable[[str], str | None]:
    """A ``get(field) -> str | None`` over the record, tolerant of non-string values and non-mappings."""
    if raw.__class__ is dict:
        # Fast path: a plain dict of strings/None (what the readers produce) is read directly.
        for value in raw.values():  # type: ignore[union-attr]
            if value is not None and value.__class__ is not str:
                break
        else:
            return raw.get  # type: ignore[union-attr]
    try:
        items = list(raw.items())  # type: ignore[union-attr]
        return {str(k): v if v is None or v.__class__ is str else coerce_text(v) for k, v in items}.get
    except Exception:  # noqa: BLE001 - not a mapping: read as empty rather than fail a whole file
        return _EMPTY.get


def _present(value: str | None) -> bool:
    """Whether a source value is there at all (not None, not empty or blank)."""
    return value is not None and value != "" and not value.isspace()


def _identifier(value: str | None) -> str | None:
    """Free identifiers (customer numbers, references): trimmed, null markers removed, Excel ".0" undone."""
    if value is None:
        return None
    s = value.strip()
    # Fast path: plain codes ending with a digit ("C00012345") are never null markers.
    if s and s[-1].isdigit() and s.isprintable() and "  " not in s:
        return s[:-2] if s.endswith(".0") and s[:-2].isdigit() else s
    s = clean(value)
    if s is None or is_null_text(s):
        return None
    return s


def _checked(valid: bool, raw: str) -> bool | None:
    """A normalizer's own validity verdict, or None when the source value was blank (absent)."""
    return valid if _present(raw) else None


def _valid(value: object, raw: str | None) -> bool | None:
    """Validity flag of a normalized value: True when set, False when a source value gave nothing."""
    if value is not None:
        return True
    return False if raw is not None and _present(raw) else None


def _best_phone(phone: Phone, mobile: Phone) -> Phone:
    """The main phone, or the mobile when the main phone is missing or invalid."""
    if phone.valid or mobile.raw is None or not _present(mobile.raw):
        return phone
    if mobile.valid or phone.raw is None or not _present(phone.raw):
        return mobile
    return phone


def _email_domain(email: Email) -> str | None:
    """Company web domain deduced from an e-mail: not for webmail, nor for a typo of a webmail domain."""
    if not email.valid or email.domain is None or email.suggestion is not None:
        return None
    if email.domain in WEBMAIL_DOMAINS:
        return None
    return normalize_web_domain(email.domain).value


@lru_cache(maxsize=CACHE_FEW)
def _default_code(default_country: str) -> str:
    """The default country as alpha-2 ("fr", "France", "FRA" -> "FR"); kept as typed when unknown."""
    return normalize_country(default_country).value or str(default_country).strip().upper()


def _phone_region(region: str, default_country: str) -> str:
    """Phone default region: the record's country when libphonenumber knows it, else the default."""
    return region if region in phonenumbers.SUPPORTED_REGIONS else default_country


_today_cache: list[Any] = [-1.0, date.min]  # (expiry as a Unix time, today's date)


def _today() -> date:
    """Today's date, re-read once a minute (``date.today()`` costs a time-zone conversion per call)."""
    now = time.time()
    if now >= _today_cache[0]:
        _today_cache[0], _today_cache[1] = now + 60, date.today()
    return _today_cache[1]


@lru_cache(maxsize=CACHE_REPEATED)
def _birth_date(raw: str | None, day_first: bool) -> tuple[date | None, bool | None]:
    """(birth date, validity): validity None when absent; future or over-130-year dates are invalid."""
    if raw is None or not _present(raw):
        return None, None
    parsed = cached_date(raw, day_first)
    if parsed.value is None:
        return None, False
    # Cached per value, so "today" may lag by the life of the process: harmless for birth dates.
    today = _today()
    if parsed.value > today or (today - parsed.value).days > _MAX_AGE_DAYS:
        return None, False
    return parsed.value, True


def _siren_from_vat(vat: str | None) -> str | None:
    """The SIREN inside a valid French VAT number ("FR" + 2-digit key + SIREN)."""
    return vat[4:] if vat is not None and vat.startswith("FR") and len(vat) == 13 else None


def _vat_of_company(vat: Vat, siren: str | None) -> Vat:
    """The VAT number, unless it is French and carries another SIREN than the company's: then it names
    another company (a copy-paste slip) and is invalid here, so it neither merges nor links."""
    carried = _siren_from_vat(vat.value)
    if carried is not None and siren is not None and carried != siren:
        return Vat(None, vat.raw, False)
    return vat


# Results for absent fields (no call, no cache lookup: most sources fill only some columns).
_NO_PHONE = Phone(None, None, False)
_NO_VAT = Vat(None, None, False)


class ContactContext(NamedTuple):
    """What every contact block reads besides its fields: the default country code and date order."""

    default_country: str
    day_first: bool


class ContactBlock(NamedTuple):
    """One step of contact normalization: some input fields in, some columns out.

    An input named ``=column`` is an earlier block's output (the country's region feeds the phones and
    the postcode); any other input is a raw canonical field. Outputs starting with ``_`` are internal.
    ``compute`` takes the inputs then the context and returns the outputs in order. The row-wise
    :func:`normalize_contact` and the columnar :func:`cdp.normalize.batch.normalize_contact_columns` run
    the same blocks, so the two cannot disagree.
    """

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    compute: Callable[..., tuple[Any, ...]]
    # Whether each output named after an input plus "_raw" is that input unchanged (the columnar path
    # then reuses the input column); not so for names, whose raw columns may hold a split full name.
    raw_verbatim: bool = True


def _country_block(raw: str | None, context: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None, context.default_country
    country = normalize_country(raw)
    return country.value, raw, _valid(country.value, raw), country.value or context.default_country


def _name_block(
    first: str | None, last: str | None, full: str | None, civility_raw: str | None, _: ContactContext
) -> tuple[Any, ...]:
    name = normalize_person_name(first, last, full, civility_raw)
    return (
        name.civility,
        civility_raw,
        _valid(name.civility, civility_raw),
        name.first_name,
        name.first_name_raw,
        _valid(name.first_name, name.first_name_raw),
        name.first_name_key,
        name.last_name,
        name.last_name_raw,
        _valid(name.last_name, name.last_name_raw),
        name.last_name_key,
        name.swapped,
    )


def _email_block(raw: str | None, _: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None, None, None, None, None
    email = normalize_email(raw)
    return (
        email.value,
        raw,
        _checked(email.valid, raw),
        email.key,
        email.is_role if email.valid else None,
        email.suggestion,
        _email_domain(email),
    )


def _phone_block(
    phone_raw: str | None, mobile_raw: str | None, region: str, context: ContactContext
) -> tuple[Any, ...]:
    phone_region = _phone_region(region, context.default_country)
    main_phone = _NO_PHONE if phone_raw is None else normalize_phone(phone_raw, phone_region)
    mobile = _NO_PHONE if mobile_raw is None else normalize_phone(mobile_raw, phone_region)
    phone = _best_phone(main_phone, mobile)
    if phone.raw is None:
        best: tuple[Any, ...] = (None, phone_raw, None, None, None)
    else:
        source = "phone" if phone is main_phone else "mobile"
        best = (phone.value, phone_raw, _checked(phone.valid, phone.raw), phone.type, source)
    if mobile_raw is None:
        return (*best, None, None, None)
    return (*best, mobile.value, mobile_raw, _checked(mobile.valid, mobile_raw))


def _street_block(raw: str | None, _: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None, None
    street = normalize_street(raw)
    return street.value, raw, _valid(street.value, raw), street.key


def _postcode_block(raw: str | None, region: str, _: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None
    postcode = normalize_postcode(raw, region)
    return postcode.value, raw, _valid(postcode.value, raw)


def _city_block(raw: str | None, _: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None, None
    city = normalize_city(raw)
    return city.value, raw, _valid(city.value, raw), city.key


def _birth_block(raw: str | None, context: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None
    birth, valid = _birth_date(raw, context.day_first)
    return birth, raw, valid


def _company_block(raw: str | None, _: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None, None, None
    company = normalize_company_name(raw)
    return company.value, raw, _valid(company.value, raw), company.key, company.legal_form


def _siret_block(raw: str | None, _: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None, None
    siret = normalize_siret(raw)
    return siret.value, raw, _checked(siret.valid, raw), siret.siren


def _siren_vat_block(
    siren_raw: str | None, siret_siren: str | None, vat_raw: str | None, _: ContactContext
) -> tuple[Any, ...]:
    vat = _NO_VAT if vat_raw is None else normalize_vat(vat_raw)
    siren = None if siren_raw is None else normalize_siren(siren_raw).value
    siren = siren or siret_siren or _siren_from_vat(vat.value)
    vat = _vat_of_company(vat, siren)
    vat_columns = (None, None, None) if vat_raw is None else (vat.value, vat_raw, _valid(vat.value, vat_raw))
    return siren, siren_raw, _valid(siren, siren_raw), *vat_columns


def _identifier_block(raw: str | None, _: ContactContext) -> tuple[Any, ...]:
    return (_identifier(raw),)


def _opt_in_block(raw: str | None, _: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None
    opt_in = normalize_bool(raw)
    return opt_in, raw, _valid(opt_in, raw)


def _updated_block(raw: str | None, context: ContactContext) -> tuple[Any, ...]:
    if raw is None:
        return None, None, None
    updated_at = cached_datetime(raw, context.day_first)
    return updated_at, raw, _valid(updated_at, raw)


def _columns(prefix: str, *suffixes: str) -> tuple[str, ...]:
    return tuple(prefix + suffix for suffix in suffixes)


CONTACT_BLOCKS: tuple[ContactBlock, ...] = (
    ContactBlock(("country",), (*_columns("country", "", "_raw", "_valid"), "_region"), _country_block),
    ContactBlock(
        ("first_name", "last_name", "full_name", "civility"),
        (
            *_columns("civility", "", "_raw", "_valid"),
            *_columns("first_name", "", "_raw", "_valid", "_key"),
            *_columns("last_name", "", "_raw", "_valid", "_key"),
            "names_swapped",
        ),
        _name_block,
        raw_verbatim=False,
    ),
    ContactBlock(
        ("email",),
        (*_columns("email", "", "_raw", "_valid", "_key", "_is_role", "_suggestion"), "web_domain"),
        _email_block,
    ),
    ContactBlock(
        ("phone", "mobile", "=_region"),
        (
            *_columns("phone", "", "_raw", "_valid", "_type", "_source"),
            *_columns("mobile", "", "_raw", "_valid"),
        ),
        _phone_block,
    ),
    ContactBlock(("street",), _columns("street", "", "_raw", "_valid", "_key"), _street_block),
    ContactBlock(("postcode", "=_region"), _columns("postcode", "", "_raw", "_valid"), _postcode_block),
    ContactBlock(("city",), _columns("city", "", "_raw", "_valid", "_key"), _city_block),
    ContactBlock(("birth_date",), _columns("birth_date", "", "_raw", "_valid"), _birth_block),
    ContactBlock(
        ("company_name",),
        (*_columns("company_name", "", "_raw", "_valid"), "company_key", "legal_form"),
        _company_block,
    ),
    ContactBlock(("siret",), (*_columns("siret", "", "_raw", "_valid"), "_siret_siren"), _siret_block),
    ContactBlock(
        ("siren", "=_siret_siren", "vat"),
        (*_columns("siren", "", "_raw", "_valid"), *_columns("vat", "", "_raw", "_valid")),
        _siren_vat_block,
    ),
    ContactBlock(("customer_number",), ("customer_number",), _identifier_block),
    ContactBlock(("email_opt_in",), _columns("email_opt_in", "", "_raw", "_valid"), _opt_in_block),
    ContactBlock(("account_ref",), ("account_ref",), _identifier_block),
    ContactBlock(("updated_at",), _columns("updated_at", "", "_raw", "_valid"), _updated_block),
)


def contact_context(default_country: str, day_first: bool) -> ContactContext:
    """The context the contact blocks read (the default country as an alpha-2 code)."""
    return ContactContext(_default_code(default_country), day_first)


def normalize_contact(
    raw: RawRecord, *, default_country: str = "FR", day_first: bool = True
) -> dict[str, Any]:
    """Normalize a contact record into the columns of ``CONTACT_FIELDS_SCHEMA``.

    Args:
        raw: Canonical field name -> raw value (missing keys mean None). Fields: civility, first_name,
            last_name, full_name, email, phone, mobile, street, postcode, city, country, birth_date,
            company_name, siret, siren, vat, customer_number, email_opt_in, updated_at, account_ref.
        default_country: ISO country assumed for phones and postcodes when the record has no country.
        day_first: Day/month order of ambiguous numeric dates.

    Returns:
        A dict with exactly the CONTACT_FIELDS_SCHEMA keys. ``phone`` is the number to match on: the
        main phone, else the mobile when the main phone is missing or invalid (``phone_source`` says
        which; ``phone_raw`` is always the phone field as given); ``mobile*`` always describe the mobile
        field as given. When names were split from ``full_name``, ``first_name_raw``/``last_name_raw``
        hold the raw full name. The SIREN comes from the siren field, else from a valid SIRET, else from
        a valid French VAT number; a French VAT number carrying another SIREN is invalid. Batches are
        faster through
        :func:`cdp.normalize.batch.normalize_contact_columns`, which runs the same blocks.
    """
    get = _reader(raw)
    context = contact_context(default_country, day_first)
    # The template fixes the schema's key order; internal outputs ("_region") land after it and go.
    out = _CONTACT_TEMPLATE.copy()
    for inputs, outputs, compute in _ROW_BLOCKS:
        out.update(
            zip(
                outputs,
                compute(*[out[name] if derived else get(name) for derived, name in inputs], context),
                strict=True,
            )
        )
    for name in _INTERNAL_OUTPUTS:
        del out[name]
    return out


# The blocks as the row loop reads them: each input as (is an earlier output, name).
_ROW_BLOCKS = tuple(
    (tuple((name[0] == "=", name.lstrip("=")) for name in block.inputs), block.outputs, block.compute)
    for block in CONTACT_BLOCKS
)
_INTERNAL_OUTPUTS = tuple(name for block in CONTACT_BLOCKS for name in block.outputs if name[0] == "_")
_CONTACT_TEMPLATE: dict[str, Any] = dict.fromkeys(CONTACT_FIELDS_SCHEMA.names)


def normalize_account(
    raw: RawRecord, *, default_country: str = "FR", day_first: bool = True
) -> dict[str, Any]:
    """Normalize a company (account) record into the columns of ``ACCOUNT_FIELDS_SCHEMA``.

    Args:
        raw: Canonical field name -> raw value. Fields: company_name, siret, siren, vat, website, email,
            phone, street, postcode, city, country, updated_at.
        default_country: ISO country assumed for phones and postcodes when the record has no country.
        day_first: Day/month order of ambiguous numeric dates.

    Returns:
        A dict with exactly the ACCOUNT_FIELDS_SCHEMA keys. The SIREN comes from a valid SIRET (or French
        VAT number) when missing; a French VAT number carrying another SIREN is invalid; the web domain
        from the website (``web_domain_raw``), else from a non-webmail e-mail.
    """
    get = _reader(raw)
    default_country = _default_code(default_country)
    country_raw = get("country")
    country = normalize_country(country_raw)
    region = country.value or default_country
    company = normalize_company_name(get("company_name"))
    siret_raw, siren_raw, vat_raw = get("siret"), get("siren"), get("vat")
    siret = normalize_siret(siret_raw)
    vat = normalize_vat(vat_raw)
    # A SIREN given but wrong is not replaced by one deduced from the SIRET: the conflict stays visible.
    if _present(siren_raw):
        siren = normalize_siren(siren_raw).value
    else:
        siren = siret.siren or _siren_from_vat(vat.value)
    vat = _vat_of_company(vat, siren or siret.siren)
    website_raw = get("website")
    email_raw = get("email")
    email = normalize_email(email_raw)
    phone_raw = get("phone")
    phone = normalize_phone(phone_raw, _phone_region(region, default_country))
    web_domain = normalize_web_domain(website_raw).value or _email_domain(email)
    street_raw, postcode_raw, city_raw = get("street"), get("postcode"), get("city")
    street = normalize_street(street_raw)
    postcode = normalize_postcode(postcode_raw, region).value
    city = normalize_city(city_raw)
    updated_raw = get("updated_at")
    updated_at = normalize_datetime(updated_raw, day_first=day_first)
    return {
        "company_name": company.value,
        "company_name_raw": company.raw,
        "company_name_valid": _valid(company.value, company.raw),
        "company_key": company.key,
        "legal_form": company.legal_form,
        "siret": siret.value,
        "siret_raw": siret_raw,
        "siret_valid": _valid(siret.value, siret_raw),
        "siren": siren,
        "siren_raw": siren_raw,
        "siren_valid": _valid(siren, siren_raw),
        "vat": vat.value,
        "vat_raw": vat_raw,
        "vat_valid": _valid(vat.value, vat_raw),
        "web_domain": web_domain,
        "web_domain_raw": website_raw,
        "web_domain_valid": _valid(web_domain, website_raw),
        "email": email.value,
        "email_raw": email_raw,
        "email_valid": _valid(email.value, email_raw),
        "phone": phone.value,
        "phone_raw": phone_raw,
        "phone_valid": _valid(phone.value, phone_raw),
        "street": street.value,
        "street_raw": street_raw,
        "street_valid": _valid(street.value, street_raw),
        "street_key": street.key,
        "postcode": postcode,
        "postcode_raw": postcode_raw,
        "postcode_valid": _valid(postcode, postcode_raw),
        "city": city.value,
        "city_raw": city_raw,
        "city_valid": _valid(city.value, city_raw),
        "city_key": city.key,
        "country": country.value,
        "country_raw": country_raw,
        "country_valid": _valid(country.value, country_raw),
        "updated_at": updated_at,
        "updated_at_raw": updated_raw,
        "updated_at_valid": _valid(updated_at, updated_raw),
    }


def normalize_transaction(
    raw: RawRecord, *, default_country: str = "FR", day_first: bool = True
) -> dict[str, Any]:
    """Normalize a transaction record into the columns of ``TRANSACTION_FIELDS_SCHEMA``.

    Args:
        raw: Canonical field name -> raw value. Fields: customer_ref, email, phone, amount, currency,
            occurred_at, channel.
        default_country: ISO country assumed for phone numbers without a country code.
        day_first: Day/month order of ambiguous numeric dates.

    Returns:
        A dict with exactly the TRANSACTION_FIELDS_SCHEMA keys; the currency comes from the currency
        field, else from the amount text ("1 234,50 €").
    """
    get = _reader(raw)
    email = normalize_email(get("email"))
    amount_raw = get("amount")
    amount = normalize_amount(amount_raw)
    return {
        "customer_ref": _identifier(get("customer_ref")),
        "email": email.value,
        "email_key": email.key,
        "phone": normalize_phone(get("phone"), _default_code(default_country)).value,
        "amount": amount.value,
        "amount_raw": amount_raw,
        "currency": normalize_currency(get("currency")) or amount.currency,
        "occurred_at": normalize_datetime(get("occurred_at"), day_first=day_first),
        "channel": normalize_channel(get("channel")),
    }


def normalize_event(raw: RawRecord, *, default_country: str = "FR", day_first: bool = True) -> dict[str, Any]:
    """Normalize an event record into the columns of ``EVENT_FIELDS_SCHEMA``.

    Args:
        raw: Canonical field name -> raw value. Fields: customer_ref, email, event_type, occurred_at,
            channel, url.
        default_country: Unused (events carry no phone or address); accepted for a uniform signature.
        day_first: Day/month order of ambiguous numeric dates.

    Returns:
        A dict with exactly the EVENT_FIELDS_SCHEMA keys; ``event_type`` as a snake-case code.
    """
    del default_country  # uniform signature across entities
    get = _reader(raw)
    email = normalize_email(get("email"))
    url = clean(get("url"))
    return {
        "customer_ref": _identifier(get("customer_ref")),
        "email": email.value,
        "email_key": email.key,
        "event_type": normalize_code(get("event_type")),
        "occurred_at": normalize_datetime(get("occurred_at"), day_first=day_first),
        "channel": normalize_channel(get("channel")),
        "url": None if url is None or is_null_text(url) else url,
    }


def normalize_consent(
    raw: RawRecord, *, default_country: str = "FR", day_first: bool = True
) -> dict[str, Any]:
    """Normalize a consent record into the columns of ``CONSENT_FIELDS_SCHEMA``.

    Args:
        raw: Canonical field name -> raw value. Fields: customer_ref, email, phone, channel, purpose,
            granted, occurred_at.
        default_country: ISO country assumed for phone numbers without a country code.
        day_first: Day/month order of ambiguous numeric dates.

    Returns:
        A dict with exactly the CONSENT_FIELDS_SCHEMA keys; ``granted`` None when not a recognised flag.
    """
    get = _reader(raw)
    email = normalize_email(get("email"))
    return {
        "customer_ref": _identifier(get("customer_ref")),
        "email": email.value,
        "email_key": email.key,
        "phone": normalize_phone(get("phone"), _default_code(default_country)).value,
        "channel": normalize_channel(get("channel")),
        "purpose": normalize_code(get("purpose")),
        "granted": normalize_bool(get("granted")),
        "occurred_at": normalize_datetime(get("occurred_at"), day_first=day_first),
    }


_RECORD_NORMALIZERS: dict[Entity, Callable[..., dict[str, Any]]] = {
    Entity.CONTACT: normalize_contact,
    Entity.ACCOUNT: normalize_account,
    Entity.TRANSACTION: normalize_transaction,
    Entity.EVENT: normalize_event,
    Entity.CONSENT: normalize_consent,
}


def normalize_records(
    entity: Entity | str,
    rows: Iterable[RawRecord],
    *,
    default_country: str = "FR",
    day_first: bool = True,
) -> list[dict[str, Any]]:
    """Normalize a batch of records of one entity.

    The cyclic garbage collector is paused for the batch and its previous state restored: normalizers
    create no reference cycles, so its periodic scans of the memo caches are pure overhead (about a
    fifth of the run time); memory is still released as usual by reference counting.

    Args:
        entity: The entity of every row ("contact", "account", "transaction", "event", "consent").
        rows: Records of canonical field name -> raw value.
        default_country: ISO country assumed for phones and postcodes without a country.
        day_first: Day/month order of ambiguous numeric dates.

    Returns:
        One normalized dict per row, in order.

    Raises:
        ValueError: ``entity`` is not a known entity.
    """
    normalize = _RECORD_NORMALIZERS[Entity(entity)]
    with no_cycle_collection():
        return [normalize(row, default_country=default_country, day_first=day_first) for row in rows]
