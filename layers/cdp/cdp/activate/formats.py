"""What each kind of destination receives for one person: pure functions of the golden record.

Customer-match hashing follows the platforms' published normalization rules:

- Google Ads Customer Match: e-mail trimmed and lower-cased, and for gmail.com / googlemail.com the
  dots of the local part removed (plus tags are kept); phone in E.164 with its "+"; SHA-256, hex.
- Meta custom audiences: e-mail trimmed and lower-cased (nothing else); phone as digits only with the
  country code, no "+" and no leading zeros; SHA-256, hex.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cdp.normalize.phone import normalize_phone

Platform = Literal["google", "meta"]
_GOOGLE_DOTLESS_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 text, lower-case hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def match_email(email: str, platform: Platform) -> str | None:
    """An e-mail normalized the way the platform hashes it, or None when it is not an address."""
    normalized = email.strip().lower()
    local, at, domain = normalized.partition("@")
    if not at or not local or not domain:
        return None
    if platform == "google" and domain in _GOOGLE_DOTLESS_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def match_phone(phone: str, platform: Platform, default_region: str = "FR") -> str | None:
    """A phone in the platform's form (E.164 for Google, its digits for Meta), or None when invalid."""
    e164 = normalize_phone(phone, default_region).value
    if e164 is None:
        return None
    return e164 if platform == "google" else e164.lstrip("+")


def customer_match_record(profile: Mapping[str, Any], platform: Platform) -> dict[str, Any] | None:
    """The hashed identifiers of one person (every known e-mail and phone), or None when nothing matches."""
    emails = {e for e in (profile.get("emails") or [profile.get("email")]) if e}
    phones = {p for p in (profile.get("phones") or [profile.get("phone")]) if p}
    country = profile.get("country") or "FR"
    hashed_emails = sorted({sha256_hex(m) for e in emails if (m := match_email(e, platform))})
    hashed_phones = sorted({sha256_hex(m) for p in phones if (m := match_phone(p, platform, country))})
    if not hashed_emails and not hashed_phones:
        return None
    return {"hashed_emails": hashed_emails, "hashed_phones": hashed_phones}


def field_record(profile: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The listed golden fields of one person (missing ones are null)."""
    return {name: profile.get(name) for name in fields}


def mapped_record(profile: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    """A CRM record: each CRM field takes the golden field it is mapped to."""
    return {crm_field: profile.get(golden_field) for crm_field, golden_field in mapping.items()}


def render_file(records: Sequence[Mapping[str, Any]], columns: Sequence[str], file_format: str) -> bytes:
    """One batch as a CSV (header, UTF-8) or Parquet file, columns in the configured order."""
    table = pa.Table.from_pylist(
        [{c: _scalar(r.get(c)) for c in columns} for r in records],
        schema=pa.schema([(c, pa.string()) for c in columns]),
    )
    sink = io.BytesIO()
    if file_format == "csv":
        pacsv.write_csv(table, sink)
    elif file_format == "parquet":
        pq.write_table(table, sink, compression="zstd")
    else:
        raise ValueError(f"unknown file format {file_format!r}; use csv or parquet")
    return sink.getvalue()


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return "|".join(str(v) for v in value)
    return str(value)
