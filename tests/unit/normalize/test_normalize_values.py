"""Scalar values: dates, timestamps, amounts, currencies, booleans, channels and codes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from cdp.normalize import (
    normalize_amount,
    normalize_bool,
    normalize_channel,
    normalize_code,
    normalize_currency,
    normalize_date,
    normalize_datetime,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1985-03-12", date(1985, 3, 12)),
        ("1985-3-2", date(1985, 3, 2)),
        ("1985-03-12T10:30:00", date(1985, 3, 12)),
        ("1985-03-12 10:30:00", date(1985, 3, 12)),
        ("1985/03/12", date(1985, 3, 12)),
        ("1985.03.12", date(1985, 3, 12)),
        ("12/03/1985", date(1985, 3, 12)),
        ("12-03-1985", date(1985, 3, 12)),
        ("12.03.1985", date(1985, 3, 12)),
        ("12 03 1985", date(1985, 3, 12)),
        ("2/3/1985", date(1985, 3, 2)),
        ("12/03/85", date(1985, 3, 12)),
        ("12-03-85", date(1985, 3, 12)),
        ("12/03/05", date(2005, 3, 12)),
        ("12/03/1985 10:30", date(1985, 3, 12)),
        ("25/12/1985", date(1985, 12, 25)),
        ("12/25/1985", date(1985, 12, 25)),  # month first is the only reading that works
        ("19850312", date(1985, 3, 12)),
        ("12031985", date(1985, 3, 12)),
        ("120385", date(1985, 3, 12)),
        ("31048", date(1985, 1, 1)),  # Excel serial number
        ("31048.0", date(1985, 1, 1)),
        ("45000", date(2023, 3, 15)),
        ("12 mars 1985", date(1985, 3, 12)),
        ("12 MARS 1985", date(1985, 3, 12)),
        ("1er janvier 1990", date(1990, 1, 1)),
        ("1 janv. 1990", date(1990, 1, 1)),
        ("15 février 2001", date(2001, 2, 15)),
        ("15 fevrier 2001", date(2001, 2, 15)),
        ("3 août 1999", date(1999, 8, 3)),
        ("le 12 mars 1985", date(1985, 3, 12)),
        ("mardi 12 mars 1985", date(1985, 3, 12)),
        ("March 12, 1985", date(1985, 3, 12)),
        ("Mar 12 1985", date(1985, 3, 12)),
        ("12 March 1985", date(1985, 3, 12)),
        ("12-Mar-1985", date(1985, 3, 12)),
        ("12-MAR-85", date(1985, 3, 12)),
        ("March 1st, 1990", date(1990, 3, 1)),
        ("Tue, 12 Mar 1985", date(1985, 3, 12)),
        ("1985 mars 12", date(1985, 3, 12)),
        ("1970-01-01", date(1970, 1, 1)),
        ("2000-02-29", date(2000, 2, 29)),
    ],
)
def test_dates(raw: str, expected: date) -> None:
    parsed = normalize_date(raw)
    assert (parsed.value, parsed.valid, parsed.raw) == (expected, True, raw)


@pytest.mark.parametrize(
    ("raw", "day_first", "expected"),
    [
        ("01/02/2020", True, date(2020, 2, 1)),
        ("01/02/2020", False, date(2020, 1, 2)),
        ("13/02/2020", False, date(2020, 2, 13)),  # only one reading is a date
        ("02/13/2020", True, date(2020, 2, 13)),
        ("2020-01-02", False, date(2020, 1, 2)),  # ISO is never ambiguous
    ],
)
def test_day_first(raw: str, day_first: bool, expected: date) -> None:
    assert normalize_date(raw, day_first=day_first).value == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        " ",
        "N/A",
        "-",
        "??",
        "null",
        "inconnu",
        "1900-01-01",  # placeholder dates
        "01/01/1900",
        "1899-12-30",
        "0001-01-01",
        "9999-12-31",
        "31/12/9999",
        "0000-00-00",
        "00/00/0000",
        "1700-01-01",  # implausible years
        "2300-01-01",
        "31/02/2020",
        "2020-02-30",
        "2019-02-29",
        "32/01/2020",
        "13/13/2020",
        "1985",
        "12/1985",
        "123",
        "99999",
        "5000",
        "1234567",
        "Marie",
        "12 foo 1985",
        "mars 1985",
        "12 mars",
        "12/03/1985/12",
        "😀",
        "x" * 5000,
    ],
)
def test_invalid_dates(raw: str | None) -> None:
    parsed = normalize_date(raw)
    assert (parsed.value, parsed.valid, parsed.raw) == (None, False, raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-03-12T10:00:00Z", datetime(2023, 3, 12, 10, 0, tzinfo=UTC)),
        ("2023-03-12T10:00:00+01:00", datetime(2023, 3, 12, 9, 0, tzinfo=UTC)),
        ("2023-03-12T10:00:00-05:00", datetime(2023, 3, 12, 15, 0, tzinfo=UTC)),
        ("2023-03-12T10:00:00+0100", datetime(2023, 3, 12, 9, 0, tzinfo=UTC)),
        ("2023-03-12T10:00:00.123456Z", datetime(2023, 3, 12, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2023-03-12T10:00:00.123456789Z", datetime(2023, 3, 12, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2023-03-12 10:00:00", datetime(2023, 3, 12, 10, 0, tzinfo=UTC)),  # naive: taken as UTC
        ("2023-03-12T10:00", datetime(2023, 3, 12, 10, 0, tzinfo=UTC)),
        ("2023-03-12", datetime(2023, 3, 12, tzinfo=UTC)),
        ("12/03/2023 14:30", datetime(2023, 3, 12, 14, 30, tzinfo=UTC)),
        ("12/03/2023 14:30:15", datetime(2023, 3, 12, 14, 30, 15, tzinfo=UTC)),
        ("12/03/2023 14h30", datetime(2023, 3, 12, 14, 30, tzinfo=UTC)),
        ("12-03-23 14:30", datetime(2023, 3, 12, 14, 30, tzinfo=UTC)),
        ("12/03/2023 14:30 +01:00", datetime(2023, 3, 12, 13, 30, tzinfo=UTC)),
        ("12/03/2023 14:30 UTC", datetime(2023, 3, 12, 14, 30, tzinfo=UTC)),
        ("12/03/2023", datetime(2023, 3, 12, tzinfo=UTC)),
        ("12 mars 2023 14:30", datetime(2023, 3, 12, 14, 30, tzinfo=UTC)),
        ("Sun, 12 Mar 2023 14:30:00 +0100", datetime(2023, 3, 12, 13, 30, tzinfo=UTC)),
        ("Sun, 12 Mar 2023 14:30:00 GMT", datetime(2023, 3, 12, 14, 30, tzinfo=UTC)),
        ("1678627800", datetime(2023, 3, 12, 13, 30, tzinfo=UTC)),  # Unix seconds
        ("1678627800000", datetime(2023, 3, 12, 13, 30, tzinfo=UTC)),  # Unix milliseconds
        ("20230312", datetime(2023, 3, 12, tzinfo=UTC)),
    ],
)
def test_datetimes(raw: str, expected: datetime) -> None:
    value = normalize_datetime(raw)
    assert value == expected
    assert value is not None and value.utcoffset() is not None and value.utcoffset().total_seconds() == 0


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "N/A",
        "-",
        "0000-00-00 00:00:00",
        "1900-01-01 00:00:00",
        "9999-12-31T23:59:59",
        "12/03/2023 25:00",
        "12/03/2023 14:75",
        "2023-13-01T00:00:00",
        "1234567890123456",
        "123",
        "yesterday",
        "😀",
        "x" * 5000,
    ],
)
def test_invalid_datetimes(raw: str | None) -> None:
    assert normalize_datetime(raw) is None


@pytest.mark.parametrize(
    ("raw", "value", "currency"),
    [
        ("12", 12.0, None),
        ("12.5", 12.5, None),
        ("-12.5", -12.5, None),
        ("12,5", 12.5, None),
        ("12,50", 12.5, None),
        ("1 234,50 €", 1234.5, "EUR"),
        ("1\u00a0234,50\u00a0€", 1234.5, "EUR"),
        ("1\u202f234,50 €", 1234.5, "EUR"),
        ("1.234,50", 1234.5, None),
        ("1.234.567,89", 1234567.89, None),
        ("1,234.50", 1234.5, None),
        ("1,234,567.89", 1234567.89, None),
        ("1'234.50", 1234.5, None),
        ("1 234 567", 1234567.0, None),
        ("1.234.567", 1234567.0, None),
        ("1,234,567", 1234567.0, None),
        ("$1,234.50", 1234.5, "USD"),
        ("US$ 12", 12.0, "USD"),
        ("£12.50", 12.5, "GBP"),
        ("12,50 EUR", 12.5, "EUR"),
        ("EUR 12,50", 12.5, "EUR"),
        ("12,50 euros", 12.5, "EUR"),
        ("12.50 CHF", 12.5, "CHF"),
        ("12.50 usd", 12.5, "USD"),
        ("12€50", 12.5, "EUR"),
        ("€12", 12.0, "EUR"),
        ("-12,50 €", -12.5, "EUR"),
        ("(12.50)", -12.5, None),
        ("12,50-", -12.5, None),
        ("+12", 12.0, None),
        ("0", 0.0, None),
        ("0,00 €", 0.0, "EUR"),
        ("12.50 JPY", 12.5, "JPY"),
    ],
)
def test_amounts(raw: str, value: float, currency: str | None) -> None:
    amount = normalize_amount(raw)
    assert amount.valid is True
    assert amount.value == pytest.approx(value)
    assert (amount.currency, amount.raw) == (currency, raw)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        " ",
        "N/A",
        "-",
        "abc",
        "nan",
        "NaN",
        "inf",
        "1e5",
        "12,50 EUR USD",
        "12 pommes",
        "1.234.5,6",
        "1,2,3.4.5",
        "12.34.56",
        "1,23,456",
        "€",
        "😀",
        "x" * 5000,
        "1" * 400,
    ],
)
def test_invalid_amounts(raw: str | None) -> None:
    amount = normalize_amount(raw)
    assert (amount.value, amount.valid, amount.raw) == (None, False, raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("€", "EUR"),
        ("eur", "EUR"),
        ("EUR", "EUR"),
        ("Euros", "EUR"),
        ("$", "USD"),
        ("usd", "USD"),
        ("£", "GBP"),
        ("CHF", "CHF"),
        ("jpy", "JPY"),
        ("SEK", "SEK"),
        ("XYZ", None),
        ("dollars canadiens", None),
        ("", None),
        (None, None),
    ],
)
def test_currency(raw: str | None, expected: str | None) -> None:
    assert normalize_currency(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("oui", True),
        ("OUI", True),
        ("Oui", True),
        ("o", True),
        ("O", True),
        ("yes", True),
        ("Y", True),
        ("1", True),
        ("1.0", True),
        ("true", True),
        ("TRUE", True),
        ("vrai", True),
        ("x", True),
        ("X", True),
        ("opt-in", True),
        ("Opt-In", True),
        ("optin", True),
        ("opt in", True),
        ("inscrit", True),
        ("abonné", True),
        ("accepté", True),
        ("granted", True),
        (" oui ", True),
        ("non", False),
        ("NON", False),
        ("n", False),
        ("N", False),
        ("no", False),
        ("0", False),
        ("0.0", False),
        ("false", False),
        ("False", False),
        ("faux", False),
        ("opt-out", False),
        ("OPT-OUT", False),
        ("optout", False),
        ("désinscrit", False),
        ("désabonné", False),
        ("refusé", False),
        ("revoked", False),
        ("", None),
        (" ", None),
        (None, None),
        ("N/A", None),
        ("maybe", None),
        ("peut-être", None),
        ("2", None),
        ("-1", None),
        ("😀", None),
        ("x" * 5000, None),
    ],
)
def test_bool(raw: str | None, expected: bool | None) -> None:
    assert normalize_bool(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("web", "web"),
        ("WEB", "web"),
        ("Site web", "web"),
        ("E-commerce", "web"),
        ("en ligne", "web"),
        ("Magasin", "store"),
        ("boutique", "store"),
        ("POS", "store"),
        ("Téléphone", "phone"),
        ("Courriel", "email"),
        ("e-mail", "email"),
        ("SMS", "sms"),
        ("Appli", "app"),
        ("Courrier", "post"),
        ("Salon pro", "salon_pro"),
        ("", None),
        (None, None),
        ("N/A", None),
    ],
)
def test_channel(raw: str | None, expected: str | None) -> None:
    assert normalize_channel(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Page View", "page_view"),
        ("page_view", "page_view"),
        ("PAGE-VIEW", "page_view"),
        ("Achat en ligne", "achat_en_ligne"),
        ("Ajout au panier !", "ajout_au_panier"),
        ("Newsletter", "newsletter"),
        ("", None),
        ("N/A", None),
        (None, None),
        ("😀", None),
    ],
)
def test_code(raw: str | None, expected: str | None) -> None:
    assert normalize_code(raw) == expected
