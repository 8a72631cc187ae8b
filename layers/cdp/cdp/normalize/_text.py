"""Text helpers shared by the normalizers: cleaning, folding, null detection, casing."""

from __future__ import annotations

import string
import unicodedata

from unidecode import unidecode

from cdp.normalize.data import NULL_TOKENS

# Memo cache sizes. Values that are mostly distinct per person (e-mails, phones, timestamps, street lines)
# get small caches: a big one would rarely hit yet keep hundreds of thousands of objects alive for the
# garbage collector to scan. Values that repeat (name parts, cities, dates, domains) get larger ones.
CACHE_DISTINCT = 16384
CACHE_REPEATED = 65536
CACHE_FEW = 4096

# No genuine field value is longer than this: longer input is treated as garbage (kept raw, not parsed),
# which also bounds the cost of every regex and table lookup.
MAX_LEN = 1000

# Control characters become spaces (a tab or newline inside a cell separates words); invisible format
# characters (zero-width, BOM, soft hyphen) are dropped because they split words that look whole.
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x200E, 0x200F}
_CONTROL_TABLE: dict[int, str | None] = {c: " " for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROL_TABLE.update(dict.fromkeys(_INVISIBLE))

# Typographic apostrophes and dashes are unified so names, streets and cities compare equal however they
# were typed (Word and macOS replace "'" by "’" and "-" by "‐").
_APOSTROPHES_DASHES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-", "—": "-", "−": "-"}
)

# Folding: punctuation becomes a space, except apostrophes which are dropped ("O'Brien" ~ "OBrien").
_FOLD_TABLE = str.maketrans({**{c: " " for c in string.punctuation if c != "'"}, "'": None, "’": None})


def clean(raw: object) -> str | None:
    """Trim, collapse whitespace, drop control/invisible characters and NFC-normalize.

    Args:
        raw: Any value; non-strings are converted with ``str``.

    Returns:
        The cleaned string, or None when nothing is left.
    """
    if raw is None:
        return None
    s = raw if raw.__class__ is str else str(raw)
    if not s:
        return None
    if s.isprintable():
        # Printable text has no whitespace but plain spaces: collapse only when needed (the usual case
        # is a clean value, returned as is).
        if s[0] == " " or s[-1] == " " or "  " in s:
            s = " ".join(s.split())
    else:
        s = " ".join(s.translate(_CONTROL_TABLE).split())
    # Decomposed accents (macOS exports) would not compare equal to composed ones.
    if not s.isascii() and not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    return s or None


def unify_punctuation(s: str) -> str:
    """Replace typographic apostrophes and dashes by their ASCII forms."""
    return s if s.isascii() else s.translate(_APOSTROPHES_DASHES)


# Transliteration of the Latin-1, Latin Extended-A/B and punctuation blocks, precomputed with unidecode:
# one C-level str.translate instead of unidecode's per-character Python loop (10x faster on accents).
_ASCII_TABLE: dict[int, str] = {
    cp: unidecode(chr(cp)) for cp in (*range(0x80, 0x250), *range(0x2000, 0x2070), 0x20AC)
}


def to_ascii(s: str) -> str:
    """ASCII transliteration ("Élodie Lefèvre" -> "Elodie Lefevre", "Straße" -> "Strasse")."""
    if s.isascii():
        return s
    s = s.translate(_ASCII_TABLE)
    return s if s.isascii() else unidecode(s)


def fold(s: str) -> str:
    """Matching key of a text: ASCII transliteration, lowercase, punctuation to spaces, collapsed.

    Apostrophes are removed rather than spaced so "O'Brien" and "OBrien" share a key.
    """
    if not s.isascii():
        s = to_ascii(s)
    return " ".join(s.lower().translate(_FOLD_TABLE).split())


NULL_KEYS: frozenset[str] = frozenset(fold(t) for t in NULL_TOKENS) - {""}


def is_null_text(s: str) -> bool:
    """Whether a cleaned string means "no value" ("N/A", "-", "null", "??", only symbols or emoji)."""
    if s[0].isdigit():  # numbers, postcodes, street lines: no null marker starts with a digit
        return False
    if len(s) > 24:  # longer than any null marker: null only when it carries no letter or digit at all
        return not any(c.isalnum() for c in s)
    key = fold(s)
    return not key or key in NULL_KEYS


def cap_first(word: str) -> str:
    """Uppercase the first character and lowercase the rest."""
    return word[:1].upper() + word[1:].lower()


def source_has_no_case(s: str) -> bool:
    """Whether a text is all uppercase or all lowercase, so its casing carries no information."""
    return s.isupper() or s.islower()
