"""Postal addresses: street line, postcode, city and country."""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

from cdp.normalize._frozen import frozen
from cdp.normalize._text import (
    CACHE_DISTINCT,
    CACHE_FEW,
    CACHE_REPEATED,
    MAX_LEN,
    cap_first,
    clean,
    fold,
    is_null_text,
    unify_punctuation,
)
from cdp.normalize.data import (
    COUNTRY_ALIASES,
    FRENCH_POSTCODE_COUNTRIES,
    LOWER_WORDS,
    NUMBER_SUFFIXES,
    STREET_TYPES_EN,
    STREET_TYPES_FR,
)


@frozen
class Country:
    """A country as ISO 3166-1 alpha-2 (``value``), None when not recognised."""

    value: str | None
    raw: str | None
    valid: bool


@frozen
class Postcode:
    """A postcode in its canonical national form; ``value`` is None when invalid."""

    value: str | None
    raw: str | None
    valid: bool


@frozen
class Street:
    """A street line: ``value`` for display ("12 bis rue de la Paix"), ``key`` folded for matching."""

    value: str | None
    raw: str | None
    key: str | None = None


@frozen
class City:
    """A city: ``value`` for display ("Saint-Étienne"), ``key`` folded without Cedex/district."""

    value: str | None
    raw: str | None
    key: str | None = None


# --------------------------------------------------------------------------------------------- country


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    """Folded names and codes -> alpha-2; built on first use so importing stays cheap."""
    index: dict[str, str] = {}
    for c in pycountry.countries:
        code = c.alpha_2
        for name in (c.alpha_2, c.alpha_3, getattr(c, "numeric", None), c.name):
            if name:
                index.setdefault(fold(name), code)
        for attr in ("official_name", "common_name"):
            name = getattr(c, attr, None)
            if name:
                index.setdefault(fold(name), code)
    for alias, code in COUNTRY_ALIASES.items():
        index[fold(alias)] = code
    return index


@lru_cache(maxsize=CACHE_FEW)
def normalize_country(raw: str | None, default: str | None = None) -> Country:
    """Normalize a country name or code to ISO 3166-1 alpha-2.

    Understands codes (alpha-2, alpha-3, numeric) and English and French names ("Allemagne",
    "Royaume-Uni", "États-Unis", "UK", "USA"...).

    Args:
        raw: Country as typed.
        default: Country used when ``raw`` is missing (not when it is unrecognised).

    Returns:
        A Country; ``value`` is None and ``valid`` False when not recognised.
    """
    try:
        s = clean(raw)
        if s is None or is_null_text(s) or len(s) > 100:
            if s is None and default is not None:
                fallback = normalize_country(default)
                return Country(fallback.value, raw, fallback.valid)
            return Country(None, raw, False)
        code = _country_index().get(fold(unify_punctuation(s)))
        return Country(code, raw, code is not None)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return Country(None, raw, False)


# -------------------------------------------------------------------------------------------- postcode

# Canonical patterns for countries with a strict format; "fmt" rebuilds the canonical spacing.
_POSTCODE_RULES: dict[str, tuple[re.Pattern[str], str]] = {
    "BE": (re.compile(r"(\d{4})"), "{0}"),
    "CH": (re.compile(r"(\d{4})"), "{0}"),
    "AT": (re.compile(r"(\d{4})"), "{0}"),
    "LU": (re.compile(r"(\d{4})"), "{0}"),
    "DK": (re.compile(r"(\d{4})"), "{0}"),
    "NO": (re.compile(r"(\d{4})"), "{0}"),
    "DE": (re.compile(r"(\d{5})"), "{0}"),
    "ES": (re.compile(r"(\d{5})"), "{0}"),
    "IT": (re.compile(r"(\d{5})"), "{0}"),
    "FI": (re.compile(r"(\d{5})"), "{0}"),
    "US": (re.compile(r"(\d{5})(?:-?(\d{4}))?"), "{0}"),
    "NL": (re.compile(r"(\d{4}) ?([A-Z]{2})"), "{0} {1}"),
    "PT": (re.compile(r"(\d{4})-?(\d{3})"), "{0}-{1}"),
    "PL": (re.compile(r"(\d{2})-?(\d{3})"), "{0}-{1}"),
    "SE": (re.compile(r"(\d{3}) ?(\d{2})"), "{0} {1}"),
    "CA": (re.compile(r"([A-Z]\d[A-Z]) ?(\d[A-Z]\d)"), "{0} {1}"),
    "GB": (re.compile(r"([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})"), "{0} {1}"),
    "IE": (re.compile(r"([AC-FHKNPRTV-Y]\d{2}|D6W) ?([0-9AC-FHKNPRTV-Y]{4})"), "{0} {1}"),
}
# Numeric postcodes whose leading zeros spreadsheets drop ("1067" for "01067"): (width, shortest input).
# Only Italy (00118 Rome) and the United States (00601 Puerto Rico) have codes with two leading zeros.
_ZERO_PADDED = {"DE": (5, 4), "ES": (5, 4), "FI": (5, 4), "IT": (5, 3), "US": (5, 3)}
# Country prefix typed in front of a postcode ("F-75001", "D-10115", "CH-1200", "L-1234").
_COUNTRY_PREFIX = re.compile(r"^[A-Z]{1,3}[- ]?(?=\d)")
# Postcodes starting with letters, where a letter prefix is part of the code, not a country prefix.
_ALPHA_POSTCODES = frozenset({"GB", "CA", "IE", "MT", "AR", "BN", "SZ", "KY", "JE", "GG", "IM"})
_GENERIC_POSTCODE = re.compile(r"[A-Z0-9][A-Z0-9 -]{1,9}")
# French postcodes: departments 01-95 (Corsica keeps 20xxx), overseas 971-976 and 984-988, Monaco 980.
_FR_OVERSEAS = frozenset(
    {"971", "972", "973", "974", "975", "976", "977", "978", "980", "984", "986", "987", "988"}
)


def _fr_postcode(s: str) -> str | None:
    if not s.isdigit() or not s.isascii():
        return None
    if len(s) == 4:
        s = "0" + s  # leading zero lost by a spreadsheet (Ain, Aisne... "1000" -> "01000")
    if len(s) != 5:
        return None
    if "01" <= s[:2] <= "95" or s[:3] in _FR_OVERSEAS:
        return s
    return None


@lru_cache(maxsize=CACHE_REPEATED)
def normalize_postcode(raw: str | None, country: str | None = "FR") -> Postcode:
    """Normalize a postcode for a country.

    French postcodes (and those of territories using them) get their lost leading zero back and are
    checked (5 digits, a real department range); a few other countries get a format check and canonical
    spacing; elsewhere the value is trimmed and uppercased with a light plausibility check.

    Args:
        raw: Postcode as typed.
        country: Country code or name the postcode belongs to (FR by default).

    Returns:
        A Postcode; ``value`` is None and ``valid`` False when not plausible.
    """
    try:
        return _normalize_postcode(raw, country)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return Postcode(None, raw, False)


def _normalize_postcode(raw: str | None, country: str | None) -> Postcode:
    s = clean(raw)
    if s is None or len(s) > 20 or is_null_text(s):
        return Postcode(None, raw, False)
    # No country means the default (French) rules; an unrecognised one gets the light generic check.
    code = (normalize_country(country).value or "") if country else "FR"
    s = s.upper()
    if s.endswith(".0"):  # numeric cell exported as a float
        s = s[:-2]
    if code in FRENCH_POSTCODE_COUNTRIES or (code in _POSTCODE_RULES and code not in _ALPHA_POSTCODES):
        s = _COUNTRY_PREFIX.sub("", s)  # "F-75001", "D-10115": the country letter is not part of the code
    s = s.replace(".", "")
    if code in FRENCH_POSTCODE_COUNTRIES:
        value = _fr_postcode(s.replace(" ", ""))
        return Postcode(value, raw, value is not None)
    rule = _POSTCODE_RULES.get(code)
    if rule is None:
        s = " ".join(s.split())
        ok = _GENERIC_POSTCODE.fullmatch(s) is not None and any(c.isdigit() for c in s)
        return Postcode(s if ok else None, raw, ok)
    compact = s.replace(" ", "") if code not in ("NL", "SE", "GB", "CA", "IE") else s
    width, shortest = _ZERO_PADDED.get(code, (0, 0))
    if width and compact.isdigit() and shortest <= len(compact) < width:
        compact = compact.zfill(width)
    match = rule[0].fullmatch(compact) or rule[0].fullmatch(compact.replace(" ", ""))
    if match is None:
        return Postcode(None, raw, False)
    value = rule[1].format(*(g for g in match.groups() if g is not None))
    if code == "US" and match.group(2):
        value = f"{match.group(1)}-{match.group(2)}"
    return Postcode(value, raw, True)


# ---------------------------------------------------------------------------------------------- street

_NUMBER = re.compile(r"(\d{1,5}(?:-\d{1,5})?)([A-Za-z]{0,6})")
_ROMAN = re.compile(r"(?:x{0,3})(?:ix|iv|v?i{0,3})")
# Tokens kept uppercase whatever the source casing (postal boxes, business zones).
_UPPER_TOKENS = frozenset({"bp", "cs", "tsa", "za", "zi", "zac", "zae", "rn", "rd"})


@lru_cache(maxsize=CACHE_FEW)
def _token_key(word: str) -> str:
    """Lookup key of one street word: folded, trailing punctuation and inner dots removed."""
    return fold(word.replace(".", "")).replace(" ", "-")


@lru_cache(maxsize=CACHE_REPEATED)
def _case_word(word: str, first: bool) -> str:
    """Display casing of a street or city word from a case-less source."""
    parts = word.split("-")
    out: list[str] = []
    for i, part in enumerate(parts):
        lower = part.lower()
        if "'" in lower:
            head, _, tail = lower.partition("'")
            head = head if (head in ("d", "l") and not (first and i == 0)) else cap_first(head)
            out.append(f"{head}'{cap_first(tail)}")
        elif lower in LOWER_WORDS and not (first and i == 0):
            out.append(lower)
        elif lower in _UPPER_TOKENS:
            out.append(part.upper())
        elif len(lower) > 1 and _ROMAN.fullmatch(lower):
            out.append(part.upper())  # "Louis XIV"
        else:
            out.append(cap_first(part))
    return "-".join(out)


# Cheap pre-check before the word-by-word "St"/"Saint" expansion.
_SAINT_HINT = re.compile(r"\bs(?:ain)?te?\b", re.IGNORECASE)
_SAINTS = {"st": "Saint", "ste": "Sainte", "saint": "Saint", "sainte": "Sainte"}


def _saint(word: str) -> str | None:
    """ "Saint"/"Sainte" for a "St"/"Ste"/"Saint"/"Sainte" word (any case, dot optional), else None."""
    key = word.rstrip(".").lower()
    saint = _SAINTS.get(key)
    # A full word typed with its own casing is kept as typed ("SAINT" stays for the caser to handle).
    return word if saint is not None and len(key) > 3 else saint


def _expand_saints(words: list[str]) -> list[str]:
    """ "St Jacques"/"ST-JACQUES" -> "Saint-Jacques": French place names join "Saint" with a hyphen."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        head, sep, tail = word.partition("-")
        saint = _saint(head)
        if saint is not None and sep and tail:
            out.append(f"{saint}-{tail}")
        elif saint is not None and i + 1 < len(words) and not words[i + 1][:1].isdigit():
            out.append(f"{saint}-{words[i + 1]}")
            i += 1
        else:
            out.append(word)
        i += 1
    return out


@lru_cache(maxsize=CACHE_DISTINCT)
def normalize_street(raw: str | None) -> Street:
    """Normalize a street line.

    Street types are standardised (French "av"/"bd"/"r"/"chem"/"imp"/"all"/"rte"... right after the
    number, English "St"/"Rd"/"Ave"... at the end), house-number suffixes become "bis"/"ter"/"quater",
    "St"/"Ste" elsewhere become "Saint"/"Sainte", and all-caps or all-lowercase input is proper-cased.

    Args:
        raw: Street line as typed, e.g. "12B AV DES CHAMPS ELYSEES".

    Returns:
        A Street with a display ``value`` and a folded ``key`` (None when nothing usable).
    """
    try:
        return _normalize_street(raw)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return Street(None, raw)


def _normalize_street(raw: str | None) -> Street:
    s = clean(raw)
    if s is None or len(s) > MAX_LEN or is_null_text(s):
        return Street(None, raw)
    s = unify_punctuation(s)
    words = s.replace(",", " , ").split() if "," in s else s.split()
    prefix = ""
    i = 0
    # House number and its suffix: "12", "12B", "12bis", "12 B", "12 ter", "12-14".
    number = _NUMBER.fullmatch(words[0]) if words[0][0].isdigit() else None
    if number is not None:
        digits, suffix = number.group(1), number.group(2).lower()
        i = 1
        nxt = _token_key(words[1]) if len(words) > 1 else ""
        after = _token_key(words[2]) if len(words) > 2 else ""
        if not suffix and nxt in NUMBER_SUFFIXES and (len(nxt) > 1 or after in STREET_TYPES_FR):
            suffix, i = nxt, 2
            nxt = after
        # A lone letter is "bis"/"ter"/"quater" only before a French street type ("221B Baker Street").
        if suffix in NUMBER_SUFFIXES and (len(suffix) > 1 or nxt in STREET_TYPES_FR):
            prefix = f"{digits} {NUMBER_SUFFIXES[suffix]}"
        else:
            prefix = digits + (number.group(2) if suffix else "")
        if i < len(words) and words[i] == ",":
            i += 1  # "12, rue..." -> "12 rue..."
    # The rest of the line repeats across many addresses ("rue de la Paix"): normalized once, cached.
    body, body_key = _street_body(" ".join(words[i:]), bool(prefix)) if i < len(words) else ("", "")
    if not prefix:
        value, key = body, body_key
    else:
        value = f"{prefix} {body}" if body else prefix
        prefix_key = prefix.lower().replace("-", " ")
        key = f"{prefix_key} {body_key}" if body_key else prefix_key
    if not key:
        return Street(None, raw)
    return Street(value, raw, key)


@lru_cache(maxsize=CACHE_REPEATED)
def _street_body(text: str, after_number: bool) -> tuple[str, str]:
    """Display form and key of a street line without its house number ("RUE DE LA PAIX")."""
    words = text.split(" ")
    caseless = text.isupper() or text.islower()
    out: list[str] = []
    street_type_done = False
    key = _token_key(words[0])
    fr_type = STREET_TYPES_FR.get(key)
    # A type shared with English ("Place", "Ave") is English when the line also ends with an English type.
    if fr_type is not None and not (key in STREET_TYPES_EN and _token_key(words[-1]) in STREET_TYPES_EN):
        # Capitalised when it opens the line ("Rue de la Paix"), lowercase after a number.
        out.append(fr_type if after_number or fr_type.isupper() else fr_type[:1].upper() + fr_type[1:])
        words = words[1:]
        street_type_done = True
    en_type = None
    if not street_type_done and len(words) > 1 and (key := _token_key(words[-1])) in STREET_TYPES_EN:
        en_type = STREET_TYPES_EN[key]
        words = words[:-1]
    if _SAINT_HINT.search(text):
        words = _expand_saints(words)
    for j, word in enumerate(words):
        if word == ",":
            continue
        # The first word is capitalised unless a street type precedes it ("12 Le Bourg", "rue de...").
        display = _case_word(word, first=j == 0 and not street_type_done) if caseless else word
        if j + 1 < len(words) and words[j + 1] == ",":
            display += ","
        out.append(display)
    if en_type is not None:
        out.append(en_type)
    value = " ".join(out).strip(" ,")
    return value, fold(value)


# ------------------------------------------------------------------------------------------------ city

# Trailing district/Cedex information, dropped from the matching key only ("PARIS CEDEX 08", "Lyon 3e").
_CITY_TAIL = re.compile(r"\s+(?:cedex\b.*|\d{1,2}\s*(?:e|eme|er|ere)?(?:\s+arr\w*)?|arr\w*\s+\d{1,2})$")
_LEADING_POSTCODE = re.compile(r"^\d{4,5}\s+(?=\D)")


@lru_cache(maxsize=CACHE_REPEATED)
def normalize_city(raw: str | None) -> City:
    """Normalize a city name.

    Trims, proper-cases all-caps or all-lowercase input (French small words lowercase inside names),
    expands "St"/"Ste" to "Saint"/"Sainte" joined with a hyphen, drops a postcode typed in front, and
    keeps the accents present in the input.

    Args:
        raw: City as typed, e.g. "ST ETIENNE CEDEX 2".

    Returns:
        A City with a display ``value`` and a folded ``key`` without Cedex or district number.
    """
    try:
        return _normalize_city(raw)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return City(None, raw)


def _normalize_city(raw: str | None) -> City:
    s = clean(raw)
    if s is None or len(s) > 200 or is_null_text(s):
        return City(None, raw)
    s = _LEADING_POSTCODE.sub("", unify_punctuation(s))
    caseless = s.isupper() or s.islower()
    words = _expand_saints(s.split()) if _SAINT_HINT.search(s) else s.split()
    if caseless:
        words = [_case_word(w, first=i == 0) for i, w in enumerate(words)]
    value = " ".join(words)
    key = fold(_CITY_TAIL.sub("", fold(value)))
    if not key:
        return City(None, raw)
    return City(value, raw, key)
