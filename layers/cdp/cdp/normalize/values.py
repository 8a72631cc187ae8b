"""Scalar values: dates, timestamps, amounts and currencies, booleans, codes and channels."""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from functools import lru_cache

import pycountry
from unidecode import unidecode

from cdp.normalize._frozen import frozen
from cdp.normalize._text import CACHE_DISTINCT, CACHE_FEW, CACHE_REPEATED, clean, fold, is_null_text
from cdp.normalize.data import CHANNELS, CURRENCY_SYMBOLS, DATE_NOISE_WORDS, FALSE_TOKENS, MONTHS, TRUE_TOKENS


@frozen
class DateValue:
    """A calendar date; ``value`` is None when not a plausible date."""

    value: date | None
    raw: str | None
    valid: bool


@frozen
class Amount:
    """A monetary amount and its ISO 4217 currency when stated; ``value`` None when not a number."""

    value: float | None
    raw: str | None
    currency: str | None
    valid: bool


# ----------------------------------------------------------------------------------------------- dates

# Dates exporters use when they have none: not real dates. 0001-01-01 and 9999-12-31 are out of the
# plausible range anyway; listed for clarity.
PLACEHOLDER_DATES: frozenset[date] = frozenset(
    {date(1900, 1, 1), date(1899, 12, 30), date(1899, 12, 31), date(1, 1, 1), date(9999, 12, 31)}
)
_MIN_YEAR, _MAX_YEAR = 1800, 2200
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (it counts a 29 February 1900 that never was)
_EXCEL_MIN, _EXCEL_MAX = 10000, 80000  # 1927-05-18 .. 2119-01-10: plausible business dates
# Two-digit years: up to this year's two digits means 20xx, above means 19xx ("85" -> 1985).
_PIVOT = date.today().year % 100

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
_NUMERIC_DATE = re.compile(r"(\d{1,4})\s?([/.\- ])\s?(\d{1,2})\s?\2\s?(\d{1,4})(?:[T ,]+\d{1,2}[:h]\d{2}.*)?")
_TIME_PART = re.compile(r"\b\d{1,2}[:h]\d{2}(?::\d{2}(?:[.,]\d+)?)?\b.*$")
_ORDINAL = re.compile(r"(\d{1,4})(?:er|re|st|nd|rd|th|e|eme|o)$")
_EXCEL_SERIAL = re.compile(r"(\d{5})(?:[.,]\d+)?")


def _year(y: int, digits: int) -> int:
    if digits <= 2:
        return y + 2000 if y <= _PIVOT else y + 1900
    return y


def _make(y: int, m: int, d: int) -> date | None:
    """A date when the parts form a real, plausible one, else None."""
    if not (_MIN_YEAR <= y <= _MAX_YEAR and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _day_month(a: int, b: int, y: int, day_first: bool) -> date | None:
    """Date from two ambiguous parts, trying the preferred order first then the other one."""
    d, m = (a, b) if day_first else (b, a)
    return _make(y, m, d) or _make(y, d, m)


def _parse_digits(s: str, day_first: bool) -> date | None:
    n = len(s)
    if n == 8:  # yyyymmdd (exports, ISO basic), else ddmmyyyy / mmddyyyy
        if s[:2] in ("18", "19", "20", "21") and (found := _make(int(s[:4]), int(s[4:6]), int(s[6:]))):
            return found
        return _day_month(int(s[:2]), int(s[2:4]), int(s[4:]), day_first)
    if n == 6:  # ddmmyy / mmddyy
        return _day_month(int(s[:2]), int(s[2:4]), _year(int(s[4:]), 2), day_first)
    return None


def _parse_text(s: str, day_first: bool) -> date | None:
    """Dates with month names: "12 mars 1985", "March 12, 1985", "1er janvier 1990", "12-Mar-85"."""
    s = _TIME_PART.sub("", s)
    month = None
    numbers: list[str] = []
    for token in fold(s).split():
        if token in MONTHS and month is None:
            month = MONTHS[token]
        elif token.isdigit():
            numbers.append(token)
        elif (ordinal := _ORDINAL.fullmatch(token)) is not None:
            numbers.append(ordinal.group(1))
        elif token not in DATE_NOISE_WORDS:
            return None  # unknown word: not a date we understand
    if month is None or len(numbers) != 2:
        return None
    a, b = numbers
    # The year is the 4-digit number, or the one that cannot be a day.
    if len(b) == 4 or (len(a) <= 2 and int(a) <= 31 < int(b)):
        day, year = a, b
    elif len(a) == 4 or int(a) > 31:
        year, day = a, b
    else:
        day, year = a, b  # "12 mars 85": day before year
    return _make(_year(int(year), len(year)), month, int(day))


def normalize_date(raw: str | None, *, day_first: bool = True) -> DateValue:
    """Parse a calendar date.

    Understands ISO ("1985-03-12", with or without time), numeric with separators ("12/03/1985",
    "12-03-85", "12.03.1985"), compact ("19850312", "12031985"), month names in French and English
    ("12 mars 1985", "March 12, 1985") and Excel serial numbers ("31048" -> 1985-01-01). Placeholder
    dates (1900-01-01, 1899-12-30, 0001-01-01, 9999-12-31) and years outside 1800-2200 are invalid.

    Args:
        raw: Date as typed.
        day_first: Whether "01/02/2020" is 1 February (True, French) or 2 January (False, US). When the
            preferred order gives no valid date the other one is tried.

    Returns:
        A DateValue; ``value`` None and ``valid`` False when not a plausible date.
    """
    return cached_date(raw, day_first)


@lru_cache(maxsize=CACHE_REPEATED)
def cached_date(raw: str | None, day_first: bool) -> DateValue:
    """``normalize_date`` with positional arguments, memoised (cheaper cache keys for hot loops)."""
    try:
        return _normalize_date(raw, day_first)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return DateValue(None, raw, False)


def _normalize_date(raw: str | None, day_first: bool) -> DateValue:
    s = clean(raw)
    if s is None or len(s) > 64:
        return DateValue(None, raw, False)
    found: date | None = None
    if (m := _ISO_DATE.fullmatch(s)) is not None:
        found = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    elif s.isdigit() and s.isascii():
        found = _parse_digits(s, day_first)
        if found is None and (m := _EXCEL_SERIAL.fullmatch(s)) is not None:
            found = _excel(int(m.group(1)))
    elif (m := _NUMERIC_DATE.fullmatch(s)) is not None:
        a, _, b, c = m.groups()
        if len(a) == 4:  # "1985/03/12": year first is never day-first
            found = _make(int(a), int(b), int(c))
        elif len(c) in (2, 4):
            found = _day_month(int(a), int(b), _year(int(c), len(c)), day_first)
    elif (m := _EXCEL_SERIAL.fullmatch(s)) is not None:
        found = _excel(int(m.group(1)))
    elif any(c.isalpha() for c in s):
        found = _parse_text(s, day_first)
    if found is None or found in PLACEHOLDER_DATES:
        return DateValue(None, raw, False)
    return DateValue(found, raw, True)


def _excel(serial: int) -> date | None:
    if not _EXCEL_MIN <= serial <= _EXCEL_MAX:
        return None
    return _EXCEL_EPOCH + timedelta(days=serial)


_NUMERIC_DATETIME = re.compile(r"(\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4})[ T](\d{1,2})[:h](\d{2})(?::(\d{2}))?")
_DATETIME_TEXT = re.compile(
    r"(?P<date>.+?)[ T,]+(?P<h>\d{1,2})[:h](?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?"
)


def _tz_offset(tz: str | None) -> timedelta:
    if not tz or tz in ("Z", "UTC", "GMT"):
        return timedelta(0)
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    return sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4]))


def _to_utc(value: datetime) -> datetime | None:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    year = value.year
    if not _MIN_YEAR <= year <= _MAX_YEAR or (year < 1901 and value.date() in PLACEHOLDER_DATES):
        return None
    return value


def normalize_datetime(raw: str | None, *, day_first: bool = True) -> datetime | None:
    """Parse a timestamp into a timezone-aware UTC datetime.

    Understands ISO 8601 with or without offset ("2024-03-12T10:00:00+01:00", "...Z"), date and time
    in numeric or textual form ("12/03/2024 14:30", "12/03/2024 14h30"), RFC 2822 ("Tue, 12 Mar 2024
    14:30:00 +0100"), Unix epochs in seconds or milliseconds, and plain dates (midnight). Naive times are
    taken as UTC.

    Args:
        raw: Timestamp as typed.
        day_first: Day/month order for ambiguous numeric dates.

    Returns:
        The UTC datetime, or None when not a plausible timestamp.
    """
    return cached_datetime(raw, day_first)


@lru_cache(maxsize=CACHE_DISTINCT)
def cached_datetime(raw: str | None, day_first: bool) -> datetime | None:
    """``normalize_datetime`` with positional arguments, memoised (cheaper cache keys for hot loops)."""
    try:
        return _normalize_datetime(raw, day_first)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return None


def _normalize_datetime(raw: str | None, day_first: bool) -> datetime | None:
    s = clean(raw)
    if s is None or len(s) > 64:
        return None
    if len(s) >= 10 and s[:4].isdigit() and s[4] == "-":
        try:
            return _to_utc(datetime.fromisoformat(s))
        except ValueError:
            pass
    if s.isdigit() and s.isascii() and len(s) in (10, 13):
        # Unix epoch (seconds or milliseconds), only within 2001-2100 so that other numbers are refused.
        seconds = int(s) / (1000 if len(s) == 13 else 1)
        if 978_307_200 <= seconds <= 4_102_444_800:
            return datetime.fromtimestamp(seconds, tz=UTC)
        return None
    if (m := _NUMERIC_DATETIME.fullmatch(s)) is not None:
        # The usual export format ("12/03/2024 14:30"): the date part repeats, so it is parsed via the
        # date cache and only the time is read here.
        day = cached_date(m.group(1), day_first).value
        hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4) or 0)
        if day is not None and hour < 24 and minute < 60 and second < 60:
            # The cached date is already a plausible, non-placeholder day: no further check needed.
            return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)
    if (m := _DATETIME_TEXT.fullmatch(s)) is not None:
        day = cached_date(m.group("date"), day_first).value
        if day is not None:
            hour, minute, second = int(m.group("h")), int(m.group("mi")), int(m.group("s") or 0)
            if hour < 24 and minute < 60 and second < 60:
                micro = int((m.group("f") or "0")[:6].ljust(6, "0"))
                naive = datetime.combine(day, time(hour, minute, second, micro))
                return _to_utc(naive - _tz_offset(m.group("tz")))
    if "," in s and ":" in s:
        try:
            return _to_utc(parsedate_to_datetime(s))
        except (TypeError, ValueError, IndexError):
            pass
    if _TIME_PART.search(s):
        return None  # a time was given but not understood (e.g. "25:00"): do not invent midnight
    day = cached_date(s, day_first).value
    return None if day is None else datetime.combine(day, time(0), tzinfo=UTC)


# --------------------------------------------------------------------------------------------- amounts

_CURRENCY_WORD = re.compile(r"[^\d\s.,'+\-()\u202f\u00a0]+")
_NUMBER_SPACES = str.maketrans("", "", " '\u00a0\u202f\u2009")
_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_AMOUNT_BODY = re.compile(r"\d+(?:\.\d+)?")


@lru_cache(maxsize=CACHE_FEW)
def normalize_currency(raw: str | None) -> str | None:
    """ISO 4217 code of a currency symbol, code or name ("€", "eur", "Euros", "$", "CHF").

    Args:
        raw: Currency as typed.

    Returns:
        The ISO code, or None when not recognised.
    """
    try:
        s = clean(raw)
        if s is None or len(s) > 20:
            return None
        key = s.lower().strip(". ")
        if (code := CURRENCY_SYMBOLS.get(key)) is not None:
            return code
        if len(key) == 3 and key.isalpha() and key.isascii():
            found = pycountry.currencies.get(alpha_3=key.upper())
            return found.alpha_3 if found is not None else None
        return None
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return None


@lru_cache(maxsize=CACHE_DISTINCT)
def normalize_amount(raw: str | None) -> Amount:
    """Parse a monetary amount.

    Handles decimal commas and thousands separators ("1 234,50 €" -> 1234.5 EUR, "$1,234.50",
    "1.234,50", "1'234.50"), currency symbols or codes before or after, "12€50", and negatives written
    "-12", "12-" or "(12)".

    Args:
        raw: Amount as typed.

    Returns:
        An Amount with the currency found in the text (None when none is stated).
    """
    try:
        return _normalize_amount(raw)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return Amount(None, raw, None, False)


def _normalize_amount(raw: str | None) -> Amount:
    s = clean(raw)
    if s is None or len(s) > 64:
        return Amount(None, raw, None, False)
    if _PLAIN_NUMBER.fullmatch(s):
        return Amount(float(s), raw, None, True)
    currency = None
    words = _CURRENCY_WORD.findall(s)
    for word in words:
        code = normalize_currency(word)
        if code is None or (currency is not None and code != currency):
            return Amount(None, raw, None, False)  # stray text or two currencies: not an amount
        currency = code
    body = s
    if words:
        # "12€50" is French shorthand for 12.50 €.
        w = words[0]
        pos = s.find(w)
        if pos > 0 and pos + len(w) < len(s) and s[pos - 1].isdigit() and s[pos + len(w)].isdigit():
            body = s[:pos] + "," + s[pos + len(w) :]
        body = _CURRENCY_WORD.sub(" ", body)
    body = body.strip()
    negative = False
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body.startswith("-"):
        negative, body = True, body[1:]
    elif body.endswith("-"):
        negative, body = True, body[:-1]
    elif body.startswith("+"):
        body = body[1:]
    body = body.translate(_NUMBER_SPACES)
    body = _decimal_point(body)
    if body is None or not _AMOUNT_BODY.fullmatch(body):
        return Amount(None, raw, currency, False)
    value = float(body)
    if not math.isfinite(value):
        return Amount(None, raw, currency, False)
    return Amount(-value if negative else value, raw, currency, True)


def _decimal_point(body: str) -> str | None:
    """Rewrite a number with "." as the only decimal separator and no thousands separators.

    With both "," and ".", the last one is the decimal separator; a separator repeated is a thousands
    separator; a single one is the decimal separator (French "12,5" and English "12.5").
    """
    commas, dots = body.count(","), body.count(".")
    if commas and dots:
        decimal, thousands = (",", ".") if body.rfind(",") > body.rfind(".") else (".", ",")
    elif commas > 1 or dots > 1:
        decimal, thousands = "", "," if commas else "."
    else:
        return body.replace(",", ".")
    integer, sep, fraction = body.rpartition(decimal) if decimal else (body, "", "")
    if decimal and (thousands in fraction or decimal in integer):
        return None
    groups = integer.split(thousands)
    # Thousands separators really group by three ("1.234.567"), else this is not one number.
    if not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]):
        return None
    return "".join(groups) + ("." + fraction if sep else "")


# -------------------------------------------------------------------------------------- booleans, codes


@lru_cache(maxsize=CACHE_FEW)
def normalize_bool(raw: str | None) -> bool | None:
    """Parse a boolean or consent flag.

    oui/non, o/n, yes/no, y/n, 1/0, true/false, vrai/faux, x (ticked box), opt-in/opt-out... in any case.

    Args:
        raw: Flag as typed.

    Returns:
        True, False, or None when the value is missing or not a recognised flag.
    """
    try:
        s = clean(raw)
        if s is None or len(s) > 40:
            return None
        low = (s if s.isascii() else unidecode(s)).lower()
        if low in TRUE_TOKENS:
            return True
        if low in FALSE_TOKENS:
            return False
        if not any(c.isalpha() for c in low):  # "-1", "2": numbers other than 0/1 are not flags
            return None
        key = fold(s)  # "Opt-In", "non coché"
        if key in TRUE_TOKENS:
            return True
        if key in FALSE_TOKENS:
            return False
        return None
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return None


@lru_cache(maxsize=CACHE_FEW)
def normalize_code(raw: str | None) -> str | None:
    """Snake-case code of a free label ("Page View" -> "page_view", "Achat en ligne" -> "achat_en_ligne").

    Args:
        raw: Label as typed.

    Returns:
        The code, or None when empty or a null marker.
    """
    try:
        s = clean(raw)
        if s is None or len(s) > 200 or is_null_text(s):
            return None
        return "_".join(fold(s).split()) or None
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return None


_CHANNEL_KEYS: dict[str, str] = {fold(k): v for k, v in CHANNELS.items()}


@lru_cache(maxsize=CACHE_FEW)
def normalize_channel(raw: str | None) -> str | None:
    """Canonical channel ("web", "store", "phone", "email", "sms", "app", "post", "push") or a code.

    Args:
        raw: Channel as typed ("E-commerce", "Magasin", "Courriel"...).

    Returns:
        The canonical channel, the label as a snake-case code when unknown, or None when empty.
    """
    try:
        s = clean(raw)
        if s is None or len(s) > 200:
            return None
        return _CHANNEL_KEYS.get(fold(s)) or normalize_code(s)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return None
