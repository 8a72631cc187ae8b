"""Companies: names and legal forms, French identifiers (SIREN, SIRET), VAT numbers, web domains."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlsplit

import stdnum.eu.vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva
from stdnum.util import get_cc_module

from cdp.normalize._frozen import frozen
from cdp.normalize._text import (
    CACHE_DISTINCT,
    CACHE_REPEATED,
    MAX_LEN,
    clean,
    fold,
    is_null_text,
    unify_punctuation,
)
from cdp.normalize.data import LEGAL_FORMS, NON_COMPANY_WEB_DOMAINS, WEBMAIL_DOMAINS


@frozen
class CompanyName:
    """A company name: display ``value`` without legal form, folded ``key``, canonical ``legal_form``."""

    value: str | None
    raw: str | None
    key: str | None = None
    legal_form: str | None = None


@frozen
class Siret:
    """A SIRET (14 digits) and the SIREN it contains; ``value`` is None when invalid."""

    value: str | None
    raw: str | None
    valid: bool
    siren: str | None = None


@frozen
class Siren:
    """A SIREN (9 digits); ``value`` is None when invalid."""

    value: str | None
    raw: str | None
    valid: bool


@frozen
class Vat:
    """A VAT number, compact with its country prefix ("FR40303265045"); ``value`` None when invalid."""

    value: str | None
    raw: str | None
    valid: bool
    country: str | None = None


@frozen
class WebDomain:
    """A company web domain ("acme.fr") from a URL or host name; ``value`` None when unusable."""

    value: str | None
    raw: str | None
    valid: bool


# ---------------------------------------------------------------------------------------- company name

# Multi-word legal forms as folded word tuples ("societe anonyme"), longest first.
_MULTI_FORMS: tuple[tuple[tuple[str, ...], str], ...] = tuple(
    sorted(
        ((tuple(fold(k).split()), v) for k, v in LEGAL_FORMS.items() if len(fold(k).split()) > 1),
        key=lambda kv: len(kv[0]),
        reverse=True,
    )
)
_SINGLE_FORMS: dict[str, str] = {k: v for k, v in LEGAL_FORMS.items() if " " not in k}
# Forms French writers put *before* the name ("SARL DUPONT", "SCI DU PARC"). Foreign short forms are not
# accepted there: "AS Monaco" and "AB InBev" are names, not Norwegian or Swedish companies.
_PREFIX_FORMS = frozenset(
    {"SAS", "SASU", "SARL", "EURL", "SA", "SCI", "SNC", "SCOP", "SCP", "SCM", "SELARL", "SELAS", "GIE"}
    | {"EARL", "GAEC", "SCEA", "SEM", "SCA", "SCS", "EIRL"}
)
_TRIM_DISPLAY = " ,;:-/(&"


def _token_key(token: str) -> str:
    """Folded key of one token with dots removed, so "S.A.S." and "(SAS)" both give "sas"."""
    return fold(token.replace(".", "")).replace(" ", "")


def _find_legal_form(keys: list[str]) -> tuple[str | None, int, int]:
    """Locate a legal form in the non-empty token keys: (form, start, end) over ``keys``, or (None, 0, 0)."""
    n = len(keys)
    if n < 2:
        return None, 0, 0
    for words, form in _MULTI_FORMS:
        k = len(words)
        if n > k and tuple(keys[n - k :]) == words:
            return form, n - k, n
    # Spaced initials at the end: "S A S", "S. A. R. L."
    run = 0
    while run < n - 1 and len(keys[n - 1 - run]) == 1:
        run += 1
    if run >= 2 and (form := _SINGLE_FORMS.get("".join(keys[n - run :]))) is not None:
        return form, n - run, n
    if (form := _SINGLE_FORMS.get(keys[-1])) is not None:
        return form, n - 1, n
    if (form := _SINGLE_FORMS.get(keys[0])) is not None and form in _PREFIX_FORMS:
        return form, 0, 1
    return None, 0, 0


def _merge_initials(words: list[str]) -> list[str]:
    """Join runs of single characters ("a b c conseil" -> "abc conseil") so "A.B.C." matches "ABC"."""
    out: list[str] = []
    run = ""
    for w in words:
        if len(w) == 1:
            run += w
            continue
        if run:
            out.append(run)
            run = ""
        out.append(w)
    if run:
        out.append(run)
    return out


@lru_cache(maxsize=CACHE_REPEATED)
def normalize_company_name(raw: str | None) -> CompanyName:
    """Normalize a company name and extract its legal form.

    "ACME S.A.S.", "Acme SAS" and "ACME" all give key "acme"; "SARL Dupont & Fils" gives value
    "Dupont & Fils", key "dupont et fils", legal form "SARL".

    Args:
        raw: Company name as typed.

    Returns:
        A CompanyName; ``value`` and ``key`` are None when nothing usable is left.
    """
    try:
        return _normalize_company_name(raw)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return CompanyName(None, raw)


def _normalize_company_name(raw: str | None) -> CompanyName:
    s = clean(raw)
    if s is None or len(s) > MAX_LEN or is_null_text(s):
        return CompanyName(None, raw)
    tokens = unify_punctuation(s).split()
    keys = [_token_key(t) for t in tokens]
    positions = [i for i, k in enumerate(keys) if k]  # tokens that carry letters or digits
    form, start, end = _find_legal_form([keys[i] for i in positions])
    if form is not None:
        first_kept = positions[end] if end < len(positions) else len(tokens)
        last_kept = positions[start] if start > 0 else 0
        tokens = tokens[first_kept:] if start == 0 else tokens[:last_kept]
    value = " ".join(tokens).strip(_TRIM_DISPLAY).strip()
    if value.endswith(")") and "(" not in value:
        value = value.rstrip(")").strip()
    # "&" is read "et" so "Dupont & Fils" and "Dupont et Fils" share a key.
    key = " ".join(_merge_initials(fold(value.replace("&", " et ")).split()))
    if not key:
        return CompanyName(None, raw, None, form)
    return CompanyName(value, raw, key, form)


# ------------------------------------------------------------------------------------------ identifiers

_ID_SEPARATORS = str.maketrans("", "", " .-_/\u00a0\t")
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?E\+?\d{1,2}", re.IGNORECASE)


def _digits(s: str) -> str:
    """Identifier with separators removed; Excel float artefacts ("…0.0", "7.3282932000074E+13") undone."""
    if _SCIENTIFIC.fullmatch(s):
        try:
            return str(int(Decimal(s.replace(",", "."))))
        except (InvalidOperation, ValueError, OverflowError):
            return s
    if s.endswith(".0"):
        s = s[:-2]
    return s.translate(_ID_SEPARATORS)


def _placeholder(digits: str) -> bool:
    """ "00000000000000" and the like pass the Luhn check but identify nobody."""
    return digits.count(digits[0]) == len(digits)


@lru_cache(maxsize=CACHE_DISTINCT)
def normalize_siret(raw: str | None) -> Siret:
    """Normalize and check a SIRET (14 digits, Luhn checksum, La Poste exception handled by stdnum).

    Args:
        raw: SIRET as typed; spaces, dots and dashes are tolerated.

    Returns:
        A Siret with its ``siren`` when valid; ``value`` None and ``valid`` False otherwise.
    """
    try:
        s = clean(raw)
        if s is None or len(s) > 40:
            return Siret(None, raw, False)
        digits = _digits(s)
        if len(digits) != 14 or not digits.isdigit() or _placeholder(digits) or not fr_siret.is_valid(digits):
            return Siret(None, raw, False)
        return Siret(digits, raw, True, digits[:9])
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return Siret(None, raw, False)


@lru_cache(maxsize=CACHE_DISTINCT)
def normalize_siren(raw: str | None) -> Siren:
    """Normalize and check a SIREN (9 digits, Luhn checksum).

    Args:
        raw: SIREN as typed; spaces, dots and dashes are tolerated.

    Returns:
        A Siren; ``value`` None and ``valid`` False when invalid.
    """
    try:
        s = clean(raw)
        if s is None or len(s) > 40:
            return Siren(None, raw, False)
        digits = _digits(s)
        if len(digits) != 9 or not digits.isdigit() or _placeholder(digits) or not fr_siren.is_valid(digits):
            return Siren(None, raw, False)
        return Siren(digits, raw, True)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return Siren(None, raw, False)


# Non-EU VAT numbers python-stdnum can check, and the suffixes their compact forms keep.
_NON_EU_VAT = {"CH": "vat", "GB": "vat", "NO": "mva"}
_VAT_SUFFIXES = ("MWST", "TVA", "IVA", "MVA")


@lru_cache(maxsize=CACHE_DISTINCT)
def normalize_vat(raw: str | None) -> Vat:
    """Normalize and check a VAT number.

    French numbers ("FR 40 303 265 045", or 11 digits without prefix) are checked with stdnum.fr.tva,
    other EU numbers with stdnum.eu.vat, Swiss, British and Norwegian ones with their stdnum modules.

    Args:
        raw: VAT number as typed.

    Returns:
        A Vat with the compact prefixed ``value`` and its ``country`` when valid.
    """
    try:
        return _normalize_vat(raw)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return Vat(None, raw, False)


def _normalize_vat(raw: str | None) -> Vat:
    s = clean(raw)
    if s is None or len(s) > 40:
        return Vat(None, raw, False)
    compact = s.upper().translate(_ID_SEPARATORS)
    if compact.isdigit() and len(compact) == 11:
        compact = "FR" + compact  # French numbers are often typed without their prefix
    cc = compact[:2]
    if not cc.isalpha() or not cc.isascii():
        return Vat(None, raw, False)
    if cc == "FR":
        if fr_tva.is_valid(compact):
            return Vat("FR" + fr_tva.compact(compact), raw, True, "FR")
        return Vat(None, raw, False)
    if cc in _NON_EU_VAT:
        module = get_cc_module(cc.lower(), _NON_EU_VAT[cc])
        if module is None or not module.is_valid(compact):
            return Vat(None, raw, False)
        body = module.compact(compact)
        for suffix in _VAT_SUFFIXES:
            body = body.removesuffix(suffix)
        if cc == "CH":
            return Vat("CHE" + body.removeprefix("CHE"), raw, True, "CH")
        return Vat(cc + body.removeprefix(cc), raw, True, cc)
    if eu_vat.is_valid(compact):
        value = eu_vat.compact(compact)
        return Vat(value, raw, True, "GR" if cc == "EL" else cc)
    return Vat(None, raw, False)


# ------------------------------------------------------------------------------------------ web domain

_DOMAIN_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
_WWW = re.compile(r"^www\d?\.")


def _blocked(host: str, domains: frozenset[str]) -> bool:
    return host in domains or any(host.endswith("." + d) for d in domains)


@lru_cache(maxsize=CACHE_REPEATED)
def normalize_web_domain(raw: str | None) -> WebDomain:
    """Company web domain from a website URL, host name or e-mail address.

    "https://www.acme.fr/contact" and "ACME.FR" give "acme.fr". Webmail providers and social or
    directory sites (facebook.com, linkedin.com...) are not a company's domain and give no value.

    Args:
        raw: Website, host name or e-mail as typed.

    Returns:
        A WebDomain; ``value`` None and ``valid`` False when unusable.
    """
    try:
        return _normalize_web_domain(raw)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return WebDomain(None, raw, False)


def _normalize_web_domain(raw: str | None) -> WebDomain:
    s = clean(raw)
    if s is None or len(s) > MAX_LEN or " " in s:
        return WebDomain(None, raw, False)
    s = s.lower()
    if "@" in s and "//" not in s:
        s = s.rpartition("@")[2]
    host = urlsplit(s if "//" in s else "//" + s).hostname or ""
    host = _WWW.sub("", host.strip("."))
    if not host.isascii():
        if not all(c.isalnum() or c in ".-" for c in host):  # letters only, as IDNA 2008 (no emoji)
            return WebDomain(None, raw, False)
        host = host.encode("idna").decode("ascii")
    if not _DOMAIN_RE.fullmatch(host):
        return WebDomain(None, raw, False)
    if _blocked(host, WEBMAIL_DOMAINS) or _blocked(host, NON_COMPANY_WEB_DOMAINS):
        return WebDomain(None, raw, False)
    return WebDomain(host, raw, True)
