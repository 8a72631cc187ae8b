"""Low-level value parsing shared by profiling and semantic detection: folding, pattern signatures,
dates and amounts. Everything here is pure and tolerant: bad input yields None, never an exception.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from unidecode import unidecode

from cdp.catalog._lexicon import MONTHS, words

# Strings meaning "no value" in exports. Compared after strip() + lower() so "NULL", " n/a " and "#N/A"
# all hit; kept small on purpose ("0", "x", "-" can be real values of flags or codes).
NULL_TOKENS: frozenset[str] = frozenset(
    {
        "",
        "null",
        "none",
        "nan",
        "n/a",
        "#n/a",
        "na",
        "nil",
        "\\n",
        "undefined",
        "(null)",
        "<null>",
        "n.a.",
        "n.c.",
    }
)


# Null tokens are short; longer strings (even blank ones) are values. The profiler applies the same rule.
NULL_MAX_CHARS = 64


def is_null(value: str | None) -> bool:
    """Whether a raw cell carries no value (None, blank or a null token such as "NULL" or "N/A")."""
    return value is None or (len(value) <= NULL_MAX_CHARS and value.strip().lower() in NULL_TOKENS)


_SURROGATES = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=65536)
def fold(value: str) -> str:
    """Lowercase ASCII form of a value: accents removed, whitespace collapsed.

    Cached because samples repeat values a lot (cities, first names) and unidecode is the costly part.
    """
    if not value.isascii():
        # Lone surrogates (undecodable bytes kept by a reader) make unidecode warn: drop them first.
        value = _SURROGATES.sub("", value)
    return " ".join(unidecode(value).lower().split())


# ------------------------------------------------------------------------------------------------------------
# Pattern signatures
# ------------------------------------------------------------------------------------------------------------

_SIGNATURE_MAX = 40
_RUNS = re.compile(r"9{2,}|A{2,}|a{2,}| {2,}")


def _class_table() -> dict[int, str]:
    # Latin letters (with accents) and ASCII digits cover nearly every value in customer files; other
    # scripts fall back to per-character checks in `signature`.
    table: dict[int, str] = {}
    for code in range(0x250):
        char = chr(code)
        if char.isdigit() and code < 128:
            table[code] = "9"
        elif char.isalpha():
            table[code] = "A" if char.isupper() else "a"
        elif char.isspace():
            table[code] = " "
    return table


_CLASS_TABLE = _class_table()


def _collapse(match: re.Match[str]) -> str:
    run = match.group(0)
    if run[0] == "9":
        return f"9{{{len(run)}}}"
    if run[0] == " ":
        return " "
    return run[0] + "+"


_ALNUM = re.compile(r"[Aa9]+")
_SWITCH = re.compile(r"(?<=[Aa])9|(?<=9)[Aa]")
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_MIXED_HEX = re.compile(
    r"(?<![0-9A-Za-z])(?=[0-9a-fA-F]*[a-fA-F])(?=[0-9a-fA-F]*[0-9])[0-9a-fA-F]{6,}(?![0-9A-Za-z])"
)


def _alnum_run(match: re.Match[str]) -> str:
    run = match.group(0)
    # Letters and digits interleaved many times ("0031t00000ABCdeAAB"): only the length matters.
    if len(_SWITCH.findall(run)) >= 3:
        return f"x{{{len(run)}}}"
    return _RUNS.sub(_collapse, run)


def _hex_run(match: re.Match[str]) -> str:
    # Placeholder characters outside the class table survive translation; expanded back below.
    return "\x00" * len(match.group(0))


def signature(value: str) -> str:
    """The shape of a value: letters become A/a, digits 9, other characters stay; runs collapse.

    Digit runs keep their length because it is what tells a postcode (9{5}) from a SIREN (9{9}); letter
    runs do not, so that every "Firstname Lastname" shares the shape "Aa+ Aa+". Runs where letters and
    digits alternate (hex ids, UUIDs) become x{n}: "3f2a9c1e-..." -> "x{8}-x{4}-...".

    Args:
        value: Any string.

    Returns:
        The signature, at most about 40 characters (longer ones end with "…").
    """
    text = value.strip()
    if _UUID_TEXT.fullmatch(text):
        return "x{8}-x{4}-x{4}-x{4}-x{12}"
    # Hex ids mixing letters and digits ("3f2a9c1e77") read as one x-run, whatever their digits.
    text = _MIXED_HEX.sub(_hex_run, text) if len(text) >= 6 else text
    mapped = text.translate(_CLASS_TABLE)
    if not mapped.isascii():
        mapped = "".join(
            ch
            if ch.isascii()
            else ("A" if ch.isupper() else "a" if ch.isalpha() else "9" if ch.isdigit() else ch)
            for ch in mapped
        )
    collapsed = _ALNUM.sub(_alnum_run, mapped)
    collapsed = re.sub("\x00+", lambda m: f"x{{{len(m.group(0))}}}", collapsed)
    collapsed = re.sub(r" {2,}", " ", collapsed)
    return collapsed if len(collapsed) <= _SIGNATURE_MAX else collapsed[:_SIGNATURE_MAX] + "…"


# ------------------------------------------------------------------------------------------------------------
# Headers
# ------------------------------------------------------------------------------------------------------------

_HEADER_STOPWORDS = words("de du des la le les l d the of a au aux en et and du un une par for to")
# "N°", "No", "num", "#"... all mean "number of"; they carry no type information on their own.
_NUMBER_WORDS = words("no n num numero nr nbr nb number nummer")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def header_tokens(header: str) -> tuple[str, ...]:
    """Significant folded tokens of a header: "N° SIRET" -> ("siret",), "firstName" -> ("first", "name")."""
    text = header.replace("°", " ").replace("º", " ").replace("#", " ")
    text = _CAMEL.sub(" ", text)
    words = re.findall(r"[a-z0-9]+", fold(text))
    return tuple(w for w in words if w not in _HEADER_STOPWORDS and w not in _NUMBER_WORDS)


# ------------------------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------------------------


class DateParts(NamedTuple):
    """A parsed date. For numeric day/month forms (``ambiguous``), ``first``/``second`` are the two leading
    parts in written order; otherwise ``first`` is the month and ``second`` the day."""

    year: int
    first: int
    second: int
    ambiguous: bool
    time: str | None  # "HH:MM:SS" when the value carries a time of day


_TIME = (
    r"(?:(?:[T ]|,\s*|\s+[àa@]\s+)\s*(\d{1,2})[:hH](\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?"
    r"\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?"
)
_ISO_DATE = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + r"\s*")
_NUM_DATE = re.compile(r"\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME + r"\s*")
_TEXT_DMY = re.compile(
    r"\s*(?:[^\W\d_]+\.?,?\s+)?(\d{1,2})(?:er|st|nd|rd|th)?[\s-]+([^\W\d_]+)\.?[\s-]+(\d{4})" + _TIME + r"\s*"
)
_TEXT_MDY = re.compile(
    r"\s*(?:[^\W\d_]+\.?,?\s+)?([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})" + _TIME + r"\s*"
)
_COMPACT_DATE = re.compile(r"\s*((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\s*")

# A cheap gate: dates always hold a digit run and a separator or a letter; checked before the regexes.
DATE_PREFILTER = re.compile(r"\s*\d{1,4}[-/. ]|\s*[^\W\d_]{3,}\.?,?\s")

_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _time_of(hour: str | None, minute: str | None, second: str | None) -> str | None | bool:
    # Returns the normalized time, None when absent, False when present but invalid.
    if hour is None:
        return None
    h, m, s = int(hour), int(minute or 0), int(second or 0)
    if h > 23 or m > 59 or s > 60:
        return False
    return f"{h:02d}:{m:02d}:{min(s, 59):02d}"


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # POSIX pivot (same as strptime %y): 69-99 -> 1900s, 00-68 -> 2000s.
        year += 1900 if year >= 69 else 2000
    return year


def parse_date(value: str, *, compact: bool = False) -> DateParts | None:
    """Parse a date or date-time written in one of the usual forms.

    Supported: ISO (2024-01-31, 2024/01/31, with optional time and zone), numeric day/month forms
    (31/01/2024, 01-31-24, 31.01.2024, with optional time), textual months in French or English
    (31 janvier 2024, 5 Jan 2024, January 5, 2024, Mon, 05 Jan 2024 10:00:00 +0000) and, when ``compact``
    is true, 20240131.

    Args:
        value: The raw text.
        compact: Also accept 8-digit YYYYMMDD values (off by default: they are usually plain numbers).

    Returns:
        The parts, or None when the value is not a date (including impossible ones such as 2024-02-30).
        Numeric day/month forms are only checked for being valid in *some* order.
    """
    if len(value) > 64:
        return None
    match = _ISO_DATE.fullmatch(value)
    if match:
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        parts = DateParts(year, month, day, False, None)
    elif (match := _NUM_DATE.fullmatch(value)) is not None:
        parts = DateParts(_year(match.group(3)), int(match.group(1)), int(match.group(2)), True, None)
    elif (match := _TEXT_DMY.fullmatch(value)) is not None:
        month = MONTHS.get(fold(match.group(2)))
        if month is None:
            return None
        parts = DateParts(int(match.group(3)), month, int(match.group(1)), False, None)
    elif (match := _TEXT_MDY.fullmatch(value)) is not None:
        month = MONTHS.get(fold(match.group(1)))
        if month is None:
            return None
        parts = DateParts(int(match.group(3)), month, int(match.group(2)), False, None)
    elif compact and (match := _COMPACT_DATE.fullmatch(value)) is not None:
        return DateParts(int(match.group(1)), int(match.group(2)), int(match.group(3)), False, None)
    else:
        return None
    time = _time_of(match.group(4), match.group(5), match.group(6))
    if time is False or not 1000 <= parts.year <= 2999:
        return None
    if parts.ambiguous:
        if not (
            _valid_ymd(parts.year, parts.second, parts.first)
            or _valid_ymd(parts.year, parts.first, parts.second)
        ):
            return None
    elif not _valid_ymd(parts.year, parts.first, parts.second):
        return None
    return parts._replace(time=time) if time else parts


def _valid_ymd(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or not 1 <= day <= _DAYS[month - 1]:
        return False
    # February 29th only in leap years.
    return not (month == 2 and day == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)))


def date_iso(parts: DateParts, order: str = "DMY") -> str | None:
    """ISO 8601 text of parsed parts ("2024-01-31" or "2024-01-31T10:00:00"); ``order`` reads ambiguous
    numeric forms ("DMY" or "MDY"). None when the parts are not a valid date in that order."""
    if parts.ambiguous and order == "DMY":
        month, day = parts.second, parts.first
    else:
        month, day = parts.first, parts.second
    if not _valid_ymd(parts.year, month, day):
        return None
    text = f"{parts.year:04d}-{month:02d}-{day:02d}"
    return f"{text}T{parts.time}" if parts.time else text


# ------------------------------------------------------------------------------------------------------------
# Numbers and amounts
# ------------------------------------------------------------------------------------------------------------

INTEGER = re.compile(r"\s*[+-]?\d+\s*", re.ASCII)
DECIMAL = re.compile(r"\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)

_CURRENCY_MARK = re.compile(
    r"^\s*(?:€|\$|£|¥|EUR|USD|GBP|CHF|CAD|JPY|US\$)\s*|\s*(?:€|\$|£|¥|EUR|USD|GBP|CHF|CAD|JPY|euros?|HT|TTC)\s*$",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"[+-]?\(?\s*(?:\d{1,3}(?:[ \u00a0\u202f'’.,]\d{3})+|\d+)(?:[.,]\d+)?\s*\)?-?",
    re.ASCII,
)


class Amount(NamedTuple):
    """A parsed amount: its value, number of decimals written and whether a currency mark was present."""

    value: float
    decimals: int
    currency_mark: bool


def parse_amount(value: str) -> Amount | None:
    """Parse a money-like number: "12,50", "1 234,56 €", "$1,234.56", "(12.00)", "-5".

    The decimal separator is the last of "," and "." when both appear; a lone separator followed by
    exactly three digits in a grouped number ("1,234") is read as thousands.

    Args:
        value: The raw text.

    Returns:
        The amount, or None when the value is not a number.
    """
    if len(value) > 40:
        return None
    text, marks = value.strip(), 0
    while True:
        stripped = _CURRENCY_MARK.sub("", text, count=1)
        if stripped == text:
            break
        text, marks = stripped, marks + 1
    if not text or not _AMOUNT.fullmatch(text):
        return None
    negative = text.startswith("-") or text.startswith("(") or text.endswith("-")
    digits = text.strip("+-() ")
    for space in (" ", "\u00a0", "\u202f", "'", "’"):
        digits = digits.replace(space, "")
    last_comma, last_dot = digits.rfind(","), digits.rfind(".")
    decimals = 0
    if last_comma >= 0 and last_dot >= 0:
        point = max(last_comma, last_dot)
        whole, frac = digits[:point].replace(",", "").replace(".", ""), digits[point + 1 :]
    elif last_comma >= 0 or last_dot >= 0:
        sep = "," if last_comma >= 0 else "."
        pieces = digits.split(sep)
        if len(pieces) > 2 or (len(pieces[-1]) == 3 and len(pieces[0]) <= 3 and pieces[0] not in ("0", "")):
            # "1,234,567" or "1.234": grouped thousands, no decimals.
            whole, frac = "".join(pieces), ""
        else:
            whole, frac = pieces[0], pieces[1]
    else:
        whole, frac = digits, ""
    if not whole.isdigit() and whole != "":
        return None
    if frac and not frac.isdigit():
        return None
    decimals = len(frac)
    try:
        number = float(f"{whole or '0'}.{frac or '0'}")
    except ValueError:
        return None
    return Amount(-number if negative else number, decimals, marks > 0)
