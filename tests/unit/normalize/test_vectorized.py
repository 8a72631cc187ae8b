"""Each vectorized fast path gives exactly what its block's per-value function gives, on the rows it
handles; it handles the usual shapes; and whatever it leaves goes to the per-value function."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

import pyarrow as pa
import pytest
from cdp.normalize.records import ContactContext, contact_context
from cdp.normalize.vectorized import (
    FAST_PATHS,
    FastPath,
    birth_fast,
    email_fast,
    identifier_fast,
    name_fast,
    phone_fast,
    street_fast,
    updated_fast,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FR = contact_context("FR", True)
US_ORDER = contact_context("FR", False)

Row = tuple[str | None, ...]


def _block_of(fast: FastPath) -> Callable[..., tuple[object, ...]]:
    return next(compute for compute, path in FAST_PATHS.items() if path is fast)


def _handled_rows(fast: FastPath, rows: Sequence[Row], context: ContactContext) -> list[bool]:
    """Run the fast path over the rows as columns; assert it agrees with the per-value function on every
    row it handles; return which rows it handled."""
    columns = [pa.array(list(column), pa.string()) for column in zip(*rows, strict=True)]
    handled, outputs = fast(columns, context)
    compute = _block_of(fast)
    flags = handled.to_pylist()
    assert None not in flags
    values = [output.to_pylist() for output in outputs]
    for i, row in enumerate(rows):
        if flags[i]:
            assert tuple(column[i] for column in values) == compute(*row, context), row
    return flags


# ------------------------------------------------------------------------------------------ table cases

PLAIN_PHONES = [
    "06 12 34 56 78",
    "0612345678",
    "+33612345678",
    "+33 6 12 34 56 78",
    "06.12.34.56.78",
    "06-12-34-56-78",
    "0033 6 12-34-56-78",
    "+33 (0)6 12 34 56 78",
    "01 23 45 67 89",
    "09 70 12 34 56",
    "08 00 12 34 56",
    "07 81 23 45 67",
]
OTHER_PHONES = [
    "0000000000",
    "+33 0 0 6 12 34 56 78",
    "33612345678",
    "612345678",
    "06 12 34 56 7",
    "+44 20 7946 0958",
    "+1 212 555 0123",
    "06 12 34 56 78 poste 12",
    "06\u00a012 34 56 78",
    "１２３",
    "+",
    "",
    " ",
    "N/A",
]


def test_plain_french_phones_are_handled_and_agree() -> None:
    # Given the usual spellings of French numbers, as phone and as mobile, and numbers it must leave
    rows: list[Row] = [(phone, None, "FR") for phone in PLAIN_PHONES]
    rows += [(None, phone, "FR") for phone in PLAIN_PHONES]
    rows += [
        (phone, mobile, "FR") for phone, mobile in zip(PLAIN_PHONES, reversed(PLAIN_PHONES), strict=True)
    ]
    # When the fast path runs, then it handles every one, with the per-value results
    assert all(_handled_rows(phone_fast, rows, FR))


def test_phones_needing_the_library_are_left_to_it() -> None:
    # Given garbage, foreign numbers in a French file and numbers typed without their prefix
    rows: list[Row] = [(phone, None, "FR") for phone in OTHER_PHONES]
    # Then none is handled (those it would handle would have to agree, which _handled_rows checks)
    assert not any(_handled_rows(phone_fast, rows, FR))


def test_phones_of_other_regions_and_unknown_countries() -> None:
    # Given Belgian and Swiss numbers in their region, and a region phonenumbers does not know
    rows: list[Row] = [
        ("0470 12 34 56", None, "BE"),
        ("+32 470 12 34 56", "0471 23 45 67", "BE"),
        ("079 123 45 67", None, "CH"),
        ("06 12 34 56 78", None, "ZZ"),
    ]
    # Then the numbers of known regions are handled, and the unknown region falls back to the default
    assert _handled_rows(phone_fast, rows, FR) == [True, True, True, True]


PLAIN_EMAILS = [
    "jean.dupont@gmail.com",
    "Jean.Dupont+news@GMAIL.com",
    "j.p.dupont@googlemail.com",
    "+tag@entreprise.fr",
    "contact@entreprise.fr",
    "info.paris@acme.fr",
    "no-reply@acme.fr",
    "marie_claire-2@sub.domain.co.uk",
    "jean@gmial.com",
    "jean@hotmial.com",
    "jean@wanadoo.fr",
]
OTHER_EMAILS = [
    "jean@gmail",
    "jean@orange.f",
    "Jean Dupont <jean@acme.fr>",
    " jean@acme.fr ",
    "jean..dupont@acme.fr",
    ".jean@acme.fr",
    "jean.@acme.fr",
    "jean@acme..fr",
    "jean@-acme.fr",
    "jéan@acme.fr",
    "jean@@acme.fr",
    "a@b@c.fr",
    "@gmail.com",
    "jean.dupont@",
    "x" * 65 + "@acme.fr",
    "",
    "N/A",
]


def test_plain_emails_are_handled_and_agree() -> None:
    assert all(_handled_rows(email_fast, [(email,) for email in PLAIN_EMAILS], FR))


def test_emails_needing_repair_are_left_to_the_per_value_function() -> None:
    assert not any(_handled_rows(email_fast, [(email,) for email in OTHER_EMAILS], FR))


@pytest.mark.parametrize("context", [FR, US_ORDER], ids=["day-first", "month-first"])
def test_dates_and_timestamps_of_the_usual_shapes(context: ContactContext) -> None:
    # Given ISO and numeric dates, real and impossible, recent, future and very old
    births = [
        "1985-03-12",
        "12/03/1985",
        "03/12/1985",
        "2150-01-01",
        "1901-01-01",
        "31/02/1980",
        "1900-01-01",
    ]
    stamps = ["2024-03-12T10:00:00Z", "2024-03-12 10:00:00", "12/03/2024 14:30", "2024-02-30T10:00:00Z"]
    # When the fast paths run, then they agree with the per-value functions where they handle a value
    birth_flags = _handled_rows(birth_fast, [(b,) for b in births], context)
    stamp_flags = _handled_rows(updated_fast, [(s,) for s in stamps], context)
    # And they handle the plain shapes, leaving impossible days and placeholder years
    assert birth_flags[:5] == [True] * 5 and birth_flags[6] is False
    assert stamp_flags == [True, True, True, False]


def test_names_without_a_full_name() -> None:
    # Given first and last name columns, some inverted, some with a civility typed in the first name
    rows: list[Row] = [
        ("marie-hélène", "DUPONT", None, "Mme"),
        ("DUPONT", "Marie", None, None),
        ("Mme Marie", "Dupont", None, ""),
        ("", "N/A", None, "Madame"),
        (None, "de la Fontaine", None, "Dr"),
        ("Jean", None, None, "x"),
        (None, None, "Mme DUPONT Marie", None),
    ]
    # Then every row without a full name is handled, with the per-value results
    assert _handled_rows(name_fast, rows, FR) == [True] * 6 + [False]


def test_street_lines_opening_with_a_house_number() -> None:
    # Given street lines with numbers in their usual spellings, and lines it must leave
    rows: list[Row] = [
        (line,)
        for line in [
            "12 rue de la Paix",
            "12B AV DES CHAMPS ELYSEES",
            "7 bis av. Victor Hugo",
            "221B Baker Street",
            "12, RUE DU MOULIN",
            "12-14 bd st jacques",
            "3 ter chemin de l'Église",
            "rue de la Paix",
            "12  rue de la Paix",
            " 12 rue",
            "123456 rue de la Paix",
            "12/14 rue",
        ]
    ]
    # Then the numbered, clean lines are handled, with the per-value results
    assert _handled_rows(street_fast, rows, FR) == [True] * 7 + [False] * 5


def test_identifiers() -> None:
    codes = ["C00012345", "ACC-12", "12.0", "12", "0.0", "C-1.0", " C1", "C1 ", "N/A", "ABC", "1.5", ""]
    assert _handled_rows(identifier_fast, [(code,) for code in codes], FR) == [True] * 5 + [False] * 7


# ---------------------------------------------------------------------------------- generated inputs

_GROUPINGS = [(2, 2, 2, 2, 1), (1, 2, 2, 2, 2), (9,), (3, 3, 3), (1, 4, 4)]


@st.composite
def french_phones(draw: st.DrawFn) -> str:
    """A 9-digit national number in one of the usual spellings (any digits: valid or not)."""
    national = draw(st.from_regex(r"[0-9]{9}", fullmatch=True))
    groups, start = [], 0
    for size in draw(st.sampled_from(_GROUPINGS)):
        groups.append(national[start : start + size])
        start += size
    separator = draw(st.sampled_from([" ", ".", "-", "", "/"]))
    prefix = draw(st.sampled_from(["0", "+33", "+33 ", "0033 ", "+33 (0)", "+330", "00330", "", "33"]))
    return prefix + separator.join(groups)


_PHONE_LIKE = st.text(alphabet="0123456789+ .-/()", max_size=22)
_REGIONS = st.sampled_from(["FR", "FR", "BE", "CH", "DE", "GB", "US", "ZZ"])


@PROPERTY
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), french_phones(), _PHONE_LIKE, st.text(max_size=12)),
            st.one_of(st.none(), french_phones(), _PHONE_LIKE),
            _REGIONS,
        ),
        min_size=1,
        max_size=25,
    )
)
def test_phone_fast_path_agrees_on_generated_numbers(rows: list[Row]) -> None:
    _handled_rows(phone_fast, rows, FR)


_LOCAL = st.from_regex(r"[A-Za-z0-9_+.\-]{1,12}", fullmatch=True)
_DOMAIN = st.sampled_from(
    ["gmail.com", "GMAIL.COM", "googlemail.com", "hotmail.fr", "gmial.com", "acme.fr", "a.b", "x..y", "co"]
)


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.none(), st.builds(lambda local, domain: f"{local}@{domain}", _LOCAL, _DOMAIN), st.text()
        ),
        min_size=1,
        max_size=25,
    )
)
def test_email_fast_path_agrees_on_generated_addresses(emails: list[str | None]) -> None:
    _handled_rows(email_fast, [(email,) for email in emails], FR)


_DAYS = st.dates(min_value=date(1850, 1, 1), max_value=date(2200, 12, 31))
_DATE_TEXTS = st.one_of(
    st.none(),
    _DAYS.map(date.isoformat),
    _DAYS.map(lambda d: d.strftime("%d/%m/%Y")),
    _DAYS.map(lambda d: d.strftime("%m/%d/%Y")),
    st.from_regex(r"[0-9]{2}/[0-9]{2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.text(max_size=12),
)


@PROPERTY
@given(st.lists(_DATE_TEXTS, min_size=1, max_size=25), st.sampled_from([FR, US_ORDER]))
def test_birth_fast_path_agrees_on_generated_dates(dates: list[str | None], context: ContactContext) -> None:
    _handled_rows(birth_fast, [(d,) for d in dates], context)


_MOMENTS = st.datetimes(min_value=datetime(1850, 1, 1), max_value=datetime(2200, 1, 1))
_STAMP_TEXTS = st.one_of(
    st.none(),
    _MOMENTS.map(lambda t: t.replace(microsecond=0).isoformat() + "Z"),
    _MOMENTS.map(lambda t: t.strftime("%Y-%m-%d %H:%M:%S")),
    _MOMENTS.map(lambda t: t.strftime("%d/%m/%Y %H:%M")),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}Z?", fullmatch=True),
    st.from_regex(r"[0-9]{2}/[0-9]{2}/[0-9]{4} [0-9]{2}:[0-9]{2}", fullmatch=True),
    st.text(max_size=20),
)


@PROPERTY
@given(st.lists(_STAMP_TEXTS, min_size=1, max_size=25), st.sampled_from([FR, US_ORDER]))
def test_timestamp_fast_path_agrees_on_generated_timestamps(
    stamps: list[str | None], context: ContactContext
) -> None:
    _handled_rows(updated_fast, [(s,) for s in stamps], context)


_NAMES = st.one_of(
    st.none(),
    st.sampled_from(
        ["Marie", "JEAN", "dupont", "DUPONT", "Mme Marie", "M. Jean", "de la Fontaine", "", "N/A"]
    ),
    st.text(max_size=10),
)


@PROPERTY
@given(
    st.lists(
        st.tuples(
            _NAMES,
            _NAMES,
            st.one_of(st.none(), _NAMES),
            st.one_of(st.none(), st.sampled_from(["Mme", "M", "x"])),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_name_fast_path_agrees_on_generated_names(rows: list[Row]) -> None:
    _handled_rows(name_fast, rows, FR)


def test_generated_usual_shapes_are_handled() -> None:
    # Given a day's worth of plain, valid values of each shape
    start = datetime(2020, 1, 1)
    moments = [start + timedelta(hours=7 * i, seconds=13 * i) for i in range(50)]
    stamps = [(m.isoformat() + "Z",) for m in moments] + [(m.strftime("%d/%m/%Y %H:%M"),) for m in moments]
    phones: list[Row] = [(f"06 12 34 {i:02d} 78", f"+33 1 23 45 {i:02d} 89", "FR") for i in range(50)]
    # Then the fast paths handle all of them
    assert all(_handled_rows(updated_fast, stamps, FR))
    assert all(_handled_rows(phone_fast, phones, FR))


_STREETS = st.builds(
    lambda number, suffix, comma, street_type, name, case: case(
        f"{number}{suffix}{comma} {street_type} {name}"
    ),
    st.integers(min_value=0, max_value=999_999).map(str),
    st.sampled_from(["", "B", "b", " bis", " B", " ter", "-14", "x", " quater"]),
    st.sampled_from(["", ","]),
    st.sampled_from(["rue", "RUE", "r.", "av", "Avenue", "bd", "chemin", "imp", "pl", "St", "Street", ""]),
    st.sampled_from(["de la Paix", "st jacques", "des Écoles", "Baker", "de l'Église", "ROAD", ""]),
    st.sampled_from([str, str.upper, str.lower]),
)


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.none(),
            _STREETS,
            st.builds(str.__add__, st.from_regex(r"[0-9]{1,6}", fullmatch=True), st.text()),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_street_fast_path_agrees_on_generated_lines(lines: list[str | None]) -> None:
    _handled_rows(street_fast, [(line,) for line in lines], FR)


@PROPERTY
@given(
    st.lists(
        st.one_of(
            st.none(), st.from_regex(r"[A-Za-z0-9_. -]{0,8}[0-9](\.0)?", fullmatch=True), st.text(max_size=10)
        ),
        min_size=1,
        max_size=25,
    )
)
def test_identifier_fast_path_agrees_on_generated_codes(codes: list[str | None]) -> None:
    _handled_rows(identifier_fast, [(code,) for code in codes], FR)
