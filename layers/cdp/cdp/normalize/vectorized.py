"""Arrow-vectorized fast paths of the contact blocks, for the common well-formed shapes of a value.

Most values in a customer file are distinct (phones, e-mails, timestamps) but have one of a few usual
shapes: "06 12 34 56 78", "jean.dupont@gmail.com", "2024-03-12T10:00:00Z", "12/03/1985". A fast path
recognises those shapes with strict RE2 patterns and computes the block's outputs for their rows with
Arrow compute kernels, with no Python call per value. Every other row (garbage, rare spellings, values
needing a repair or a decision the patterns do not cover) goes through the block's own per-value
function, so a fast path never has to be complete, only exact: on the rows it handles, it gives exactly
what the per-value function gives (tests pin each one to it, on the shapes it handles and on garbage).

A fast path takes the block's input columns and the context and returns which rows it handled with the
block's outputs for them (whatever at the other rows); :mod:`cdp.normalize.batch` merges the two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import NamedTuple

import phonenumbers
import pyarrow as pa
import pyarrow.compute as pc

from cdp.normalize._text import MAX_LEN, clean
from cdp.normalize.address import normalize_street
from cdp.normalize.company import normalize_web_domain
from cdp.normalize.data import ROLE_LOCAL_PARTS, WEBMAIL_DOMAINS
from cdp.normalize.emails import _GMAIL_DOMAINS, _domain_info
from cdp.normalize.names import _column, normalize_civility
from cdp.normalize.phone import _Desc, _region_for_country_code, _RegionRules, _rules
from cdp.normalize.records import (
    _MAX_AGE_DAYS,
    ContactContext,
    _birth_block,
    _email_block,
    _identifier_block,
    _name_block,
    _phone_block,
    _present,
    _street_block,
    _today,
    _updated_block,
)


class FastResult(NamedTuple):
    """The rows a fast path handled (a boolean array without nulls) and the block's outputs there."""

    handled: pa.Array
    outputs: list[pa.Array]


FastPath = Callable[[Sequence[pa.Array], ContactContext], FastResult]

_EPOCH = date(1970, 1, 1)

# Date and time parts, strict: two digits where the per-value parsers accept one or two, so that a
# parse printed back gives the text again (Arrow's strptime rolls 30 February over to March).
# Years 1901-2199 are plausible and hold no placeholder date (1900-01-01, 1899-12-30...).
_YEAR = r"(?:19(?:0[1-9]|[1-9]\d)|20\d\d|21\d\d)"
_MONTH = r"(?:0[1-9]|1[0-2])"
_DAY = r"(?:0[1-9]|[12]\d|3[01])"
_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d"
_ISO_DATE = rf"^{_YEAR}-{_MONTH}-{_DAY}$"
_ISO_TIMESTAMP = rf"^{_YEAR}-{_MONTH}-{_DAY}[T ]{_TIME}:[0-5]\d(?:Z)?$"


_NULL_TEXT = pa.scalar(None, pa.string())
_NULL_FLAG = pa.scalar(None, pa.bool_())


def _matches(values: pa.Array, pattern: str) -> pa.Array:
    """Whether each value matches the (anchored) pattern; False for nulls."""
    return pc.fill_null(pc.match_substring_regex(values, pattern), False)


def _numeric_iso_date(raw: pa.Array, day_first: bool) -> tuple[pa.Array, pa.Array]:
    """(matches, "yyyy-mm-dd" text) of values starting with "dd/mm/yyyy" (day first) or "mm/dd/yyyy"."""
    first, second = pc.utf8_slice_codeunits(raw, 0, 2), pc.utf8_slice_codeunits(raw, 3, 5)
    day, month = (first, second) if day_first else (second, first)
    iso = pc.binary_join_element_wise(pc.utf8_slice_codeunits(raw, 6, 10), month, day, "-")
    pattern = rf"{_DAY}/{_MONTH}/{_YEAR}" if day_first else rf"{_MONTH}/{_DAY}/{_YEAR}"
    return pattern, iso


def _parsed(canonical: pa.Array, fmt: str) -> tuple[pa.Array, pa.Array]:
    """Naive timestamps (seconds) of ISO texts, and whether each is a real date and time: Arrow's
    strptime rolls 30 February over to March, so the parse printed back must give the text again."""
    stamps = pc.strptime(canonical, format=fmt, unit="s", error_is_null=True)
    # A timestamp prints as "yyyy-mm-dd hh:mm:ss" and a date as "yyyy-mm-dd", as the canonical texts.
    printable = stamps if " " in fmt else pc.cast(stamps, pa.date32())
    return stamps, pc.fill_null(pc.equal(pc.cast(printable, pa.string()), canonical), False)


def updated_fast(inputs: Sequence[pa.Array], context: ContactContext) -> FastResult:
    """Timestamps "2024-03-12T10:00:00Z", "2024-03-12 10:00:00" and "12/03/2024 10:00" (day first)."""
    (raw,) = inputs
    numeric, numeric_date = _numeric_iso_date(raw, context.day_first)
    # Both shapes as "yyyy-mm-dd hh:mm:ss" ("T" and the "Z" of UTC out: naive times are UTC too).
    iso = pc.utf8_slice_codeunits(pc.replace_substring(raw, "T", " ", max_replacements=1), 0, 19)
    numeric_time = pc.binary_join_element_wise(pc.utf8_slice_codeunits(raw, 11, 16), "00", ":")
    canonical = pc.case_when(
        pc.make_struct(_matches(raw, _ISO_TIMESTAMP), _matches(raw, rf"^{numeric} {_TIME}$")),
        iso,
        pc.binary_join_element_wise(numeric_date, numeric_time, " "),
    )
    stamps, handled = _parsed(canonical, "%Y-%m-%d %H:%M:%S")
    return FastResult(handled, [pc.cast(stamps, pa.timestamp("us", tz="UTC")), raw, handled])


def birth_fast(inputs: Sequence[pa.Array], context: ContactContext) -> FastResult:
    """Birth dates "1985-03-12" and "12/03/1985" (day first); valid unless future or over 130 years."""
    (raw,) = inputs
    numeric, numeric_date = _numeric_iso_date(raw, context.day_first)
    canonical = pc.case_when(
        pc.make_struct(_matches(raw, _ISO_DATE), _matches(raw, rf"^{numeric}$")), raw, numeric_date
    )
    stamps, handled = _parsed(canonical, "%Y-%m-%d")
    dates = pc.cast(stamps, pa.date32())
    days = pc.cast(dates, pa.int32())
    today = (_today() - _EPOCH).days
    valid = pc.and_(pc.less_equal(days, today), pc.less_equal(pc.subtract(today, days), _MAX_AGE_DAYS))
    births = pc.if_else(valid, dates, pa.scalar(None, pa.date32()))
    return FastResult(handled, [births, raw, valid])


# A plain address: dot-separated atoms of letters, digits and "_+-", and a host name; no space, no
# quoting, nothing the per-value function would repair. Lowercase after Arrow's ASCII lowercasing.
_PLAIN_EMAIL = r"^(?P<local>[a-z0-9_+-]+(?:\.[a-z0-9_+-]+)*)@(?P<domain>[a-z0-9-]+(?:\.[a-z0-9-]+)+)$"
_ROLE_PARTS = pa.array(sorted(ROLE_LOCAL_PARTS), pa.string())
_GMAIL = pa.array(sorted(_GMAIL_DOMAINS), pa.string())


def _domains(domains: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Per row, from each distinct domain once: (valid, suggested provider domain, company web domain)."""
    encoded = domains.dictionary_encode()
    valid: list[bool] = []
    fixes: list[str | None] = []
    webs: list[str | None] = []
    for domain in encoded.dictionary.to_pylist():
        ok, fix = _domain_info(domain)
        valid.append(ok)
        fixes.append(fix)
        # As cdp.normalize.records._email_domain: not for webmail, nor for a typo of a webmail domain.
        webmail = fix is not None or domain in WEBMAIL_DOMAINS
        webs.append(None if webmail else normalize_web_domain(domain).value)
    indices = encoded.indices
    return (
        pa.array(valid, pa.bool_()).take(indices),
        pa.array(fixes, pa.string()).take(indices),
        pa.array(webs, pa.string()).take(indices),
    )


def _prefix(values: pa.Array, characters: str) -> pa.Array:
    """The longest prefix of each value made of the given characters (an RE2 class)."""
    return pc.struct_field(pc.extract_regex(values, f"^(?P<prefix>{characters}*)"), "prefix")


def email_fast(inputs: Sequence[pa.Array], _: ContactContext) -> FastResult:
    """Plain ASCII addresses of a valid domain ("Jean.Dupont+news@Gmail.com")."""
    (raw,) = inputs
    ascii_ = pc.fill_null(pc.string_is_ascii(raw), False)
    lowered = pc.ascii_lower(pc.if_else(ascii_, raw, _NULL_TEXT))
    parts = pc.extract_regex(lowered, _PLAIN_EMAIL)
    local, domain = pc.struct_field(parts, "local"), pc.struct_field(parts, "domain")
    domain_valid, fix, web_domain = _domains(domain)
    handled = pc.fill_null(
        pc.and_(
            pc.and_(domain_valid, pc.less_equal(pc.utf8_length(local), 64)),
            pc.less_equal(pc.utf8_length(lowered), 254),
        ),
        False,
    )
    # Matching key: "+tag" dropped (unless the whole local part is a tag); Gmail ignores dots too.
    base = _prefix(local, "[^+]")
    untagged = pc.if_else(pc.equal(base, ""), local, base)
    gmail = pc.is_in(domain, _GMAIL)
    key = pc.if_else(
        gmail,
        pc.binary_join_element_wise(pc.replace_substring(untagged, ".", ""), "gmail.com", "@"),
        pc.binary_join_element_wise(untagged, domain, "@"),
    )
    # Role mailbox: the part before "+", its first segment, or it without separators is a role word.
    first_segment = _prefix(base, "[^-_.]")
    joined = base
    for separator in "-_.":
        joined = pc.replace_substring(joined, separator, "")
    is_role = pc.or_(
        pc.or_(pc.is_in(base, _ROLE_PARTS), pc.is_in(first_segment, _ROLE_PARTS)),
        pc.is_in(joined, _ROLE_PARTS),
    )
    suggestion = pc.binary_join_element_wise(local, fix, "@")
    return FastResult(handled, [lowered, raw, handled, key, is_role, suggestion, web_domain])


class _PhoneShape(NamedTuple):
    """A region's plain number shapes as RE2 patterns, and its type rules."""

    number: str  # national "0N" or international "+33N", "0033N", "+330N": group "n" is N
    idd: str
    national_prefix: str
    country_code: str
    rules: _RegionRules


def _phone_shape(region: str) -> _PhoneShape | None:
    """The fast shapes of a region, None when its numbers need the per-value logic.

    Only regions with a plain trunk prefix and a plain international prefix, whose calling code is
    theirs alone (phonenumbers tries every region of a shared code) and is read as such by the
    per-value path (no shorter calling code in front of it).
    """
    rules = _rules(region)
    if rules is None or rules.idd is None or not rules.national_prefix:
        return None
    idd, cc, prefix = rules.idd.pattern, rules.country_code, rules.national_prefix
    if not idd.isdigit() or _region_for_country_code(cc) != region:
        return None
    if any(int(cc[:size]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE for size in range(1, len(cc))):
        return None
    number = rf"^(?:{prefix}|(?:\+|{idd}){cc}(?:{prefix})?)(?P<n>[1-9][0-9]*)$"
    return _PhoneShape(number, idd, prefix, cc, rules)


# Separators people type inside numbers, as cdp.normalize.phone's.
_SEPARATORS = (" ", ".", "-", "/", "(", ")")


def _has_length(size: int, desc: _Desc) -> bool:
    return not desc[1] or size in desc[1]


def _line_types(national: pa.Array, rules: _RegionRules) -> pa.Array:
    """Line type of each national number (None when not valid), as ``cdp.normalize.phone._type_of``.

    For each number length, the type descriptions of that length in phonenumbers' decision order, runs
    of the same type merged into one pattern: the first run that matches decides. Matching without
    capture groups keeps RE2 on its fast automaton.
    """
    types = pa.nulls(len(national), pa.string())
    sizes = pc.utf8_length(national)
    for size in pc.unique(sizes.drop_null()).to_pylist():
        if not _has_length(size, rules.general_desc):
            continue
        runs: list[tuple[str, list[str]]] = []
        for kind, desc in rules.type_descs:
            if _has_length(size, desc):
                if runs and runs[-1][0] == kind:
                    runs[-1][1].append(desc[0])
                else:
                    runs.append((kind, [desc[0]]))
        if not runs:
            continue
        rows = pc.fill_null(pc.equal(sizes, size), False)
        numbers = national.filter(rows)
        matched = [_matches(numbers, f"^(?:{'|'.join(patterns)})$") for _, patterns in runs]
        kind = pc.case_when(
            pc.make_struct(*matched, field_names=[str(i) for i in range(len(runs))]),
            *[pa.scalar(name, pa.string()) for name, _ in runs],
        )
        kind = pc.if_else(_matches(numbers, f"^(?:{rules.general_desc[0]})$"), kind, _NULL_TEXT)
        mobile = rules.mobile_desc
        if mobile is not None and _has_length(size, mobile):
            # A fixed line number that is a mobile number too is "fixed or mobile": "other" for us.
            both = pc.and_(pc.equal(kind, "fixed"), _matches(numbers, f"^(?:{mobile[0]})$"))
            kind = pc.if_else(pc.fill_null(both, False), "other", kind)
        types = pc.replace_with_mask(types, rows, kind)
    return types


def _phones(raw: pa.Array, shape: _PhoneShape) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(valid and handled, E.164, type) of plain numbers of a region; invalid ones are left to the
    per-value path, which knows the exceptions (shared calling codes, numbers typed without prefix)."""
    # Digits, "+" and the separators people type only (others are left to the per-value path).
    compact = pc.if_else(pc.less_equal(pc.utf8_length(raw), 64), raw, _NULL_TEXT)
    for separator in _SEPARATORS:
        compact = pc.replace_substring(compact, separator, "")
    national = pc.struct_field(pc.extract_regex(compact, shape.number), "n")
    # The per-value path's own checks: 4 to 20 digits, not one digit repeated, no access prefix left in
    # a national number, and a trunk prefix read once ("+33 0 6...", never "+33 0 0 6...").
    digits = pc.replace_substring(compact, "+", "", max_replacements=1)
    count = pc.utf8_length(digits)
    repeated = pc.equal(pc.binary_repeat(pc.utf8_slice_codeunits(digits, 0, 1), count), digits)
    ok = pc.and_(
        pc.and_(pc.greater_equal(count, 4), pc.less_equal(count, 20)),
        pc.and_(pc.invert(repeated), pc.invert(pc.starts_with(national, shape.national_prefix))),
    )
    # A number starting with the access prefix is international for the per-value path: the number must
    # then follow the access prefix and the calling code, not a trunk prefix read at its start.
    after_code = pc.subtract(pc.utf8_length(compact), len(shape.idd) + len(shape.country_code))
    international = pc.less_equal(pc.utf8_length(national), after_code)
    ok = pc.and_(ok, pc.or_(pc.invert(pc.starts_with(compact, shape.idd)), international))
    line_type = _line_types(national, shape.rules)
    handled = pc.fill_null(pc.and_(ok, pc.is_valid(line_type)), False)
    e164 = pc.binary_join_element_wise(f"+{shape.country_code}", national, "")
    return handled, e164, line_type


def _phones_by_region(raw: pa.Array, regions: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """:func:`_phones` for each row's own region, one pass per region over its rows."""
    size = len(raw)
    handled = pa.array([False] * size)
    e164 = pa.nulls(size, pa.string())
    line_type = pa.nulls(size, pa.string())
    encoded = regions.dictionary_encode()
    for code, region in enumerate(encoded.dictionary.to_pylist()):
        shape = _phone_shape(region)
        if shape is None:
            continue
        rows = pc.equal(encoded.indices, code)
        part = _phones(raw.filter(rows), shape)
        handled, e164, line_type = (
            pc.replace_with_mask(whole, rows, values)
            for whole, values in zip((handled, e164, line_type), part, strict=True)
        )
    return handled, e164, line_type


def phone_fast(inputs: Sequence[pa.Array], context: ContactContext) -> FastResult:
    """Rows whose phone and mobile are each missing or a valid plain number of the row's region."""
    phone_raw, mobile_raw, region = inputs
    supported = pa.array(sorted(phonenumbers.SUPPORTED_REGIONS), pa.string())
    regions = pc.if_else(pc.is_in(region, supported), region, context.default_country)
    phone_ok, phone, phone_type = _phones_by_region(phone_raw, regions)
    mobile_ok, mobile, mobile_type = _phones_by_region(mobile_raw, regions)
    handled = pc.and_(pc.or_(phone_ok, pc.is_null(phone_raw)), pc.or_(mobile_ok, pc.is_null(mobile_raw)))
    # The main phone when valid, else the mobile (see cdp.normalize.records._best_phone).
    true = pa.scalar(True)
    source = pc.if_else(phone_ok, "phone", pc.if_else(mobile_ok, "mobile", _NULL_TEXT))
    return FastResult(
        handled,
        [
            pc.if_else(phone_ok, phone, mobile),
            phone_raw,
            pc.if_else(pc.or_(phone_ok, mobile_ok), true, _NULL_FLAG),
            pc.if_else(phone_ok, phone_type, mobile_type),
            source,
            pc.if_else(mobile_ok, mobile, _NULL_TEXT),
            mobile_raw,
            pc.if_else(mobile_ok, true, _NULL_FLAG),
        ],
    )


def _per_distinct(
    values: pa.Array, compute: Callable[[str], tuple[object, ...]], types: Sequence[pa.DataType]
) -> list[pa.Array]:
    """Columns of ``compute``'s results for each row, computed once per distinct value (None for nulls)."""
    encoded = values.dictionary_encode()
    results = [compute(value) for value in encoded.dictionary.to_pylist()]
    columns = zip(*results, strict=True) if results else [()] * len(types)
    return [
        pa.array(list(column), kind).take(encoded.indices)
        for column, kind in zip(columns, types, strict=True)
    ]


_NAME_TYPES = (pa.string(), pa.string(), pa.string(), pa.bool_(), pa.bool_())


def _name_column(civility_prefix: bool) -> Callable[[str], tuple[object, ...]]:
    """(civility typed in front, display, key, looks like a given name, present) of a name column."""

    def compute(raw: str) -> tuple[object, ...]:
        code, part = _column(raw, civility_prefix)
        if part is None:
            return code, None, None, False, _present(raw)
        return code, part.display, part.key, part.looks_first, _present(raw)

    return compute


def _valid_flags(values: pa.Array, present: pa.Array) -> pa.Array:
    """As cdp.normalize.records._valid: True when set, False when a source value gave nothing, else None."""
    return pc.if_else(pc.is_valid(values), True, pc.if_else(present, False, _NULL_FLAG))


def name_fast(inputs: Sequence[pa.Array], _: ContactContext) -> FastResult:
    """Names in first and last name columns (no full name to split): each column's distinct values
    once, then civility, the swap of inverted columns and the validity flags column-wise."""
    first_raw, last_raw, full_raw, civility_raw = inputs
    handled = pc.is_null(full_raw)
    civility, civility_present = _per_distinct(
        civility_raw, lambda raw: (normalize_civility(raw), _present(raw)), (pa.string(), pa.bool_())
    )
    first_civility, first, first_key, first_looks, first_present = _per_distinct(
        first_raw, _name_column(True), _NAME_TYPES
    )
    _, last, last_key, last_looks, last_present = _per_distinct(last_raw, _name_column(False), _NAME_TYPES)
    civility = pc.coalesce(civility, first_civility)
    # Columns inverted at the source: the "last" looks like a given name and the "first" does not.
    swapped = pc.fill_null(
        pc.and_(
            pc.and_(pc.is_valid(first), pc.is_valid(last)),
            pc.and_(pc.fill_null(last_looks, False), pc.invert(pc.fill_null(first_looks, False))),
        ),
        False,
    )
    first, last = pc.if_else(swapped, last, first), pc.if_else(swapped, first, last)
    first_key, last_key = pc.if_else(swapped, last_key, first_key), pc.if_else(swapped, first_key, last_key)
    return FastResult(
        handled,
        [
            civility,
            civility_raw,
            _valid_flags(civility, pc.fill_null(civility_present, False)),
            first,
            first_raw,
            _valid_flags(first, pc.fill_null(first_present, False)),
            first_key,
            last,
            last_raw,
            _valid_flags(last, pc.fill_null(last_present, False)),
            last_key,
            swapped,
        ],
    )


# A street line opening with a house number ("12 rue...", "12B rue...", "12, rue...", "12-14 rue..."):
# the rest of the line repeats across addresses, and the per-value function only copies the digits.
_HOUSE_NUMBER = r"^(?P<number>[0-9]{1,5})(?P<rest>[ ,A-Za-z-].*)$"
_ANY_NUMBER = "1"


def _street_after_number(rest: str) -> tuple[object, ...]:
    """(handled, display after the number, key after the number) of a street line's rest, from the
    per-value function on the line with a stand-in number; not handled unless that line is clean text
    (then so is the real one: the digits change no decision of the cleaning)."""
    line = _ANY_NUMBER + rest
    if clean(line) != line or len(line) > MAX_LEN - 4:
        return False, None, None
    street = normalize_street(line)
    if street.value is None or street.key is None or not street.value.startswith(_ANY_NUMBER):
        return False, None, None
    return True, street.value[len(_ANY_NUMBER) :], street.key[len(_ANY_NUMBER) :]


def street_fast(inputs: Sequence[pa.Array], _: ContactContext) -> FastResult:
    """Street lines opening with a house number: the rest of the line once per distinct rest."""
    (raw,) = inputs
    parts = pc.extract_regex(raw, _HOUSE_NUMBER)
    number, rest = pc.struct_field(parts, "number"), pc.struct_field(parts, "rest")
    clean_rest, display, key = _per_distinct(
        rest, _street_after_number, (pa.bool_(), pa.string(), pa.string())
    )
    handled = pc.fill_null(clean_rest, False)
    return FastResult(
        handled,
        [
            pc.binary_join_element_wise(number, display, ""),
            raw,
            handled,
            pc.binary_join_element_wise(number, key, ""),
        ],
    )


def identifier_fast(inputs: Sequence[pa.Array], _: ContactContext) -> FastResult:
    """Plain codes ("C00012345", "ACC-12") as they are, integers exported as "12.0" without the ".0"."""
    (raw,) = inputs
    plain = _matches(raw, r"^[A-Za-z0-9_-]*[0-9]$")
    exported = _matches(raw, r"^[0-9]+\.0$")
    integers = pc.utf8_slice_codeunits(raw, 0, -2)
    return FastResult(pc.or_(plain, exported), [pc.if_else(exported, integers, raw)])


# The blocks' fast paths, by the block's per-value function.
FAST_PATHS: dict[Callable[..., object], FastPath] = {
    _name_block: name_fast,
    _email_block: email_fast,
    _phone_block: phone_fast,
    _street_block: street_fast,
    _birth_block: birth_fast,
    _updated_block: updated_fast,
    _identifier_block: identifier_fast,
}
