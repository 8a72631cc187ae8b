"""A realistic, seeded multi-source sample with known truth, for the demo and the integration tests.

Sources: a CRM CSV export (`;`, cp1252, French headers), an ERP workbook (accounts on one sheet, their
contacts with the company code on another, a third that is not data), a SIRENE-like register of the
companies, web-form records posted to the ingest API (NDJSON), point-of-sale tickets (CSV), and e-mail
engagement events (gzip CSV). The same people appear in several sources with the variations real
exports have (case, accents, phone formats, gmail dots, typos); households share an address and a
landline; one CRM row is broken and one file is unreadable.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from stdnum import luhn

FIRST_NAMES = {
    "F": [
        "Marie",
        "Nathalie",
        "Isabelle",
        "Sylvie",
        "Catherine",
        "Sophie",
        "Camille",
        "Léa",
        "Chloé",
        "Inès",
        "Manon",
        "Élodie",
        "Hélène",
        "Céline",
        "Julie",
        "Aurélie",
        "Émilie",
        "Claire",
        "Anaïs",
        "Lucie",
    ],
    "M": [
        "Jean",
        "Pierre",
        "Michel",
        "Philippe",
        "Nicolas",
        "Julien",
        "Thomas",
        "Lucas",
        "Hugo",
        "Antoine",
        "François",
        "Stéphane",
        "Sébastien",
        "Jérôme",
        "Olivier",
        "Laurent",
        "Mathieu",
        "Benoît",
        "Rémi",
        "Théo",
    ],
}
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Lefebvre",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
]
CITIES = [
    ("75011", "Paris"),
    ("75015", "Paris"),
    ("92100", "Boulogne-Billancourt"),
    ("69003", "Lyon"),
    ("13008", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("44000", "Nantes"),
    ("59000", "Lille"),
    ("67000", "Strasbourg"),
    ("06000", "Nice"),
    ("35000", "Rennes"),
    ("01000", "Bourg-en-Bresse"),
]
STREETS = [
    "rue de la République",
    "avenue Jean Jaurès",
    "boulevard Voltaire",
    "rue Victor Hugo",
    "place de la Mairie",
    "chemin des Vignes",
    "allée des Tilleuls",
    "rue Pasteur",
    "avenue de la Gare",
    "impasse des Lilas",
]
PROVIDERS = ["gmail.com", "orange.fr", "free.fr", "hotmail.fr", "yahoo.fr", "laposte.net"]
COMPANIES = [
    ("Boulangerie Martin", "SARL"),
    ("Acme Conseil", "SAS"),
    ("Transports Dubois", "SA"),
    ("Atelier Lefèvre", "EURL"),
    ("Nova Informatique", "SAS"),
    ("Cabinet Moreau", "SCP"),
    ("Garage Central", "SARL"),
    ("Vignobles Roux", "SCEA"),
    ("Bleu Marine Studio", "SASU"),
    ("Imprimerie Fontaine", "SA"),
]


def _siren(rng: random.Random) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(8))
    return body + luhn.calc_check_digit(body)


def _siret(siren: str, rng: random.Random) -> str:
    body = siren + f"{rng.randint(1, 99):04d}"
    return body + luhn.calc_check_digit(body)


@dataclass
class Person:
    """One real person, the truth behind several source records."""

    person_id: str
    civility: str
    first: str
    last: str
    email: str
    mobile: str
    landline: str | None
    street: str
    postcode: str
    city: str
    birth: date
    company: int | None
    loyalty: str


@dataclass(frozen=True)
class ErpAccount:
    """A company as the ERP knows it."""

    code: str
    name: str
    legal_form: str
    siret: str
    postcode: str
    city: str


# NAF/APE activity code and INSEE headcount band of each sample company, for the register.
ACTIVITIES = {
    "Boulangerie Martin": ("10.71C", "02"),
    "Acme Conseil": ("70.22Z", "11"),
    "Transports Dubois": ("49.41A", "21"),
    "Atelier Lefèvre": ("16.23Z", "01"),
    "Nova Informatique": ("62.01Z", "12"),
    "Cabinet Moreau": ("69.10Z", "03"),
    "Garage Central": ("45.20A", "02"),
    "Vignobles Roux": ("01.21Z", "11"),
    "Bleu Marine Studio": ("74.10Z", "00"),
    "Imprimerie Fontaine": ("18.12Z", "12"),
}
# How the register knows some companies: "Transports Dubois" only by another establishment (its head
# office), "Vignobles Roux" with the ERP's establishment closed, "Imprimerie Fontaine" not at all.
REGISTER_ONLY_HEAD_OFFICE, REGISTER_CLOSED, REGISTER_MISSING = (
    "Transports Dubois",
    "Vignobles Roux",
    "Imprimerie Fontaine",
)


def _register(path: Path, accounts: list[ErpAccount], rng: random.Random) -> Path:
    """A small SIRENE-like register (CSV) of the sample's companies."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "siren",
            "siret",
            "legal_name",
            "activity_code",
            "headcount_band",
            "establishment_state",
            "head_office",
            "street",
            "postcode",
            "city",
        ]
    )
    for account in accounts:
        if account.name == REGISTER_MISSING:
            continue
        activity, band = ACTIVITIES[account.name]
        legal_name = _ascii_fold(f"{account.name} {account.legal_form}").upper()
        siren = account.siret[:9]
        other = account.siret
        while other == account.siret:
            other = _siret(siren, rng)
        establishments = [(other, "A", "true", "1 rue de la République", "75011", "PARIS")]
        if account.name != REGISTER_ONLY_HEAD_OFFICE:
            state = "F" if account.name == REGISTER_CLOSED else "A"
            street = f"{rng.randint(1, 90)} {rng.choice(STREETS)}"
            establishments.append(
                (account.siret, state, "false", street, account.postcode, account.city.upper())
            )
        for siret, state, head_office, street, postcode, city in establishments:
            writer.writerow(
                [siren, siret, legal_name, activity, band, state, head_office, street, postcode, city]
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


@dataclass
class Sample:
    """The files written, and the truth: contact source record -> person, person -> company."""

    files: dict[str, Path] = field(default_factory=dict)
    api_batches: list[list[dict[str, str]]] = field(default_factory=list)
    truth: dict[tuple[str, str], str] = field(default_factory=dict)
    works_at: dict[str, str] = field(default_factory=dict)  # person -> ERP code of their company
    register: Path | None = None  # the SIRENE-like register, for the config bucket
    companies: int = 0
    broken_rows: int = 0
    unreadable_files: int = 0

    @property
    def persons(self) -> int:
        """Distinct people behind the contact records (what golden contacts should count)."""
        return len(set(self.truth.values()))


def _ascii_fold(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _phone_variant(e164: str, rng: random.Random) -> str:
    national = "0" + e164[3:]
    pairs = " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return rng.choice(
        [
            pairs,
            e164,
            national,
            pairs.replace(" ", "."),
            "0033 " + e164[3:4] + " " + pairs[3:],
            "+33 (0)" + pairs[1:],
        ]
    )


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 5:
        return name
    i = rng.randint(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _people(rng: random.Random, count: int) -> list[Person]:
    people: list[Person] = []
    while len(people) < count:
        n = len(people)
        gender = rng.choice("FM")
        first, last = rng.choice(FIRST_NAMES[gender]), rng.choice(LAST_NAMES)
        postcode, city = rng.choice(CITIES)
        company = rng.randrange(len(COMPANIES)) if rng.random() < 0.3 else None
        local = f"{_ascii_fold(first).lower()}.{_ascii_fold(last).lower()}{rng.randint(1, 99)}"
        domain = (
            (_ascii_fold(COMPANIES[company][0]).lower().replace(" ", "-") + ".fr")
            if company is not None
            else rng.choice(PROVIDERS)
        )
        person = Person(
            f"P{n:05d}",
            "Mme" if gender == "F" else "M.",
            first,
            last,
            f"{local}@{domain}",
            f"+336{rng.randint(10_000_000, 99_999_999)}",
            None,
            f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
            postcode,
            city,
            date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55)),
            company,
            f"FID{rng.randint(100000, 999999)}",
        )
        people.append(person)
        if rng.random() < 0.08 and len(people) < count:
            # A household: same surname, address and landline; another first name and birth date.
            landline = f"+331{rng.randint(10_000_000, 99_999_999)}"
            person.landline = landline
            other = rng.choice([g for g in "FM"])
            partner_first = rng.choice([f for f in FIRST_NAMES[other] if f != first])
            people.append(
                Person(
                    f"P{len(people):05d}",
                    "Mme" if other == "F" else "M.",
                    partner_first,
                    last,
                    f"{_ascii_fold(partner_first).lower()}.{_ascii_fold(last).lower()}@{rng.choice(PROVIDERS)}",
                    f"+337{rng.randint(10_000_000, 99_999_999)}",
                    landline,
                    person.street,
                    postcode,
                    city,
                    date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55)),
                    None,
                    f"FID{rng.randint(100000, 999999)}",
                )
            )
    return people


def generate(out: Path, persons: int = 300, seed: int = 7, today: date = date(2026, 11, 23)) -> Sample:
    """Write the sample under `out/` (one folder per source) and return what was written and the truth."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    people = _people(rng, persons)
    sample = Sample(companies=len(COMPANIES))
    stamp = datetime(today.year, today.month, today.day, tzinfo=UTC)

    # CRM: 80% of people, 6% of them twice (a typo, another phone format), French CSV in cp1252.
    crm_rows: list[list[str]] = []
    crm_people = [p for p in people if rng.random() < 0.8]
    for person in crm_people:
        for copy in range(2 if rng.random() < 0.06 else 1):
            source_id = f"CRM{len(crm_rows) + 1:06d}"
            first = _typo(person.first, rng) if copy else person.first
            last = person.last.upper() if rng.random() < 0.5 else person.last
            company = COMPANIES[person.company] if person.company is not None else None
            crm_rows.append(
                [
                    source_id,
                    person.civility,
                    first,
                    last,
                    person.email.upper() if rng.random() < 0.1 else person.email,
                    _phone_variant(person.landline or person.mobile, rng),
                    person.street,
                    person.postcode.lstrip("0") if rng.random() < 0.5 else person.postcode,
                    person.city.upper(),
                    "France",
                    person.birth.strftime("%d/%m/%Y"),
                    f"{company[0]} {company[1]}" if company else "",
                    "",
                    person.loyalty,
                    (stamp - timedelta(days=rng.randint(1, 400))).strftime("%d/%m/%Y"),
                    rng.choice(["oui", "non", "oui"]),
                ]
            )
            sample.truth[("crm", source_id)] = person.person_id
    header = [
        "Code client",
        "Civilité",
        "Prénom",
        "Nom",
        "E-mail",
        "Téléphone",
        "Adresse",
        "CP",
        "Ville",
        "Pays",
        "Date de naissance",
        "Société",
        "SIRET",
        "N° carte fidélité",
        "Date MAJ",
        "Opt-in email",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(crm_rows[: len(crm_rows) // 2])
    buffer.write("CRM999999;M.;Ligne;Cassée;trop;de;champs;ici;x;y;z;1;2;3;4;5;6;7\r\n")  # the broken row
    sample.broken_rows = 1
    writer.writerows(crm_rows[len(crm_rows) // 2 :])
    path = out / "crm" / "contacts_2026-11.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().encode("cp1252", errors="replace"))
    sample.files["crm"] = path
    corrupt = out / "crm" / "export_corrompu.csv"
    corrupt.write_bytes(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(2048))
    )
    sample.files["crm_corrupt"] = corrupt
    sample.unreadable_files = 1

    # ERP: the companies with their SIRET, on sheet "Comptes"; their people on sheet "Contacts", each
    # row naming its company's code (or only its SIRET); sheet "Notes" is not data.
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Comptes"
    sheet.append(
        ["N° client", "Raison sociale", "SIRET", "Site web", "Adresse", "Code postal", "Ville", "Tél."]
    )
    accounts: list[ErpAccount] = []
    for index, (name, form) in enumerate(COMPANIES):
        siren = _siren(rng)
        postcode, city = rng.choice(CITIES)
        domain = _ascii_fold(name).lower().replace(" ", "-") + ".fr"
        account = ErpAccount(f"ERP-{index + 1:04d}", name, form, _siret(siren, rng), postcode, city)
        accounts.append(account)
        sheet.append(
            [
                account.code,
                f"{name.upper()} {form}",
                account.siret,
                f"https://www.{domain}",
                f"{rng.randint(1, 90)} {rng.choice(STREETS)}",
                postcode,
                city,
                _phone_variant(f"+331{rng.randint(10_000_000, 99_999_999)}", rng),
            ]
        )
    # The B2B parts draw from their own generator, so the rest of the sample stays as it was.
    b2b = random.Random(seed * 1_000 + 6)
    contacts = workbook.create_sheet("Contacts")
    contacts.append(["N° contact", "Code client", "Prénom", "Nom", "E-mail", "Tél.", "SIRET"])
    for person in people:
        if person.company is None or b2b.random() >= 0.6:
            continue
        account = accounts[person.company]
        by_code = b2b.random() < 0.75
        source_id = f"K{contacts.max_row:05d}"
        contacts.append(
            [
                source_id,
                account.code if by_code else None,
                person.first,
                person.last.upper(),
                person.email,
                _phone_variant(person.mobile, b2b),
                None if by_code else account.siret,
            ]
        )
        sample.truth[("erp-contacts", source_id)] = person.person_id
    notes = workbook.create_sheet("Notes")
    notes.append(["Export ERP", "généré automatiquement"])
    path = out / "erp" / "comptes.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    sample.files["erp"] = path
    sample.files["erp-contacts"] = path  # the same workbook, landed for its "Contacts" sheet
    sample.works_at = {p.person_id: accounts[p.company].code for p in people if p.company is not None}
    sample.register = _register(out / "reference" / "sirene.csv", accounts, b2b)

    # Web forms: 40% of people, posted to the ingest API in two batches.
    forms: list[dict[str, str]] = []
    for person in people:
        if rng.random() >= 0.4:
            continue
        local, _, domain = person.email.partition("@")
        email = (
            (local.replace(".", "") if domain == "gmail.com" and rng.random() < 0.5 else local) + "@" + domain
        )
        source_id = f"WF{len(forms) + 1:06d}"
        forms.append(
            {
                "submission_id": source_id,
                "email": email,
                "prenom": person.first.lower(),
                "nom": person.last.lower(),
                "telephone": person.mobile,
                "code_postal": person.postcode,
                "optin": rng.choice(["yes", "no", "yes"]),
                "date": (stamp - timedelta(days=rng.randint(0, 60))).isoformat(),
            }
        )
        sample.truth[("webforms", source_id)] = person.person_id
    sample.api_batches = [forms[: len(forms) // 2], forms[len(forms) // 2 :]]

    # Point of sale: tickets carry the loyalty card number, or only an e-mail.
    tickets = io.StringIO()
    writer = csv.writer(tickets, delimiter=",", lineterminator="\n")
    writer.writerow(["ticket", "carte", "email", "montant", "date", "magasin"])
    for number in range(persons * 2):
        person = rng.choice(people)
        by_card = rng.random() < 0.7
        when = stamp - timedelta(days=rng.randint(0, 365), minutes=rng.randint(0, 600))
        writer.writerow(
            [
                f"T{number + 1:07d}",
                person.loyalty if by_card else "",
                "" if by_card else person.email,
                f"{rng.uniform(5, 180):.2f}".replace(".", ","),
                when.strftime("%d/%m/%Y %H:%M"),
                rng.choice(["Paris 11", "Lyon Part-Dieu", "Lille Centre"]),
            ]
        )
    path = out / "pos" / "tickets_2026-11.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tickets.getvalue(), encoding="utf-8")
    sample.files["pos"] = path

    # E-mail engagement: opens and clicks, gzip-compressed.
    events = io.StringIO()
    writer = csv.writer(events, lineterminator="\n")
    writer.writerow(["event_id", "email", "event", "timestamp", "campaign"])
    for number in range(persons * 3):
        person = rng.choice(people)
        writer.writerow(
            [
                f"E{number + 1:07d}",
                person.email,
                rng.choice(["open", "open", "click"]),
                (stamp - timedelta(hours=rng.randint(1, 2000))).isoformat(),
                "newsletter-novembre",
            ]
        )
    path = out / "emailing" / "events_2026-11.csv.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(events.getvalue().encode("utf-8"), mtime=0))
    sample.files["emailing"] = path

    # Consent log: opt-ins per channel and purpose, some withdrawn later (the later statement wins). Its
    # own random stream, so the other files stay the same.
    consent_rng = random.Random(seed + 1)
    consents = io.StringIO()
    writer = csv.writer(consents, lineterminator="\n")
    writer.writerow(["id", "client", "email", "canal", "finalite", "accord", "date"])
    statements = 0
    for person in consent_rng.sample(people, k=len(people) // 5):
        granted_at = stamp - timedelta(days=consent_rng.randint(30, 300))
        by_card = consent_rng.random() < 0.5
        who = [person.loyalty, ""] if by_card else ["", person.email]
        channel = consent_rng.choice(["email", "email", "sms"])
        for granted, when in [("oui", granted_at)] + (
            [("non", granted_at + timedelta(days=consent_rng.randint(1, 29)))]
            if consent_rng.random() < 0.4
            else []
        ):
            statements += 1
            writer.writerow([f"K{statements:06d}", *who, channel, "marketing", granted, when.isoformat()])
    path = out / "consents" / "consents_2026-11.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(consents.getvalue(), encoding="utf-8")
    sample.files["consents"] = path

    (out / "truth.json").write_text(
        json.dumps({f"{s}/{i}": p for (s, i), p in sorted(sample.truth.items())}, indent=0), encoding="utf-8"
    )
    return sample
