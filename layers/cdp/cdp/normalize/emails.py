"""E-mail addresses: cleaning, pragmatic syntax check, typo suggestion, role detection, matching key."""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA
from unidecode import unidecode

from cdp.normalize._frozen import frozen
from cdp.normalize._text import CACHE_DISTINCT, CACHE_FEW, CACHE_REPEATED, clean
from cdp.normalize.data import COMMON_EMAIL_DOMAINS, ROLE_LOCAL_PARTS, WEBMAIL_DOMAINS

# Pragmatic RFC 5322 subset (what mailbox providers actually accept), lowercase only since the input is
# lowercased first. No quoted local parts, no IP-literal domains: they never occur in customer data.
_LOCAL_RE = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})")
# Spaces typed around "@" and "." ("jean . dupont @ gmail . com").
_SPACES_AROUND = re.compile(r"\s*([@.])\s*")
# Separators between several addresses in one cell.
_MULTI_SEP = re.compile(r"[\s;,/|]+")
# Characters trimmed from both ends (quotes, brackets, trailing punctuation of a sentence).
_TRIM = " \"'<>()[]{},;:."

_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
# Provider names typed without their TLD ("jean@gmail") -> the usual domain for French customers.
_BARE_PROVIDERS = {
    "gmail": "gmail.com",
    "hotmail": "hotmail.fr",
    "yahoo": "yahoo.fr",
    "orange": "orange.fr",
    "wanadoo": "wanadoo.fr",
    "free": "free.fr",
    "laposte": "laposte.net",
    "sfr": "sfr.fr",
    "outlook": "outlook.fr",
    "live": "live.fr",
    "icloud": "icloud.com",
}
_ROLE_STRIP = str.maketrans("", "", ".-_")
# Characters whose presence sends an address through the slow repair path.
_NEEDS_REPAIR = frozenset(" <>,;:\"'()[]{}/|")


@frozen
class Email:
    """A normalized e-mail address.

    ``value`` and ``key`` are set only when the address is syntactically valid. ``suggestion`` is a
    corrected address when the domain looks like a typo of a common provider ("gmial.com").
    """

    value: str | None
    raw: str | None
    valid: bool
    key: str | None = None
    is_role: bool = False
    suggestion: str | None = None
    domain: str | None = None


@lru_cache(maxsize=CACHE_FEW)
def suggest_domain(domain: str) -> str | None:
    """Closest common provider domain when ``domain`` looks like a typo of it, else None.

    Args:
        domain: A lowercase domain, e.g. "hotmial.com".

    Returns:
        The suggested domain, or None when the domain is a known one or not close to any.
    """
    if "." not in domain:
        return _BARE_PROVIDERS.get(domain)
    if domain in WEBMAIL_DOMAINS or len(domain) < 6:
        return None
    # Short domains tolerate one edit, longer ones two (transpositions count as one edit).
    cutoff = 1 if len(domain) <= 8 else 2
    match = process.extractOne(domain, COMMON_EMAIL_DOMAINS, scorer=OSA.distance, score_cutoff=cutoff)
    return match[0] if match is not None else None


def _role(local: str) -> bool:
    """Whether a local part designates a function rather than a person ("contact", "no-reply")."""
    base = local.partition("+")[0]
    if base in ROLE_LOCAL_PARTS:
        return True
    # First segment ("info.paris", "contact-lyon") or the whole part without separators ("no-reply").
    first = base.replace("-", ".").replace("_", ".").partition(".")[0]
    return first in ROLE_LOCAL_PARTS or base.translate(_ROLE_STRIP) in ROLE_LOCAL_PARTS


def _key(local: str, domain: str) -> str:
    """Matching key: "+tag" dropped everywhere; Gmail also ignores dots and has two domains."""
    local = local.partition("+")[0] or local
    if domain in _GMAIL_DOMAINS:
        return f"{local.replace('.', '')}@gmail.com"
    return f"{local}@{domain}"


def _keep_separator(match: re.Match[str]) -> str:
    return match.group(1)


def _extract(s: str) -> str | None:
    """The single address candidate in a cleaned cell, lowercased, or None when there is none."""
    s = s.lower()
    if "<" in s and ">" in s:  # "Jean Dupont <jean@x.fr>"
        inner = s[s.rfind("<") + 1 : s.rfind(">")]
        if "@" in inner:
            s = inner
    if s.startswith("mailto:"):
        s = s[7:]
    s = s.replace("@@", "@")
    if s.count("@") > 1:  # several addresses in one cell: keep the first
        for part in _MULTI_SEP.split(s):
            if "@" in part:
                s = part
                break
    if " " in s:
        s = _SPACES_AROUND.sub(_keep_separator, s)
    s = s.strip(_TRIM)
    # "gmail,com": a comma typed for the dot of the TLD.
    at = s.rfind("@")
    if at > 0 and "," in s[at:]:
        s = s[:at] + s[at:].replace(",", ".")
    while ".." in s:
        s = s.replace("..", ".")
    return s or None


@lru_cache(maxsize=CACHE_DISTINCT)
def normalize_email(raw: str | None) -> Email:
    """Normalize an e-mail address.

    Trims and lowercases, extracts the address from "Name <address>", fixes spaces and doubled
    punctuation, checks the syntax, flags role mailboxes, suggests a fix for provider typos and builds a
    matching key (Gmail dots and "+tags" ignored).

    Args:
        raw: The address as typed.

    Returns:
        An Email; ``value`` is None and ``valid`` False when the address is unusable.
    """
    try:
        return _normalize_email(raw)
    except Exception:  # noqa: BLE001 - a normalizer never raises
        return Email(None, raw, False)


def _normalize_email(raw: str | None) -> Email:
    s = clean(raw)
    if s is None or len(s) > 320 or "@" not in s:
        return Email(None, raw, False)
    # Fast path: a single plain address (the vast majority) needs no repair.
    if s.count("@") == 1 and ".." not in s and _NEEDS_REPAIR.isdisjoint(s):
        s = s.lower().strip(".")
    else:
        s = _extract(s)
        if s is None or " " in s or s.count("@") != 1:
            return Email(None, raw, False)
    local, _, domain = s.partition("@")
    suggestion = None
    if not s.isascii():
        if not local.isascii():
            # Accented local parts are refused by the big providers: suggest the transliteration.
            folded = unidecode(local)
            if _LOCAL_RE.fullmatch(folded) and _DOMAIN_RE.fullmatch(domain):
                suggestion = f"{folded}@{domain}"
            return Email(None, raw, False, suggestion=suggestion)
        # Internationalised domain -> punycode; letters and digits only (no emoji domains, as IDNA 2008).
        if not all(c.isalnum() or c in ".-" for c in domain):
            return Email(None, raw, False)
        domain = domain.encode("idna").decode("ascii")
        s = f"{local}@{domain}"
    domain_ok, fix = _domain_info(domain)
    if not domain_ok or len(local) > 64 or len(s) > 254 or not _LOCAL_RE.fullmatch(local):
        if fix is not None and _LOCAL_RE.fullmatch(local):  # "jean@orange.f", "jean@gmail"
            suggestion = f"{local}@{fix}"
        return Email(None, raw, False, suggestion=suggestion)
    return Email(
        value=s,
        raw=raw,
        valid=True,
        key=_key(local, domain),
        is_role=_role(local),
        suggestion=f"{local}@{fix}" if fix is not None else None,
        domain=domain,
    )


@lru_cache(maxsize=CACHE_REPEATED)
def _domain_info(domain: str) -> tuple[bool, str | None]:
    """(syntactically valid, suggested provider domain) of a domain: domains repeat, locals do not."""
    return _DOMAIN_RE.fullmatch(domain) is not None, suggest_domain(domain)
