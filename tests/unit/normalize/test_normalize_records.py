"""Record-level normalizers: exact staging columns, Arrow-castable values, cross-field rules."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pytest
from cdp.model import (
    ACCOUNT_FIELDS_SCHEMA,
    CONSENT_FIELDS_SCHEMA,
    CONTACT_FIELDS_SCHEMA,
    EVENT_FIELDS_SCHEMA,
    TRANSACTION_FIELDS_SCHEMA,
    Entity,
)
from cdp.normalize import (
    normalize_account,
    normalize_consent,
    normalize_contact,
    normalize_event,
    normalize_records,
    normalize_transaction,
)

RecordNormalizer = Callable[..., dict[str, Any]]

ENTITIES: list[tuple[RecordNormalizer, pa.Schema]] = [
    (normalize_contact, CONTACT_FIELDS_SCHEMA),
    (normalize_account, ACCOUNT_FIELDS_SCHEMA),
    (normalize_transaction, TRANSACTION_FIELDS_SCHEMA),
    (normalize_event, EVENT_FIELDS_SCHEMA),
    (normalize_consent, CONSENT_FIELDS_SCHEMA),
]

MESSY_CONTACT = {
    "source_id": "42",
    "civility": "Madame",
    "full_name": "Mme DUPONT Marie-Hélène",
    "email": " Marie.Dupont+news@GMAIL.com ",
    "phone": "N/A",
    "mobile": "06 12 34 56 78",
    "street": "12B AV DES CHAMPS ELYSEES",
    "postcode": "8000",
    "city": "ST ETIENNE CEDEX 2",
    "country": "france",
    "birth_date": "12/03/1985",
    "company_name": "ACME S.A.S.",
    "siret": "732 829 320 00074",
    "vat": "FR 44 732 829 320",
    "customer_number": "12345.0",
    "email_opt_in": "oui",
    "updated_at": "2023-03-12T10:00:00+01:00",
    "account_ref": " ACC-1 ",
}


def test_messy_contact() -> None:
    out = normalize_contact(MESSY_CONTACT)
    assert (out["civility"], out["civility_raw"], out["civility_valid"]) == ("MME", "Madame", True)
    assert (out["first_name"], out["last_name"]) == ("Marie-Hélène", "Dupont")
    assert (out["first_name_valid"], out["last_name_valid"]) == (True, True)
    assert (out["first_name_key"], out["last_name_key"]) == ("marie helene", "dupont")
    assert out["first_name_raw"] == "Mme DUPONT Marie-Hélène"  # split from the full name
    assert out["names_swapped"] is False
    assert out["email"] == "marie.dupont+news@gmail.com"
    assert out["email_raw"] == " Marie.Dupont+news@GMAIL.com "
    assert (out["email_valid"], out["email_key"], out["email_is_role"]) == (
        True,
        "mariedupont@gmail.com",
        False,
    )
    assert out["email_suggestion"] is None
    # The main phone is garbage: the mobile is used for matching, the garbage is kept as given.
    assert (out["phone"], out["phone_raw"], out["phone_valid"], out["phone_type"], out["phone_source"]) == (
        "+33612345678",
        MESSY_CONTACT["phone"],
        True,
        "mobile",
        "mobile",
    )
    assert (out["mobile"], out["mobile_raw"], out["mobile_valid"]) == ("+33612345678", "06 12 34 56 78", True)
    assert (out["street"], out["street_raw"], out["street_valid"], out["street_key"]) == (
        "12 bis avenue des Champs Elysees",
        "12B AV DES CHAMPS ELYSEES",
        True,
        "12 bis avenue des champs elysees",
    )
    assert (out["postcode"], out["postcode_raw"], out["postcode_valid"]) == ("08000", "8000", True)
    # The city key drops the Cedex and district for matching; the display value keeps them.
    assert (out["city"], out["city_raw"], out["city_valid"], out["city_key"]) == (
        "Saint-Etienne Cedex 2",
        "ST ETIENNE CEDEX 2",
        True,
        "saint etienne",
    )
    assert (out["country"], out["country_raw"], out["country_valid"]) == ("FR", "france", True)
    assert (out["birth_date"], out["birth_date_raw"], out["birth_date_valid"]) == (
        date(1985, 3, 12),
        "12/03/1985",
        True,
    )
    assert (out["company_name"], out["company_key"], out["legal_form"]) == ("ACME", "acme", "SAS")
    assert (out["company_name_raw"], out["company_name_valid"]) == ("ACME S.A.S.", True)
    assert (out["siret"], out["siret_valid"], out["siren"]) == ("73282932000074", True, "732829320")
    # The SIREN is deduced from the SIRET: nothing raw, but a valid value.
    assert (out["siren_raw"], out["siren_valid"]) == (None, True)
    assert (out["vat"], out["vat_raw"], out["vat_valid"]) == ("FR44732829320", "FR 44 732 829 320", True)
    assert out["web_domain"] is None  # gmail.com says nothing about the employer
    assert out["customer_number"] == "12345"
    assert (out["email_opt_in"], out["email_opt_in_raw"], out["email_opt_in_valid"]) == (True, "oui", True)
    assert out["account_ref"] == "ACC-1"
    assert out["updated_at"] == datetime(2023, 3, 12, 9, 0, tzinfo=UTC)
    assert (out["updated_at_raw"], out["updated_at_valid"]) == ("2023-03-12T10:00:00+01:00", True)


@pytest.mark.parametrize(("normalize", "schema"), ENTITIES)
@pytest.mark.parametrize(
    "raw",
    [
        {},
        MESSY_CONTACT,
        {"email": "N/A", "phone": "??", "amount": "abc", "occurred_at": "never", "granted": "maybe"},
        {key: "" for key in MESSY_CONTACT},
        {key: "😀" * 3 for key in MESSY_CONTACT},
        {key: "x" * 10_000 for key in MESSY_CONTACT},
        {"unknown_field": "value", "email": "a@b.fr"},
    ],
)
def test_exact_schema_keys_and_arrow_cast(normalize: RecordNormalizer, schema: pa.Schema, raw: dict) -> None:
    # Given any record, When normalized, Then the output has exactly the schema columns, in order,
    # and builds an Arrow table of that schema without casting errors.
    out = normalize(raw)
    assert list(out) == schema.names
    table = pa.Table.from_pylist([out], schema=schema)
    assert table.num_rows == 1


def test_contact_batch_casts_to_arrow() -> None:
    rows = [
        MESSY_CONTACT,
        {"first_name": "Jean", "last_name": "Martin", "email": "contact@acme.fr", "country": "Belgique"},
        {"last_name": "Marie", "first_name": "Dupont", "phone": "+32 470 12 34 56"},
        {},
    ]
    outputs = [normalize_contact(r) for r in rows]
    table = pa.Table.from_pylist(outputs, schema=CONTACT_FIELDS_SCHEMA)
    assert table.num_rows == 4
    assert table.column("birth_date").type == pa.date32()
    assert str(table.column("updated_at").type) == "timestamp[us, tz=UTC]"


def test_empty_contact_is_all_null() -> None:
    out = normalize_contact({})
    assert out["names_swapped"] is False
    assert all(value is None for key, value in out.items() if key != "names_swapped")


@pytest.mark.parametrize(
    ("field", "raw", "valid_key", "expected"),
    [
        ("email", None, "email_valid", None),  # absent: unknown, not invalid
        ("email", "", "email_valid", None),
        ("email", "   ", "email_valid", None),
        ("email", "N/A", "email_valid", False),  # present but unusable
        ("email", "jean@acme.fr", "email_valid", True),
        ("phone", None, "phone_valid", None),
        ("phone", "12", "phone_valid", False),
        ("postcode", "", "postcode_valid", None),
        ("postcode", "ABCDE", "postcode_valid", False),
        ("birth_date", None, "birth_date_valid", None),
        ("birth_date", "31/02/1980", "birth_date_valid", False),
        ("siret", "", "siret_valid", None),
        ("siret", "123", "siret_valid", False),
        ("mobile", None, "mobile_valid", None),
        ("mobile", "12", "mobile_valid", False),
        ("mobile", "07 81 23 45 67", "mobile_valid", True),
        ("civility", "??", "civility_valid", False),
        ("first_name", "N/A", "first_name_valid", False),
        ("last_name", " ", "last_name_valid", None),
        ("street", "", "street_valid", None),
        ("street", "N/A", "street_valid", False),
        ("city", "N/A", "city_valid", False),
        ("country", "Narnia", "country_valid", False),
        ("country", "Belgique", "country_valid", True),
        ("company_name", "N/A", "company_name_valid", False),
        ("siren", "123", "siren_valid", False),
        ("vat", "FR123", "vat_valid", False),
        ("email_opt_in", "peut-être", "email_opt_in_valid", False),
        ("email_opt_in", "non", "email_opt_in_valid", True),  # a valid "no"
        ("updated_at", "never", "updated_at_valid", False),
    ],
)
def test_validity_distinguishes_absent_from_invalid(
    field: str, raw: str | None, valid_key: str, expected: bool | None
) -> None:
    out = normalize_contact({field: raw})
    assert out[valid_key] is expected
    assert out[f"{field}_raw"] == raw


@pytest.mark.parametrize(
    ("birth_date", "valid"),
    [
        ("12/03/1985", True),
        ("2999-01-01", False),  # in the future
        ("01/01/2999", False),
        ("1850-06-01", False),  # older than anyone alive
        ("1900-01-01", False),  # placeholder
        ("31/02/1980", False),
        ("N/A", False),
    ],
)
def test_birth_date_plausibility(birth_date: str, valid: bool) -> None:
    out = normalize_contact({"birth_date": birth_date})
    assert out["birth_date_valid"] is valid
    assert (out["birth_date"] is not None) is valid
    assert out["birth_date_raw"] == birth_date


@pytest.mark.parametrize(
    ("record", "phone", "phone_raw", "valid", "source"),
    [
        (
            {"phone": "06 12 34 56 78", "mobile": "07 81 23 45 67"},
            "+33612345678",
            "06 12 34 56 78",
            True,
            "phone",
        ),
        # The mobile stands in for an unusable main phone, whose raw text is still kept.
        ({"phone": "N/A", "mobile": "07 81 23 45 67"}, "+33781234567", "N/A", True, "mobile"),
        ({"mobile": "07 81 23 45 67"}, "+33781234567", None, True, "mobile"),
        (
            {"phone": "123", "mobile": "456"},
            None,
            "123",
            False,
            "phone",
        ),  # both invalid: the main one is kept
        ({"phone": "", "mobile": "456"}, None, "", False, "mobile"),
        ({"phone": "0470 12 34 56", "country": "Belgique"}, "+32470123456", "0470 12 34 56", True, "phone"),
        ({"phone": "0470 12 34 56", "country": "BE"}, "+32470123456", "0470 12 34 56", True, "phone"),
        ({"phone": "079 123 45 67", "country": "Suisse"}, "+41791234567", "079 123 45 67", True, "phone"),
        ({"phone": "06 12 34 56 78", "country": "Narnia"}, "+33612345678", "06 12 34 56 78", True, "phone"),
    ],
)
def test_phone_choice_and_region(
    record: dict, phone: str | None, phone_raw: str | None, valid: bool, source: str
) -> None:
    out = normalize_contact(record)
    assert (out["phone"], out["phone_raw"], out["phone_valid"], out["phone_source"]) == (
        phone,
        phone_raw,
        valid,
        source,
    )


@pytest.mark.parametrize(
    ("record", "mobile", "mobile_raw", "mobile_valid"),
    [
        # Both valid: the main phone is used for matching, the mobile is no longer dropped.
        ({"phone": "01 42 68 53 00", "mobile": "06 12 34 56 78"}, "+33612345678", "06 12 34 56 78", True),
        ({"phone": "01 42 68 53 00", "mobile": "N/A"}, None, "N/A", False),
        ({"phone": "01 42 68 53 00"}, None, None, None),
        ({"mobile": "0470 12 34 56", "country": "BE"}, "+32470123456", "0470 12 34 56", True),
    ],
)
def test_mobile_is_kept_beside_the_main_phone(
    record: dict, mobile: str | None, mobile_raw: str | None, mobile_valid: bool | None
) -> None:
    out = normalize_contact(record)
    assert (out["mobile"], out["mobile_raw"], out["mobile_valid"]) == (mobile, mobile_raw, mobile_valid)
    if "phone" in record:
        assert (out["phone"], out["phone_raw"], out["phone_type"]) == (
            "+33142685300",
            record["phone"],
            "fixed",
        )


def test_address_keys_are_folded_for_matching() -> None:
    # Given the same address typed two ways, When normalized, Then the match keys agree.
    a = normalize_contact({"street": "12 RUE DE L'ÉGLISE", "city": "ST ÉTIENNE CEDEX 1"})
    b = normalize_contact({"street": "12 r. de l'eglise", "city": "Saint-Etienne"})
    assert a["street_key"] == b["street_key"] == "12 rue de leglise"
    assert a["city_key"] == b["city_key"] == "saint etienne"
    assert a["street"] == "12 rue de l'Église"  # display values keep their accents


def test_default_country_drives_phone_and_postcode() -> None:
    out = normalize_contact({"phone": "0470 12 34 56", "postcode": "1000"}, default_country="BE")
    assert (out["phone"], out["postcode"]) == ("+32470123456", "1000")
    assert out["country"] is None  # the default is an assumption, not a fact about the record


@pytest.mark.parametrize("default_country", ["FR", "fr", "France", "FRA", " fr "])
def test_default_country_spellings(default_country: str) -> None:
    out = normalize_contact({"phone": "06 12 34 56 78", "postcode": "1000"}, default_country=default_country)
    assert (out["phone"], out["postcode"]) == ("+33612345678", "01000")
    tx = normalize_transaction({"phone": "06 12 34 56 78"}, default_country=default_country)
    assert tx["phone"] == "+33612345678"


def test_day_first_option() -> None:
    assert normalize_contact({"birth_date": "01/02/1990"})["birth_date"] == date(1990, 2, 1)
    assert normalize_contact({"birth_date": "01/02/1990"}, day_first=False)["birth_date"] == date(1990, 1, 2)


@pytest.mark.parametrize(
    ("email", "web_domain"),
    [
        ("jean.dupont@acme.fr", "acme.fr"),
        ("contact@www.acme.fr", "acme.fr"),
        ("jean@gmail.com", None),
        ("jean@orange.fr", None),
        ("jean@gmial.com", None),  # a typo of a webmail is still a webmail
        ("not an email", None),
    ],
)
def test_contact_web_domain_from_email(email: str, web_domain: str | None) -> None:
    assert normalize_contact({"email": email})["web_domain"] == web_domain


def test_swapped_names_in_contact() -> None:
    out = normalize_contact({"first_name": "DUPONT", "last_name": "Marie"})
    assert (out["first_name"], out["last_name"], out["names_swapped"]) == ("Marie", "Dupont", True)
    assert (out["first_name_raw"], out["last_name_raw"]) == ("DUPONT", "Marie")


@pytest.mark.parametrize(
    ("record", "siren"),
    [
        ({"siren": "732 829 320"}, "732829320"),
        ({"siret": "73282932000074"}, "732829320"),
        ({"vat": "FR40303265045"}, "303265045"),
        ({"siren": "bad", "siret": "73282932000074"}, "732829320"),
        ({"siret": "bad"}, None),
    ],
)
def test_contact_siren_derivation(record: dict, siren: str | None) -> None:
    assert normalize_contact(record)["siren"] == siren


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (612345678, "+33612345678"),  # an integer cell
        (612345678.0, "+33612345678"),  # a float cell
        (float("nan"), None),  # a missing cell in a dataframe
        (b"06 12 34 56 78", "+33612345678"),
    ],
)
def test_non_string_values_are_read_as_text(value: object, expected: str | None) -> None:
    out = normalize_contact({"phone": value})  # type: ignore[dict-item]
    assert out["phone"] == expected
    assert out["phone_raw"] is None or isinstance(out["phone_raw"], str)
    pa.Table.from_pylist([out], schema=CONTACT_FIELDS_SCHEMA)


def test_other_value_types() -> None:
    out = normalize_contact(
        {
            "birth_date": date(1985, 3, 12),
            "updated_at": datetime(2023, 3, 12, 10, tzinfo=UTC),
            "email_opt_in": True,
            "customer_number": Decimal("12345"),
            "postcode": 75001,
        }  # type: ignore[dict-item]
    )
    assert out["birth_date"] == date(1985, 3, 12)
    assert out["updated_at"] == datetime(2023, 3, 12, 10, tzinfo=UTC)
    assert out["email_opt_in"] is True
    assert out["customer_number"] == "12345"
    assert out["postcode"] == "75001"
    pa.Table.from_pylist([out], schema=CONTACT_FIELDS_SCHEMA)


@pytest.mark.parametrize("raw", [None, 42, "text", [1, 2], object()])
def test_non_mapping_input_gives_an_empty_row(raw: object) -> None:
    out = normalize_contact(raw)  # type: ignore[arg-type]
    assert list(out) == CONTACT_FIELDS_SCHEMA.names


@pytest.mark.parametrize("normalize", [normalize_contact, normalize_account])
def test_a_french_vat_number_carrying_another_siren_is_invalid(normalize: Any) -> None:
    # Given a SIRET of one company and the (checksum-valid) VAT number of another
    out = normalize({"company_name": "ACME", "siret": "73282932000074", "vat": "FR40303265045"})
    # Then the VAT number is flagged and kept raw, and the SIREN stays the SIRET's
    assert (out["vat"], out["vat_raw"], out["vat_valid"]) == (None, "FR40303265045", False)
    assert out["siren"] == "732829320"


def test_account() -> None:
    out = normalize_account(
        {
            "company_name": "ACME S.A.S.",
            "siret": "732 829 320 00074",
            "vat": "FR 44 732 829 320",
            "website": "https://www.acme.fr/contact",
            "email": "contact@acme.fr",
            "phone": "01 42 68 53 00",
            "street": "12 RUE DE LA PAIX",
            "postcode": "75002",
            "city": "PARIS",
            "country": "France",
            "updated_at": "12/03/2023 14:30",
        }
    )
    assert (out["company_name"], out["company_key"], out["legal_form"]) == ("ACME", "acme", "SAS")
    assert (out["company_name_raw"], out["company_name_valid"]) == ("ACME S.A.S.", True)
    assert (out["siret"], out["siret_valid"], out["siren"], out["siren_valid"]) == (
        "73282932000074",
        True,
        "732829320",
        True,
    )
    assert (out["vat"], out["vat_raw"], out["vat_valid"]) == ("FR44732829320", "FR 44 732 829 320", True)
    assert (out["web_domain"], out["web_domain_raw"], out["web_domain_valid"]) == (
        "acme.fr",
        "https://www.acme.fr/contact",
        True,
    )
    assert (out["email"], out["email_raw"], out["email_valid"]) == (
        "contact@acme.fr",
        "contact@acme.fr",
        True,
    )
    assert (out["phone"], out["phone_raw"], out["phone_valid"]) == ("+33142685300", "01 42 68 53 00", True)
    assert (out["street"], out["postcode"], out["city"], out["country"]) == (
        "12 rue de la Paix",
        "75002",
        "Paris",
        "FR",
    )
    assert (out["street_raw"], out["street_valid"], out["street_key"]) == (
        "12 RUE DE LA PAIX",
        True,
        "12 rue de la paix",
    )
    assert (out["postcode_raw"], out["postcode_valid"]) == ("75002", True)
    assert (out["city_raw"], out["city_valid"], out["city_key"]) == ("PARIS", True, "paris")
    assert (out["country_raw"], out["country_valid"]) == ("France", True)
    assert out["updated_at"] == datetime(2023, 3, 12, 14, 30, tzinfo=UTC)
    assert (out["updated_at_raw"], out["updated_at_valid"]) == ("12/03/2023 14:30", True)


@pytest.mark.parametrize(
    ("field", "raw", "valid_key", "expected"),
    [
        ("company_name", None, "company_name_valid", None),
        ("company_name", "N/A", "company_name_valid", False),
        ("email", "", "email_valid", None),
        ("email", "N/A", "email_valid", False),
        ("phone", "12", "phone_valid", False),
        ("street", "N/A", "street_valid", False),
        ("postcode", "ABCDE", "postcode_valid", False),
        ("city", " ", "city_valid", None),
        ("country", "Narnia", "country_valid", False),
        ("updated_at", "never", "updated_at_valid", False),
    ],
)
def test_account_validity_distinguishes_absent_from_invalid(
    field: str, raw: str | None, valid_key: str, expected: bool | None
) -> None:
    out = normalize_account({field: raw})
    assert out[valid_key] is expected
    assert out[f"{field}_raw"] == raw


@pytest.mark.parametrize(
    ("record", "web_domain"),
    [
        ({"website": "www.acme.fr"}, "acme.fr"),
        ({"email": "info@acme.fr"}, "acme.fr"),
        ({"website": "https://facebook.com/acme", "email": "info@acme.fr"}, "acme.fr"),
        ({"email": "acme@gmail.com"}, None),
        ({"email": "acme@wanadoo.fr"}, None),
        ({"website": "N/A"}, None),
    ],
)
def test_account_web_domain(record: dict, web_domain: str | None) -> None:
    out = normalize_account(record)
    assert out["web_domain"] == web_domain
    assert out["web_domain_raw"] == record.get("website")
    # Valid whenever a domain was found, even from the e-mail when the website is unusable.
    assert out["web_domain_valid"] is (True if web_domain else False if record.get("website") else None)


@pytest.mark.parametrize(
    ("record", "siren", "siren_valid"),
    [
        ({"siret": "73282932000074"}, "732829320", True),  # derived from the SIRET
        ({"siren": "732829320"}, "732829320", True),
        ({"siren": "732829321"}, None, False),  # given but wrong: not replaced by a guess
        ({"siren": "732829321", "siret": "73282932000074"}, None, False),
        ({"vat": "FR40303265045"}, "303265045", True),
        ({}, None, None),
    ],
)
def test_account_siren(record: dict, siren: str | None, siren_valid: bool | None) -> None:
    out = normalize_account(record)
    assert (out["siren"], out["siren_valid"]) == (siren, siren_valid)


def test_transaction() -> None:
    out = normalize_transaction(
        {
            "customer_ref": " C-001 ",
            "email": "Jean.Dupont@Gmail.com",
            "phone": "06 12 34 56 78",
            "amount": "1 234,50 €",
            "occurred_at": "12/03/2023 14:30",
            "channel": "Magasin",
        }
    )
    assert out == {
        "customer_ref": "C-001",
        "email": "jean.dupont@gmail.com",
        "email_key": "jeandupont@gmail.com",
        "phone": "+33612345678",
        "amount": 1234.5,
        "amount_raw": "1 234,50 €",
        "currency": "EUR",
        "occurred_at": datetime(2023, 3, 12, 14, 30, tzinfo=UTC),
        "channel": "store",
    }


@pytest.mark.parametrize(
    ("amount", "currency", "expected_amount", "expected_currency"),
    [
        ("12,50", "eur", 12.5, "EUR"),
        ("12,50 €", None, 12.5, "EUR"),
        ("$12.50", "USD", 12.5, "USD"),
        ("12.50", "€", 12.5, "EUR"),
        ("12.50", None, 12.5, None),
        ("12.50", "XYZ", 12.5, None),
        ("abc", "EUR", None, "EUR"),
    ],
)
def test_transaction_currency(
    amount: str, currency: str | None, expected_amount: float | None, expected_currency: str | None
) -> None:
    out = normalize_transaction({"amount": amount, "currency": currency})
    assert (out["amount"], out["currency"], out["amount_raw"]) == (expected_amount, expected_currency, amount)


def test_event() -> None:
    out = normalize_event(
        {
            "customer_ref": "C-001",
            "email": "JEAN@ACME.FR",
            "event_type": "Page View",
            "occurred_at": "1678627800",
            "channel": "Site web",
            "url": "  https://acme.fr/produits?id=1  ",
        }
    )
    assert out == {
        "customer_ref": "C-001",
        "email": "jean@acme.fr",
        "email_key": "jean@acme.fr",
        "event_type": "page_view",
        "occurred_at": datetime(2023, 3, 12, 13, 30, tzinfo=UTC),
        "channel": "web",
        "url": "https://acme.fr/produits?id=1",
    }


@pytest.mark.parametrize(
    ("granted", "expected"),
    [
        ("oui", True),
        ("Opt-in", True),
        ("1", True),
        ("non", False),
        ("opt-out", False),
        ("?", None),
        (None, None),
    ],
)
def test_consent(granted: str | None, expected: bool | None) -> None:
    out = normalize_consent(
        {
            "customer_ref": "C-001",
            "email": "jean@acme.fr",
            "phone": "0612345678",
            "channel": "SMS",
            "purpose": "Newsletter",
            "granted": granted,
            "occurred_at": "2023-03-12",
        }
    )
    assert out["granted"] is expected
    assert (out["channel"], out["purpose"], out["phone"]) == ("sms", "newsletter", "+33612345678")
    assert out["occurred_at"] == datetime(2023, 3, 12, tzinfo=UTC)


@pytest.mark.parametrize(("normalize", "schema"), ENTITIES)
def test_normalize_records_matches_single_calls(normalize: RecordNormalizer, schema: pa.Schema) -> None:
    entity = {
        CONTACT_FIELDS_SCHEMA: Entity.CONTACT,
        ACCOUNT_FIELDS_SCHEMA: Entity.ACCOUNT,
        TRANSACTION_FIELDS_SCHEMA: Entity.TRANSACTION,
        EVENT_FIELDS_SCHEMA: Entity.EVENT,
        CONSENT_FIELDS_SCHEMA: Entity.CONSENT,
    }[schema]
    rows = [MESSY_CONTACT, {}, {"email": "x@y.fr", "amount": "12", "granted": "oui"}]
    assert normalize_records(entity, rows) == [normalize(r) for r in rows]
    assert normalize_records(entity.value, rows, default_country="BE", day_first=False) == [
        normalize(r, default_country="BE", day_first=False) for r in rows
    ]


def test_normalize_records_restores_the_garbage_collector() -> None:
    assert gc.isenabled()
    normalize_records("contact", [MESSY_CONTACT])
    assert gc.isenabled()
    gc.disable()
    try:
        normalize_records("contact", [MESSY_CONTACT])
        assert not gc.isenabled()  # a caller's choice is left alone
    finally:
        gc.enable()


def test_normalize_records_rejects_unknown_entities() -> None:
    with pytest.raises(ValueError):
        normalize_records("invoice", [{}])
