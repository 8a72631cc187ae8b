"""Phone numbers: E.164, validity, line type; the fast path must agree with phonenumbers itself."""

from __future__ import annotations

import phonenumbers
import pytest
from cdp.normalize import Phone, normalize_phone
from hypothesis import given, settings
from hypothesis import strategies as st
from phonenumbers import PhoneNumberFormat, PhoneNumberType


@pytest.mark.parametrize(
    ("raw", "value", "line_type"),
    [
        # French mobiles in every usual shape
        ("06 12 34 56 78", "+33612345678", "mobile"),
        ("0612345678", "+33612345678", "mobile"),
        ("06.12.34.56.78", "+33612345678", "mobile"),
        ("06-12-34-56-78", "+33612345678", "mobile"),
        ("06/12/34/56/78", "+33612345678", "mobile"),
        ("+33612345678", "+33612345678", "mobile"),
        ("+33 6 12 34 56 78", "+33612345678", "mobile"),
        ("+33 (0)6 12 34 56 78", "+33612345678", "mobile"),
        ("(0)6.12.34.56.78", "+33612345678", "mobile"),
        ("0033 6 12-34-56-78", "+33612345678", "mobile"),
        ("0033612345678", "+33612345678", "mobile"),
        ("33612345678", "+33612345678", "mobile"),
        ("6 12 34 56 78", "+33612345678", "mobile"),
        ("07 81 23 45 67", "+33781234567", "mobile"),
        ("  06 12 34 56 78  ", "+33612345678", "mobile"),
        ("06\u00a012\u00a034\u00a056\u00a078", "+33612345678", "mobile"),
        ("06 12 34 56 78 poste 12", "+33612345678", "mobile"),
        ("06 12 34 56 78 ext. 4", "+33612345678", "mobile"),
        # French fixed lines and others
        ("01 42 68 53 00", "+33142685300", "fixed"),
        ("04 72 00 00 00", "+33472000000", "fixed"),
        ("+33 1 42 68 53 00", "+33142685300", "fixed"),
        ("09 70 12 34 56", "+33970123456", "other"),
        ("0800 123 456", "+33800123456", "other"),
        # Neighbours and beyond
        ("+32 470 12 34 56", "+32470123456", "mobile"),
        ("+32 2 555 12 12", "+3225551212", "fixed"),
        ("+41 79 123 45 67", "+41791234567", "mobile"),
        ("+41 22 123 45 67", "+41221234567", "fixed"),
        ("+44 7911 123456", "+447911123456", "mobile"),
        ("+44 20 7946 0958", "+442079460958", "fixed"),
        ("+1 (212) 555-0123", "+12125550123", "other"),
        ("+1 212 555 0123", "+12125550123", "other"),
        ("+49 30 1234567", "+49301234567", "fixed"),
        ("+39 06 1234 5678", "+390612345678", "fixed"),
        ("+34 612 34 56 78", "+34612345678", "mobile"),
        ("+352 621 123 456", "+352621123456", "mobile"),
        ("+212 6 12 34 56 78", "+212612345678", "mobile"),
        ("+262 692 12 34 56", "+262692123456", "mobile"),
    ],
)
def test_valid_numbers(raw: str, value: str, line_type: str) -> None:
    phone = normalize_phone(raw)
    assert (phone.value, phone.valid, phone.type) == (value, True, line_type)
    assert phone.raw == raw


@pytest.mark.parametrize(
    ("raw", "region", "value"),
    [
        ("0470 12 34 56", "BE", "+32470123456"),
        ("02 555 12 12", "BE", "+3225551212"),
        ("079 123 45 67", "CH", "+41791234567"),
        ("07911 123456", "GB", "+447911123456"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("(212) 555-0123", "US", "+12125550123"),
        ("212-555-0123", "US", "+12125550123"),
        ("030 1234567", "DE", "+49301234567"),
        ("06 1234 5678", "IT", "+390612345678"),
        ("612 34 56 78", "ES", "+34612345678"),
        ("0692 12 34 56", "RE", "+262692123456"),
        ("0612345678", "fr", "+33612345678"),
        ("+33612345678", None, "+33612345678"),
        ("+33612345678", "XX", "+33612345678"),
    ],
)
def test_default_region(raw: str, region: str | None, value: str) -> None:
    assert normalize_phone(raw, region).value == value


@pytest.mark.parametrize(
    ("raw", "region", "value"),
    [
        ("0470 12 34 56", "FR", "+33470123456"),  # the same digits are a French fixed line
        ("0470 12 34 56", "BE", "+32470123456"),
        ("06 12 34 56 78", "BE", None),  # not a Belgian number
        ("0612345678", None, None),  # no region and no country code: cannot be placed
        ("0612345678", "XX", None),
        ("0612345678", "", None),
    ],
)
def test_region_decides_national_numbers(raw: str, region: str | None, value: str | None) -> None:
    phone = normalize_phone(raw, region)
    assert phone.value == value
    assert phone.valid is (value is not None)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        " ",
        "N/A",
        "-",
        "null",
        "??",
        "inconnu",
        "0000000000",
        "00 00 00 00 00",
        "1111111111",
        "123",
        "12345",
        "06 12 34",
        "06 12 34 56 78 90 12",
        "+33 6 12 34 56 78 90",
        "07 12 34 56 78",  # 071 is not an allocated French mobile range
        "+0 612345678",
        "+999 123456789",
        "phone",
        "06 12 34 56 7a",
        "😀",
        "☎ 06 12 34 56 78 ☎ 06 12 34 56 79",
        "x" * 10_000,
        "0" * 200,
        "\x00\x01\x02",
    ],
)
def test_invalid_numbers(raw: str | None) -> None:
    phone = normalize_phone(raw)
    assert (phone.value, phone.valid, phone.type) == (None, False, None)
    assert phone.raw == raw


def test_region_is_reported() -> None:
    assert normalize_phone("+32 470 12 34 56").region == "BE"
    assert normalize_phone("06 12 34 56 78").region == "FR"


def test_result_is_a_frozen_phone() -> None:
    phone = normalize_phone("0612345678")
    assert isinstance(phone, Phone)
    with pytest.raises(AttributeError):
        phone.value = "x"  # type: ignore[misc]


def _library_verdict(text: str, region: str) -> tuple[str | None, str | None]:
    """What phonenumbers alone says: (E.164, type) for a valid number, else (None, None)."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, None
    if not phonenumbers.is_valid_number(number):
        return None, None
    kind = phonenumbers.number_type(number)
    name = {PhoneNumberType.MOBILE: "mobile", PhoneNumberType.FIXED_LINE: "fixed"}.get(kind, "other")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), name


_REGIONS = ["FR", "BE", "CH", "DE", "IT", "ES", "LU", "NL", "GB", "US", "RE", "GP", "MA", "PT", "FI", "AX"]


@st.composite
def _numbers(draw: st.DrawFn) -> tuple[str, str]:
    """Digit strings shaped like phone numbers of a region, in national or international form."""
    region = draw(st.sampled_from(_REGIONS))
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    lengths = [n for n in meta.general_desc.possible_length if n > 0] or [9]
    body = draw(st.text("0123456789", min_size=min(lengths) - 1, max_size=max(lengths) + 1))
    shape = draw(st.sampled_from(["national", "bare", "plus", "plus-trunk", "idd", "cc"]))
    cc = str(meta.country_code)
    text = {
        "national": (meta.national_prefix or "") + body,
        "bare": body,
        "plus": f"+{cc} {body}",
        "plus-trunk": f"+{cc} (0){body}",
        "idd": f"00{cc}{body}",
        "cc": f"{cc}{body}",
    }[shape]
    return text, region


@settings(max_examples=200, deadline=None)
@given(_numbers())
def test_fast_path_agrees_with_phonenumbers(case: tuple[str, str]) -> None:
    # Given a digit string shaped like a phone number, When normalized, Then the verdict (number, type)
    # is exactly the one phonenumbers gives on its own (repeated-digit placeholders aside).
    text, region = case
    digits = "".join(c for c in text if c.isdigit())
    if digits and digits.count(digits[0]) == len(digits):
        return
    phone = normalize_phone(text, region)
    assert (phone.value, phone.type) == _library_verdict(text, region)


@pytest.mark.parametrize(
    "text",
    ["06 12 34 56 78", "+33 (0)6 12 34 56 78", "0033 6 12 34 56 78", "01 42 68 53 00", "09 70 12 34 56"],
)
def test_known_shapes_agree_with_phonenumbers(text: str) -> None:
    phone = normalize_phone(text, "FR")
    assert (phone.value, phone.type) == _library_verdict(text, "FR")
