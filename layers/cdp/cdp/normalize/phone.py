"""Phone numbers: E.164 formatting, validity and line type, driven by libphonenumber's metadata.

``phonenumbers.parse`` costs ~60 µs a number, too slow for millions of mostly distinct numbers, so plain
numbers (digits and separators only, national or "+"/"00" international) take a fast path that applies
the metadata patterns phonenumbers itself uses for validity and type, in the same order. The fast path
gives a verdict only where it provably matches the library's (it leaves shared country codes such as +1
or +44, carrier prefixes and other special cases to phonenumbers), and a property test checks that they
agree. The one deliberate difference: a single digit repeated ("0000000000") is a placeholder, never a
number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from cdp.normalize._frozen import frozen
from cdp.normalize._text import CACHE_DISTINCT, clean

# Separators people type inside numbers; "(0)" works out because its zero is the trunk prefix.
_SEPARATORS = str.maketrans("", "", " .-/()\u00a0\t")
# Extensions are not part of the E.164 number: "01 23 45 67 89 poste 12", "ext. 12", "x12", "#12".
_EXTENSION = re.compile(r"\s*(?:poste|p\.|ext\.?|extension|x|#)\s*\d{1,6}\s*$", re.IGNORECASE)

_MOBILE = "mobile"
_FIXED = "fixed"
_OTHER = "other"
_TYPE_NAMES = {
    PhoneNumberType.MOBILE: _MOBILE,
    PhoneNumberType.FIXED_LINE: _FIXED,
}


@frozen
class Phone:
    """A normalized phone number: ``value`` in E.164 ("+33612345678") when valid, else None."""

    value: str | None
    raw: str | None
    valid: bool
    type: str | None = None
    region: str | None = None


# A number description: national number pattern and possible lengths.
_Desc = tuple[str, frozenset[int]]


@dataclass(frozen=True, slots=True)
class _RegionRules:
    """Compiled metadata of one region for the fast path."""

    region: str
    country_code: str
    national_prefix: str | None  # trunk prefix stripped from national numbers ("0" in France), if any
    idd: re.Pattern[str] | None  # international access prefix ("00" in Europe, "011" in North America)
    # The same rules as data, for the Arrow-vectorized path (cdp.normalize.vectorized): the general
    # description, then the type descriptions in decision order with their type names, then the mobile one.
    general_desc: _Desc
    type_descs: tuple[tuple[str, _Desc], ...]
    mobile_desc: _Desc | None
    general: re.Pattern[str]  # any valid national number of the region
    # One regex for validity and type: the general pattern as a look-ahead, then the type patterns as
    # alternatives in phonenumbers' decision order, each ending with an empty marker group "t<i>".
    typed: re.Pattern[str]
    kinds: dict[str, str]  # marker group -> type name
    mobile: re.Pattern[str] | None  # to tell FIXED_LINE from FIXED_LINE_OR_MOBILE


def _desc(desc: object) -> _Desc | None:
    pattern = getattr(desc, "national_number_pattern", None)
    if desc is None or pattern is None:
        return None
    return pattern, frozenset(n for n in getattr(desc, "possible_length", None) or () if n > 0)


def _with_lengths(desc: _Desc) -> str:
    """A description as one regex: possible lengths as a look-ahead, then the number pattern."""
    pattern, lengths = desc
    if not lengths:
        return f"(?:{pattern})"
    alternatives = "|".join(rf"\d{{{n}}}" for n in sorted(lengths))
    return rf"(?=(?:{alternatives})\Z)(?:{pattern})"


@cache
def _rules(region: str) -> _RegionRules | None:
    """Fast-path rules of a region, or None when the region needs the full library logic."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        return None
    general = _desc(meta.general_desc)
    prefix = meta.national_prefix
    npfp = meta.national_prefix_for_parsing
    # Regions with prefix transformations or carrier-code prefixes keep the library's own parsing.
    if general is None or meta.national_prefix_transform_rule is not None:
        return None
    if npfp is not None and (npfp != prefix or not npfp.isdigit()):
        return None
    # phonenumbers' number-type order: special services, then fixed line, then mobile.
    ordered: list[tuple[str, object]] = [
        (_OTHER, meta.premium_rate),
        (_OTHER, meta.toll_free),
        (_OTHER, meta.shared_cost),
        (_OTHER, meta.voip),
        (_OTHER, meta.personal_number),
        (_OTHER, meta.pager),
        (_OTHER, meta.uan),
        (_OTHER, meta.voicemail),
        (_FIXED, meta.fixed_line),
    ]
    same = bool(meta.same_mobile_and_fixed_line_pattern)
    if not same:
        ordered.append((_MOBILE, meta.mobile))
    alternatives: list[str] = []
    kinds: dict[str, str] = {}
    type_descs: list[tuple[str, _Desc]] = []
    for kind, number_desc in ordered:
        desc = _desc(number_desc)
        if desc is None:
            continue
        marker = f"t{len(kinds)}"
        # FIXED_LINE_OR_MOBILE when fixed and mobile patterns are the same: we cannot tell, so "other".
        kinds[marker] = _OTHER if kind == _FIXED and same else kind
        type_descs.append((kinds[marker], desc))
        alternatives.append(f"{_with_lengths(desc)}(?P<{marker}>)")
    if not alternatives:
        return None
    mobile = _desc(meta.mobile)
    return _RegionRules(
        region=region,
        country_code=str(meta.country_code),
        national_prefix=npfp,
        idd=re.compile(meta.international_prefix) if meta.international_prefix else None,
        general=re.compile(general[0]),
        typed=re.compile(rf"(?={_with_lengths(general)}\Z)(?:{'|'.join(alternatives)})"),
        kinds=kinds,
        mobile=re.compile(_with_lengths(mobile)) if mobile is not None and not same else None,
        general_desc=general,
        type_descs=tuple(type_descs),
        mobile_desc=mobile if not same else None,
    )


def _type_of(national: str, rules: _RegionRules) -> str | None:
    """Line type of a national number (phonenumbers' own decision order), None when not valid."""
    match = rules.typed.fullmatch(national)
    if match is None:
        return None
    kind = rules.kinds[match.lastgroup or ""]
    # A number matching both fixed and mobile patterns is FIXED_LINE_OR_MOBILE: "other" for us.
    if kind == _FIXED and rules.mobile is not None and rules.mobile.fullmatch(national):
        return _OTHER
    return kind


def _national_candidate(digits: str, rules: _RegionRules) -> str:
    """The national significant number: trunk prefix stripped when what is left is a plausible number."""
    prefix = rules.national_prefix
    if prefix and digits.startswith(prefix):
        stripped = digits[len(prefix) :]
        if stripped and rules.general.fullmatch(stripped):
            return stripped
    return digits


@lru_cache(maxsize=1024)
def _region_for_country_code(cc: str) -> str | None:
    """The single region of a country calling code, None for shared codes (+1, +44, +7...)."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(cc))
    if not regions or len(regions) != 1 or regions[0] not in phonenumbers.SUPPORTED_REGIONS:
        return None
    return regions[0]


# _fast outcome meaning "invalid, and phonenumbers would say so too": no need to ask it.
_INVALID = ("", "", "")


def _fast(digits: str, international: bool, default_region: str | None) -> tuple[str, str, str] | None:
    """Fast-path (E.164, type, region), ``_INVALID``, or None when the library must decide."""
    if international:
        if digits[0] == "0":  # country calling codes never start with 0
            return None
        for size in (1, 2, 3):
            cc = digits[:size]
            if int(cc) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
                region = _region_for_country_code(cc)
                break
        else:
            return None
        rest = digits[size:]
    else:
        region, rest = default_region, digits
    if region is None or not rest:
        return None
    rules = _rules(region)
    if rules is None:
        return None
    national = _national_candidate(rest, rules)
    line_type = _type_of(national, rules)
    if line_type is not None:
        return f"+{rules.country_code}{national}", line_type, region
    # phonenumbers would reach the same verdict, except when the country code is shared by several
    # regions (it then tries them all) or for a national number starting with the region's own country
    # code ("33612345678" in France), which it also tries as international.
    if _region_for_country_code(rules.country_code) != region:
        return None
    if not international and rest.startswith(rules.country_code):
        return None
    return _INVALID


def _slow(s: str, default_region: str | None) -> tuple[str, str, str | None] | None:
    """(E.164, type, region) from phonenumbers for a valid number, else None."""
    try:
        number = phonenumbers.parse(s, default_region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    line_type = _TYPE_NAMES.get(phonenumbers.number_type(number), _OTHER)
    region = phonenumbers.region_code_for_number(number)
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), line_type, region


def _idd_length(digits: str, region: str | None) -> int:
    """Length of the international access prefix the number starts with (0 if none, -1 if unknown)."""
    rules = _rules(region) if region is not None else None
    if rules is None:
        return -1
    if rules.idd is None:
        return 0
    match = rules.idd.match(digits)
    return 0 if match is None else match.end()


@lru_cache(maxsize=64)
def _region(default_region: str | None) -> str | None:
    if not default_region:
        return None
    region = default_region.strip().upper()
    return region if region in phonenumbers.SUPPORTED_REGIONS else None


@lru_cache(maxsize=CACHE_DISTINCT)
def normalize_phone(raw: str | None, default_region: str | None = "FR") -> Phone:
    """Normalize a phone number to E.164 with its validity and line type.

    Accepts national ("06 12 34 56 78", "(0)6.12.34.56.78") and international ("+33612345678",
    "0033 6 12-34-56-78", "+33 (0)6 12 34 56 78") forms; extensions are dropped.

    Args:
        raw: The number as typed.
        default_region: ISO 3166-1 alpha-2 region used for numbers without a country code.

    Returns:
        A Phone; ``value`` is None and ``valid`` False when the number is not a valid one. ``type`` is
        "mobile", "fixed" or "other" (special services, VoIP, or fixed/mobile not distinguishable).
    """
    try:
        return _normalize_phone(raw, default_region)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return Phone(None, raw, False)


def _normalize_phone(raw: str | None, default_region: str | None) -> Phone:
    s = clean(raw)
    if s is None or len(s) > 64:
        return Phone(None, raw, False)
    region = _region(default_region)
    compact = s.translate(_SEPARATORS)
    international = compact.startswith("+")
    digits = compact[1:] if international else compact
    if digits.isdigit() and digits.isascii():
        # Fewer than 4 or more than 20 digits, or one repeated digit, is never a real number.
        if len(digits) < 4 or len(digits) > 20 or digits.count(digits[0]) == len(digits):
            return Phone(None, raw, False)
        idd = 0 if international else _idd_length(digits, region)
        if idd > 0:  # "0033 6...": the international access prefix of the default region
            international, digits = True, digits[idd:]
        if idd >= 0 and digits:
            fast = _fast(digits, international, region)
            if fast is _INVALID:
                return Phone(None, raw, False)
            if fast is not None:
                return Phone(fast[0], raw, True, fast[1], fast[2])
    elif not any(c.isdigit() for c in s):
        return Phone(None, raw, False)
    s = _EXTENSION.sub("", s)
    slow = _slow(s, region)
    if slow is None:
        return Phone(None, raw, False)
    value, line_type, found_region = slow
    return Phone(value, raw, True, line_type, found_region)
