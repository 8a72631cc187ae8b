"""Low-level parsing shared by profiling and semantic typing."""

from __future__ import annotations

import pytest
from cdp.catalog._text import date_iso, header_tokens, is_null, parse_amount, parse_date, signature


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Jean Dupont", "Aa+ Aa+"),
        ("75001", "9{5}"),
        ("john.doe@mail.com", "a+.a+@a+.a+"),
        ("06 12 34 56 78", "9{2} 9{2} 9{2} 9{2} 9{2}"),
        ("CLI00001234", "A+9{8}"),
        ("123e4567-e89b-12d3-a456-426614174000", "x{8}-x{4}-x{4}-x{4}-x{12}"),
        ("3f2a9c1e77ab", "x{12}"),
        ("0031t00000ABCdeAAB", "x{18}"),
        ("12,50 €", "9{2},9{2} €"),
        ("  Élodie  ", "Aa+"),
        ("", ""),
    ],
)
def test_signature(value: str, expected: str) -> None:
    assert signature(value) == expected


def test_signature_is_bounded() -> None:
    assert len(signature("a1 " * 500)) <= 41


@pytest.mark.parametrize(
    ("value", "dmy", "mdy"),
    [
        ("2024-01-31", "2024-01-31", "2024-01-31"),
        ("31/01/2024", "2024-01-31", None),
        ("01/31/2024", None, "2024-01-31"),
        ("05/04/2024", "2024-04-05", "2024-05-04"),
        ("05.04.24", "2024-04-05", "2024-05-04"),
        ("12/05/78", "1978-05-12", "1978-12-05"),
        ("2024-01-31T10:20:30Z", "2024-01-31T10:20:30", "2024-01-31T10:20:30"),
        ("31/01/2024 10h20", "2024-01-31T10:20:00", None),
        ("5 janv. 2024", "2024-01-05", "2024-01-05"),
        ("1er février 2023", "2023-02-01", "2023-02-01"),
        ("January 5, 2024", "2024-01-05", "2024-01-05"),
        ("Mon, 05 Jan 2024 10:00:00 +0000", "2024-01-05T10:00:00", "2024-01-05T10:00:00"),
    ],
)
def test_parse_date(value: str, dmy: str | None, mdy: str | None) -> None:
    parts = parse_date(value)
    assert parts is not None
    assert date_iso(parts, "DMY") == dmy
    assert date_iso(parts, "MDY") == mdy


@pytest.mark.parametrize(
    "value", ["2024-02-30", "31/31/2024", "2023-02-29", "12", "hello", "25:61", "2024-01-01T25:00"]
)
def test_parse_date_rejects_non_dates(value: str) -> None:
    assert parse_date(value) is None


def test_compact_dates_only_on_request() -> None:
    assert parse_date("20240131") is None
    assert parse_date("20240131", compact=True) is not None
    assert parse_date("2024-02-29") is not None  # leap year


@pytest.mark.parametrize(
    ("value", "number", "decimals", "mark"),
    [
        ("12,50", 12.5, 2, False),
        ("1 234,56 €", 1234.56, 2, True),
        ("$1,234.56", 1234.56, 2, True),
        ("1.234,56", 1234.56, 2, False),
        ("-15,00", -15.0, 2, False),
        ("(12.00)", -12.0, 2, False),
        ("100", 100.0, 0, False),
        ("1,234,567", 1234567.0, 0, False),
        ("EUR 99.9", 99.9, 1, True),
    ],
)
def test_parse_amount(value: str, number: float, decimals: int, mark: bool) -> None:
    amount = parse_amount(value)
    assert amount is not None
    assert amount.value == pytest.approx(number)
    assert (amount.decimals, amount.currency_mark) == (decimals, mark)


@pytest.mark.parametrize("value", ["abc", "12/05/2024", "1.2.3", "", "€", "12 abc"])
def test_parse_amount_rejects_non_numbers(value: str) -> None:
    assert parse_amount(value) is None


def test_header_tokens() -> None:
    assert header_tokens("N° SIRET") == ("siret",)
    assert header_tokens("Date de naissance") == ("date", "naissance")
    assert header_tokens("firstName") == ("first", "name")
    assert header_tokens("Tél.") == ("tel",)
    assert header_tokens("E-MAIL_ADDRESS") == ("e", "mail", "address")


def test_is_null() -> None:
    for value in (None, "", "  ", "NULL", " n/a ", "#N/A", "None", "nan", "\\N"):
        assert is_null(value)
    for value in ("0", "x", "-", "Nancy", "non"):
        assert not is_null(value)
