"""Companies: names and legal forms, SIREN/SIRET, VAT numbers, web domains."""

from __future__ import annotations

import pytest
from cdp.normalize import (
    normalize_company_name,
    normalize_siren,
    normalize_siret,
    normalize_vat,
    normalize_web_domain,
)


@pytest.mark.parametrize(
    ("raw", "value", "key", "legal_form"),
    [
        ("ACME", "ACME", "acme", None),
        ("ACME S.A.S.", "ACME", "acme", "SAS"),
        ("Acme SAS", "Acme", "acme", "SAS"),
        ("acme sas", "acme", "acme", "SAS"),
        ("ACME S. A. S.", "ACME", "acme", "SAS"),
        ("ACME (SAS)", "ACME", "acme", "SAS"),
        ("ACME - SARL", "ACME", "acme", "SARL"),
        ("ACME, SARL", "ACME", "acme", "SARL"),
        ("SARL ACME", "ACME", "acme", "SARL"),
        ("S.A.R.L. ACME", "ACME", "acme", "SARL"),
        ("ACME SASU", "ACME", "acme", "SASU"),
        ("ACME EURL", "ACME", "acme", "EURL"),
        ("BNP Paribas SA", "BNP Paribas", "bnp paribas", "SA"),
        ("SCI DU PARC", "DU PARC", "du parc", "SCI"),
        ("VIGNOBLES ROUX SCEA", "VIGNOBLES ROUX", "vignobles roux", "SCEA"),
        ("SNC Martin et Fils", "Martin et Fils", "martin et fils", "SNC"),
        ("SARL Dupont & Fils", "Dupont & Fils", "dupont et fils", "SARL"),
        ("Dupont et Fils", "Dupont et Fils", "dupont et fils", None),
        ("ACME Société par actions simplifiée", "ACME", "acme", "SAS"),
        ("ACME société anonyme", "ACME", "acme", "SA"),
        ("Siemens GmbH", "Siemens", "siemens", "GMBH"),
        ("Siemens GmbH & Co. KG", "Siemens", "siemens", "GMBH"),
        ("Apple Inc.", "Apple", "apple", "INC"),
        ("Apple, Inc.", "Apple", "apple", "INC"),
        ("Acme Ltd", "Acme", "acme", "LTD"),
        ("Acme Limited", "Acme", "acme", "LTD"),
        ("Acme LLC", "Acme", "acme", "LLC"),
        ("Acme PLC", "Acme", "acme", "PLC"),
        ("Philips B.V.", "Philips", "philips", "BV"),
        ("Acme NV", "Acme", "acme", "NV"),
        ("Fiat S.p.A.", "Fiat", "fiat", "SPA"),
        ("Zara S.L.", "Zara", "zara", "SL"),
        ("Nestlé AG", "Nestlé", "nestle", "AG"),
        ("Société Générale", "Société Générale", "societe generale", None),
        ("L'Oréal", "L'Oréal", "loreal", None),
        ("L’OREAL", "L'OREAL", "loreal", None),  # typographic apostrophe unified
        ("A.B.C. Conseil", "A.B.C. Conseil", "abc conseil", None),
        ("ABC Conseil", "ABC Conseil", "abc conseil", None),
        ("AS Monaco", "AS Monaco", "as monaco", None),  # "AS" in front is a name, not a legal form
        ("SA", "SA", "sa", None),  # nothing else to keep: the form is the name
        ("  ACME   SAS  ", "ACME", "acme", "SAS"),
    ],
)
def test_company_names(raw: str, value: str, key: str, legal_form: str | None) -> None:
    company = normalize_company_name(raw)
    assert (company.value, company.key, company.legal_form, company.raw) == (value, key, legal_form, raw)


def test_company_key_ignores_legal_form_and_punctuation() -> None:
    spellings = ["ACME S.A.S.", "Acme SAS", "ACME", "acme", "Acme (SAS)", "ACME - SAS", "SAS ACME"]
    assert {normalize_company_name(s).key for s in spellings} == {"acme"}


@pytest.mark.parametrize("raw", [None, "", "  ", "N/A", "-", "??", "null", "😀", "x" * 5000])
def test_company_garbage(raw: str | None) -> None:
    company = normalize_company_name(raw)
    assert (company.value, company.key, company.raw) == (None, None, raw)


# 732 829 320 00074 is the SIRET of a real registered establishment (Luhn-valid), as in stdnum's docs.
@pytest.mark.parametrize(
    ("raw", "value", "siren"),
    [
        ("73282932000074", "73282932000074", "732829320"),
        ("732 829 320 00074", "73282932000074", "732829320"),
        ("732.829.320.00074", "73282932000074", "732829320"),
        ("732-829-320-00074", "73282932000074", "732829320"),
        (" 73282932000074 ", "73282932000074", "732829320"),
        ("73282932000074.0", "73282932000074", "732829320"),
        ("7.3282932000074E+13", "73282932000074", "732829320"),
        ("35600000000048", "35600000000048", "356000000"),  # La Poste: its own checksum rule
    ],
)
def test_valid_siret(raw: str, value: str, siren: str) -> None:
    siret = normalize_siret(raw)
    assert (siret.value, siret.valid, siret.siren, siret.raw) == (value, True, siren, raw)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "N/A",
        "73282932000075",  # bad checksum
        "7328293200007",  # 13 digits
        "732829320000744",
        "732829320",  # a SIREN, not a SIRET
        "ABCDEFGHIJKLMN",
        "00000000000000",  # passes the Luhn check, but a placeholder
        "7.33E+13",
        "😀",
        "x" * 1000,
    ],
)
def test_invalid_siret(raw: str | None) -> None:
    siret = normalize_siret(raw)
    assert (siret.value, siret.valid, siret.siren, siret.raw) == (None, False, None, raw)


@pytest.mark.parametrize(
    ("raw", "value", "valid"),
    [
        ("732829320", "732829320", True),
        ("732 829 320", "732829320", True),
        ("732.829.320", "732829320", True),
        ("404833048", "404833048", True),
        ("732829321", None, False),
        ("000000000", None, False),
        ("73282932", None, False),
        ("N/A", None, False),
        ("", None, False),
        (None, None, False),
    ],
)
def test_siren(raw: str | None, value: str | None, valid: bool) -> None:
    siren = normalize_siren(raw)
    assert (siren.value, siren.valid, siren.raw) == (value, valid, raw)


@pytest.mark.parametrize(
    ("raw", "value", "country"),
    [
        ("FR 40 303 265 045", "FR40303265045", "FR"),
        ("FR40303265045", "FR40303265045", "FR"),
        ("fr40303265045", "FR40303265045", "FR"),
        ("FR-40-303-265-045", "FR40303265045", "FR"),
        ("FR.40.303.265.045", "FR40303265045", "FR"),
        ("40303265045", "FR40303265045", "FR"),  # French number typed without its prefix
        ("DE 136 695 976", "DE136695976", "DE"),
        ("BE 0403.019.261", "BE0403019261", "BE"),
        ("EL094259216", "EL094259216", "GR"),
        ("CHE-116.281.710 MWST", "CHE116281710", "CH"),
        ("GB 980 7806 84", "GB980780684", "GB"),
        ("NO 995 525 828 MVA", "NO995525828", "NO"),
    ],
)
def test_valid_vat(raw: str, value: str, country: str) -> None:
    vat = normalize_vat(raw)
    assert (vat.value, vat.valid, vat.country, vat.raw) == (value, True, country, raw)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        " ",
        "N/A",
        "FR40303265046",
        "FR 00 303 265 045",
        "DE136695977",
        "XX123456789",
        "123",
        "FR",
        "😀",
    ],
)
def test_invalid_vat(raw: str | None) -> None:
    vat = normalize_vat(raw)
    assert (vat.value, vat.valid, vat.raw) == (None, False, raw)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("https://www.acme.fr/contact", "acme.fr"),
        ("http://acme.fr", "acme.fr"),
        ("HTTPS://WWW.ACME.FR", "acme.fr"),
        ("www.acme.fr", "acme.fr"),
        ("acme.fr", "acme.fr"),
        ("ACME.FR/", "acme.fr"),
        ("http://acme.fr:8080/path?q=1", "acme.fr"),
        ("https://shop.acme.co.uk", "shop.acme.co.uk"),
        ("www2.acme.com", "acme.com"),
        ("jean@acme.fr", "acme.fr"),
        ("https://www.société.fr", "xn--socit-esab.fr"),
    ],
)
def test_web_domain(raw: str, value: str) -> None:
    domain = normalize_web_domain(raw)
    assert (domain.value, domain.valid, domain.raw) == (value, True, raw)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "N/A",
        "acme",
        "gmail.com",
        "jean@gmail.com",
        "https://www.facebook.com/acme",
        "https://fr.linkedin.com/company/acme",
        "not a url",
        "http://",
        "😀.fr",
        "x" * 5000,
    ],
)
def test_no_web_domain(raw: str | None) -> None:
    domain = normalize_web_domain(raw)
    assert (domain.value, domain.valid, domain.raw) == (None, False, raw)
