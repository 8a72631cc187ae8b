"""E-mail addresses: cleaning, validity, typo suggestions, role mailboxes and matching keys."""

from __future__ import annotations

import pytest
from cdp.normalize import Email, normalize_email, suggest_domain


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("jean.dupont@gmail.com", "jean.dupont@gmail.com"),
        ("Jean.Dupont@GMAIL.COM", "jean.dupont@gmail.com"),
        ("  jean.dupont@gmail.com  ", "jean.dupont@gmail.com"),
        ("jean.dupont@gmail.com.", "jean.dupont@gmail.com"),
        ("<jean.dupont@gmail.com>", "jean.dupont@gmail.com"),
        ("Jean Dupont <jean.dupont@acme.fr>", "jean.dupont@acme.fr"),
        ('"Dupont, Jean" <jean.dupont@acme.fr>', "jean.dupont@acme.fr"),
        ("mailto:jean.dupont@acme.fr", "jean.dupont@acme.fr"),
        ("MAILTO:Jean.Dupont@Acme.fr", "jean.dupont@acme.fr"),
        ("jean.dupont @ gmail.com", "jean.dupont@gmail.com"),
        ("jean . dupont@gmail . com", "jean.dupont@gmail.com"),
        ("jean.dupont@@gmail.com", "jean.dupont@gmail.com"),
        ("jean.dupont@gmail,com", "jean.dupont@gmail.com"),
        ("jean..dupont@gmail.com", "jean.dupont@gmail.com"),
        ("jean.dupont@gmail..com", "jean.dupont@gmail.com"),
        ("j.d@hotmail.fr; other@acme.fr", "j.d@hotmail.fr"),
        ("j.d@hotmail.fr, other@acme.fr", "j.d@hotmail.fr"),
        ("jean+newsletter@gmail.com", "jean+newsletter@gmail.com"),
        ("o'brien@acme.ie", "o'brien@acme.ie"),
        ("jean_dupont-2@sub.acme.co.uk", "jean_dupont-2@sub.acme.co.uk"),
        ("jean@xn--socit-esab.fr", "jean@xn--socit-esab.fr"),
        ("jean@société.fr", "jean@xn--socit-esab.fr"),
        ("jean\u200b.dupont@gmail.com", "jean.dupont@gmail.com"),
        ("x@y.io", "x@y.io"),
    ],
)
def test_valid_addresses(raw: str, value: str) -> None:
    email = normalize_email(raw)
    assert email.valid is True
    assert email.value == value
    assert email.raw == raw


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "N/A",
        "null",
        "-",
        "??",
        "pas d'email",
        "jean.dupont",
        "jean.dupont@",
        "@gmail.com",
        "jean dupont@gmail.com",
        "jean@gmail",
        "jean@localhost",
        "jean@.com",
        "jean@gmail.c",
        "jean@-acme.fr",
        "jean@acme-.fr",
        "a@b@c.fr",
        ".jean@gmail.com" + "x" * 0 + "@",
        "jean@gmail.com@",
        "jean(at)gmail.com",
        "jean[at]gmail[dot]com",
        "élodie@gmail.com",
        "😀@gmail.com",
        "jean@😀.com",
        "x" * 65 + "@gmail.com",
        "a@" + "b" * 250 + ".com",
        "x" * 100_000,
        "0000000000",
        "\x00@\x00.fr",
    ],
)
def test_invalid_addresses_keep_raw(raw: str | None) -> None:
    email = normalize_email(raw)
    assert email.valid is False
    assert email.value is None
    assert email.key is None
    assert email.raw == raw


@pytest.mark.parametrize(
    ("raw", "suggestion"),
    [
        ("jean@gmial.com", "jean@gmail.com"),
        ("jean@gmai.com", "jean@gmail.com"),
        ("jean@gmail.con", "jean@gmail.com"),
        ("jean@gmail.co", "jean@gmail.com"),
        ("jean@gnail.com", "jean@gmail.com"),
        ("jean@hotmial.com", "jean@hotmail.com"),
        ("jean@hotmail.fe", "jean@hotmail.fr"),
        ("jean@hotmal.fr", "jean@hotmail.fr"),
        ("jean@yahooo.fr", "jean@yahoo.fr"),
        ("jean@yaho.fr", "jean@yahoo.fr"),
        ("jean@orange.f", "jean@orange.fr"),
        ("jean@ornage.fr", "jean@orange.fr"),
        ("jean@wanadoo.fe", "jean@wanadoo.fr"),
        ("jean@wanado.fr", "jean@wanadoo.fr"),
        ("jean@laposte.nte", "jean@laposte.net"),
        ("jean@gmail", "jean@gmail.com"),
        ("jean@outlok.fr", "jean@outlook.fr"),
        ("élodie@gmail.com", "elodie@gmail.com"),
    ],
)
def test_domain_typo_suggestions(raw: str, suggestion: str) -> None:
    assert normalize_email(raw).suggestion == suggestion


@pytest.mark.parametrize(
    "raw",
    [
        "jean@gmail.com",
        "jean@gmail.fr",  # a different domain, not a typo worth correcting
        "jean@hotmail.fr",
        "jean@hotmail.com",
        "jean@yahoo.fr",
        "jean@yahoo.ca",
        "jean@free.fr",
        "jean@sfr.fr",
        "jean@orange.com",  # the corporate domain of Orange, not a typo of orange.fr
        "jean@laposte.fr",
        "jean@acme.fr",
        "jean@gmx.de",
        "jean@me.com",
        "jean@mac.com",
        "jean@live.fr",
        "jean@aol.com",
    ],
)
def test_no_suggestion_for_legitimate_domains(raw: str) -> None:
    assert normalize_email(raw).suggestion is None


@pytest.mark.parametrize(
    ("raw", "is_role"),
    [
        ("contact@acme.fr", True),
        ("info@acme.fr", True),
        ("INFO@ACME.FR", True),
        ("admin@acme.fr", True),
        ("sales@acme.com", True),
        ("support@acme.com", True),
        ("noreply@acme.com", True),
        ("no-reply@acme.com", True),
        ("no_reply@acme.com", True),
        ("hello@acme.com", True),
        ("bonjour@acme.fr", True),
        ("commercial@acme.fr", True),
        ("compta@acme.fr", True),
        ("facturation@acme.fr", True),
        ("rh@acme.fr", True),
        ("info.paris@acme.fr", True),
        ("contact-lyon@acme.fr", True),
        ("contact+web@acme.fr", True),
        ("jean.dupont@acme.fr", False),
        ("marie.info@acme.fr", False),
        ("jdupont@gmail.com", False),
        ("information.dupont@acme.fr", True),
    ],
)
def test_role_addresses(raw: str, is_role: bool) -> None:
    assert normalize_email(raw).is_role is is_role


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Jean.Dupont@gmail.com", "jeandupont@gmail.com"),
        ("jeandupont@gmail.com", "jeandupont@gmail.com"),
        ("j.e.a.n.dupont+promo@gmail.com", "jeandupont@gmail.com"),
        ("jean.dupont@googlemail.com", "jeandupont@gmail.com"),
        ("jean.dupont+news@hotmail.fr", "jean.dupont@hotmail.fr"),
        ("jean.dupont@hotmail.fr", "jean.dupont@hotmail.fr"),
        ("jean.dupont@acme.fr", "jean.dupont@acme.fr"),
        ("+tag@acme.fr", "+tag@acme.fr"),
    ],
)
def test_matching_key(raw: str, key: str) -> None:
    assert normalize_email(raw).key == key


def test_domain_is_exposed() -> None:
    assert normalize_email("Jean@Acme.FR").domain == "acme.fr"


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("gmial.com", "gmail.com"),
        ("gmail.com", None),
        ("acme.fr", None),
        ("entreprise42.fr", None),
        ("hotmail", "hotmail.fr"),
        ("a.io", None),
    ],
)
def test_suggest_domain(domain: str, expected: str | None) -> None:
    assert suggest_domain(domain) == expected


def test_result_type_is_frozen() -> None:
    email = normalize_email("jean@acme.fr")
    assert isinstance(email, Email)
    with pytest.raises(AttributeError):
        email.value = "x"  # type: ignore[misc]
