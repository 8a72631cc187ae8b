"""The columnar batch normalization gives exactly the row-wise results."""

from __future__ import annotations

import itertools
import math
from datetime import date

import pyarrow as pa
import pytest
from cdp.model import CONTACT_FIELDS_SCHEMA
from cdp.normalize import normalize_contact
from cdp.normalize.batch import normalize_contact_columns, text_array

# Messy values per field, combined below so that blocks see repeated and distinct combinations.
VALUES: dict[str, list[str | None]] = {
    "civility": ["Mme", "M.", "", None, "Dr"],
    "first_name": ["marie-hélène", "JEAN", "", None, "Dupont"],
    "last_name": ["DUPONT", "de la Fontaine", "N/A", None, "Marie"],
    "full_name": [None, "Mme Marie DUPONT", "DUPONT Jean"],
    "email": ["Marie.Dupont@Gmial.com", "info@acme.fr", "not an email", "", None, "j.p@acme.fr"],
    "phone": ["06 12 34 56 78", "0033 1 23 45 67 89", "12", "", None, "+44 20 7946 0958"],
    "mobile": ["+33612345678", "N/A", None, "07 00 00 00 00"],
    "street": ["12 bis av. Victor Hugo", "", None, "RUE DE LA PAIX"],
    "postcode": ["6000", "75011", "SW1A 1AA", None, "abc"],
    "city": ["ST ETIENNE", "paris 8e", None, ""],
    "country": ["France", "UK", "Belgique", None, "Atlantis", ""],
    "birth_date": ["02/01/1980", "1900-01-01", "2099-01-01", "31/02/1980", None, "25569"],
    "company_name": ["ACME S.A.S.", "Cabinet Moreau SCP", None, "-"],
    "siret": ["732 829 320 00074", "12345678901234", None],
    "siren": ["732829320", "123", None],
    "vat": ["FR44732829320", "FR00000000000", None],
    "customer_number": ["C00012", "12.0", " x ", None],
    "email_opt_in": ["oui", "N", "maybe", None],
    "account_ref": ["ACC-1", "", None],
    "updated_at": ["01/06/2026", "2026-08-08T10:00:00Z", "never", None],
}


def _rows(count: int) -> list[dict[str, str | None]]:
    """Rows cycling through each field's values at different periods (every value meets many others)."""
    return [
        {
            field: values[(i * (k + 1) + i // (k + 2)) % len(values)]
            for k, (field, values) in enumerate(VALUES.items())
        }
        for i in range(count)
    ]


def _columnar(rows: list[dict[str, object]], **options: object) -> list[dict[str, object]]:
    fields = sorted(set(itertools.chain.from_iterable(rows)))
    columns = {field: text_array([row.get(field) for row in rows]) for field in fields}
    arrays = normalize_contact_columns(columns, len(rows), **options)  # type: ignore[arg-type]
    return pa.Table.from_arrays(arrays, schema=CONTACT_FIELDS_SCHEMA).to_pylist()


def _row_wise(rows: list[dict[str, object]], **options: object) -> list[dict[str, object]]:
    normalized = [normalize_contact(row, **options) for row in rows]  # type: ignore[arg-type]
    return pa.Table.from_pylist(normalized, schema=CONTACT_FIELDS_SCHEMA).to_pylist()


@pytest.mark.parametrize(("default_country", "day_first"), [("FR", True), ("United Kingdom", False)])
def test_columnar_equals_row_wise(default_country: str, day_first: bool) -> None:
    # Given messy rows where values repeat in many combinations
    rows = _rows(600)
    # When normalized column by column and row by row
    options = {"default_country": default_country, "day_first": day_first}
    # Then every column of every row is the same
    assert _columnar(rows, **options) == _row_wise(rows, **options)  # type: ignore[arg-type]


def test_missing_fields_read_as_empty() -> None:
    # Given a batch with only an e-mail column
    rows: list[dict[str, object]] = [{"email": "a@b.fr"}, {"email": None}]
    # Then every other field is empty, as when a row-wise record lacks the key
    assert _columnar(rows) == _row_wise(rows)
    assert _columnar(rows)[0]["names_swapped"] is False


def test_non_text_values_are_read_as_their_text() -> None:
    # Given values typed by a spreadsheet or Parquet file: numbers, NaN, dates
    rows: list[dict[str, object]] = [
        {"phone": 612345678.0, "customer_number": 12, "birth_date": date(1980, 1, 2)},
        {"phone": math.nan, "customer_number": None, "birth_date": None},
    ]
    columnar = _columnar(rows)
    assert columnar == _row_wise(rows)
    assert (columnar[0]["phone"], columnar[0]["customer_number"]) == ("+33612345678", "12")
    assert columnar[1]["phone_raw"] is None


def test_empty_batch() -> None:
    arrays = normalize_contact_columns({}, 0)
    assert pa.Table.from_arrays(arrays, schema=CONTACT_FIELDS_SCHEMA).num_rows == 0
