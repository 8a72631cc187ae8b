"""Mapping proposals on four typical exports: a French CRM, an ERP account list, a POS and e-mail events."""

from __future__ import annotations

import random

import pytest
from cdp.catalog import FileProfile, MappingProposal, Profiler, guess_entity, propose_mapping
from cdp.model import CANONICAL_FIELDS, Entity

FIRST = ["Jean", "Marie", "Pierre", "Sophie", "Lucas", "Chloé", "Nicolas", "Julie", "Thomas", "Emma", "Hugo"]
LAST = ["Dupont", "Martin", "Bernard", "Kerjean", "Le Gall", "Morvan", "Petit", "Durand", "Moreau", "Girard"]
CITIES = [
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("29200", "Brest"),
    ("35000", "Rennes"),
    ("13008", "Marseille"),
]
STREETS = ["de la Paix", "Jean Jaurès", "Victor Hugo"]
FORMS = ["SAS", "SARL", "SA", "Conseil", "Industries"]
SIRETS = ["73282932000074", "55208131766522", "44306184100047", "54205118000066"]


def pairs(rng: random.Random) -> str:
    return " ".join(f"{rng.randint(10, 99)}" for _ in range(4))


def day_month(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}"


def profile(rows: list[dict[str, str]]) -> FileProfile:
    profiler = Profiler(list(rows[0]))
    profiler.add(rows)
    return profiler.result()


def crm_rows(n: int = 120) -> list[dict[str, str]]:
    rng = random.Random(1)
    rows = []
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        postcode, city = rng.choice(CITIES)
        rows.append(
            {
                "Code client": f"CLI{10000 + i}",
                "Civilité": rng.choice(["M.", "Mme"]),
                "Nom": last.upper(),
                "Prénom": first,
                "Courriel": f"{first.lower()}.{last.lower().replace(' ', '')}{i}@orange.fr",
                "Portable": "06 " + pairs(rng),
                "Adresse": f"{rng.randint(1, 120)} rue {rng.choice(STREETS)}",
                "CP": postcode,
                "Ville": city,
                "Pays": "France",
                "Date de naissance": day_month(rng) + f"/{rng.randint(1945, 2004)}",
                "Opt-in": rng.choice(["oui", "non"]),
                "Date MAJ": f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024",
                "Commentaire": rng.choice(["RAS", "Rappeler lundi", "Client fidèle depuis 2010", ""]),
            }
        )
    return rows


def erp_rows(n: int = 80) -> list[dict[str, str]]:
    rng = random.Random(2)
    sirens = ["732829320", "552081317", "443061841", "542051180", "383474814", "572015246", "552032534"]
    rows = []
    for i in range(n):
        siren = rng.choice(sirens)
        postcode, city = rng.choice(CITIES)
        rows.append(
            {
                "N° compte": f"ACC-{i:06d}",
                "Raison sociale": f"{rng.choice(LAST)} {rng.choice(FORMS)}",
                "SIRET": rng.choice(SIRETS),
                "SIREN": siren,
                "TVA intracommunautaire": f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}",
                "Site web": f"https://www.{rng.choice(['acme', 'globex', 'kerlann', 'novatek'])}.fr",
                "Téléphone": "01 " + pairs(rng),
                "Email": f"contact{i}@{rng.choice(['acme', 'globex'])}.fr",
                "Adresse": f"{rng.randint(1, 99)} avenue {rng.choice(['Foch', 'de la République'])}",
                "Code postal": postcode,
                "Ville": city,
                "Pays": "FR",
                "Dernière modification": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            }
        )
    return rows


def pos_rows(n: int = 200) -> list[dict[str, str]]:
    rng = random.Random(3)
    return [
        {
            "Ticket": f"T2024-{i:06d}",
            "Carte fidélité": f"FID{rng.randint(1000, 1060)}",
            "Date d'achat": f"{rng.randint(13, 28)}/{rng.randint(1, 12):02d}/2024 {rng.randint(10, 19)}:30",
            "Magasin": rng.choice(["Rennes Centre", "Brest Jaurès", "Quimper Gare"]),
            "Montant TTC": f"{rng.randint(100, 30000) / 100:.2f}".replace(".", ","),
            "Devise": "EUR",
        }
        for i in range(n)
    ]


def event_rows(n: int = 150) -> list[dict[str, str]]:
    rng = random.Random(4)
    return [
        {
            "email": f"user{rng.randint(1, 60)}@example.com",
            "event": rng.choice(["open", "click", "open", "bounce", "unsubscribe", "delivered"]),
            "timestamp": f"2024-03-{rng.randint(10, 28)}T{rng.randint(10, 23)}:{rng.randint(10, 59)}:00Z",
            "campaign": rng.choice(["Soldes hiver", "Nouveautés printemps", "Relance panier"]),
            "url": rng.choice(["https://shop.example.com/soldes", "https://shop.example.com/panier", ""]),
            "ip": f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        }
        for _ in range(n)
    ]


def check_fields(proposal: MappingProposal) -> None:
    allowed = set(CANONICAL_FIELDS[Entity(proposal.entity)])
    assert set(proposal.mapping.values()) <= allowed
    assert len(set(proposal.mapping.values())) == len(proposal.mapping)  # one column per field
    assert set(proposal.confidence) == set(proposal.mapping)
    assert all(0.0 <= c <= 1.0 for c in proposal.confidence.values())


def test_french_crm_is_a_contact_file() -> None:
    proposal = propose_mapping(profile(crm_rows()))
    check_fields(proposal)
    assert proposal.entity == "contact"
    assert proposal.mapping == {
        "Code client": "source_id",
        "Civilité": "civility",
        "Nom": "last_name",
        "Prénom": "first_name",
        "Courriel": "email",
        "Portable": "mobile",
        "Adresse": "street",
        "CP": "postcode",
        "Ville": "city",
        "Pays": "country",
        "Date de naissance": "birth_date",
        "Opt-in": "email_opt_in",
        "Date MAJ": "updated_at",
    }
    assert proposal.unmapped == ["Commentaire"]
    assert proposal.date_order == "DMY"


def test_erp_export_is_an_account_file() -> None:
    proposal = propose_mapping(profile(erp_rows()))
    check_fields(proposal)
    assert proposal.entity == "account"
    assert proposal.mapping == {
        "N° compte": "source_id",
        "Raison sociale": "company_name",
        "SIRET": "siret",
        "SIREN": "siren",
        "TVA intracommunautaire": "vat",
        "Site web": "website",
        "Téléphone": "phone",
        "Email": "email",
        "Adresse": "street",
        "Code postal": "postcode",
        "Ville": "city",
        "Pays": "country",
        "Dernière modification": "updated_at",
    }
    assert proposal.unmapped == []


def test_pos_export_is_a_transaction_file() -> None:
    proposal = propose_mapping(profile(pos_rows()))
    check_fields(proposal)
    assert proposal.entity == "transaction"
    assert proposal.mapping == {
        "Ticket": "source_id",
        "Carte fidélité": "customer_ref",
        "Date d'achat": "occurred_at",
        "Magasin": "channel",
        "Montant TTC": "amount",
        "Devise": "currency",
    }
    assert proposal.date_order == "DMY"


def test_email_events_are_an_event_file() -> None:
    proposal = propose_mapping(profile(event_rows()))
    check_fields(proposal)
    assert proposal.entity == "event"
    assert proposal.mapping == {
        "email": "email",
        "event": "event_type",
        "timestamp": "occurred_at",
        "url": "url",
    }
    assert proposal.unmapped == ["campaign", "ip"]


def test_forced_entity_and_unknown_entity() -> None:
    crm = profile(crm_rows(40))
    forced = propose_mapping(crm, entity="transaction")
    check_fields(forced)
    assert forced.entity == "transaction"
    assert forced.mapping["Courriel"] == "email"
    with pytest.raises(ValueError, match="unknown entity"):
        propose_mapping(crm, entity="invoice")


def test_guess_entity_rules() -> None:
    assert guess_entity(profile(crm_rows(40)).columns) == "contact"
    assert guess_entity(profile(erp_rows(40)).columns) == "account"
    assert guess_entity([]) == "contact"


def test_month_first_dates_are_noticed() -> None:
    rows = [{"email": f"u{i}@x.fr", "created": f"0{i % 9 + 1}/{13 + i % 15}/2024"} for i in range(30)]
    proposal = propose_mapping(profile(rows))
    assert proposal.date_order == "MDY"
    assert proposal.to_yaml_dict("shop")["date_order"] == "MDY"


def test_yaml_draft_shape() -> None:
    proposal = propose_mapping(profile(pos_rows(60)))
    draft = proposal.to_yaml_dict("pos_rennes")
    assert draft == {
        "name": "pos_rennes",
        "entity": "transaction",
        "status": "draft",
        "default_country": "FR",
        "date_order": "DMY",
        "trust_rank": 5,
        "mapping": proposal.mapping,
    }


def test_yaml_draft_is_a_valid_source_configuration() -> None:
    config = pytest.importorskip("cdp.config")
    for rows, source in (
        (crm_rows(60), "crm"),
        (erp_rows(40), "erp"),
        (pos_rows(60), "pos"),
        (event_rows(60), "esp"),
    ):
        document = propose_mapping(profile(rows)).to_yaml_dict(source)
        parsed = config.parse_source(config.dump_yaml(document))
        assert parsed.status == "draft"
        assert parsed.mapping == document["mapping"]
