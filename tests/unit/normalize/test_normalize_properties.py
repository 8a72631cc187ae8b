"""Properties of every normalizer on arbitrary text: it never raises, keeps the raw value, and its outputs
are well-formed (valid results carry a value, invalid ones none; records cast to their Arrow schema)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa
from cdp.model import (
    ACCOUNT_FIELDS_SCHEMA,
    CANONICAL_FIELDS,
    CONSENT_FIELDS_SCHEMA,
    CONTACT_FIELDS_SCHEMA,
    EVENT_FIELDS_SCHEMA,
    TRANSACTION_FIELDS_SCHEMA,
    Entity,
)
from cdp.normalize import (
    normalize_account,
    normalize_amount,
    normalize_bool,
    normalize_channel,
    normalize_city,
    normalize_civility,
    normalize_code,
    normalize_company_name,
    normalize_consent,
    normalize_contact,
    normalize_country,
    normalize_currency,
    normalize_date,
    normalize_datetime,
    normalize_email,
    normalize_event,
    normalize_person_name,
    normalize_phone,
    normalize_postcode,
    normalize_siren,
    normalize_siret,
    normalize_street,
    normalize_transaction,
    normalize_vat,
    normalize_web_domain,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Arbitrary text, biased towards what breaks parsers: separators, digits, accents, symbols, controls.
_ALPHABET = st.sampled_from(list("0123456789 +-./,;:@()'\"&€$#_\t\nabcxyzABCXYZéèÉàçßøœ😀\u00a0\u200b\x00"))
texts = st.one_of(
    st.text(),
    st.text(_ALPHABET, max_size=40),
    st.sampled_from(["", " ", "N/A", "-", "null", "??", "0000000000", "1900-01-01", "x" * 5000]),
)
optional_texts = st.none() | texts

# Field-level normalizers returning a dataclass with a ``raw`` attribute.
WITH_RAW: list[Callable[[Any], Any]] = [
    normalize_email,
    normalize_phone,
    normalize_postcode,
    normalize_street,
    normalize_city,
    normalize_country,
    normalize_company_name,
    normalize_siret,
    normalize_siren,
    normalize_vat,
    normalize_web_domain,
    normalize_date,
    normalize_amount,
]


@PROPERTY
@given(raw=optional_texts, which=st.sampled_from(WITH_RAW))
def test_field_normalizers_never_raise_and_keep_raw(raw: str | None, which: Callable[[Any], Any]) -> None:
    result = which(raw)
    assert result.raw == raw
    valid = getattr(result, "valid", None)
    if valid is not None and which is not normalize_amount:
        # A validated value exists exactly when the input is valid.
        assert (result.value is not None) is valid
    if valid is False:
        assert result.value is None


@PROPERTY
@given(raw=optional_texts, region=st.none() | st.sampled_from(["FR", "BE", "CH", "US", "GB", "xx", "", "fr"]))
def test_phone_with_any_region(raw: str | None, region: str | None) -> None:
    phone = normalize_phone(raw, region)
    assert phone.raw == raw
    if phone.valid:
        assert phone.value is not None and phone.value.startswith("+") and phone.value[1:].isdigit()
        assert phone.type in {"mobile", "fixed", "other"}
    else:
        assert phone.value is None and phone.type is None


@PROPERTY
@given(raw=optional_texts, country=optional_texts)
def test_postcode_with_any_country(raw: str | None, country: str | None) -> None:
    postcode = normalize_postcode(raw, country)
    assert postcode.raw == raw
    assert (postcode.value is not None) is postcode.valid


@PROPERTY
@given(raw=optional_texts)
def test_scalar_normalizers_never_raise(raw: str | None) -> None:
    assert normalize_bool(raw) in (True, False, None)
    assert normalize_civility(raw) in (None, "M", "MME", "MLLE", "DR", "ME", "PR")
    currency = normalize_currency(raw)
    assert currency is None or (len(currency) == 3 and currency.isupper())
    for code in (normalize_code(raw), normalize_channel(raw)):
        assert code is None or (code and " " not in code)
    moment = normalize_datetime(raw)
    assert moment is None or (isinstance(moment, datetime) and moment.tzinfo is UTC)
    day = normalize_date(raw, day_first=False).value
    assert day is None or isinstance(day, date)


@PROPERTY
@given(first=optional_texts, last=optional_texts, full=optional_texts, civility=optional_texts)
def test_person_name_never_raises(
    first: str | None, last: str | None, full: str | None, civility: str | None
) -> None:
    name = normalize_person_name(first, last, full, civility)
    assert name.full_name_raw == full and name.civility_raw == civility
    assert name.first_name_raw in (first, full)
    assert name.last_name_raw in (last, full)
    assert name.valid is (name.first_name is not None or name.last_name is not None)
    for key in (name.first_name_key, name.last_name_key):
        assert key is None or (key.isascii() and key == key.lower() and key.strip() == key)


@PROPERTY
@given(raw=optional_texts)
def test_keys_are_folded(raw: str | None) -> None:
    for key in (normalize_street(raw).key, normalize_city(raw).key, normalize_company_name(raw).key):
        assert key is None or (key.isascii() and key == key.lower() and "  " not in key)
    email = normalize_email(raw)
    assert email.key is None or (email.valid and email.key.count("@") == 1)


RECORDS: list[tuple[Entity, Callable[..., dict[str, Any]], pa.Schema]] = [
    (Entity.CONTACT, normalize_contact, CONTACT_FIELDS_SCHEMA),
    (Entity.ACCOUNT, normalize_account, ACCOUNT_FIELDS_SCHEMA),
    (Entity.TRANSACTION, normalize_transaction, TRANSACTION_FIELDS_SCHEMA),
    (Entity.EVENT, normalize_event, EVENT_FIELDS_SCHEMA),
    (Entity.CONSENT, normalize_consent, CONSENT_FIELDS_SCHEMA),
]


@st.composite
def _records(draw: st.DrawFn) -> tuple[Entity, dict[str, str | None]]:
    """A record of canonical fields (and a few unknown ones) with arbitrary text values."""
    entity = draw(st.sampled_from([e for e, _, _ in RECORDS]))
    fields = list(CANONICAL_FIELDS[entity]) + ["mobile", "website", "unknown"]
    record = draw(st.dictionaries(st.sampled_from(fields), optional_texts, max_size=len(fields)))
    return entity, record


@PROPERTY
@given(
    case=_records(), default_country=st.sampled_from(["FR", "BE", "US", "XX", ""]), day_first=st.booleans()
)
def test_record_normalizers_never_raise_and_fit_the_schema(
    case: tuple[Entity, dict[str, str | None]], default_country: str, day_first: bool
) -> None:
    entity, record = case
    _, normalize, schema = next(r for r in RECORDS if r[0] is entity)
    out = normalize(record, default_country=default_country, day_first=day_first)
    assert list(out) == schema.names
    pa.Table.from_pylist([out], schema=schema)
    # Raw columns hold the source values untouched.
    for column in schema.names:
        if column.endswith("_raw") and column.removesuffix("_raw") in record:
            source = column.removesuffix("_raw")
            if entity is Entity.CONTACT and source in ("first_name", "last_name"):
                assert out[column] in (record[source], record.get("full_name"))
            else:
                assert out[column] == record[source]


@PROPERTY
@given(case=_records())
def test_validity_flags_describe_the_value_next_to_them(case: tuple[Entity, dict[str, str | None]]) -> None:
    # Given any record, When normalized, Then a *_valid flag is True exactly when its column holds a
    # value, False when a source value was there but gave nothing, None when nothing was there at all.
    entity, record = case
    _, normalize, schema = next(r for r in RECORDS if r[0] is entity)
    out = normalize(record)
    for flag in (name for name in schema.names if name.endswith("_valid")):
        column = flag.removesuffix("_valid")
        raw = out.get(f"{column}_raw")
        if column == "phone" and out.get("phone_source") == "mobile":
            raw = out["mobile_raw"]  # the matching number stood in for by the mobile
        given = raw is not None and raw.strip() != ""
        if out[column] is not None:
            assert out[flag] is True, (flag, record)
        else:
            assert out[flag] is (False if given else None), (flag, record)


@PROPERTY
@given(record=st.dictionaries(st.text(max_size=12), optional_texts, max_size=8))
def test_contact_with_arbitrary_keys(record: dict[str, str | None]) -> None:
    out = normalize_contact(record)
    assert list(out) == CONTACT_FIELDS_SCHEMA.names
    pa.Table.from_pylist([out], schema=CONTACT_FIELDS_SCHEMA)
