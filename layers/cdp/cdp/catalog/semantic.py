"""Semantic typing of a column from a sample of its values and its header.

Values come first: each semantic type has a scorer that measures how much of the sample looks like that
type (``evidence``, specific: a valid SIRET, a known first name) and how much is merely compatible with it
(``shape``: fourteen digits, a capitalised word). The header only adds a bonus proportional to the shape,
so a header can tell "Ville" from "Nom" when the values are plain words but can never turn e-mails into
phone numbers. Related types (date / birth date, boolean / consent flag, device id / customer number...)
are settled by the header when the values cannot tell them apart.
"""

from __future__ import annotations

import ipaddress
import operator
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property, lru_cache
from itertools import islice
from typing import NamedTuple

import phonenumbers
import pycountry
from stdnum import iban, vatin
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

from cdp.catalog import _lexicon as lex
from cdp.catalog._text import DateParts, fold, header_tokens, is_null, parse_amount, parse_date, signature

SEMANTIC_TYPES: tuple[str, ...] = (
    "email", "phone", "first_name", "last_name", "full_name", "civility", "company_name", "siren", "siret",
    "vat", "street", "postcode", "city", "country", "date", "birth_date", "datetime", "amount", "currency",
    "url", "ip", "device_id", "customer_number", "consent_flag", "boolean", "gender", "event_type",
)  # fmt: skip

# Types whose values identify or describe a person (GDPR personal data).
PII_TYPES: frozenset[str] = frozenset(
    {"email", "phone", "first_name", "last_name", "full_name", "street", "birth_date", "ip", "device_id"}
)

# At most this many values are examined (the profiler's reservoir holds 1,000 by default); the costly
# validators (phone numbers, registry checksums) look at fewer distinct values.
MAX_VALUES = 2000
_MAX_COSTLY = 300
_MAX_CHARS = 200

# Weight of a matching header, multiplied by the share of values compatible with the type.
_HEADER_WEIGHT = 0.35
# Below this combined score nothing is claimed.
_MIN_SCORE = 0.4


class Score(NamedTuple):
    """How a sample fits one semantic type.

    Attributes:
        evidence: 0..1, specific evidence from the values (valid checksums, known names...).
        shape: 0..1, share of values merely compatible with the type; scales the header bonus.
        valid: 0..1, share of values that are valid values of the type (drives column quality).
    """

    evidence: float
    shape: float
    valid: float


@dataclass(frozen=True)
class SemanticAnalysis:
    """The outcome of semantic detection on one column.

    Attributes:
        semantic_type: One of ``SEMANTIC_TYPES``, or None when nothing fits well enough.
        confidence: 0..1.
        validity: Share of the examined values that are valid for ``semantic_type`` (1.0 when None).
        scores: Combined score of every type that scored above zero, for explanations.
    """

    semantic_type: str | None
    confidence: float
    validity: float
    scores: dict[str, float] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------------------------
# Regular expressions and reference sets
# ------------------------------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[^\s@,;<>()\[\]\"]+@[^\s@,;<>()\[\]\"]+\.[^\W\d_]{2,24}")
_EMAIL_SEARCH = re.compile(r"[^\s@,;<>]+@[^\s@,;<>]+\.[A-Za-z]{2,}")
_PHONE_SEARCH = re.compile(r"(?:\+\d{2,3}[\s.-]?|\b0)[1-9](?:[\s.-]?\d{2}){4}\b")
_URL_SCHEME = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
_DOMAIN = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24})(?::\d+)?(?:[/?#][^\s]*)?", re.IGNORECASE
)
_COMMON_TLDS = lex.words("""
    com fr net org io co de be ch uk eu info biz es it nl pt lu ca us app dev shop store tech online site ai
    me tv fm re gp mq gf pf nc yt pm mc ad at dk se no fi ie pl cz gr ro hu bg sk si hr lt lv ee cy mt ma dn
    tn sn ci cm dz jp cn in br mx ar au nz za ru tr asia cloud digital agency paris bzh alsace corsica
    """)
_UUID = re.compile(r"\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?", re.IGNORECASE)
_GA_CLIENT_ID = re.compile(r"(?:GA\d\.\d\.)?\d{6,10}\.\d{10}")
_FB_COOKIE = re.compile(r"fb\.\d\.\d{13}\.\d{5,20}")
_HEX_ID = re.compile(r"[0-9a-fA-F]{16,64}")
_TOKEN_ID = re.compile(r"[A-Za-z0-9_\-]{20,128}")
_PHONE_SHAPE = re.compile(r"\+?[\d\s().\-/]{8,24}")
_FR_POSTCODE = re.compile(r"(?:0[1-9]|[1-8]\d|9[0-8])\d{3}|2[AB]\d{3}", re.IGNORECASE)
_FOUR_DIGITS = re.compile(r"[1-9]\d{3}")
_FOREIGN_POSTCODES = (
    (re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}"), 0.9),  # United Kingdom
    (re.compile(r"\d{5}-\d{4}"), 0.9),  # United States ZIP+4
    (re.compile(r"\d{4}\s?[A-Z]{2}"), 0.8),  # Netherlands
    (re.compile(r"[A-Z]\d[A-Z]\s?\d[A-Z]\d"), 0.8),  # Canada
    (re.compile(r"(?:L|B|CH|D|F)-\d{4,5}"), 0.8),  # "L-1234" style prefixes
)
_POSTCODE_SHAPE = re.compile(r"[A-Z0-9][A-Z0-9 \-]{2,8}", re.IGNORECASE)
_ALPHA_WORDS = re.compile(r"[^\W\d_]+(?:[ '’.\-]+[^\W\d_]+)*\.?")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_ID_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-/.#]{2,39}")
_LEADING_NUMBER = re.compile(r"\d{1,5}\s*(?:bis|ter|quater|[abc])?\b[\s,]*", re.IGNORECASE)
_CEDEX = re.compile(r"\s+cedex(?:\s+\d+)?$|\s+\d{1,2}(?:e|er|eme)?(?:\s+arrondissement)?$")
_EVENT_SPLIT = re.compile(r"[\s\-.:/]+")
_CAMEL_SPLIT = re.compile(r"(?<=[a-z])(?=[A-Z])")
_DECIMAL_NUMBER = re.compile(r"[+-]?\d+[.,]\d+")

# Legal forms that are never ordinary words, so they count anywhere in the value.
_STRONG_LEGAL = lex.words("sas sasu sarl eurl sci snc scop selarl selas gmbh ltd llc llp inc plc gaec earl")


@cache
def _currencies() -> frozenset[str]:
    return frozenset(currency.alpha_3 for currency in pycountry.currencies)


@cache
def _countries() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(alpha-2 codes, alpha-3 codes, folded names in English and French)."""
    names: set[str] = set(lex.COUNTRY_NAMES_FR)
    alpha2, alpha3 = set(), set()
    for country in pycountry.countries:
        alpha2.add(country.alpha_2)
        alpha3.add(country.alpha_3)
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.add(fold(value))
    return frozenset(alpha2), frozenset(alpha3), frozenset(names)


# ------------------------------------------------------------------------------------------------------------
# Header hints
# ------------------------------------------------------------------------------------------------------------

# Comma-separated phrases (folded words) per type; an optional "|weight" lowers ambiguous ones.
_HEADER_PHRASES: dict[str, str] = {
    "email": (
        "email, e mail, mail, courriel, mel, adresse email, adresse mail, email address, e mail address, "
        "mail address, adresse electronique, email client, customer email, emailaddress"
    ),
    "phone": (
        "telephone, tel, phone, mobile, portable, gsm, cell, cellphone, fixe, tel fixe, tel portable, "
        "tel mobile, telephone mobile, telephone portable, mobile phone, phone number, phonenumber, "
        "telephone fixe, fax, contact phone, msisdn, mobile number, numtel, tel domicile"
    ),
    "first_name": "prenom, first name, firstname, given name, forename, fname, first, prenom client",
    "last_name": (
        "nom, last name, lastname, surname, family name, nom famille, lname, nom naissance, nom usage, "
        "last, nom client|0.8, nom patronymique"
    ),
    "full_name": (
        "nom complet, full name, fullname, name, nom prenom, prenom nom, contact name, customer name, "
        "client name, titulaire, beneficiaire, destinataire, display name, contact|0.6, identite, "
        "nom et prenom, prenom et nom, nom du contact"
    ),
    "civility": "civilite, titre|0.8, title|0.8, salutation, civ, appellation, politesse, civility",
    "company_name": (
        "raison sociale, denomination, societe, entreprise, company, company name, organisation, "
        "organization, etablissement, enseigne, nom commercial, business name, account name, employer, "
        "employeur, firm, nom entreprise, nom societe, raisonsociale, corporate name, compte|0.6, "
        "account|0.7, business, structure|0.7"
    ),
    "siren": "siren, num siren, siren number",
    "siret": "siret, num siret, siret number, siret etablissement",
    "vat": (
        "tva, tva intracom, tva intracommunautaire, num tva, vat, vat number, vat id, ident tva, vat no, "
        "tva intra, numero tva, vatin, ust idnr"
    ),
    "street": (
        "adresse, address, rue, voie, street, adresse 1, address line 1, address 1, adresse postale, "
        "ligne adresse, addr, adr, complement adresse, adresse ligne 1, street address, address1, "
        "adresse1, line1, numero et voie"
    ),
    "postcode": (
        "code postal, cp, zip, zip code, zipcode, postcode, postal code, cpostal, code post, codepostal, "
        "postal, cod postal, plz"
    ),
    "city": "ville, city, commune, localite, town, ville residence, locality, municipality, cité",
    "country": "pays, country, nation, country code, code pays, pays residence, countrycode, land",
    "date": (
        "date, dt, date achat, date commande, created, creation, date creation, updated, modified, "
        "date maj, maj, derniere modification, jour, day, order date, purchase date, transaction date, "
        "date transaction, date vente, date facture, invoice date, date inscription, signup date, "
        "date modification, last update, updated at, created at, date operation"
    ),
    "birth_date": (
        "date naissance, naissance, birth date, birthdate, date of birth, dob, birthday, ne le, ddn, "
        "anniversaire, date naiss, datenaissance, datedenaissance, birth"
    ),
    "datetime": (
        "horodatage, timestamp, datetime, date heure, heure, time, event time, ts, occurred at, "
        "event timestamp, date time, created at|0.8, updated at|0.8, sent at, opened at, clicked at"
    ),
    "amount": (
        "montant, amount, prix, price, total, ttc, ht, montant ttc, montant ht, ca, chiffre affaires, "
        "revenue, somme, paid, paye, valeur|0.7, value|0.7, cout, cost, tarif, net, brut, panier, "
        "basket, order total, sales, total ttc, total ht, prix ttc, prix unitaire, price paid, spend, "
        "depense, montant achat, amount paid"
    ),
    "currency": "devise, currency, monnaie, ccy, cur, iso currency, code devise, currency code",
    "url": (
        "url, site, site web, website, web, lien, link, page, landing page, page url, homepage, "
        "site internet, domain, domaine, referrer, referer, href, uri"
    ),
    "ip": "ip, adresse ip, ip address, ip addr, ipv4, ipv6, remote addr, client ip, ipaddress",
    "device_id": (
        "device, device id, cookie, cookie id, visitor id, ga client id, cid, anonymous id, anon id, "
        "uuid|0.7, guid|0.7, idfa, gaid, advertising id, terminal, appareil, browser id, fbp, ga, "
        "visitor, deviceid, cookieid, mobile ad id, user pseudo id"
    ),
    "customer_number": (
        "id, identifiant, num client, client num, code client, ref client, reference client, "
        "customer id, customer number, client id, cust id, account number, matricule, id client, "
        "num adherent, carte fidelite, loyalty card, member id, user id, contact id, external id, ref, "
        "reference, client|0.6, customer|0.7, customer ref, order id, commande, num commande, "
        "transaction id, ticket, id commande, order, customer no, cust no, customerid, clientid, code, "
        "key, record id, crm id, adherent, num carte"
    ),
    "consent_flag": (
        "opt in, optin, opt out, optout, consentement, consent, newsletter, accepte newsletter, accord, "
        "rgpd, gdpr, marketing, email opt in, abonne, subscribed, subscription, inscrit, communication, "
        "sms opt in, accepte, accepte communication, consent email, optin email, email optin, "
        "offres partenaires, accord commercial, emailoptin"
    ),
    "boolean": (
        "actif, active, is, flag, enabled, valide, vip, bool, has, est, deleted, archive, blocked, "
        "verified, verifie, is active"
    ),
    "gender": "sexe, genre, gender, sex, h f",
    "event_type": (
        "event, event type, type evenement, evenement, action, activity, activite, type|0.7, event name, "
        "interaction, type interaction, eventtype, event action, type action"
    ),
}


# Header words that rule a type out whatever the values look like: product codes share the shape of
# customer numbers, product names and statuses the shape of names.
_CATEGORY_WORDS = lex.words("produit product article statut status categorie category libelle")
_HEADER_VETOES: dict[str, frozenset[str]] = {
    "customer_number": lex.words(
        "produit product article sku item ean isbn gtin upc lot stock modele model variante variant"
    ),
    "last_name": _CATEGORY_WORDS,
    "first_name": _CATEGORY_WORDS,
    "company_name": _CATEGORY_WORDS,
}


@lru_cache(maxsize=4096)
def _header_vetoes(header: str) -> dict[str, float]:
    tokens = {_plural(token) for token in header_tokens(header)}
    return {t: 1.0 for t, words in _HEADER_VETOES.items() if tokens & words}


def _plural(token: str) -> str:
    # "telephones" -> "telephone", "adresses" -> "adresse"; short words ("pays") are left alone.
    return token[:-1] if len(token) > 4 and token.endswith("s") else token


@cache
def _phrases() -> tuple[tuple[str, tuple[str, ...], float], ...]:
    table = []
    for semantic_type, phrases in _HEADER_PHRASES.items():
        for phrase in phrases.split(","):
            text, _, weight = phrase.strip().partition("|")
            tokens = tuple(_plural(token) for token in header_tokens(text)) or tuple(text.split())
            table.append((semantic_type, tokens, float(weight) if weight else 1.0))
    return tuple(table)


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def header_scores(header: str) -> dict[str, float]:
    """How strongly a header suggests each semantic type (0..1).

    A phrase that covers more of the header wins: "Date de naissance" suggests birth_date fully and date
    only weakly; "N° SIRET" gives siret. Headers glued into one word ("datedenaissance") are also searched.

    Args:
        header: The raw column header.

    Returns:
        Type -> score, only for types the header suggests.
    """
    return dict(_header_scores(header))


@lru_cache(maxsize=4096)
def _header_scores(header: str) -> tuple[tuple[str, float], ...]:
    # Cached as an immutable tuple: callers get a fresh dict each time.
    tokens = tuple(_plural(token) for token in header_tokens(header))
    if not tokens:
        return ()
    best: dict[str, tuple[float, int]] = {}
    for semantic_type, phrase, weight in _phrases():
        if _contains(tokens, phrase):
            coverage = len(phrase) / len(tokens)
            length = len(phrase)
        else:
            glued = "".join(phrase)
            hits = [t for t in tokens if len(t) >= 8 and len(glued) >= 5 and glued in t]
            if not hits:
                continue
            coverage = len(glued) / sum(len(t) for t in tokens)
            length = max(1, round(len(phrase) * len(glued) / len(hits[0])))
        score = weight * (0.5 + 0.5 * coverage)
        if score > best.get(semantic_type, (0.0, 0))[0]:
            best[semantic_type] = (score, length)
    if not best:
        return ()
    longest = max(length for _, length in best.values())
    # A type only matched by a shorter phrase than another type's is a weaker reading of the header.
    return tuple(
        (t, round(score if length == longest else score * 0.5, 4)) for t, (score, length) in best.items()
    )


# ------------------------------------------------------------------------------------------------------------
# The sample and its per-value features
# ------------------------------------------------------------------------------------------------------------


class _Sample:
    """Cleaned values with lazily computed, shared features.

    Features are computed once per *distinct* value (``values``) and weighted by ``freq``: samples repeat
    a lot (cities, flags, first names), so this keeps detection fast.
    """

    def __init__(self, values: Sequence[str], today: date) -> None:
        cleaned: list[str] = []
        for raw in islice(values, MAX_VALUES):
            if raw is None:
                continue
            value = raw if isinstance(raw, str) else str(raw)
            if not is_null(value):
                cleaned.append(value.strip()[:_MAX_CHARS])
        self.counts = Counter(cleaned)
        self.values = list(self.counts)  # distinct values, in order of first appearance
        self.freq = list(self.counts.values())
        self.n = len(cleaned)
        self.today = today
        self.distinct_ratio = len(self.counts) / self.n if self.n else 0.0

    def share(self, weights: Iterable[float]) -> float:
        """Frequency-weighted mean of per-distinct-value weights."""
        return sum(map(operator.mul, weights, self.freq)) / self.n if self.n else 0.0

    def share_at_least(self, weights: Sequence[float], minimum: float) -> float:
        """Share of values whose weight reaches ``minimum``."""
        return (
            sum(c for w, c in zip(weights, self.freq, strict=True) if w >= minimum) / self.n
            if self.n
            else 0.0
        )

    @cached_property
    def folded(self) -> list[str]:
        return [fold(value) for value in self.values]

    @cached_property
    def words(self) -> list[list[str]]:
        # Folded name-like tokens, dots dropped ("M. Jean-Luc" -> ["m", "jean-luc"]).
        return [value.replace(".", " ").replace(",", " ").split() for value in self.folded]

    @cached_property
    def digits(self) -> list[str]:
        # Values with usual separators removed, for registry numbers ("732 829 320" -> "732829320").
        return [re.sub(r"[\s.\-/]", "", value) for value in self.values]

    @cached_property
    def dates(self) -> list[DateParts | None]:
        return [parse_date(value, compact=True) for value in self.values]

    @cached_property
    def textual(self) -> float:
        """Share of values that read as words (letters, not mostly digits, no @)."""
        ok = 0
        for value, count in zip(self.values, self.freq, strict=True):
            if "@" in value or len(value) > 80 or not _HAS_LETTER.search(value):
                continue
            if sum(ch.isdigit() for ch in value) * 3 > len(value):
                continue
            ok += count
        return ok / self.n if self.n else 0.0

    @cached_property
    def vocabulary(self) -> dict[str, float]:
        """Shares of closed-vocabulary values: civilities, genders, flags, consent words."""
        civ = gen = civ_only = gen_only = boolean = consent = 0
        for folded, count in zip(self.folded, self.freq, strict=True):
            key = _civility_key(folded)
            civ += count * (key in lex.CIVILITIES)
            civ_only += count * (key in lex.CIVILITY_ONLY)
            gen += count * (folded in lex.GENDERS)
            gen_only += count * (folded in lex.GENDER_ONLY)
            boolean += count * (folded in lex.BOOLEAN_WORDS)
            consent += count * (folded in lex.CONSENT_WORDS)
        n = self.n or 1
        return {
            "civility": civ / n,
            "civility_only": civ_only / n,
            "gender": gen / n,
            "gender_only": gen_only / n,
            "boolean": boolean / n,
            "consent": consent / n,
        }

    @cached_property
    def date_stats(self) -> _DateStats:
        """How date-like the values are, shared by the date, birth date and date-time scorers."""
        return _date_stats(self)

    @cached_property
    def text(self) -> _TextScores:
        """Weights of the name, place and company types, shared by their six scorers."""
        return _text_scores(self)

    @cached_property
    def strong_kind(self) -> list[bool]:
        """Per value: is it a registry number, IBAN, GA id, e-mail, date or decimal (so no customer code)."""
        flags = []
        for value, compact, parts in zip(self.values, self.digits, self.dates, strict=True):
            strong = (
                parts is not None
                or "@" in value
                or bool(_GA_CLIENT_ID.fullmatch(value))
                or (len(compact) == 14 and compact.isdigit() and _cached_valid("siret", compact))
                or (len(compact) == 9 and compact.isdigit() and _cached_valid("siren", compact))
                or (compact[:2].isalpha() and len(compact) > 9 and _cached_valid("vat", compact.upper()))
                or (compact[:2].isalpha() and len(compact) >= 15 and _cached_valid("iban", compact.upper()))
                or bool(_DECIMAL_NUMBER.fullmatch(value))
            )
            flags.append(strong)
        return flags


@lru_cache(maxsize=65536)
def _cached_valid(kind: str, value: str) -> bool:
    # Registry checksums are called on the same values from several scorers.
    try:
        if kind == "siret":
            return bool(fr_siret.is_valid(value))
        if kind == "siren":
            return bool(fr_siren.is_valid(value))
        if kind == "iban":
            return bool(iban.is_valid(value))
        if kind == "vat":
            return bool(fr_tva.is_valid(value)) if value.startswith("FR") else bool(vatin.is_valid(value))
    except Exception:  # noqa: BLE001 - a validator must never break detection
        return False
    return False


def _weights_score(sample: _Sample, weights: Sequence[float], shape: float, valid_min: float = 0.5) -> Score:
    return Score(sample.share(weights), shape, sample.share_at_least(weights, valid_min))


# ------------------------------------------------------------------------------------------------------------
# Scorers, one per semantic type
# ------------------------------------------------------------------------------------------------------------


def _score_email(s: _Sample) -> Score:
    weights = [1.0 if _EMAIL.fullmatch(v) else 0.0 for v in s.values]
    return _weights_score(s, weights, s.share([1.0 if "@" in v else 0.0 for v in s.values]))


def _is_url(value: str) -> float:
    if "@" in value and not value.lower().startswith(("http", "www")):
        return 0.0
    if _URL_SCHEME.fullmatch(value):
        return 1.0
    match = _DOMAIN.fullmatch(value)
    if match and match.group(1).lower() in _COMMON_TLDS:
        return 0.9
    return 0.0


def _score_url(s: _Sample) -> Score:
    weights = [_is_url(v) for v in s.values]
    shape = s.share([1.0 if " " not in v and ("." in v or "/" in v) else 0.0 for v in s.values])
    return _weights_score(s, weights, shape)


def _is_ip(value: str) -> bool:
    if not 2 <= len(value) <= 45 or not (":" in value or value.count(".") == 3):
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _score_ip(s: _Sample) -> Score:
    weights = [1.0 if _is_ip(v) else 0.0 for v in s.values]
    shape = s.share([1.0 if re.fullmatch(r"[0-9a-fA-F:.]{2,45}", v) else 0.0 for v in s.values])
    return _weights_score(s, weights, shape)


def _device_weight(value: str) -> float:
    if _UUID.fullmatch(value) or _GA_CLIENT_ID.fullmatch(value) or _FB_COOKIE.fullmatch(value):
        return 1.0
    if _HEX_ID.fullmatch(value) and not value.isdigit() and any(c.isdigit() for c in value):
        return 0.9
    if (
        _TOKEN_ID.fullmatch(value)
        and any(c.isdigit() for c in value)
        and any(c.islower() for c in value)
        and any(c.isupper() for c in value)
    ):
        return 0.7
    return 0.0


def _score_device_id(s: _Sample) -> Score:
    weights = [_device_weight(v) for v in s.values]
    shape = s.share([1.0 if len(v) >= 8 and " " not in v else 0.0 for v in s.values])
    return _weights_score(s, weights, shape)


def _registry_score(s: _Sample, kind: str, length: int, invalid_weight: float) -> Score:
    weights: list[float] = []
    shaped, checked = 0, []
    for compact, count in zip(s.digits, s.freq, strict=True):
        if len(compact) != length or not compact.isdigit():
            weights.append(0.0)
            continue
        shaped += count
        if len(checked) < _MAX_COSTLY * 3:
            checked.append(1.0 if _cached_valid(kind, compact) else invalid_weight)
            weights.append(checked[-1])
        else:
            # Past the budget, extrapolate from the numbers checked so far.
            weights.append(sum(checked) / len(checked))
    return _weights_score(s, weights, shaped / s.n, valid_min=0.99 if len(checked) == len(weights) else 0.5)


def _score_siren(s: _Sample) -> Score:
    return _registry_score(s, "siren", 9, 0.1)


def _score_siret(s: _Sample) -> Score:
    return _registry_score(s, "siret", 14, 0.15)


def _score_vat(s: _Sample) -> Score:
    weights, shaped = [], 0
    for compact, count in zip(s.digits, s.freq, strict=True):
        code = compact.upper()
        if re.fullmatch(r"[A-Z]{2}[0-9A-Z]{8,12}", code) and any(c.isdigit() for c in code[2:]):
            shaped += count
            weights.append(1.0 if _cached_valid("vat", code) else 0.3)
        else:
            weights.append(0.0)
    return _weights_score(s, weights, shaped / s.n, valid_min=0.99)


@lru_cache(maxsize=65536)
def _phone_weight(value: str) -> float:
    digits = re.sub(r"\D", "", value)
    if not 8 <= len(digits) <= 15:
        return 0.0
    try:
        if value.startswith(("+", "00", "0", "(")):
            number = phonenumbers.parse(value, "FR")
            if phonenumbers.is_valid_number(number):
                return 1.0
            return 0.4 if phonenumbers.is_possible_number(number) else 0.0
        if len(digits) == 9 and digits[0] in "123456789":
            # Lost leading zero (spreadsheets store phone numbers as integers): "612345678".
            return 0.5 if phonenumbers.is_valid_number(phonenumbers.parse("0" + digits, "FR")) else 0.0
        if len(digits) >= 11 and phonenumbers.is_valid_number(phonenumbers.parse("+" + digits, None)):
            return 0.8  # international number written without its "+"
    except phonenumbers.NumberParseException:
        return 0.0
    except Exception:  # noqa: BLE001 - phonenumbers must never break detection
        return 0.0
    return 0.0


def _score_phone(s: _Sample) -> Score:
    shaped = [bool(_PHONE_SHAPE.fullmatch(v)) for v in s.values]
    shape = s.share([1.0 if ok else 0.0 for ok in shaped])
    if shape < 0.2:
        return Score(0.0, shape, 0.0)
    weights: list[float] = []
    checked: dict[str, float] = {}
    for value, ok in zip(s.values, shaped, strict=True):
        if not ok:
            weights.append(0.0)
        elif value in checked:
            weights.append(checked[value])
        elif len(checked) < _MAX_COSTLY:
            checked[value] = _phone_weight(value)
            weights.append(checked[value])
        else:
            # Past the budget, extrapolate from the values checked so far.
            weights.append(sum(checked.values()) / len(checked))
    return _weights_score(s, weights, shape)


def _score_postcode(s: _Sample) -> Score:
    weights = []
    years = 0
    four = 0
    for value, count in zip(s.values, s.freq, strict=True):
        upper = value.upper()
        if _FR_POSTCODE.fullmatch(value):
            weights.append(1.0)
        elif _FOUR_DIGITS.fullmatch(value):
            four += count
            years += count if 1900 <= int(value) <= 2099 else 0
            weights.append(0.6)  # a French code that lost its leading zero, or a BE/CH/LU/AT code
        else:
            weights.append(next((w for rx, w in _FOREIGN_POSTCODES if rx.fullmatch(upper)), 0.0))
    evidence = s.share(weights)
    shape = s.share([1.0 if _POSTCODE_SHAPE.fullmatch(v) else 0.0 for v in s.values])
    valid = s.share_at_least(weights, 0.5)
    if s.n >= 30 and s.distinct_ratio > 0.9:
        evidence *= 0.4  # postcodes repeat; a column of unique five-digit numbers is an id
    if four and years / four > 0.8:
        evidence *= 0.3  # four-digit values between 1900 and 2099 are years
    return Score(evidence, shape, valid)


def _score_amount(s: _Sample) -> Score:
    weights = []
    for value in s.values:
        amount = parse_amount(value)
        if amount is None:
            weights.append(0.0)
            continue
        if amount.currency_mark:
            weights.append(1.0)
        elif amount.decimals == 2:
            weights.append(0.9)
        elif amount.decimals == 0:
            weights.append(0.3)
        elif amount.decimals == 1:
            weights.append(0.55)
        else:
            weights.append(0.3)
    shape = s.share([1.0 if w else 0.0 for w in weights])
    return _weights_score(s, weights, shape, valid_min=0.25)


def _score_currency(s: _Sample) -> Score:
    codes = _currencies()
    weights = []
    for value, folded in zip(s.values, s.folded, strict=True):
        if value.upper() in codes and len(value) == 3:
            weights.append(1.0 if value.isupper() else 0.8)
        elif folded in lex.CURRENCY_WORDS or value in lex.CURRENCY_WORDS:
            weights.append(0.9)
        else:
            weights.append(0.0)
    shape = s.share([1.0 if len(v) <= 15 and not any(c.isdigit() for c in v) else 0.0 for v in s.values])
    return _weights_score(s, weights, shape)


def _score_country(s: _Sample) -> Score:
    alpha2, alpha3, names = _countries()
    weights = []
    for value, folded in zip(s.values, s.folded, strict=True):
        if folded in names:
            weights.append(1.0)
        elif len(value) == 2 and value.upper() in alpha2 or len(value) == 3 and value.upper() in alpha3:
            weights.append(0.8 if value.isupper() else 0.4)
        else:
            weights.append(0.0)
    return _weights_score(
        s, weights, max(s.textual, s.share([1.0 if len(v) <= 3 else 0.0 for v in s.values])), 0.4
    )


def _civility_key(folded: str) -> str:
    return " ".join(folded.replace(".", " ").replace("/", " ").split())


def _score_civility(s: _Sample) -> Score:
    shares = s.vocabulary
    evidence = shares["civility"]
    if shares["gender_only"] > 0.02 and shares["civility_only"] == 0:
        evidence *= 0.4  # "F" or "Homme": a gender column, whatever "M" suggests
    shape = s.share([1.0 if len(v) <= 15 and not any(c.isdigit() for c in v) else 0.0 for v in s.values])
    return Score(evidence, shape, shares["civility"])


def _score_gender(s: _Sample) -> Score:
    shares = s.vocabulary
    evidence = shares["gender"]
    if shares["civility_only"] > 0.02 and shares["gender_only"] == 0:
        evidence *= 0.5
    if shares["gender_only"] == 0:
        evidence *= 0.7  # only "M" / "X" / "U": weak
    folded = set(s.folded)
    if "t" in folded and "f" in folded:
        evidence *= 0.3  # t / f is a boolean
    shape = s.share([1.0 if len(v) <= 15 and not any(c.isdigit() for c in v) else 0.0 for v in s.values])
    return Score(evidence, shape, shares["gender"])


def _score_boolean(s: _Sample) -> Score:
    shares = s.vocabulary
    distinct = {f for f in s.folded if f in lex.BOOLEAN_WORDS}
    evidence = shares["boolean"]
    if len(distinct) > 6:
        evidence *= 0.3  # a flag has two or three spellings per polarity at most
    if distinct <= {"f", "m", "h"} or distinct <= {"m", "f"}:
        evidence *= 0.3  # M / F is a gender
    shape = s.share([1.0 if len(v) <= 10 else 0.0 for v in s.values])
    return Score(evidence, shape, shares["boolean"])


def _score_consent(s: _Sample) -> Score:
    shares = s.vocabulary
    boolean = _score_boolean(s)
    # Plain yes/no values are a flag first; only the header or consent words ("opt-in") make it consent.
    evidence = min(1.0, shares["consent"] + boolean.evidence * 0.9)
    return Score(
        evidence, max(boolean.shape, shares["consent"]), min(1.0, shares["consent"] + shares["boolean"])
    )


def _event_weight(value: str) -> float:
    key = "_".join(_EVENT_SPLIT.split(_CAMEL_SPLIT.sub("_", value).lower().strip()))
    key = fold(key).replace(" ", "_")
    if key in lex.EVENT_TYPES:
        return 1.0
    parts = [p for p in re.split(r"[_\s]+", key) if p]
    if any(p in lex.EVENT_WORDS or p in lex.EVENT_TYPES for p in parts) and len(parts) <= 5:
        return 0.8
    return 0.0


def _score_event_type(s: _Sample) -> Score:
    weights = [_event_weight(v) if len(v) <= 40 else 0.0 for v in s.values]
    evidence = s.share(weights)
    if len(s.counts) > 60:
        evidence *= 0.5  # event vocabularies are small
    shape = s.share([1.0 if len(v) <= 40 and _HAS_LETTER.search(v) else 0.0 for v in s.values])
    valid = s.share_at_least(weights, 0.5)
    return Score(evidence, shape, valid)


# -- dates ---------------------------------------------------------------------------------------------------


class _DateStats(NamedTuple):
    share: float  # weighted share of values that are dates
    timed: float  # share of the dates carrying a (non-midnight) time of day
    birthlike: bool
    birth_share: float


def _date_stats(s: _Sample) -> _DateStats:
    weights, years, timed = [], [], 0
    for value, parts, count in zip(s.values, s.dates, s.freq, strict=True):
        if parts is None:
            weights.append(0.0)
            continue
        weights.append(0.7 if value.isdigit() else 1.0)  # 20240131 could be any number
        year = parts.year
        if year > s.today.year and str(year) not in value:
            year -= 100  # a two-digit year read past today ("12/05/58") is a past century's
        years.extend([year] * count)
        if parts.time and parts.time != "00:00:00":
            timed += count
    if not years:
        return _DateStats(0.0, 0.0, False, 0.0)
    horizon = s.today.year - 10
    birth_share = sum(1 for y in years if 1900 <= y <= horizon) / len(years)
    ordered = sorted(years)
    # Spread between the 5th and 95th percentiles, robust to a few garbage years.
    low, high = ordered[len(ordered) // 20], ordered[-1 - len(ordered) // 20]
    birthlike = birth_share >= 0.9 and high - low >= 15 and statistics.median(years) <= s.today.year - 18
    return _DateStats(s.share(weights), timed / len(years), birthlike, birth_share)


def _score_date(s: _Sample) -> Score:
    stats = s.date_stats
    if stats.timed >= 0.5:
        evidence = stats.share * 0.5
    elif stats.birthlike:
        # Decades of past dates, none recent: birth dates, even under a plain "Date" header.
        evidence = stats.share * 0.5
    else:
        evidence = stats.share
    return Score(evidence, stats.share, stats.share)


def _score_birth_date(s: _Sample) -> Score:
    stats = s.date_stats
    if stats.timed >= 0.5:
        evidence = 0.0
    elif stats.birthlike:
        evidence = stats.share
    else:
        evidence = stats.share * (0.6 if stats.birth_share >= 0.9 else 0.2)
    return Score(evidence, stats.share if stats.timed < 0.5 else 0.0, stats.share)


def _score_datetime(s: _Sample) -> Score:
    stats = s.date_stats
    evidence = stats.share if stats.timed >= 0.5 else stats.share * stats.timed
    return Score(evidence, stats.share, stats.share)


# -- names, places, companies --------------------------------------------------------------------------------


class _Text(NamedTuple):
    alpha: bool  # only letters, spaces, hyphens, apostrophes, dots
    tokens: list[str]  # folded words (civility stripped for names)
    all_first: bool
    edge_first: bool  # the first or the last word is a first name
    any_first: bool
    known_last: bool
    known_city: bool
    city_like: bool
    legal: bool
    company_word: bool
    street: bool
    postal_box: bool
    upper: bool
    vocabulary: bool  # a flag, civility, gender, consent or event word, or a value of two letters at most
    core_words: int  # words once particles ("de", "le") are set aside


_PART_SEPARATORS = str.maketrans({"-": " ", "'": " ", "’": " "})


def _parts(token: str) -> list[str]:
    return token.translate(_PART_SEPARATORS).split()


def _text_features(value: str, words: list[str]) -> _Text:
    folded_words = [w.strip("'’-") for w in words if w.strip("'’-")]
    name_words = list(folded_words)
    while len(name_words) > 1 and _civility_key(name_words[0]) in lex.CIVILITIES:
        name_words = name_words[1:]  # "M. Jean Dupont" -> "jean dupont"
    core = [w for w in name_words if w not in lex.NAME_PARTICLES] or name_words
    firsts = [all(p in lex.FIRST_NAMES for p in _parts(w)) for w in core]
    joined = " ".join(folded_words)
    city_key = _CEDEX.sub("", joined)
    hyphen_parts = [p for w in folded_words for p in _parts(w)]
    has_digit = any(ch.isdigit() for ch in value)
    street_word = (
        any(w in lex.STREET_WORDS for w in folded_words[:-1] or folded_words) and len(folded_words) >= 2
    )
    return _Text(
        alpha=bool(_ALPHA_WORDS.fullmatch(value)),
        tokens=name_words,
        all_first=bool(firsts) and all(firsts),
        edge_first=bool(firsts) and (firsts[0] or firsts[-1]),
        any_first=any(firsts),
        known_last=" ".join(core) in lex.LAST_NAMES or (len(core) == 1 and core[0] in lex.LAST_NAMES),
        known_city=joined in lex.CITIES or city_key in lex.CITIES or joined.replace(" ", "-") in lex.CITIES,
        # Hyphenated commune names ("Saint-Malo", "Villers-lès-Nancy"); "Le Gall" stays a surname.
        city_like=not has_digit
        and "-" in value
        and len(hyphen_parts) >= 2
        and any(p in lex.CITY_PARTS for p in hyphen_parts),
        legal=any(w in _STRONG_LEGAL for w in folded_words)
        or (
            len(folded_words) >= 2
            and (folded_words[-1] in lex.LEGAL_FORMS or folded_words[0] in lex.LEGAL_FORMS)
        ),
        company_word=any(w in lex.COMPANY_WORDS for w in hyphen_parts) or "&" in value,
        street=street_word and (has_digit or len(folded_words) >= 2),
        postal_box=bool(folded_words) and folded_words[0] in lex.POSTAL_BOX_WORDS and has_digit,
        upper=value.isupper(),
        vocabulary=len(joined.replace(" ", "")) <= 2
        or joined in _VOCABULARY
        or _civility_key(joined) in _VOCABULARY,
        core_words=len(core),
    )


_VOCABULARY = (
    lex.BOOLEAN_WORDS
    | lex.CIVILITIES
    | lex.GENDERS
    | lex.CONSENT_WORDS
    | lex.EVENT_TYPES
    | lex.CURRENCY_WORDS
)


class _TextScores(NamedTuple):
    first_name: list[float]
    last_name: list[float]
    full_name: list[float]
    city: list[float]
    company_name: list[float]
    street: list[float]


def _text_scores(s: _Sample) -> _TextScores:
    """Per distinct value, the weights of the six text types (computed once per sample, see _Sample)."""
    first, last, full, city, company, street = [], [], [], [], [], []
    for value, words in zip(s.values, s.words, strict=True):
        t = _text_features(value, words)
        n = len(t.tokens)
        business = t.legal or t.company_word
        if t.vocabulary or (t.upper and len(value) == 3 and value in _currencies()):
            # "oui", "Mme", "XL", "EUR": words of a closed vocabulary, never names or places.
            for weights in (first, last, full, city, company, street):
                weights.append(0.0)
            continue
        # first_name: every word is a known first name ("Jean-Pierre", "Marie Claire").
        if t.alpha and n <= 2 and t.all_first and not business:
            first.append(1.0)
        elif t.alpha and n == 1 and not (t.known_last or t.known_city):
            first.append(0.1)
        else:
            first.append(0.0)
        # last_name: known surnames, else capitalised words that are neither first names nor places.
        if not t.alpha or n == 0 or n > 4 or business or t.street:
            last.append(0.0)
        elif t.known_city:
            last.append(0.1)
        elif t.known_last:
            last.append(0.6 if t.all_first else 1.0)
        elif t.core_words >= 2:
            last.append(0.2)  # two unknown words are more often a full name than a compound surname
        elif t.all_first:
            last.append(0.05)
        elif t.any_first and n >= 2:
            last.append(0.1)
        elif t.city_like:
            last.append(0.2)
        else:
            # Unknown words: compatible with a surname but not proof of one (brands, communes...).
            last.append((0.5 if t.upper else 0.45) if n <= 2 else 0.3)
        # full_name: two to four words with a first name at one end.
        if not t.alpha or business or t.street or not 2 <= n <= 4:
            full.append(0.0)
        elif t.edge_first and not t.all_first:
            full.append(1.0)
        elif t.all_first or t.any_first:
            full.append(0.5)
        elif t.known_city or t.city_like:
            full.append(0.0)
        else:
            full.append(0.4)
        # city: known cities, then commune-looking names ("Saint-Cyr-sur-Loire").
        if t.known_city:
            city.append(1.0)
        elif business or t.street or any(ch.isdigit() for ch in _CEDEX.sub("", value.lower())):
            city.append(0.0)
        elif t.city_like:
            city.append(0.8)
        elif t.alpha and n <= 4:
            city.append(0.05 if t.all_first else 0.15 if t.known_last else 0.35)
        else:
            city.append(0.0)
        # company_name: legal forms, then business words.
        if t.legal:
            company.append(1.0)
        elif t.company_word and not t.street:
            company.append(0.85)
        elif t.street or t.known_city or not _HAS_LETTER.search(value):
            company.append(0.0)
        elif t.edge_first and 2 <= n <= 3 and t.alpha:
            company.append(0.05)
        elif n >= 1:
            company.append(0.3 if t.alpha else 0.2)
        else:
            company.append(0.0)
        # street: a number and a street-type word.
        if t.street and any(ch.isdigit() for ch in value):
            street.append(1.0)
        elif t.street:
            street.append(0.85)
        elif t.postal_box:
            street.append(0.7)
        elif (
            (m := _LEADING_NUMBER.match(value))
            and m.end() < len(value)
            and len(words) >= 3
            and t.alpha is False
        ):
            street.append(0.6 if _HAS_LETTER.search(value[m.end() :]) else 0.0)
        else:
            street.append(0.0)
    return _TextScores(first, last, full, city, company, street)


def _text_score(
    s: _Sample, weights: list[float], valid_min: float = 0.05, category_factor: float = 0.5
) -> Score:
    score = _weights_score(s, weights, s.textual, valid_min)
    if s.n >= 30 and sum(count for _, count in s.counts.most_common(8)) >= 0.9 * s.n:
        # A handful of distinct words over many rows is a category ("Actif", "Prospect"), not names.
        score = score._replace(evidence=score.evidence * category_factor)
    return score


def _score_first_name(s: _Sample) -> Score:
    return _text_score(s, s.text.first_name)


def _score_last_name(s: _Sample) -> Score:
    return _text_score(s, s.text.last_name)


def _score_full_name(s: _Sample) -> Score:
    return _text_score(s, s.text.full_name, 0.3)


def _score_city(s: _Sample) -> Score:
    return _text_score(s, s.text.city, category_factor=0.8)  # a shop's customers share few cities


def _score_company_name(s: _Sample) -> Score:
    return _text_score(s, s.text.company_name)


def _score_street(s: _Sample) -> Score:
    weights = s.text.street
    shape = s.share([1.0 if _HAS_LETTER.search(v) and len(v) <= 120 else 0.0 for v in s.values])
    return _weights_score(s, weights, shape, 0.5)


# -- customer numbers ----------------------------------------------------------------------------------------


def _score_customer_number(s: _Sample) -> Score:
    tokens: list[tuple[str, float]] = []
    for value, strong in zip(s.values, s.strong_kind, strict=True):
        # Per distinct value: (value or "", weight); shares below are weighted by frequency.
        if strong or not _ID_TOKEN.fullmatch(value) or not any(c.isdigit() for c in value):
            tokens.append(("", 0.0))
        elif _UUID.fullmatch(value):
            tokens.append((value, 0.6))  # a device id first; "customer_id" headers make it a customer number
        elif any(c.isalpha() for c in value):
            tokens.append((value, 1.0))
        else:
            tokens.append((value, 0.5))
    kept = [(v, c) for (v, w), c in zip(tokens, s.freq, strict=True) if w]
    if not kept:
        return Score(0.0, 0.0, 0.0)
    total = sum(c for _, c in kept)
    signatures: Counter[str] = Counter()
    prefixes: Counter[str] = Counter()
    lengths: Counter[int] = Counter()
    for value, count in kept:
        signatures[signature(value)] += count
        lengths[len(value)] += count
        if m := re.match(r"[A-Za-z]+", value):
            prefixes[m.group(0).upper()] += count
    dominant_signature, top_signature = signatures.most_common(1)[0]
    top_prefix = prefixes.most_common(1)[0][1] if prefixes else 0
    consistency = max(top_signature, top_prefix) / total
    # Lengths of a numbering scheme barely vary; amounts or quantities do.
    length_share = max(lengths[k] + lengths.get(k + 1, 0) for k in lengths) / total
    consistency = max(consistency, length_share * 0.9)
    evidence = s.share([w for _, w in tokens]) * (0.5 + 0.5 * consistency) * (0.4 + 0.6 * s.distinct_ratio)
    dominant_prefix = prefixes.most_common(1)[0][0] if prefixes else None
    valid = sum(
        c
        for (v, w), c in zip(tokens, s.freq, strict=True)
        if w
        and (
            signature(v) == dominant_signature or (dominant_prefix and v.upper().startswith(dominant_prefix))
        )
    )
    shape = s.share([1.0 if _ID_TOKEN.fullmatch(v) else 0.0 for v in s.values])
    return Score(evidence, shape, valid / s.n)


_SCORERS: dict[str, Callable[[_Sample], Score]] = {
    "email": _score_email,
    "phone": _score_phone,
    "first_name": _score_first_name,
    "last_name": _score_last_name,
    "full_name": _score_full_name,
    "civility": _score_civility,
    "company_name": _score_company_name,
    "siren": _score_siren,
    "siret": _score_siret,
    "vat": _score_vat,
    "street": _score_street,
    "postcode": _score_postcode,
    "city": _score_city,
    "country": _score_country,
    "date": _score_date,
    "birth_date": _score_birth_date,
    "datetime": _score_datetime,
    "amount": _score_amount,
    "currency": _score_currency,
    "url": _score_url,
    "ip": _score_ip,
    "device_id": _score_device_id,
    "customer_number": _score_customer_number,
    "consent_flag": _score_consent,
    "boolean": _score_boolean,
    "gender": _score_gender,
    "event_type": _score_event_type,
}

# Types the values alone cannot always tell apart; the header settles them.
_FAMILIES: tuple[frozenset[str], ...] = (
    frozenset({"date", "birth_date", "datetime"}),
    frozenset({"boolean", "consent_flag"}),
    frozenset({"device_id", "customer_number"}),
    frozenset({"civility", "gender"}),
    frozenset({"first_name", "last_name", "full_name", "city", "company_name", "country"}),
    frozenset({"postcode", "customer_number", "amount", "phone"}),
    frozenset({"event_type", "consent_flag"}),
)


def _family_override(best: str, evidence: dict[str, Score], headers: dict[str, float]) -> str:
    """Let the header pick a related type whose values fit nearly as well as the winner's."""
    best_header = headers.get(best, 0.0)
    chosen, chosen_header = best, best_header
    for family in _FAMILIES:
        if best not in family:
            continue
        for other in family - {best}:
            header = headers.get(other, 0.0)
            score = evidence.get(other)
            if score is None or header < 0.6 or header < chosen_header + 0.3:
                continue
            # Only when the values fit the other type nearly as well: values still dominate the header.
            if (
                score.shape >= 0.6
                and score.evidence >= 0.55 * evidence[best].evidence
                and score.evidence >= 0.15
            ):
                chosen, chosen_header = other, header
    return chosen


def analyze_values(header: str, values: Sequence[str], *, today: date | None = None) -> SemanticAnalysis:
    """Semantic type, confidence and validity of a column.

    Args:
        header: The column header as written in the source (any language; may be meaningless).
        values: A sample of the column's raw values (nulls and blanks are ignored).
        today: Reference date for birth-date plausibility; defaults to the current date.

    Returns:
        The analysis; ``semantic_type`` is None when no type fits well enough.
    """
    header = header if isinstance(header, str) else str(header)
    sample = _Sample(values, today or date.today())
    headers = header_scores(header)
    if sample.n == 0:
        # No values: the header is all there is, which deserves little confidence.
        if headers:
            best = max(sorted(headers), key=lambda t: headers[t])
            if headers[best] >= 0.5:
                return SemanticAnalysis(best, round(0.3 * headers[best], 3), 1.0, {best: headers[best]})
        return SemanticAnalysis(None, 0.0, 1.0, {})
    evidence = {semantic_type: scorer(sample) for semantic_type, scorer in _SCORERS.items()}
    combined = {
        t: score.evidence + _HEADER_WEIGHT * headers.get(t, 0.0) * score.shape
        for t, score in evidence.items()
    }
    for semantic_type, penalty in _header_vetoes(header).items():
        combined[semantic_type] -= penalty
    ranked = sorted(SEMANTIC_TYPES, key=lambda t: -combined[t])  # stable: SEMANTIC_TYPES order breaks ties
    best = ranked[0]
    if combined[best] < _MIN_SCORE:
        return SemanticAnalysis(None, 0.0, 1.0, _rounded(combined))
    chosen = _family_override(best, evidence, headers)
    runner_up = max((combined[t] for t in ranked if t != chosen), default=0.0)
    score = max(combined[chosen], _MIN_SCORE)
    margin = min(1.0, max(0.0, combined[chosen] - runner_up) / 0.25)
    confidence = min(1.0, score) * (0.75 + 0.25 * margin) * min(1.0, 0.5 + sample.n / 10)
    return SemanticAnalysis(
        chosen, round(confidence, 3), round(evidence[chosen].valid, 4), _rounded(combined)
    )


def _rounded(scores: dict[str, float]) -> dict[str, float]:
    return {t: round(v, 3) for t, v in sorted(scores.items(), key=lambda item: -item[1]) if v > 0.05}


def detect_semantic_type(header: str, values: Sequence[str]) -> tuple[str | None, float]:
    """Guess the semantic type of a column from its values first, its header second.

    Args:
        header: The column header (French, English or meaningless such as "col1").
        values: A sample of raw values, e.g. the profiler's reservoir; nulls and blanks are ignored.

    Returns:
        ``(semantic_type, confidence)`` with ``semantic_type`` one of ``SEMANTIC_TYPES`` or None, and
        confidence in 0..1 (a header alone, without values, never gives more than 0.3).
    """
    analysis = analyze_values(header, values)
    return analysis.semantic_type, analysis.confidence


def validity_share(semantic_type: str, values: Sequence[str]) -> float:
    """Share of non-null values that are valid for a semantic type (valid e-mails, Luhn-valid SIRETs...).

    Args:
        semantic_type: One of ``SEMANTIC_TYPES``.
        values: Raw values; nulls and blanks are ignored.

    Returns:
        The share in 0..1 (1.0 when there is no value to judge).
    """
    if semantic_type not in _SCORERS:
        raise ValueError(f"unknown semantic type: {semantic_type!r}")
    sample = _Sample(values, date.today())
    if sample.n == 0:
        return 1.0
    return _SCORERS[semantic_type](sample).valid


def looks_like_pii(values: Sequence[str], threshold: float = 0.05) -> bool:
    """Whether free values embed personal data (e-mail addresses or phone numbers) often enough to matter.

    Args:
        values: Raw values.
        threshold: Minimum share of values carrying an e-mail or a phone number.

    Returns:
        True when at least ``threshold`` of the non-null values do.
    """
    texts = [v for v in values if isinstance(v, str) and not is_null(v)]
    if not texts:
        return False
    hits = sum(1 for v in texts if "@" in v and _EMAIL_SEARCH.search(v) or _PHONE_SEARCH.search(v))
    return hits / len(texts) >= threshold
