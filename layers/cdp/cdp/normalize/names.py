"""Person names: civility, first/last display forms, matching keys, full-name splitting, swap detection."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

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
from cdp.normalize.data import CIVILITIES, CIVILITY_PREFIXES_NO_DOT, FIRST_NAMES, NAME_PARTICLES

# Characters that cannot be part of a name (digits, symbols, emoji): dropped from the display form.
_NAME_JUNK = re.compile(r"[^\w\s'\-.,]|[\d_]")


@frozen
class PersonName:
    """A normalized person name.

    ``first_name_raw``/``last_name_raw`` hold the raw source columns; when the names were split from a
    full name they both hold the raw full name, so the origin of every value stays traceable.
    """

    civility: str | None
    first_name: str | None
    last_name: str | None
    first_name_key: str | None
    last_name_key: str | None
    first_name_raw: str | None
    last_name_raw: str | None
    full_name_raw: str | None = None
    civility_raw: str | None = None
    swapped: bool = False
    valid: bool = False


@lru_cache(maxsize=CACHE_FEW)
def normalize_civility(raw: str | None) -> str | None:
    """Canonical civility code ("M", "MME", "MLLE", "DR", "ME", "PR") or None when unknown.

    Args:
        raw: Civility as typed ("Mr", "Mme.", "Madame", "Mrs", "Docteur"...).

    Returns:
        The canonical code, or None.
    """
    try:
        s = clean(raw)
        if s is None or len(s) > 40:
            return None
        return CIVILITIES.get(fold(s))
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return None


def _case_part(part: str, final: bool) -> str:
    """Display casing of one name part (a word or a hyphen-separated piece) from a case-less source."""
    lower = part.lower()
    if "'" in lower:
        head, _, tail = lower.partition("'")
        # French elision "d'" stays lowercase ("d'Artagnan"); others are capitalised ("O'Brien").
        head = head if head == "d" else cap_first(head)
        return f"{head}'{cap_first(tail)}" if tail else f"{head}'"
    if not final and lower in NAME_PARTICLES:
        return lower
    if lower.startswith("mc") and len(lower) > 3:
        return "Mc" + cap_first(lower[2:])
    return cap_first(lower)


def _case_name(s: str) -> str:
    """Display casing of a whole name: proper case for all-caps/all-lowercase sources, else as typed."""
    words = s.split(" ")
    last_word = len(words) - 1
    out: list[str] = []
    for wi, word in enumerate(words):
        parts = word.split("-")
        last_part = len(parts) - 1
        cased: list[str] = []
        for pi, part in enumerate(parts):
            if part.isupper() or part.islower():
                cased.append(_case_part(part, final=wi == last_word and pi == last_part))
            else:
                cased.append(part)  # mixed case ("McDonald", "DuPont"): the source knew better
        out.append("-".join(cased))
    return " ".join(out)


@lru_cache(maxsize=CACHE_REPEATED)
def _clean_name(raw: str | None) -> str | None:
    """Cleaned name text: typographic punctuation unified, junk characters removed, or None."""
    s = clean(raw)
    if s is None or len(s) > MAX_LEN:
        return None
    s = unify_punctuation(s)
    if _NAME_JUNK.search(s):
        s = " ".join(_NAME_JUNK.sub(" ", s).split())
    s = s.strip(" ,-'").lstrip(".")
    # A trailing dot is kept after an initial ("J.", "Jean-P.") and dropped elsewhere ("Dupont.").
    if s.endswith(".") and not (len(s) >= 2 and s[-2].isalpha() and (len(s) == 2 or not s[-3].isalpha())):
        s = s.rstrip(". ")
    if not s or is_null_text(s):
        return None
    return s


@lru_cache(maxsize=CACHE_REPEATED)
def _display_and_key(s: str) -> tuple[str | None, str | None]:
    """Display form and matching key of a cleaned name."""
    key = fold(s)
    if not key:
        return None, None
    return _case_name(s), key


@lru_cache(maxsize=CACHE_REPEATED)
def is_first_name(s: str | None) -> bool:
    """Whether a name looks like a given name (every part in the first-name table).

    Args:
        s: A name as typed, e.g. "Jean-Pierre" or "MARIE".

    Returns:
        True when all its parts are known first names.
    """
    if not s:
        return False
    key = fold(s)
    if not key:
        return False
    if key in FIRST_NAMES:
        return True
    parts = key.split()
    return len(parts) > 1 and all(p in FIRST_NAMES for p in parts)


@lru_cache(maxsize=CACHE_REPEATED)
def _strip_civility(s: str) -> tuple[str | None, str]:
    """Split a leading civility off a name ("Mme DUPONT Marie" -> ("MME", "DUPONT Marie"))."""
    head, sep, rest = s.partition(" ")
    if not sep:
        # A lone civility put in a name column ("M.", "Mme").
        key = fold(head)
        if key in CIVILITIES and (head.endswith(".") or key in CIVILITY_PREFIXES_NO_DOT):
            return CIVILITIES[key], ""
        return None, s
    key = fold(head)
    code = CIVILITIES.get(key)
    if code is None:
        return None, s
    # "M"/"Me" without a dot could be an initial: only taken with at least two words after it.
    if head.endswith(".") or key in CIVILITY_PREFIXES_NO_DOT or rest.count(" ") >= 1:
        return code, rest
    return None, s


def _is_caps_word(w: str) -> bool:
    """An all-caps word of two letters or more (French convention for surnames)."""
    return w.isupper() and sum(c.isalpha() for c in w) > 1


def _split_full_name(s: str) -> tuple[str | None, str | None]:
    """Split a cleaned full name (civility already removed) into (first, last)."""
    if "," in s:
        last, _, first = s.partition(",")
        last, first = last.strip(" ,"), first.strip(" ,")
        if last and first:
            return first, last
        s = last or first
    words = s.split()
    n = len(words)
    if n == 0:
        return None, None
    if n == 1:
        return (words[0], None) if is_first_name(words[0]) else (None, words[0])
    # Case signal: in "DUPONT Marie" / "Marie DUPONT" the all-caps block is the surname.
    caps = [_is_caps_word(w) for w in words]
    n_caps = sum(caps)
    if 0 < n_caps < n:
        if all(caps[:n_caps]):  # caps block first
            return " ".join(words[n_caps:]), " ".join(words[:n_caps])
        if all(caps[n - n_caps :]):  # caps block last; particles before it belong to the surname
            cut = n - n_caps
            while cut > 1 and fold(words[cut - 1]) in NAME_PARTICLES:
                cut -= 1
            return " ".join(words[:cut]), " ".join(words[cut:])
    # No case signal: use the first-name table to find the order, default "First Last".
    if is_first_name(words[-1]) and not is_first_name(words[0]):
        cut = n - 1
        while cut > 1 and is_first_name(words[cut - 1]):
            cut -= 1
        return " ".join(words[cut:]), " ".join(words[:cut])
    cut = 1
    while cut < n - 1 and is_first_name(words[cut]):
        cut += 1
    return " ".join(words[:cut]), " ".join(words[cut:])


class _Part(NamedTuple):
    """One name as found in a column: cleaned text, display form, key, and whether it is a given name."""

    text: str
    display: str
    key: str
    looks_first: bool


def _part(text: str | None) -> _Part | None:
    if not text:
        return None
    display, key = _display_and_key(text)
    if display is None or key is None:
        return None
    return _Part(text, display, key, is_first_name(text))


@lru_cache(maxsize=CACHE_REPEATED)
def _column(raw: str, civility_prefix: bool) -> tuple[str | None, _Part | None]:
    """(civility typed in front, name) of one name column; first names repeat, so this is cached."""
    text = _clean_name(raw)
    code = None
    if text is not None and civility_prefix:
        code, text = _strip_civility(text)
    return code, _part(text)


@lru_cache(maxsize=CACHE_REPEATED)
def _full(raw: str) -> tuple[str | None, _Part | None, _Part | None]:
    """(civility, first, last) of a full-name column."""
    text = _clean_name(raw)
    if text is None:
        return None, None, None
    code, rest = _strip_civility(text)
    first, last = _split_full_name(rest)
    return code, _part(first), _part(last)


_NO_COLUMN: tuple[str | None, _Part | None] = (None, None)


@lru_cache(maxsize=CACHE_DISTINCT)
def normalize_person_name(
    first: str | None,
    last: str | None,
    full: str | None = None,
    civility: str | None = None,
) -> PersonName:
    """Normalize a person's civility, first and last names.

    A full name is split when the first or last name is missing ("Mme DUPONT Marie-Hélène",
    "Marie-Hélène Dupont", "DUPONT Marie"); a civility typed in front of a name is recognised; first and
    last names given in the wrong columns are swapped back (``swapped`` is then True).

    Args:
        first: Raw first name.
        last: Raw last name.
        full: Raw full name, used only to fill a missing first or last name.
        civility: Raw civility ("Mr", "Mme", "Madame", "Dr"...).

    Returns:
        A PersonName; ``valid`` is True when at least one name part is usable.
    """
    try:
        return _normalize_person_name(first, last, full, civility)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return PersonName(None, None, None, None, None, first, last, full, civility)


def _normalize_person_name(
    first: str | None, last: str | None, full: str | None, civility: str | None
) -> PersonName:
    civ = None if civility is None else normalize_civility(civility)
    first_civ, first_part = _NO_COLUMN if first is None else _column(first, True)
    last_part = None if last is None else _column(last, False)[1]
    civ = civ or first_civ
    first_raw, last_raw = first, last
    swapped = False
    if (first_part is None or last_part is None) and full is not None:
        full_civ, split_first, split_last = _full(full)
        civ = civ or full_civ
        if first_part is None and split_first is not None:
            first_part = split_first
            first_raw = first if first is not None and clean(first) else full
        if last_part is None and split_last is not None:
            last_part = split_last
            last_raw = last if last is not None and clean(last) else full
    elif (
        # Columns inverted at the source: the "last" looks like a given name and the "first" does not.
        first_part is not None
        and last_part is not None
        and last_part.looks_first
        and not first_part.looks_first
    ):
        first_part, last_part = last_part, first_part
        swapped = True
    return PersonName(
        civ,
        None if first_part is None else first_part.display,
        None if last_part is None else last_part.display,
        None if first_part is None else first_part.key,
        None if last_part is None else last_part.key,
        first_raw,
        last_raw,
        full,
        civility,
        swapped,
        first_part is not None or last_part is not None,
    )
