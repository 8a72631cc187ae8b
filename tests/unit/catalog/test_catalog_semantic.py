"""Semantic typing: one table row per case, with French, English, generic and misleading headers."""

from __future__ import annotations

from datetime import date

import pytest
from cdp.catalog import (
    PII_TYPES,
    SEMANTIC_TYPES,
    analyze_values,
    detect_semantic_type,
    header_scores,
    looks_like_pii,
    validity_share,
)

EMAILS = ["jean.dupont@gmail.com", "marie.martin@orange.fr", "p.durand@free.fr", "contact@acme.fr",
          "lucie_b92@hotmail.com", "s.petit@laposte.net"]  # fmt: skip
PHONES = [
    "06 12 34 56 78",
    "07 81 22 33 44",
    "06.45.67.89.10",
    "+33 6 98 76 54 32",
    "0612345678",
    "01 45 67 89 10",
]
UUIDS = ["3f2a9c1e-8b7d-4e5f-9a0b-1c2d3e4f5a6b", "a1b2c3d4-e5f6-4711-8a9b-0c1d2e3f4a5b",
         "0f9e8d7c-6b5a-4321-9876-543210fedcba"]  # fmt: skip
POSTCODES = ["75001", "69003", "13008", "33000", "06000", "29200", "35000", "75015", "69003", "13008"]
STREETS = ["12 rue de la Paix", "5 avenue Foch", "3 bd Haussmann", "27 bis chemin des Vignes",
           "1 place de la République", "Lieu-dit Kerbihan"]  # fmt: skip

CASES: list[tuple[str, list[str], str | None]] = [
    # e-mail
    ("Courriel", [*EMAILS, "N/A", ""], "email"),
    ("Téléphone", EMAILS, "email"),  # misleading header: values win
    ("col7", EMAILS, "email"),
    # phone
    ("Portable", PHONES, "phone"),
    ("Tél.", PHONES, "phone"),
    ("Email", PHONES, "phone"),  # misleading header
    ("col3", ["+44 20 7946 0958", "+49 30 1234567", "+32 2 123 45 67", "+1 212 555 0100"], "phone"),
    ("Tel", ["612345678", "781223344", "645678910", "698765432", "611223344"], "phone"),  # lost leading zero
    # names
    (
        "Prénom",
        ["Jean", "Marie", "Pierre", "Sophie", "Lucas", "Chloé", "Jean-Pierre", "Nathalie"],
        "first_name",
    ),
    ("Nom", ["Jean", "Marie", "Pierre", "Sophie", "Lucas", "Chloé", "Nicolas", "Nathalie"], "first_name"),
    (
        "Nom",
        ["DUPONT", "MARTIN", "LEFEBVRE", "KERJEAN", "LE GALL", "MOREAU", "GIRARD", "BONNET"],
        "last_name",
    ),
    (
        "Prénom",
        ["Dupont", "Martin", "Lefebvre", "Moreau", "Girard", "Bonnet", "Fournier", "Mercier"],
        "last_name",
    ),
    ("col1", ["Jean Dupont", "Marie Martin", "Paul Kerjean", "Sophie Le Gall", "DUPONT Pierre"], "full_name"),
    ("Nom", ["Jean Dupont", "Marie Martin", "Paul Kerjean", "Sophie Le Gall", "Lucas Moreau"], "full_name"),
    ("Civilité", ["M.", "Mme", "Mme", "M.", "Mlle", "M"], "civility"),
    ("Title", ["Mr", "Mrs", "Ms", "Dr", "Mr", "Miss"], "civility"),
    # companies and registries
    (
        "Raison sociale",
        [
            "ACME SAS",
            "Dupont et Fils SARL",
            "Boulangerie Martin",
            "Kerlann Conseil",
            "Globex Ltd",
            "Novatek SA",
        ],
        "company_name",
    ),  # fmt: skip
    (
        "Dénomination",
        ["ACME SAS", "Dupont SARL", "Boulangerie Martin", "Kerlann Conseil", "Novatek SA"],
        "company_name",
    ),
    (
        "Nom",
        ["ACME SAS", "Dupont SARL", "Boulangerie Martin", "Kerlann Conseil", "Globex Ltd"],
        "company_name",
    ),
    ("SIREN", ["732829320", "552081317", "443061841", "542051180"], "siren"),
    ("Identifiant", ["732 829 320", "552 081 317", "443 061 841", "542 051 180"], "siren"),
    ("N° SIRET", ["73282932000074", "55208131766522", "44306184100047", "54205118000066"], "siret"),
    ("Code", ["732 829 320 00074", "552 081 317 66522", "443 061 841 00047"], "siret"),
    ("TVA intracommunautaire", ["FR40303265045", "FR83404833048", "FR 44 732829320"], "vat"),
    ("col9", ["FR40303265045", "DE136695976", "BE0403170701", "FR83404833048"], "vat"),
    # addresses
    ("Adresse", STREETS, "street"),
    ("Ville", STREETS, "street"),  # misleading header
    ("CP", POSTCODES, "postcode"),
    ("Code postal", ["1000", "6000", "75001", "69003", "13008"], "postcode"),  # lost leading zeros
    ("Code", POSTCODES, "postcode"),
    (
        "Ville",
        ["Paris", "Lyon", "Marseille", "Plougastel-Daoulas", "Quimperlé", "Saint-Malo", "Brest"],
        "city",
    ),
    ("Localité", ["PARIS", "LYON", "MARSEILLE", "BREST", "RENNES CEDEX", "NANTES"], "city"),
    ("Pays", ["France", "Belgique", "Suisse", "Allemagne", "France", "Espagne"], "country"),
    ("country_code", ["FR", "BE", "DE", "FR", "ES", "IT"], "country"),
    ("col2", ["FRA", "BEL", "DEU", "FRA", "ESP", "ITA"], "country"),
    # dates
    ("Date d'achat", ["12/05/2024", "01/02/2024", "28/02/2024", "15/11/2023", "03/03/2025"], "date"),
    ("Montant", ["2024-05-12", "2024-02-01", "2024-02-28", "2023-11-15"], "date"),  # misleading header
    ("order_date", ["5 janv. 2024", "12 mars 2024", "28 février 2024", "1 août 2023"], "date"),
    (
        "Date de naissance",
        ["12/05/1980", "01/02/1975", "28/02/1990", "03/11/1962", "15/07/2001"],
        "birth_date",
    ),
    (
        "col4",
        ["1980-05-12", "1975-02-01", "1990-02-28", "1962-11-03", "2001-07-15", "1948-01-30"],
        "birth_date",
    ),
    ("Horodatage", ["2024-01-05 10:20:30", "2024-02-05 11:20:31", "2024-03-07 08:00:12"], "datetime"),
    ("Date", ["2024-01-05T10:20:30Z", "2024-02-05T11:20:30Z", "2024-03-01T09:15:00Z"], "datetime"),
    # money
    ("Montant TTC", ["12,50", "1 234,56", "99,00", "5,90", "-15,00"], "amount"),
    ("Date", ["12,50 €", "1 234,56 €", "99,00 €", "5,90 €"], "amount"),  # misleading header
    ("Montant", ["12", "150", "99", "1200", "45"], "amount"),  # integers: the header decides
    ("Devise", ["EUR", "EUR", "USD", "GBP", "EUR"], "currency"),
    ("Pays", ["EUR", "EUR", "USD", "GBP", "EUR", "CHF"], "currency"),  # misleading header
    # web
    ("Site web", ["https://acme.fr", "www.example.com", "dupont.fr", "http://kerlann.bzh/contact"], "url"),
    ("Adresse IP", ["192.168.1.1", "10.0.0.2", "2001:db8::1", "172.16.4.20"], "ip"),
    ("id", ["192.168.1.1", "10.0.0.2", "8.8.8.8", "172.16.4.20"], "ip"),  # misleading header
    ("cookie", ["123456789.1234567890", "987654321.1234567891", "555555555.1700000000"], "device_id"),
    ("col2", UUIDS, "device_id"),
    # identifiers
    ("Numéro client", ["CLI000123", "CLI000124", "CLI000125", "CLI000126", "CLI000127"], "customer_number"),
    ("customer_id", UUIDS, "customer_number"),  # a UUID column named as a customer id
    ("Nom", ["AD00012345", "AD00012346", "AD00012347", "AD00012348"], "customer_number"),
    # flags and vocabularies
    ("Opt-in", ["oui", "non", "oui", "oui", "non"], "consent_flag"),
    ("Newsletter", ["1", "0", "1", "1", "0"], "consent_flag"),
    ("col5", ["opt-in", "opt-out", "opt-in"], "consent_flag"),
    ("actif", ["true", "false", "true", "false"], "boolean"),
    ("col6", ["O", "N", "N", "O"], "boolean"),
    ("Sexe", ["M", "F", "F", "M", "F"], "gender"),
    ("Civilité", ["M", "F", "F", "M", "F"], "gender"),  # "F" is never a civility
    ("Genre", ["Homme", "Femme", "Femme"], "gender"),
    ("event", ["open", "click", "open", "bounce", "unsubscribe"], "event_type"),
    ("Statut", ["Ouverture", "Clic", "Envoi", "Désabonnement"], "event_type"),
    # nothing to claim
    (
        "Commentaire",
        ["Client très satisfait, à rappeler lundi", "Livraison en retard", "Souhaite un devis"],
        None,
    ),
    ("Quantité", ["1", "3", "2", "5", "1", "12", "4"], None),
    ("Code produit", ["SKU-1234", "SKU-2233", "SKU-9981", "SKU-1000"], None),
]


@pytest.mark.parametrize(("header", "values", "expected"), CASES, ids=[f"{c[0]}->{c[2]}" for c in CASES])
def test_detect_semantic_type(header: str, values: list[str], expected: str | None) -> None:
    semantic_type, confidence = detect_semantic_type(header, values)
    assert semantic_type == expected
    assert 0.0 <= confidence <= 1.0
    if expected is not None:
        assert confidence >= 0.4


def test_every_semantic_type_is_covered_by_the_table() -> None:
    assert {expected for _, _, expected in CASES} - {None} == set(SEMANTIC_TYPES)


def test_values_beat_a_lying_header_with_high_confidence() -> None:
    semantic_type, confidence = detect_semantic_type("Téléphone", EMAILS * 5)
    assert semantic_type == "email"
    assert confidence >= 0.9


def test_header_alone_gives_low_confidence() -> None:
    assert detect_semantic_type("Courriel", []) == ("email", 0.3)
    semantic_type, confidence = detect_semantic_type("Date de naissance", [None, "", "  "])  # type: ignore[list-item]
    assert semantic_type == "birth_date"
    assert confidence <= 0.3
    assert detect_semantic_type("col1", []) == (None, 0.0)


def test_garbage_share_lowers_but_keeps_the_type() -> None:
    clean_type, clean_confidence = detect_semantic_type("col", EMAILS * 3)
    noisy_type, noisy_confidence = detect_semantic_type("col", EMAILS * 3 + ["xxx", "?", "test"])
    assert clean_type == noisy_type == "email"
    assert noisy_confidence < clean_confidence


def test_birth_date_needs_old_and_spread_dates() -> None:
    purchases = [
        f"{d:02d}/0{m}/202{y}"
        for d, m, y in zip(range(1, 21), [1, 2, 3, 4] * 5, [1, 2, 3, 4] * 5, strict=True)
    ]
    assert detect_semantic_type("col", purchases)[0] == "date"
    births = ["12/05/1980", "01/02/1975", "28/02/1990", "03/11/1962", "15/07/2001", "30/01/1948"]
    assert detect_semantic_type("col", births)[0] == "birth_date"
    # The reference date matters: in 1995 a 1990 date cannot be a birth date of an adult customer.
    old = analyze_values("col", births, today=date(1995, 1, 1))
    assert old.semantic_type == "date"


def test_two_digit_birth_years_read_in_the_past_century() -> None:
    values = ["12/05/58", "01/02/75", "28/02/90", "03/11/62", "15/07/01", "30/01/48"]
    assert detect_semantic_type("DDN", values)[0] == "birth_date"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Code postal", "postcode"),
        ("CP", "postcode"),
        ("Tél.", "phone"),
        ("Date de naissance", "birth_date"),
        ("Dénomination", "company_name"),
        ("N° SIRET", "siret"),
        ("Courriel", "email"),
        ("Portable", "phone"),
        ("Prénom", "first_name"),
        ("Ville", "city"),
        ("Pays", "country"),
        ("Montant TTC", "amount"),
        ("Devise", "currency"),
        ("Date d'achat", "date"),
        ("Opt-in", "consent_flag"),
        ("Civilité", "civility"),
        ("firstName", "first_name"),
        ("datedenaissance", "birth_date"),
        ("EMAIL_ADDRESS", "email"),
    ],
)
def test_header_scores_pick_the_most_specific_phrase(header: str, expected: str) -> None:
    scores = header_scores(header)
    assert max(scores, key=lambda t: scores[t]) == expected
    assert scores[expected] >= 0.9


def test_generic_headers_suggest_nothing() -> None:
    for header in ("col1", "Unnamed: 3", "field_7", "", "X", "???"):
        assert header_scores(header) == {}


def test_validity_share() -> None:
    assert validity_share("email", ["a@b.fr", "x@y.com", "broken@", "N/A"]) == pytest.approx(2 / 3)
    assert validity_share("siret", ["73282932000074", "73282932000075"]) == 0.5
    assert validity_share("phone", []) == 1.0
    with pytest.raises(ValueError, match="unknown semantic type"):
        validity_share("shoe_size", ["42"])


def test_analysis_reports_validity_and_scores() -> None:
    analysis = analyze_values("SIRET", ["73282932000074", "55208131766522", "73282932000075"])
    assert analysis.semantic_type == "siret"
    assert analysis.validity == pytest.approx(2 / 3, abs=1e-3)
    assert analysis.scores["siret"] > 0


def test_pii_types_and_free_text_with_contacts() -> None:
    assert {
        "email",
        "phone",
        "first_name",
        "last_name",
        "full_name",
        "street",
        "birth_date",
        "ip",
        "device_id",
    } <= (PII_TYPES)
    assert "amount" not in PII_TYPES
    assert looks_like_pii(["rappeler au 06 12 34 56 78", "RAS", "écrire à jean@exemple.fr", "ok"])
    assert not looks_like_pii(["RAS", "Livraison en retard", "Souhaite un devis"])
    assert not looks_like_pii([])
