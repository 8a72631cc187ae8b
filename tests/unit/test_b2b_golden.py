"""B2B golden records: contacts linked to their account with evidence, accounts checked by the register."""

from __future__ import annotations

from typing import Any

import pytest
from cdp.golden import (
    Register,
    RegisterError,
    RegisterStatus,
    add_rows,
    canonical_columns,
    link_contacts_to_accounts,
    verify_accounts,
)
from cdp.normalize import normalize_account, normalize_contact

ACME_SIRET, ACME_OTHER_SIRET, NOVA_SIRET = "73282932000074", "73282932000082", "55210055400013"


def _account(source: str, source_id: str, account_id: str, **raw: str) -> dict[str, Any]:
    return {"source": source, "source_id": source_id, "account_id": account_id, **normalize_account(raw)}


def _contact(source: str, source_id: str, customer_id: str, **raw: str) -> dict[str, Any]:
    return {"source": source, "source_id": source_id, "customer_id": customer_id, **normalize_contact(raw)}


ACCOUNTS = [
    _account("erp", "ERP-1", "A-acme", company_name="ACME SAS", siret=ACME_SIRET, website="www.acme.fr"),
    _account("erp", "ERP-2", "A-nova", company_name="Nova", website="https://nova-informatique.fr"),
]


def test_contacts_of_a_company_attach_to_its_account_and_a_gmail_contact_does_not() -> None:
    # Given contacts: one on the ERP's contact sheet naming its company's code, one with the SIRET of
    # another of the company's establishments, two with company e-mail addresses, one with gmail
    contacts = [
        _contact("erp-contacts", "1", "C-ref", last_name="Roux", account_ref="ERP-2", email="x@acme.fr"),
        _contact("crm", "2", "C-siren", last_name="Petit", siret=ACME_OTHER_SIRET),
        _contact("crm", "3", "C-siret", last_name="Blanc", siret=ACME_SIRET, email="b@nova-informatique.fr"),
        _contact("crm", "4", "C-mail", last_name="Morel", email="Jean.Morel@NOVA-informatique.fr"),
        _contact("crm", "5", "C-gmail", last_name="Faure", email="faure.acme@gmail.com"),
    ]
    # When they are linked, the ERP's contact sheet naming the ERP's accounts
    links = link_contacts_to_accounts(contacts, ACCOUNTS, {"erp-contacts": "erp"})
    # Then each contact of a company has one account, with the strongest evidence it has
    assert links == [
        {"customer_id": "C-mail", "account_id": "A-nova", "evidence": "e-mail domain"},
        {"customer_id": "C-ref", "account_id": "A-nova", "evidence": "source link"},
        {"customer_id": "C-siren", "account_id": "A-acme", "evidence": "siren"},
        {"customer_id": "C-siret", "account_id": "A-acme", "evidence": "siret"},
    ]


def test_a_source_link_names_an_account_of_the_contacts_own_source_by_default() -> None:
    # Given a contact whose account_ref is a code of another source, with no mapping between sources
    contacts = [_contact("crm", "1", "C-1", last_name="Roux", account_ref="ERP-1")]
    # Then the code names nothing, rather than a record of whichever source happens to use it
    assert link_contacts_to_accounts(contacts, ACCOUNTS) == []


def test_records_of_one_customer_pointing_at_two_accounts_keep_the_strongest_evidence() -> None:
    contacts = [
        _contact("crm", "1", "C-1", last_name="Roux", email="roux@acme.fr"),
        _contact("crm", "2", "C-1", last_name="Roux", siret=NOVA_SIRET),
        _contact("erp", "3", "C-1", last_name="Roux", account_ref="ERP-2"),
    ]
    assert link_contacts_to_accounts(contacts, ACCOUNTS) == [
        {"customer_id": "C-1", "account_id": "A-nova", "evidence": "source link"}
    ]


def _register(*rows: dict[str, str]) -> Register:
    register = Register()
    mapping = canonical_columns(rows[0].keys(), "sirene.csv")
    lines = ((n + 2, {mapping[c]: v for c, v in row.items() if c in mapping}) for n, row in enumerate(rows))
    add_rows(register, lines)
    return register


REGISTER = _register(
    {
        "siren": "732829320",
        "siret": ACME_SIRET,
        "legal_name": "ACME SOLUTIONS",
        "activity_code": "62.01Z",
        "headcount_band": "12",
        "establishment_state": "A",
        "head_office": "true",
        "postcode": "75002",
        "city": "PARIS",
    },
    {
        "siren": "732829320",
        "siret": ACME_OTHER_SIRET,
        "legal_name": "ACME SOLUTIONS",
        "activity_code": "62.01Z",
        "headcount_band": "03",
        "establishment_state": "F",
        "head_office": "false",
        "postcode": "69003",
        "city": "LYON",
    },
    {
        "siren": "552100554",
        "siret": NOVA_SIRET,
        "legal_name": "NOVA INFORMATIQUE",
        "activity_code": "62.02A",
        "headcount_band": "01",
        "establishment_state": "F",
        "head_office": "true",
        "postcode": "59000",
        "city": "LILLE",
    },
)


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        (
            {"siret": ACME_SIRET, "siren": "732829320"},
            ("verified", "siret", "ACME SOLUTIONS", "62.01Z", "12", False),
        ),
        (
            {"siret": ACME_OTHER_SIRET, "siren": "732829320"},
            ("closed", "siret", "ACME SOLUTIONS", "62.01Z", "03", True),
        ),
        # By SIREN only: the head office speaks for the company, which is active while one establishment is
        ({"siren": "732829320"}, ("verified", "siren", "ACME SOLUTIONS", "62.01Z", "12", None)),
        ({"siren": "552100554"}, ("closed", "siren", "NOVA INFORMATIQUE", "62.02A", "01", None)),
        ({"siret": "40483304800071", "siren": "404833048"}, ("not_found", None, None, None, None, None)),
        ({"siret": None, "siren": None}, ("no_identifier", None, None, None, None, None)),
    ],
)
def test_the_register_verifies_and_enriches_accounts(account: dict[str, Any], expected: tuple) -> None:
    # Given a golden account and the register
    (verified,) = verify_accounts([{"account_id": "A-1", **account}], REGISTER)
    # Then its status and the register's values are added, its own values kept
    columns = ("register_status", "register_match", "legal_name", "activity_code", "headcount_band")
    assert (*(verified[c] for c in columns), verified["establishment_closed"]) == expected
    assert {name: verified[name] for name in account} == account


def test_without_a_register_accounts_are_not_checked() -> None:
    (verified,) = verify_accounts([{"account_id": "A-1", "siret": ACME_SIRET}], None)
    assert verified["register_status"] == RegisterStatus.NOT_CHECKED
    assert verified["legal_name"] is None and verified["establishment_closed"] is None


def test_unusable_register_rows_are_rejected_with_a_reason_and_the_others_kept() -> None:
    # Given a register with SIRENE's own column names, a row with a bad SIRET and one with a bad state
    state, activity = "etatAdministratifEtablissement", "activitePrincipaleEtablissement"
    register = _register(
        {"siret": ACME_SIRET, state: "A", activity: "62.01Z"},
        {"siret": "12345678901234", state: "A", activity: "x"},
        {"siret": NOVA_SIRET, state: "?", activity: "x"},
    )
    # Then the names are understood, the good row kept and each bad row named with its reason
    assert register.by_siret[ACME_SIRET].activity_code == "62.01Z"
    assert register.rejected == [
        (3, "invalid SIRET '12345678901234'"),
        (4, "establishment state '?' is neither A nor F"),
    ]


def test_a_register_without_its_required_columns_is_a_clear_error() -> None:
    missing = r"sirene\.csv: the register lacks column\(s\) establishment_state"
    with pytest.raises(RegisterError, match=missing):
        canonical_columns(["siren", "siret", "nom"], "sirene.csv")
