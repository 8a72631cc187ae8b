"""A reference company register (SIRENE-like) that verifies and enriches golden accounts.

The register lists establishments: SIREN, SIRET, legal name, activity code (NAF/APE), headcount band,
administrative state (A active, F closed) and address. A golden account is looked up by its SIRET, then
by its SIREN; what the register says is added to the account, never replacing the sources' own values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from cdp.normalize.company import normalize_siren, normalize_siret


class RegisterStatus(StrEnum):
    """What the register says about a golden account."""

    VERIFIED = "verified"  # found, and active
    CLOSED = "closed"  # found, but its establishment (or, by SIREN, every establishment) is closed
    NOT_FOUND = "not_found"  # the account has a valid SIRET or SIREN the register does not know
    NO_IDENTIFIER = "no_identifier"  # the account has neither a valid SIRET nor a valid SIREN
    NOT_CHECKED = "not_checked"  # there is no register


# The register's columns (SIRENE's own names are accepted as aliases).
COLUMN_ALIASES: dict[str, str] = {
    "siren": "siren",
    "siret": "siret",
    "legal_name": "legal_name",
    "denominationunitelegale": "legal_name",
    "activity_code": "activity_code",
    "activiteprincipaleetablissement": "activity_code",
    "headcount_band": "headcount_band",
    "trancheeffectifsetablissement": "headcount_band",
    "establishment_state": "establishment_state",
    "etatadministratifetablissement": "establishment_state",
    "head_office": "head_office",
    "etablissementsiege": "head_office",
    "street": "street",
    "postcode": "postcode",
    "codepostaletablissement": "postcode",
    "city": "city",
    "libellecommuneetablissement": "city",
}
REQUIRED_COLUMNS = ("siret", "establishment_state")
_STATES = {"A": False, "F": True}  # state -> closed
_TRUE = {"true", "1", "o", "oui", "y", "yes"}

# Columns the register adds to each golden account.
REGISTER_COLUMNS = (
    "register_status",
    "register_match",
    "legal_name",
    "activity_code",
    "headcount_band",
    "establishment_closed",
)


class RegisterError(ValueError):
    """The register file cannot be used as a whole (a required column is missing)."""


@dataclass(frozen=True)
class Establishment:
    """One establishment of the register."""

    siret: str
    siren: str
    closed: bool
    head_office: bool
    legal_name: str | None
    activity_code: str | None
    headcount_band: str | None


@dataclass
class Register:
    """Establishments by SIRET and by SIREN, and the rows that were not usable (with the reason)."""

    by_siret: dict[str, Establishment] = field(default_factory=dict)
    by_siren: dict[str, list[Establishment]] = field(default_factory=lambda: defaultdict(list))
    rejected: list[tuple[int, str]] = field(default_factory=list)

    def representative(self, siren: str) -> Establishment | None:
        """The establishment that speaks for a company: its head office, else an active one, else any
        (the smallest SIRET, so the choice is deterministic)."""
        establishments = self.by_siren.get(siren)
        if not establishments:
            return None
        return min(establishments, key=lambda e: (not e.head_office, e.closed, e.siret))


def canonical_columns(columns: Iterable[str], origin: str) -> dict[str, str]:
    """Register column -> canonical name; raises RegisterError naming the file when one is missing."""
    mapping = {c: COLUMN_ALIASES[c.strip().lower()] for c in columns if c.strip().lower() in COLUMN_ALIASES}
    missing = [name for name in REQUIRED_COLUMNS if name not in mapping.values()]
    if missing:
        raise RegisterError(f"{origin}: the register lacks column(s) {', '.join(missing)}")
    return mapping


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


def add_rows(register: Register, rows: Iterable[tuple[int, Mapping[str, str | None]]]) -> None:
    """Add register rows (line number, canonical column -> raw text); an unusable row is rejected with
    its reason, the others are kept."""
    for line_no, row in rows:
        siret = normalize_siret(row.get("siret"))
        state = (_text(row.get("establishment_state")) or "").upper()
        if not siret.valid or siret.value is None or siret.siren is None:
            register.rejected.append((line_no, f"invalid SIRET {row.get('siret')!r}"))
            continue
        if state not in _STATES:
            register.rejected.append((line_no, f"establishment state {state!r} is neither A nor F"))
            continue
        given_siren = row.get("siren")
        if given_siren is not None and normalize_siren(given_siren).value != siret.siren:
            register.rejected.append((line_no, f"SIREN {given_siren!r} is not the SIRET's"))
            continue
        establishment = Establishment(
            siret=siret.value,
            siren=siret.siren,
            closed=_STATES[state],
            head_office=(_text(row.get("head_office")) or "").lower() in _TRUE,
            legal_name=_text(row.get("legal_name")),
            activity_code=_text(row.get("activity_code")),
            headcount_band=_text(row.get("headcount_band")),
        )
        register.by_siret[establishment.siret] = establishment
        register.by_siren[establishment.siren].append(establishment)


def verify_account(account: Mapping[str, Any], register: Register | None) -> dict[str, Any]:
    """The register's columns for one golden account: looked up by SIRET, then by SIREN.

    By SIRET, the establishment's own state decides (closed when it is closed); by SIREN, the company is
    closed only when every establishment the register lists for it is closed, and `establishment_closed`
    stays unknown (the account's own establishment is not in the register).
    """
    result: dict[str, Any] = dict.fromkeys(REGISTER_COLUMNS)
    if register is None:
        result["register_status"] = RegisterStatus.NOT_CHECKED.value
        return result
    siret = account.get("siret")
    siren = account.get("siren") or (siret[:9] if siret else None)
    if not siret and not siren:
        result["register_status"] = RegisterStatus.NO_IDENTIFIER.value
        return result
    found = register.by_siret.get(siret) if siret else None
    if found is not None:
        result["register_match"] = "siret"
        result["establishment_closed"] = found.closed
        closed = found.closed
    else:
        found = register.representative(siren) if siren else None
        if found is None:
            result["register_status"] = RegisterStatus.NOT_FOUND.value
            return result
        result["register_match"] = "siren"
        closed = all(e.closed for e in register.by_siren[found.siren])
    result["register_status"] = (RegisterStatus.CLOSED if closed else RegisterStatus.VERIFIED).value
    result["legal_name"] = found.legal_name
    result["activity_code"] = found.activity_code
    result["headcount_band"] = found.headcount_band
    return result


def verify_accounts(accounts: Sequence[dict[str, Any]], register: Register | None) -> list[dict[str, Any]]:
    """Golden accounts with the register's columns added (see `verify_account`)."""
    return [{**account, **verify_account(account, register)} for account in accounts]
