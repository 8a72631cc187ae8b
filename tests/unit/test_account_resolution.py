"""Account (company) resolution on small hand-made cases, from raw rows through the normalizer."""

from __future__ import annotations

import pyarrow as pa
from cdp.normalize import normalize_account
from cdp.resolve import ACCOUNT_SETTINGS, resolve_records


def _resolve(rows: list[dict[str, str]]) -> list[str]:
    staged = pa.Table.from_pylist(
        [{"source": "erp", "source_id": str(n), **normalize_account(row)} for n, row in enumerate(rows)]
    )
    return resolve_records(staged, ACCOUNT_SETTINGS).ids


def test_legal_form_and_case_variants_with_one_siren_are_one_account() -> None:
    # Given three spellings of one company, identified by its SIRET, its SIREN and its VAT number
    ids = _resolve(
        [
            {"company_name": "ACME S.A.S.", "siret": "73282932000074", "postcode": "75002"},
            {"company_name": "Acme SAS", "siren": "732 829 320", "postcode": "69003"},
            {"company_name": "ACME", "vat": "FR 44 732829320"},
        ]
    )
    # Then they are one account (the VAT number carries the SIREN)
    assert len(set(ids)) == 1


def test_similar_names_with_different_valid_sirens_stay_apart() -> None:
    # Given two companies of one street with near-identical names and their own SIRENs
    ids = _resolve(
        [
            {"company_name": "Acme Conseil", "siren": "732829320", "postcode": "75011", "city": "Paris"},
            {"company_name": "Acme Conseils", "siren": "552100554", "postcode": "75011", "city": "Paris"},
        ]
    )
    # Then the different SIRENs veto the link
    assert ids[0] != ids[1]


def test_a_vat_number_of_another_company_does_not_merge() -> None:
    # Given two companies, the second typed with the first one's VAT number
    ids = _resolve(
        [
            {"company_name": "Acme", "vat": "FR44732829320"},
            {"company_name": "Nova", "siret": "55210055400013", "vat": "FR44732829320"},
        ]
    )
    # Then the VAT number, carrying another SIREN, is no evidence
    assert ids[0] != ids[1]


def test_same_name_in_another_city_without_identifiers_stays_apart() -> None:
    # Given a "Garage Central" in Paris and one in Lyon, and none has an identifier
    ids = _resolve(
        [
            {"company_name": "Garage Central", "postcode": "75011", "city": "Paris"},
            {"company_name": "GARAGE CENTRAL SARL", "postcode": "69003", "city": "Lyon"},
        ]
    )
    # Then they are two accounts
    assert ids[0] != ids[1]


def test_same_name_in_another_city_with_the_same_web_domain_is_one_account() -> None:
    # Given the same two garages, both with the company's website
    ids = _resolve(
        [
            {"company_name": "Garage Central", "city": "Paris", "website": "www.garage-central.fr"},
            {"company_name": "Garage Central SARL", "city": "Lyon", "email": "contact@garage-central.fr"},
        ]
    )
    # Then the shared domain is the evidence that joins them
    assert ids[0] == ids[1]


def test_a_fuzzy_name_in_the_same_place_is_one_account_but_a_webmail_domain_is_no_evidence() -> None:
    # Given a plural typed in one name, in the same postcode and city
    ids = _resolve(
        [
            {"company_name": "Boulangerie Martin", "postcode": "75011", "city": "Paris"},
            {"company_name": "Boulangeries Martin SARL", "postcode": "75011", "city": "PARIS"},
            # And two unrelated companies in other cities whose only shared "domain" is a webmail
            {"company_name": "Atelier Roux", "city": "Nice", "email": "atelier.roux@gmail.com"},
            {"company_name": "Studio Bleu", "city": "Lille", "email": "studio.bleu@gmail.com"},
        ]
    )
    # Then the fuzzy names are one account, and gmail.com joins nothing
    assert ids[0] == ids[1]
    assert len({ids[0], ids[2], ids[3]}) == 3
